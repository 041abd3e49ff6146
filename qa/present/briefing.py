"""A briefing of chosen questions: what goes in (shared by Markdown, Word and slides).

Each entry keeps the answer in the documents' own words, its citations (document title,
文号 and section path per [n]), the comparison across documents with its 地区 column
and the documents it leaves out, and the figures related to the question, so the
briefing can be checked against the sources without the app. The Word document
(``briefing_docx``) and the slide deck (``briefing_pptx``) render the same entries.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.answer.text import COMPARATOR_WORDS, not_found_lead
from qa.present.related import missing_from_comparison, related_figures
from qa.types import Answer, CitedFigure, Document

TITLE = "问答简报"
NO_SECTION = "（正文开头）"
COMPARISON_HEADERS = ("地区", "指标", "数值", "单位", "比较", "目标年份", "出处")
FIGURE_HEADERS = ("地区", "指标", "数值", "单位", "比较", "目标年份", "牵头部门", "出处")


def _section(path: Sequence[str]) -> str:
    return " › ".join(path) or NO_SECTION


@dataclass(frozen=True)
class Entry:
    """One question of a briefing, as every format shows it."""

    question: str
    found: bool
    lines: tuple[str, ...]  # the answer's sentences with [n], or why not found
    sources: tuple[str, ...]  # "[n] 《title》（文号） section path"
    comparison: tuple[tuple[str, ...], ...]  # rows under COMPARISON_HEADERS
    missing: str  # "" or the sentence naming documents left out of the comparison
    figures: tuple[tuple[str, ...], ...]  # rows under FIGURE_HEADERS
    chart_series: tuple[tuple[str, tuple[tuple[str, float, str], ...]], ...]
    # per compared indicator: (indicator, ((region, number, value as written), ...))


def _figure_cells(cited: CitedFigure, region: str, with_lead: bool) -> tuple[str, ...]:
    f = cited.figure
    cells = [
        region,
        f.indicator,
        f.value,
        f.unit,
        COMPARATOR_WORDS.get(f.comparator, f.comparator),
        str(f.target_year or ""),
    ]
    if with_lead:
        cells.append(f.lead_department)
    cells.append(f"[{cited.passage_rank}]")
    return tuple(cells)


def _series(
    answer: Answer, region_of: Mapping[str, str]
) -> list[tuple[str, tuple[tuple[str, float, str], ...]]]:
    """The comparison grouped by indicator (one chart each), numeric values only."""
    groups: dict[str, list[tuple[str, float, str]]] = {}
    for cited in answer.table:
        f = cited.figure
        if f.number is None:
            continue
        key = f"{f.indicator}（{f.unit}）" if f.unit else f.indicator
        groups.setdefault(key, []).append((region_of.get(f.doc_id, f.doc_id), f.number, f.value))
    # Several regions under one heading read as a comparison; indicators that only
    # one region states are grouped by unit so they still share a chart.
    by_unit: dict[str, list[tuple[str, float, str]]] = {}
    out = []
    for key, points in groups.items():
        if len(points) >= 2:
            out.append((key, tuple(points)))
        else:
            unit = key[key.rfind("（") :] if key.endswith("）") else ""
            by_unit.setdefault(unit, []).extend(
                (f"{region} {key.removesuffix(unit)}", number, value)
                for region, number, value in points
            )
    for unit, points in by_unit.items():
        out.append((f"各地的指标{unit}", tuple(points)))
    return out


def entry(answer: Answer, documents: Mapping[str, Document]) -> Entry:
    region_of = {p.chunk.doc_id: p.region or p.doc_title for p in answer.passages}
    if answer.found:
        lines = tuple(
            (f"{s.label}：" if s.label else "")
            + s.text
            + "".join(f"[{c.passage_rank}]" for c in s.citations)
            for s in answer.sentences
        ) or (answer.answer,)
    else:
        lines = (f"{not_found_lead(answer.answer)}{answer.not_found_reason}",)
    sources = []
    for p in answer.passages:
        document = documents.get(p.chunk.doc_id)
        number = f"（{document.doc_number}）" if document and document.doc_number else ""
        sources.append(f"[{p.rank}] 《{p.doc_title}》{number} {_section(p.chunk.section_path)}")
    missing = missing_from_comparison(answer, documents)
    missing_text = (
        "以下文件没有写明这一指标的数值，未列入对比："
        + "、".join(d.region or d.title for d in missing)
        + "。"
        if missing
        else ""
    )
    return Entry(
        # A follow-up (厦门呢?) means nothing on its own: the briefing states it whole.
        question=answer.resolved_question or answer.question,
        found=answer.found,
        lines=lines,
        sources=tuple(sources),
        comparison=tuple(
            _figure_cells(c, region_of.get(c.figure.doc_id, ""), False) for c in answer.table
        ),
        missing=missing_text,
        figures=tuple(
            _figure_cells(c, region_of.get(c.figure.doc_id, ""), True)
            for c in (related_figures(answer) if answer.found else [])
            if c not in answer.table
        ),
        chart_series=tuple(_series(answer, region_of)),
    )


def entries(answers: Sequence[Answer], documents: Mapping[str, Document]) -> list[Entry]:
    return [entry(a, documents) for a in answers]


def created_now() -> str:
    return time.strftime("%Y年%m月%d日 %H:%M")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(_md(c) for c in row) + " |" for row in rows),
        "",
    ]


def briefing_markdown(
    answers: Sequence[Answer],
    documents: Mapping[str, Document] | None = None,
    *,
    created: str | None = None,
    extra: str = "",
) -> str:
    """The briefing as Markdown (also the page's rendered preview); ``extra`` (e.g. a
    duty table from qa.present.duties.duties_markdown) is appended as is."""
    created = created or created_now()
    items = entries(answers, documents or {})
    lines = [f"# {TITLE}", "", f"生成时间：{created}　共 {len(items)} 个问题", ""]
    for number, item in enumerate(items, 1):
        lines += [f"## {number}. {item.question}", ""]
        lines += [*(f"{line}  " for line in item.lines), ""]
        if item.comparison:
            lines += ["**各地对比**", "", *_md_table(COMPARISON_HEADERS, item.comparison)]
        if item.missing:
            lines += [item.missing, ""]
        if item.figures:
            lines += ["**相关数据**", "", *_md_table(FIGURE_HEADERS, item.figures)]
        if item.sources:
            lines += ["**出处**", "", *(f"- {s}" for s in item.sources), ""]
    if extra.strip():
        lines += [extra.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"

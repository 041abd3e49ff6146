"""HTML for the browser UI: pure functions from domain objects to escaped markup.

Every piece of document or question text goes through ``html.escape`` (or a Markdown
renderer with raw HTML disabled) before it is placed in markup, so a document that
contains ``<script>`` is shown as text. The app only wires these into components.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

import pandas as pd

from qa.answer.text import COMPARATOR_WORDS
from qa.textnorm import search_form
from qa.types import (
    Answer,
    AnswerProgress,
    AnswerSentence,
    Chunk,
    CitedFigure,
    Document,
    Figure,
    Passage,
    Section,
)

NO_SECTION = "（正文开头）"

# Scoped to the HTML component by Gradio (css_template), so the page needs no global CSS.
CARD_CSS = """
.qa-answer { font-size: 1.05rem; line-height: 1.7; margin-bottom: .8rem; }
.qa-answer table { border-collapse: collapse; margin: .5rem 0; }
.qa-answer th, .qa-answer td { border: 1px solid #d0d7de; padding: 2px 8px; }
.qa-notfound { background: #fff4e5; border-left: 4px solid #f0a020; padding: .6rem .8rem;
  margin-bottom: .8rem; }
.qa-cite { color: #1a5fb4; font-weight: 600; text-decoration: none; }
.qa-card { border: 1px solid #d0d7de; border-radius: 8px; padding: .6rem .9rem;
  margin: .6rem 0; background: #fbfbfc; }
.qa-card-head { font-weight: 600; }
.qa-rank { color: #1a5fb4; margin-right: .4rem; }
.qa-region { color: #555; font-weight: 400; margin-left: .5rem; font-size: .9rem; }
.qa-crumbs { color: #555; font-size: .9rem; margin: .2rem 0 .4rem; }
.qa-text { white-space: pre-wrap; line-height: 1.65; }
mark.qa-sentence { background: #fff3a3; padding: 0 1px; }
mark.qa-value { background: #b6e3c6; font-weight: 600; padding: 0 2px; border-radius: 3px; }
.qa-figures { border-collapse: collapse; margin-top: .6rem; width: 100%; font-size: .92rem; }
.qa-figures th, .qa-figures td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; }
.qa-figures th { background: #f0f3f6; white-space: nowrap; }
.qa-figures td:nth-child(n+2):nth-child(-n+5) { white-space: nowrap; }
.qa-question { color: #555; margin-bottom: .3rem; }
.qa-section-text { white-space: pre-wrap; line-height: 1.65; border: 1px solid #d0d7de;
  border-radius: 8px; padding: .6rem .9rem; }
.qa-mode { color: #555; font-size: .9rem; margin-bottom: .3rem; }
.qa-generated { border-bottom: 1px dashed #1a5fb4; }
.qa-note { background: #eef4fb; border-left: 4px solid #1a5fb4; padding: .4rem .8rem;
  margin-bottom: .6rem; font-size: .92rem; }
.qa-draft { color: #666; white-space: pre-wrap; line-height: 1.7; border: 1px dashed #d0d7de;
  border-radius: 8px; padding: .6rem .9rem; margin-bottom: .8rem; }
"""

GENERATED_LABEL = "以下回答由模型根据所引段落写成；每句的出处和数字都已与段落核对。"
GENERATED_TITLE = "模型生成，已与所引段落核对"
DRAFT_LABEL = "模型正在作答（尚未核对，核对后才是最终回答）："


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def breadcrumb(section_path: Sequence[str]) -> str:
    """Plain-text section path: 一、… › (四)…"""
    return " › ".join(section_path) or NO_SECTION


def comparator_word(comparator: str) -> str:
    return COMPARATOR_WORDS.get(comparator, comparator)


def citation_links(sentence: AnswerSentence) -> str:
    return "".join(
        f'<a class="qa-cite" href="#qa-card-{c.passage_rank}">[{c.passage_rank}]</a>'
        for c in sentence.citations
    )


def sentences_html(sentences: Sequence[AnswerSentence]) -> str:
    """The answer's sentences with their citation links; per-document ones one per line."""
    parts = []
    for sentence in sentences:
        label = f"<b>{esc(sentence.label)}</b>：" if sentence.label else ""
        text = esc(sentence.text)
        if sentence.generated:
            text = f'<span class="qa-generated" title="{GENERATED_TITLE}">{text}</span>'
        parts.append(f"{label}{text}{citation_links(sentence)}")
    return "<br>".join(parts) if any(s.label for s in sentences) else "".join(parts)


def comparison_html(answer: Answer) -> str:
    if not answer.table:
        return ""
    region_of = {p.chunk.doc_id: p.region or p.doc_title for p in answer.passages}
    head = "".join(
        f"<th>{h}</th>" for h in ("地区", "指标", "数值", "单位", "比较", "目标年份", "出处")
    )
    rows = []
    for cited in answer.table:
        f = cited.figure
        cells = [
            esc(region_of.get(f.doc_id, f.doc_id)),
            esc(f.indicator),
            esc(f.value),
            esc(f.unit),
            esc(comparator_word(f.comparator)),
            esc(f.target_year or ""),
            f'<a class="qa-cite" href="#qa-card-{cited.passage_rank}">[{cited.passage_rank}]</a>',
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def cited_spans(answer: Answer, passage: Passage) -> list[tuple[int, int]]:
    """Where the answer's sentences lie in a passage (offsets in the chunk text)."""
    chunk = passage.chunk
    spans = []
    for sentence in answer.sentences:
        for c in sentence.citations:
            if c.passage_rank != passage.rank:
                continue
            start, end = c.span[0] - chunk.span[0], c.span[1] - chunk.span[0]
            if 0 <= start < end <= len(chunk.text):
                spans.append((start, end))
    return spans


def _value_spans(passage: Passage, figures: Iterable[CitedFigure]) -> list[tuple[int, int]]:
    chunk = passage.chunk
    spans = []
    for cited in figures:
        if cited.passage_rank != passage.rank:
            continue
        figure = cited.figure
        inside = figure.text.find(figure.value)
        if inside < 0:
            continue
        start = figure.span[0] + inside - chunk.span[0]
        end = start + len(figure.value)
        if start >= 0 and chunk.text[start:end] == figure.value:
            spans.append((start, end))
    return spans


def highlight(
    text: str, sentences: Sequence[tuple[int, int]], values: Sequence[tuple[int, int]]
) -> str:
    """Escaped ``text`` with answer sentences and figure values wrapped in <mark>."""
    cuts = sorted({0, len(text), *(p for span in [*sentences, *values] for p in span)})
    parts = []
    for start, end in pairwise(cuts):
        piece = esc(text[start:end])
        if any(s <= start and end <= e for s, e in values):
            piece = f'<mark class="qa-value">{piece}</mark>'
        if any(s <= start and end <= e for s, e in sentences):
            piece = f'<mark class="qa-sentence">{piece}</mark>'
        parts.append(piece)
    return "".join(parts)


def passage_card(
    passage: Passage, sentence_spans: Sequence[tuple[int, int]], figures: Sequence[CitedFigure]
) -> str:
    chunk = passage.chunk
    body = highlight(chunk.text, sentence_spans, _value_spans(passage, figures))
    return (
        f'<div class="qa-card" id="qa-card-{passage.rank}">'
        f'<div class="qa-card-head"><span class="qa-rank">[{passage.rank}]</span>'
        f"《{esc(passage.doc_title)}》"
        f'<span class="qa-region">{esc(passage.region)}</span>{_page_note(passage)}</div>'
        f'<div class="qa-crumbs">{esc(breadcrumb(chunk.section_path))}</div>'
        f'<div class="qa-text">{body}</div></div>'
    )


def _page_note(passage: Passage) -> str:
    """第N页 for PDF/OFD/scans, and a warning when the words were recognised by OCR."""
    from qa.ingest.pages import page_label

    note = ""
    if passage.pages:
        note += f' <span class="qa-page">{esc(page_label(passage.pages))}</span>'
    if passage.ocr_confidence is not None:
        note += (
            f' <span class="qa-ocr" title="扫描件文字识别，置信度 {passage.ocr_confidence:.2f}">'
            "OCR 识别，请以原件为准</span>"
        )
    return note


def figures_table_html(answer: Answer) -> str:
    if not answer.figures:
        return ""
    title_of = {p.rank: p.doc_title for p in answer.passages}
    path_of = {p.rank: p.chunk.section_path for p in answer.passages}
    head = "".join(
        f"<th>{h}</th>" for h in ("指标", "数值", "单位", "比较", "目标年份", "牵头部门", "出处")
    )
    rows = []
    for cited in answer.figures:
        f = cited.figure
        source = (
            f"《{title_of.get(cited.passage_rank, f.doc_id)}》 "
            f"{breadcrumb(path_of.get(cited.passage_rank, f.section_path))} [{cited.passage_rank}]"
        )
        cells = (
            f.indicator,
            f.value,
            f.unit,
            comparator_word(f.comparator),
            f.target_year or "",
            f.lead_department,
            source,
        )
        rows.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    return (
        '<h4>相关数据</h4><table class="qa-figures"><thead><tr>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def answer_html(answer: Answer) -> str:
    """The whole result: answer (or a plain not-found notice), passage cards, figures."""
    if answer.found:
        top = (
            f'<div class="qa-answer">{sentences_html(answer.sentences)}'
            f"{comparison_html(answer)}</div>"
        )
    else:
        top = f'<div class="qa-notfound"><b>未找到答案。</b>{esc(answer.answer)}</div>'
    cards = "".join(
        passage_card(p, cited_spans(answer, p) if answer.found else [], answer.figures)
        for p in answer.passages
    )
    heading = "<h4>引用段落</h4>" if answer.found else "<h4>最接近的段落（仅供参考）</h4>"
    question = f'<div class="qa-question">问：{esc(answer.question)}</div>'
    notes = "".join(f'<div class="qa-note">{esc(n)}</div>' for n in answer.notes)
    if any(s.generated for s in answer.sentences):
        notes += f'<div class="qa-mode">{GENERATED_LABEL}</div>'
    return question + notes + top + figures_table_html(answer) + (heading + cards if cards else "")


def draft_html(question: str, draft: str) -> str:
    """A generated answer while it is being written: plainly marked as not yet checked."""
    return (
        f'<div class="qa-question">问：{esc(question)}</div>'
        f'<div class="qa-mode">{DRAFT_LABEL}</div><div class="qa-draft">{esc(draft)}</div>'
    )


def progress_html(question: str, progress: AnswerProgress) -> str:
    """One update of ``Assistant.ask_stream``: the draft so far, or the final answer."""
    if progress.answer is not None:
        return answer_html(progress.answer)
    return draft_html(question, progress.draft)


def message_html(message: str) -> str:
    return f'<div class="qa-notfound">{esc(message)}</div>'


# -- documents tab ------------------------------------------------------------------

DOCUMENT_COLUMNS = ["文件", "发文机关", "文号", "日期", "地区", "字体", "段落数", "数据数"]


def document_rows(
    documents: Sequence[Document], chunks: Iterable[Chunk], figures: Iterable[Figure]
) -> list[list[object]]:
    chunk_counts = Counter(c.doc_id for c in chunks)
    figure_counts = Counter(f.doc_id for f in figures)
    script = {"simplified": "简体", "traditional": "繁体"}
    return [
        [
            d.title,
            d.issuer,
            d.doc_number,
            d.date,
            d.region,
            script.get(d.script, d.script),
            chunk_counts.get(d.doc_id, 0),
            figure_counts.get(d.doc_id, 0),
        ]
        for d in documents
    ]


def document_label(document: Document) -> str:
    return f"{document.region}｜{document.title}" if document.region else document.title


def section_choices(walked: Iterable[tuple[tuple[Section, ...], Section]]) -> list[tuple[str, str]]:
    """(indented label, "start-end") for every section, in document order."""
    return [
        ("\u3000" * len(ancestors) + section.label, f"{section.span[0]}-{section.span[1]}")
        for ancestors, section in walked
    ]


def section_text_html(text: str, title: str) -> str:
    return f'<h4>{esc(title)}</h4><div class="qa-section-text">{esc(text)}</div>'


# -- figures tab --------------------------------------------------------------------

# The facts first (地区 … 牵头部门), the long source columns last, so the table reads
# without horizontal scrolling; 数字 is the value as a number, for numeric sorting.
FIGURE_COLUMNS = [
    "地区", "指标", "数值", "数字", "单位", "比较", "目标年份", "牵头部门", "文件", "章节", "原文",
]  # fmt: skip
FIGURE_WIDTHS: list[str | int] = [
    "7%", "16%", "6%", "6%", "5%", "6%", "7%", "9%", "13%", "12%", "13%",
]  # fmt: skip


def figures_frame(documents: Mapping[str, Document], figures: Iterable[Figure]) -> pd.DataFrame:
    """One row per figure with the facts a trainer filters and sorts on."""
    rows = []
    for f in figures:
        document = documents.get(f.doc_id)
        rows.append(
            [
                document.region if document else "",
                f.indicator,
                f.value,
                f.number,
                f.unit,
                comparator_word(f.comparator),
                f.target_year,
                f.lead_department,
                document.title if document else f.doc_id,
                breadcrumb(f.section_path),
                f.text,
            ]
        )
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["目标年份"] = frame["目标年份"].astype("Int64")
    frame["数字"] = frame["数字"].astype("Float64")
    return frame


def filter_figures(
    frame: pd.DataFrame, document: str = "", region: str = "", keyword: str = "", year: str = ""
) -> pd.DataFrame:
    """Rows matching every given filter; the keyword is script- and width-insensitive."""
    keep = pd.Series(True, index=frame.index)
    if document:
        keep &= frame["文件"] == document
    if region:
        keep &= frame["地区"] == region
    if keyword and keyword.strip():
        form = search_form(keyword)
        keep &= frame["指标"].map(lambda text: form in search_form(str(text)))
    if year:
        keep &= (frame["目标年份"].astype("string") == str(year).strip()).fillna(False)
    return frame[keep.astype(bool)].reset_index(drop=True)


def write_figures_csv(frame: pd.DataFrame, path: Path) -> Path:
    # utf-8-sig: the BOM makes Excel read the Chinese text as UTF-8.
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def indicator_chart(frame: pd.DataFrame, keyword: str) -> tuple[pd.DataFrame, str]:
    """Bars for one indicator across documents, and a caption saying what is compared.

    Only numeric figures in the most common unit are kept, so 92% and 300家 never share
    an axis.
    """
    matches = filter_figures(frame, keyword=keyword)
    matches = matches[matches["数字"].notna()]
    if matches.empty:
        return pd.DataFrame({"条目": [], "数值": [], "地区": []}), f"没有找到“{keyword}”的数值。"
    unit = matches["单位"].mode().iloc[0]
    matches = matches[matches["单位"] == unit]
    labels: list[str] = []
    for region, indicator, year in zip(
        matches["地区"], matches["指标"], matches["目标年份"], strict=True
    ):
        label = f"{region} {indicator}" + (f"（{year}）" if pd.notna(year) else "")
        while label in labels:
            label += "′"
        labels.append(label)
    chart = pd.DataFrame(
        {"条目": labels, "数值": matches["数字"].astype(float).to_numpy(), "地区": matches["地区"]}
    )
    return chart, f"“{keyword}”：{len(chart)} 个数值，单位 {unit or '（无）'}"

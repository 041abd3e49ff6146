"""A briefing of the questions asked in one session: Markdown and Word (.docx).

Each entry keeps the answer in the documents' own words, its citations (document title
and section path per [n]) and the figures shown with it, so the briefing can be
checked against the sources without the app.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from qa.answer.text import COMPARATOR_WORDS
from qa.types import Answer, CitedFigure

TITLE = "问答简报"
NO_SECTION = "（正文开头）"
FIGURE_HEADERS = ("指标", "数值", "单位", "比较", "目标年份", "牵头部门", "出处")


def _section(path: Sequence[str]) -> str:
    return " › ".join(path) or NO_SECTION


def citation_lines(answer: Answer) -> list[str]:
    """ "[n] 《title》 section path" for every passage of the answer."""
    return [
        f"[{p.rank}] 《{p.doc_title}》 {_section(p.chunk.section_path)}" for p in answer.passages
    ]


def figure_cells(cited: CitedFigure) -> tuple[str, ...]:
    f = cited.figure
    return (
        f.indicator,
        f.value,
        f.unit,
        COMPARATOR_WORDS.get(f.comparator, f.comparator),
        str(f.target_year or ""),
        f.lead_department,
        f"[{cited.passage_rank}]",
    )


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def briefing_markdown(answers: Sequence[Answer], *, created: str | None = None) -> str:
    created = created or time.strftime("%Y-%m-%d %H:%M")
    lines = [f"# {TITLE}", "", f"生成时间：{created}　共 {len(answers)} 个问题", ""]
    for number, answer in enumerate(answers, 1):
        lines += [f"## {number}. {answer.question}", ""]
        if not answer.found:
            lines += ["**未找到答案。**", ""]
        lines += [answer.answer, ""]
        if answer.passages:
            lines += ["**出处**", ""] + [f"- {line}" for line in citation_lines(answer)] + [""]
        if answer.figures:
            lines += [
                "**相关数据**",
                "",
                "| " + " | ".join(FIGURE_HEADERS) + " |",
                "|" + "---|" * len(FIGURE_HEADERS),
            ]
            lines += [
                "| " + " | ".join(_md_cell(c) for c in figure_cells(cited)) + " |"
                for cited in answer.figures
            ]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def briefing_docx(answers: Sequence[Answer], path: Path, *, created: str | None = None) -> Path:
    import docx

    created = created or time.strftime("%Y-%m-%d %H:%M")
    document = docx.Document()
    document.add_heading(TITLE, level=0)
    document.add_paragraph(f"生成时间：{created}　共 {len(answers)} 个问题")
    for number, answer in enumerate(answers, 1):
        document.add_heading(f"{number}. {answer.question}", level=1)
        if not answer.found:
            document.add_paragraph().add_run("未找到答案。").bold = True
        # Comparison answers end in a Markdown table; in Word the figures table below
        # carries the same rows, so only the prose lines are kept.
        for line in answer.answer.splitlines():
            if line.strip() and not line.lstrip().startswith("|"):
                document.add_paragraph(line)
        if answer.passages:
            document.add_heading("出处", level=2)
            for line in citation_lines(answer):
                document.add_paragraph(line, style="List Bullet")
        if answer.figures:
            document.add_heading("相关数据", level=2)
            table = document.add_table(rows=1, cols=len(FIGURE_HEADERS))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, FIGURE_HEADERS, strict=True):
                cell.text = header
            for cited in answer.figures:
                row = table.add_row().cells
                for cell, value in zip(row, figure_cells(cited), strict=True):
                    cell.text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path

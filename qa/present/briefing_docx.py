"""The briefing as a Word document laid out like a 公文 (GB/T 9704 conventions).

A4 with the standard margins (top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm),
the title in 小标宋 二号 centred, first-level headings in 黑体 三号 numbered 一、二、,
second-level in 楷体 三号, the body in 仿宋 三号 with 28-point lines and a two-character
first-line indent, tables in 仿宋 小四. The built-in heading styles are restyled (not
left in Calibri and blue), so Word's navigation pane lists the questions; every run
carries its East Asian font and the document's language is zh-CN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qa.present.briefing import (
    COMPARISON_HEADERS,
    FIGURE_HEADERS,
    TITLE,
    created_now,
    entries,
)
from qa.types import Answer, Document

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (enough for the questions of a briefing)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[units - 1] if units else "")


def _set_font(
    target: Any, east_asian: str, size: float | None = None, bold: bool | None = None
) -> None:
    """Set the Latin and East Asian font of a run or style (python-docx sets only Latin)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = target.font
    font.name = "Times New Roman"
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    r_pr = target.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = r_pr.makeelement(qn("w:lang"), {})
        r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style_document(document: Any) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, FANGSONG, 16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for name, font, size in (
        ("Title", TITLE_FONT, 22),
        ("Heading 1", HEITI, 16),
        ("Heading 2", KAITI, 16),
    ):
        style = styles[name]
        _set_font(style, font, size, bold=False)
        style.paragraph_format.space_before = Pt(6 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = Pt(28 if name != "Title" else 36)
    title = styles["Title"]
    title.paragraph_format.alignment = 1  # centred
    # The default template draws a blue rule under Title: a 公文 title has none.
    from docx.oxml.ns import qn

    p_pr = title.element.find(qn("w:pPr"))
    if p_pr is not None:
        for border in p_pr.findall(qn("w:pBdr")):
            p_pr.remove(border)


def _paragraph(
    document: Any,
    text: str,
    *,
    indent: bool = True,
    size: float | None = None,
    font: str = FANGSONG,
) -> Any:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    run = paragraph.add_run(text)
    _set_font(run, font, size)
    return paragraph


def _heading(document: Any, text: str, level: int) -> None:
    paragraph = document.add_heading(level=level)
    run = paragraph.add_run(text)
    _set_font(run, HEITI if level == 1 else KAITI, 16, bold=False)


def _table(document: Any, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        _set_font(run, HEITI, 12)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(value)
            _set_font(run, FANGSONG, 12)
    for row in table.rows:
        for cell in row.cells:
            fmt = cell.paragraphs[0].paragraph_format
            fmt.line_spacing = Pt(18)
            fmt.first_line_indent = Pt(0)


def briefing_docx(
    answers: Sequence[Answer],
    documents: Mapping[str, Document],
    path: Path,
    *,
    created: str | None = None,
    extra_tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[str]]]] = (),
) -> Path:
    """Write the briefing; ``extra_tables``: (heading, headers, rows), e.g. 任务分工."""
    import docx

    created = created or created_now()
    items = entries(answers, documents)
    document = docx.Document()
    _style_document(document)
    document.core_properties.title = TITLE
    document.core_properties.language = "zh-CN"
    title = document.add_heading(level=0)
    _set_font(title.add_run(TITLE), TITLE_FONT, 22)
    _paragraph(document, f"生成时间：{created}　共 {len(items)} 个问题", indent=False).alignment = 1
    for number, item in enumerate(items, 1):
        _heading(document, f"{chinese_number(number)}、{item.question}", 1)
        for line in item.lines:
            _paragraph(document, line)
        parts = 0

        def sub(text: str) -> None:
            nonlocal parts
            parts += 1
            _heading(document, f"（{chinese_number(parts)}）{text}", 2)

        if item.comparison:
            sub("各地对比")
            _table(document, COMPARISON_HEADERS, item.comparison)
        if item.missing:
            _paragraph(document, item.missing)
        if item.figures:
            sub("相关数据")
            _table(document, FIGURE_HEADERS, item.figures)
        if item.sources:
            sub("出处")
            for source in item.sources:
                _paragraph(document, source, size=14)
    for heading, headers, rows in extra_tables:
        _heading(document, heading, 1)
        _table(document, headers, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path

"""The briefing as a slide deck (python-pptx) for trainers who present it.

16:9, one slide per question (the answer's sentences with [n], then the sources with
their 文号), and one native bar chart per compared indicator (values on the bars, one
category per region), so the figures stay editable in PowerPoint or WPS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qa.present.briefing import TITLE, Entry, created_now, entries
from qa.types import Answer, Document

FONT = "微软雅黑"
MAX_LINES = 8  # sentences on a slide; the rest are in the Word briefing
MAX_CHARS = 90  # per sentence on a slide


def _fit(text: str, limit: int = MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _font(
    run: Any, size: int, bold: bool = False, colour: tuple[int, int, int] = (0x20, 0x20, 0x20)
) -> None:
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = RGBColor(*colour)
    r_pr = run._r.get_or_add_rPr()
    ea = r_pr.find(qn("a:ea"))
    if ea is None:
        ea = r_pr.makeelement(qn("a:ea"), {})
        r_pr.append(ea)
    ea.set("typeface", FONT)
    r_pr.set("lang", "zh-CN")


def _text_box(
    slide: Any,
    left: float,
    top: float,
    width: float,
    height: float,
    lines: Sequence[tuple[str, int, bool]],
) -> Any:
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _font(paragraph.add_run(), size, bold)
        paragraph.runs[0].text = text
    return box


def _question_slide(prs: Any, number: int, item: Entry) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text_box(slide, 0.5, 0.3, 12.3, 1.0, [(f"{number}. {item.question}", 26, True)])
    body = [(_fit(line), 16, False) for line in item.lines[:MAX_LINES]]
    if len(item.lines) > MAX_LINES:
        body.append((f"……另有 {len(item.lines) - MAX_LINES} 句，见 Word 简报。", 14, False))
    if item.missing:
        body.append((item.missing, 14, False))
    _text_box(slide, 0.5, 1.3, 12.3, 4.4, body)
    sources = [("出处", 12, True), *((_fit(s, 110), 11, False) for s in item.sources[:5])]
    _text_box(slide, 0.5, 5.7, 12.3, 1.7, sources)


def _chart_slide(
    prs: Any, number: int, item: Entry, indicator: str, points: Sequence[tuple[str, float, str]]
) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Inches, Pt

    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(
        slide,
        0.5,
        0.3,
        12.3,
        1.0,
        [(f"{number}. {item.question}", 22, True), (f"对比：{indicator}", 16, False)],
    )
    data = CategoryChartData()
    data.categories = [label for label, _, _ in points]
    data.add_series(indicator, [value for _, value, _ in points])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.6), Inches(1.5), Inches(12.1), Inches(5.6), data
    )
    chart = frame.chart
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size = Pt(14)
    labels.number_format = "General"
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    chart.category_axis.tick_labels.font.size = Pt(14)
    chart.category_axis.reverse_order = True  # first region on top, as in the table
    values = [value for _, value, _ in points]
    low, high = min(values), max(values)
    if low > 0 and high - low < 0.5 * high:  # close values: do not start at 0
        chart.value_axis.minimum_scale = max(0.0, round(low - (high - low) - 1))
    chart.value_axis.tick_labels.font.size = Pt(12)


def briefing_pptx(
    answers: Sequence[Answer],
    documents: Mapping[str, Document],
    path: Path,
    *,
    created: str | None = None,
) -> Path:
    from pptx import Presentation
    from pptx.util import Inches

    created = created or created_now()
    items = entries(answers, documents)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    cover = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(cover, 1.0, 2.4, 11.3, 1.4, [(TITLE, 40, True)])
    _text_box(cover, 1.0, 3.9, 11.3, 1.0, [(f"{created}　共 {len(items)} 个问题", 18, False)])
    for number, item in enumerate(items, 1):
        _question_slide(prs, number, item)
        for indicator, points in item.chart_series:
            _chart_slide(prs, number, item, indicator, points)
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path

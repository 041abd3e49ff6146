"""Render a briefing's Word and PowerPoint files to PNG, to look at them without Office.

    .venv/bin/python scripts/render_briefing.py 简报.docx 简报.pptx OUT_FOLDER

LibreOffice is not available here, so this reads the files back with python-docx and
python-pptx and lays them out as HTML that Debian's Chromium photographs: the Word
document on A4 pages with its margins, paragraph styles, sizes and tables; each slide at
its size with its text boxes where they are and its bar charts drawn from the chart's
own data. It shows what the files contain and where; fonts are whatever CJK font the
machine has (the declared 仿宋/黑体 are checked by tests/test_web_tabs.py, not here).
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

EMU_PER_PX = 914400 / 96


def _px(emu: int | None) -> float:
    return (emu or 0) / EMU_PER_PX


def docx_html(path: Path) -> tuple[str, float]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    section = document.sections[0]
    width, height = _px(section.page_width), _px(section.page_height)
    margins = [
        _px(m)
        for m in (
            section.top_margin,
            section.right_margin,
            section.bottom_margin,
            section.left_margin,
        )
    ]
    parts = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(block, document)
            if not p.text.strip():
                continue
            style = p.style.name if p.style is not None else "Normal"
            size = next((r.font.size.pt for r in p.runs if r.font.size), None) or (
                p.style.font.size.pt if p.style is not None and p.style.font.size else 16
            )
            weight = "bold" if style.startswith("Heading 1") or style == "Title" else "normal"
            align = "center" if style == "Title" or p.alignment == 1 else "left"
            indent = "2em" if p.paragraph_format.first_line_indent else "0"
            parts.append(
                f'<p style="font-size:{size * 4 / 3:.1f}px;font-weight:{weight};text-align:{align};'
                f'text-indent:{indent};margin:0 0 4px;line-height:1.6" title="{html.escape(style)}">'
                f"{html.escape(p.text)}</p>"
            )
        elif tag == "tbl":
            table = Table(block, document)
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c.text)}</td>" for c in row.cells) + "</tr>"
                for row in table.rows
            )
            parts.append(
                f'<table border="1" cellspacing="0" cellpadding="3" style="border-collapse:collapse;font-size:15px;margin:4px 0 8px">{rows}</table>'
            )
    body = "".join(parts)
    return (
        "<html><body style='margin:0;background:#888'>"
        f"<div style='width:{width - margins[1] - margins[3]:.0f}px;min-height:{height - margins[0] - margins[2]:.0f}px;"
        f"padding:{margins[0]:.0f}px {margins[1]:.0f}px {margins[2]:.0f}px {margins[3]:.0f}px;background:#fff;margin:0 auto;"
        f'font-family:"WenQuanYi Zen Hei",sans-serif\'>{body}</div></body></html>'
    ), width


def _chart_html(chart: Any) -> str:
    plot = chart.plots[0]
    categories = [str(c) for c in plot.categories]
    values = list(plot.series[0].values)
    top = max(values) or 1.0
    low = chart.value_axis.minimum_scale or 0.0
    rows = "".join(
        f"<div style='display:flex;align-items:center;margin:6px 0'><div style='width:38%;text-align:right;padding-right:8px'>{html.escape(c)}</div>"
        f"<div style='background:#4472c4;height:26px;width:{max(2, 55 * (v - low) / max(top - low, 1e-9)):.1f}%'></div>"
        f"<span style='padding-left:6px'>{v:g}</span></div>"
        for c, v in zip(categories, values, strict=True)
    )
    axis = f"<div style='color:#666;font-size:13px'>横轴起点 {low:g}</div>" if low else ""
    return f"<div style='font-size:17px'>{rows}{axis}</div>"


def slide_html(prs: Any, slide: Any) -> str:
    width, height = _px(prs.slide_width), _px(prs.slide_height)
    boxes = []
    for shape in slide.shapes:
        style = (
            f"position:absolute;left:{_px(shape.left):.0f}px;top:{_px(shape.top):.0f}px;"
            f"width:{_px(shape.width):.0f}px;height:{_px(shape.height):.0f}px;overflow:hidden"
        )
        if shape.has_chart:
            boxes.append(f"<div style='{style}'>{_chart_html(shape.chart)}</div>")
        elif shape.has_text_frame:
            paragraphs = []
            for p in shape.text_frame.paragraphs:
                size = next((r.font.size.pt for r in p.runs if r.font.size), 18)
                bold = any(r.font.bold for r in p.runs)
                paragraphs.append(
                    f"<p style='margin:0 0 4px;font-size:{size * 4 / 3:.0f}px;font-weight:{'bold' if bold else 'normal'}'>"
                    f"{html.escape(''.join(r.text for r in p.runs))}</p>"
                )
            boxes.append(f"<div style='{style}'>{''.join(paragraphs)}</div>")
    return (
        "<html><body style='margin:0'>"
        f"<div style='position:relative;width:{width:.0f}px;height:{height:.0f}px;background:#fff;"
        f'font-family:"WenQuanYi Zen Hei",sans-serif;border:1px solid #ccc\'>{"".join(boxes)}</div></body></html>'
    )


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright
    from pptx import Presentation

    docx_path, pptx_path, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page_html, width = docx_html(docx_path)
        page = browser.new_page(viewport={"width": int(width) + 20, "height": 1123})
        page.set_content(page_html)
        page.screenshot(path=str(out / "briefing-docx.png"), full_page=True)
        prs = Presentation(str(pptx_path))
        page = browser.new_page(
            viewport={
                "width": int(_px(prs.slide_width)) + 2,
                "height": int(_px(prs.slide_height)) + 2,
            }
        )
        for number, slide in enumerate(prs.slides, 1):
            page.set_content(slide_html(prs, slide))
            page.screenshot(path=str(out / f"briefing-slide-{number}.png"))
        browser.close()
    print(f"wrote {out}/briefing-docx.png and {len(prs.slides)} slides")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

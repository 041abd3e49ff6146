"""Render a plain-text policy document the ways documents arrive (test support).

From one ``.txt`` this writes (a) a text PDF in 公文 layout — title in a larger type,
centered 文号, justified paragraphs with a two-character first-line indent that wrap
mid-sentence, a running header and page numbers "— 3 —" —, (b) an image-only PDF of
the same pages (a scan), (c) an OFD (GB/T 33190: a zip of XML) with the same lines, and
(d) a saved HTML page wrapped in a government site's chrome (navigation, breadcrumb,
share bar, sidebar, footer). The format-invariance tests and ``eval/formats_bench.py``
ingest each and compare them with the text file. Nothing here is committed output:
files are generated at test time.

Every line of the text file is one paragraph; blank lines only separate. Page layout
follows GB/T 9704 (A4, 156 × 225 mm text area, 22 lines of 28 characters in 三号).
"""

from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
PT = 25.4 / 72  # mm per point

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, TOP = 28.0, 37.0
TEXT_W, TEXT_H = 156.0, 225.0
BODY_PT, TITLE_PT, HEADER_PT = 16.0, 22.0, 10.5
LINES_PER_PAGE = 22
PITCH = TEXT_H / LINES_PER_PAGE  # mm from one body line to the next
RUNNING_HEADER = "质量强市政策文件汇编"
_DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号|\[\d{4}\]\d+号")
# A unit never broken across lines: a Latin word or a number with its decimals.
_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%]*|\s|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’%％,.;:?!)]")


class _Metrics:
    """Advance widths of the CJK font (fontTools), in mm at a given size."""

    def __init__(self) -> None:
        from fontTools.ttLib import TTCollection

        if not FONT_PATH.exists():
            raise FileNotFoundError(
                f"{FONT_PATH} is missing: install Debian's fonts-wqy-zenhei (make fonts)."
            )
        font = TTCollection(str(FONT_PATH)).fonts[0]
        self.units = font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        self.advance = font["hmtx"].metrics

    def width(self, text: str, size_pt: float) -> float:
        total = 0
        for char in text:
            glyph = self.cmap.get(ord(char))
            total += self.advance[glyph][0] if glyph else self.units
        return total / self.units * size_pt * PT


@lru_cache(maxsize=1)
def metrics() -> _Metrics:
    return _Metrics()


@dataclass(frozen=True)
class Placed:
    """One line on a page: its pieces at their x positions, on a baseline (mm, y down)."""

    pieces: tuple[tuple[float, str], ...]
    baseline: float
    size_pt: float

    @property
    def text(self) -> str:
        return "".join(t for _, t in self.pieces)


@dataclass(frozen=True)
class Page:
    number: int
    lines: tuple[Placed, ...]


def paragraphs(text: str) -> list[str]:
    return [line.strip(" \t\u3000\u00a0\r") for line in text.split("\n") if line.strip()]


def _units(text: str) -> list[str]:
    return _UNIT.findall(text)


def _break(units: list[str], first_width: float, width: float, size: float) -> list[list[str]]:
    """Greedy line breaking with no closing punctuation at a line start."""
    m = metrics()
    lines: list[list[str]] = [[]]
    used, limit = 0.0, first_width
    for unit in units:
        w = m.width(unit, size)
        if lines[-1] and used + w > limit + 1e-6:
            if unit in _NO_LINE_START and len(lines[-1]) > 1:
                carried = lines[-1].pop()
                lines.append([carried])
                used = m.width(carried, size)
            else:
                lines.append([])
                used = 0.0
            limit = width
            if not lines[-1] and unit.isspace():
                continue
        lines[-1].append(unit)
        used += w
    return [ln for ln in lines if ln]


def _justified(units: list[str], x: float, width: float, size: float) -> list[tuple[float, str]]:
    """Units spread to fill ``width``: a line with spaces stretches its spaces (as Latin
    typesetting does); a line of Chinese alone spreads every character a little."""
    m = metrics()
    widths = [m.width(u, size) for u in units]
    spaces = [i for i, u in enumerate(units[:-1]) if u.isspace()]
    stretch_at = set(spaces) if spaces else set(range(len(units) - 1))
    gap = (width - sum(widths)) / len(stretch_at) if stretch_at else 0.0
    pieces, at = [], x
    for i, (unit, w) in enumerate(zip(units, widths, strict=True)):
        pieces.append((at, unit))
        at += w + (gap if i in stretch_at else 0.0)
    return pieces


def _plain(units: list[str], x: float, size: float) -> list[tuple[float, str]]:
    m = metrics()
    pieces, at = [], x
    for unit in units:
        pieces.append((at, unit))
        at += m.width(unit, size)
    return pieces


def layout(text: str) -> list[Page]:
    """The text's pages in 公文 layout (body lines only; header and number added later)."""
    m = metrics()
    char = BODY_PT * PT
    body_w = TEXT_W
    pages: list[list[Placed]] = [[]]
    y = TOP

    def place(pieces: list[tuple[float, str]], size: float, advance: float) -> None:
        nonlocal y
        if y + advance > TOP + TEXT_H + 0.01:
            pages.append([])
            y = TOP
        y += advance
        pages[-1].append(Placed(tuple(pieces), y - 0.22 * advance, size))

    for index, paragraph in enumerate(paragraphs(text)):
        units = _units(paragraph)
        if index == 0:  # the title: larger type, centered, wrapped within the text width
            for line in _break(units, body_w - 4 * char, body_w - 4 * char, TITLE_PT):
                w = m.width("".join(line), TITLE_PT)
                place(_plain(line, LEFT + (body_w - w) / 2, TITLE_PT), TITLE_PT, 1.5 * PITCH)
            continue
        if _DOC_NUMBER.search(paragraph) and len(paragraph) < 30 and index < 4:
            w = m.width(paragraph, BODY_PT)
            place(_plain(units, LEFT + (body_w - w) / 2, BODY_PT), BODY_PT, PITCH)
            continue
        lines = _break(units, body_w - 2 * char, body_w, BODY_PT)
        for number, line in enumerate(lines):
            x = LEFT + (2 * char if number == 0 else 0.0)
            w = body_w - (2 * char if number == 0 else 0.0)
            last = number == len(lines) - 1
            pieces = _plain(line, x, BODY_PT) if last else _justified(line, x, w, BODY_PT)
            place(pieces, BODY_PT, PITCH)
    return [Page(n, tuple(lines)) for n, lines in enumerate(pages, 1)]


def page_number_text(number: int) -> str:
    return f"— {number} —"


def furniture(page: Page) -> list[Placed]:
    m = metrics()
    header_w = m.width(RUNNING_HEADER, HEADER_PT)
    number = page_number_text(page.number)
    number_w = m.width(number, 14.0)
    return [
        Placed(((LEFT + (TEXT_W - header_w) / 2, RUNNING_HEADER),), 22.0, HEADER_PT),
        Placed(((LEFT + (TEXT_W - number_w) / 2, number),), PAGE_H - 18.0, 14.0),
    ]


def write_text_pdf(text: str, target: Path, *, password: str | None = None) -> Path:
    from fpdf import FPDF

    # fontTools reports the .ttc's bitmap table it cannot subset; the outlines embed.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("zenhei", fname=str(FONT_PATH))
    if password is not None:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    for page in layout(text):
        pdf.add_page()
        for line in (*page.lines, *furniture(page)):
            pdf.set_font("zenhei", size=line.size_pt)
            for x, piece in line.pieces:
                # Spaces are drawn as glyphs, as word processors do, so the text layer
                # holds the spaces the author typed (到 2020 年).
                pdf.text(x, line.baseline, piece)
    pdf.output(str(target))
    return target


def write_image_pdf(text_pdf: Path, target: Path, *, dpi: int = 150) -> Path:
    """Every page of ``text_pdf`` as a grey JPEG, nothing else: a scan without text."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    out = FPDF(unit="mm", format="A4")
    source = pdfium.PdfDocument(str(text_pdf))
    try:
        for index in range(len(source)):
            image = source[index].render(scale=dpi / 72).to_pil().convert("L")
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=80)
            out.add_page()
            out.image(buffer, x=0, y=0, w=PAGE_W, h=PAGE_H)
    finally:
        source.close()
    out.output(str(target))
    return target


def write_image(text_pdf: Path, target: Path, *, page: int = 1, dpi: int = 150) -> Path:
    """One page of ``text_pdf`` as an image file (PNG, JPEG or TIFF by suffix)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(text_pdf))
    try:
        image = source[page - 1].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        source.close()
    image.save(target)
    return target


# --- HTML -----------------------------------------------------------------------------

_CHROME_TOP = """<div class="top-bar"><a href="/">首页</a> | <a href="/en">English</a> |
<a href="/wza">无障碍</a> | <a href="#">手机版</a></div>
<header><div class="logo">××市人民政府门户网站</div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/bsfw">办事服务</a></li><li><a href="/hdjl">互动交流</a></li>
<li><a href="/zjxx">走进××</a></li><li><a href="/sjfb">数据发布</a></li></ul></nav>
<form class="search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form>
</header>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政策文件</div>
"""
_CHROME_SIDE = """<aside class="side"><h3>相关链接</h3><ul>
<li><a href="#">国务院</a></li><li><a href="#">省政府</a></li><li><a href="#">市场监管局</a></li>
</ul><h3>热点专题</h3><ul><li><a href="#">优化营商环境</a></li><li><a href="#">质量月</a></li></ul></aside>
"""
_CHROME_BOTTOM = """<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a>
<a href="#">打印本页</a> <a href="#">关闭窗口</a></div>
<footer><p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">网站声明</a></p>
<p>主办单位：××市人民政府办公厅 版权所有</p><p>网站标识码：3502000001 闽ICP备05012345号</p>
<p>扫一扫在手机打开当前页</p></footer>
<script>var _hmt = _hmt || []; (function(){ /* site statistics */ })();</script>
"""


def write_html(text: str, target: Path, *, date: str = "2015-04-28") -> Path:
    """A saved government web page: the document's lines as paragraphs inside chrome."""
    lines = paragraphs(text)
    # The title is the first real line; what a reposting site left before it (menu
    # leftovers in the text file) stays before it, inside the article as in the source.
    at = next((i for i, line in enumerate(lines) if len(line) >= 8), 0)
    title, body = lines[at], lines[at + 1 :]
    before = "\n".join(f'<div class="tools">{html.escape(line)}</div>' for line in lines[:at])
    content = "\n".join(f"<p>{html.escape(line)}</p>" for line in body)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{html.escape(title)}_政策文件_××市人民政府门户网站</title>
<link rel="stylesheet" href="style.css"></head>
<body>
{_CHROME_TOP}
<div class="main"><div class="article">
{before}
<h1>{html.escape(title)}</h1>
<div class="info">发布时间：{date} 09:30 来源：市政府办公厅 【字体：大 中 小】 浏览次数：1024</div>
<div class="content TRS_Editor">
{content}
</div>
{_CHROME_BOTTOM.split("<footer>")[0]}
</div>
{_CHROME_SIDE}
</div>
<footer>{_CHROME_BOTTOM.split("<footer>")[1]}
</body></html>
"""
    target.write_text(page, encoding="utf-8")
    return target


FORMATS = ("pdf", "scan", "ofd", "html")


def render_all(source: Path, folder: Path, formats: Sequence[str] = FORMATS) -> dict[str, Path]:
    """Each requested rendering of ``source`` in ``folder``, named after its stem."""
    folder.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    stem = source.stem
    out: dict[str, Path] = {}
    text_pdf = folder / f"{stem}.pdf"
    if "pdf" in formats or "scan" in formats:
        write_text_pdf(text, text_pdf)
        out["pdf"] = text_pdf
    if "scan" in formats:
        scan_dir = folder / "scan"
        scan_dir.mkdir(exist_ok=True)
        out["scan"] = write_image_pdf(text_pdf, scan_dir / f"{stem}.pdf")
    if "ofd" in formats:
        from eval.render_ofd import write_ofd  # render_ofd builds on this module

        out["ofd"] = write_ofd(text, folder / f"{stem}.ofd", title=paragraphs(text)[0])
    if "html" in formats:
        out["html"] = write_html(text, folder / f"{stem}.html")
    return out

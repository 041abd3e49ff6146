"""Positioned lines of printed pages (PDF, OFD, OCR) back to paragraphs (pure).

Every paged source gives lines with their box on the page; a printed page breaks a
paragraph at every visual line and adds running headers, footers and page numbers.
``pages_to_text`` undoes that by general rules of print layout:

- Page furniture: a line in the top or bottom band of a page that is a page number
  (— 3 —, -3-, 第3页 共10页, 3/10, a bare 3) or that repeats, digits ignored, in the
  same band of at least half of the pages (a running header or footer) is dropped.
- Paragraphs: a line continues the previous one when the previous line reaches the
  right margin (it was wrapped, not ended) and this line starts at the left margin
  (no first-line indent), does not start with an outline marker (一、 /（一）/ 1. /
  第X章 / 第X条 …) and follows at the usual line distance. A wrapped title (centered
  lines in a larger type than the body) is joined the same way. Across a page break
  the same test applies to the last line of a page and the first of the next.
- Joining: CJK text joins without a space; two Latin words get one space.

The result is one paragraph per line, with the start offset of every page, so a span
of the text maps back to the pages it came from (``qa.ingest.pages``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from qa.errors import DocumentError
from qa.ingest.noise import _MARKER_START
from qa.ingest.readers.base import ReadResult

# Bands at the top and bottom of a page where headers, footers and numbers live, as a
# share of the page height.
_FURNITURE_BAND = 0.12
_PAGE_OF = re.compile(r"^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–−一_·•]*(?:第\s*)?[0-9０-９]{1,4}\s*(?:页)?(?:\s*[/／]\s*[0-9０-９]{1,4})?"
    r"(?:\s*[,，]?\s*共\s*[0-9０-９]{1,4}\s*页)?[\s\-—–−一_·•]*$"
)
_DIGITS = re.compile(r"[0-9０-９]+")
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9]")
# Characters a line needs before its width per character tells its type size.
_SIZE_SAMPLE = 4


@dataclass(frozen=True)
class TextLine:
    """One visual line: its text and box in page units, y growing downwards."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float = 1.0  # OCR's recognition score; 1.0 for a text layer

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def advance(self) -> float:
        """Width per character (a CJK character counts 1, others ½): the type size.

        Steadier than the box height, which OCR pads by up to a quarter either way.
        """
        units = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in self.text)
        return (self.x1 - self.x0) / units if units else self.height


@dataclass(frozen=True)
class PageLines:
    width: float
    height: float
    lines: tuple[TextLine, ...]  # in reading order


def is_page_number(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and bool(_PAGE_NUMBER.fullmatch(stripped) or _PAGE_OF.fullmatch(stripped))


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", re.sub(r"\s+", "", text))


def _bands(page: PageLines) -> tuple[list[int], list[int]]:
    """Indexes of the lines in the top and bottom band of a page (at most two each)."""
    top = [i for i, ln in enumerate(page.lines) if ln.bottom <= page.height * _FURNITURE_BAND]
    bottom = [i for i, ln in enumerate(page.lines) if ln.top >= page.height * (1 - _FURNITURE_BAND)]
    return top[:2], bottom[-2:]


def furniture(pages: Sequence[PageLines]) -> list[set[int]]:
    """Per page, the indexes of header, footer and page-number lines."""
    bands = [_bands(p) for p in pages]
    counts: Counter[tuple[str, str]] = Counter()
    for page, (top, bottom) in zip(pages, bands, strict=True):
        keys = {("top", _furniture_key(page.lines[i].text)) for i in top}
        keys |= {("bottom", _furniture_key(page.lines[i].text)) for i in bottom}
        counts.update(keys)
    repeated = {k for k, n in counts.items() if n >= 2 and n >= len(pages) / 2}
    out: list[set[int]] = []
    for page, (top, bottom) in zip(pages, bands, strict=True):
        drop: set[int] = set()
        for zone, indexes in (("top", top), ("bottom", bottom)):
            for i in indexes:
                text = page.lines[i].text
                if is_page_number(text) or (zone, _furniture_key(text)) in repeated:
                    drop.add(i)
        out.append(drop)
    return out


@dataclass(frozen=True)
class _Geometry:
    """The body's margins and type size, measured over all pages."""

    left: float
    right: float
    char: float  # body character width ~ line height of body text
    pitch: float  # usual distance from one line's top to the next
    advance: float  # body type size as width per character (TextLine.advance)


def _geometry(kept: Sequence[Sequence[TextLine]]) -> _Geometry:
    lines = [ln for page in kept for ln in page]
    if not lines:
        return _Geometry(0.0, 0.0, 1.0, 1.0, 1.0)
    char = median(ln.height for ln in lines) or 1.0
    # Margins: the most common left edge and the furthest right edge reached by many
    # lines (justified body lines all end there).
    lefts = Counter(round(ln.x0 / (char / 4)) for ln in lines)
    left = lefts.most_common(1)[0][0] * (char / 4)
    rights = sorted(ln.x1 for ln in lines)
    right = rights[int(len(rights) * 0.9)] if len(rights) > 1 else rights[0]
    pitches = [
        b.top - a.top for page in kept for a, b in pairwise(page) if 0 < b.top - a.top < 3 * char
    ]
    pitch = median(pitches) if pitches else 1.5 * char
    advances = [ln.advance for ln in lines if len(ln.text) >= 4]
    advance = median(advances) if advances else char
    return _Geometry(left, right, char, pitch, advance)


def _continues(
    prev: TextLine, line: TextLine, prev_geo: _Geometry, geo: _Geometry, same_page: bool
) -> bool:
    """Whether ``line`` is the wrapped continuation of ``prev``'s paragraph.

    ``prev_geo`` and ``geo`` are the margins of the columns the two lines are in.
    """
    text = line.text.lstrip()
    if not text or _MARKER_START.match(text):
        return False

    def big(ln: TextLine) -> bool:
        # Larger type: wider characters *and* a taller line; a letter-spaced or
        # justified-apart line of body type (备 案 号, 附  件) is only wider. A line of
        # one to three characters says little about its type size (OCR pads a lone
        # character's box), so it is judged by the line it follows (below).
        return (
            len(ln.text.strip()) >= _SIZE_SAMPLE
            and ln.advance > 1.2 * geo.advance
            and ln.height > 1.1 * geo.char
        )

    short = len(text.strip()) < _SIZE_SAMPLE
    if big(prev) and (big(line) or short):
        # Title lines (larger type): centered, so the margin tests do not apply. OCR
        # boxes of one type size differ by up to a quarter in height.
        taller = max(prev.height, line.height)
        same_size = (
            abs(prev.advance - line.advance) < 0.15 * max(prev.advance, line.advance)
            if not short
            else line.height > 0.75 * prev.height
        )
        return (
            same_size
            and 0 < line.top - prev.bottom < 1.2 * taller
            and not re.search(r"[。！？]$", prev.text.rstrip())
        )
    if big(prev) or big(line):
        return False
    if prev.x1 < prev_geo.right - 1.2 * prev_geo.char:  # ended short of the margin
        return False
    if line.x0 > geo.left + 0.8 * geo.char:  # indented or centered: a new paragraph
        return False
    return not (same_page and line.top - prev.top > 1.6 * geo.pitch)


def _glue(before: str, after: str) -> str:
    """What goes between a wrapped line and its continuation: a space between words."""
    words = _LATIN_END.search(before) and _LATIN_START.match(after)
    if words and not (before[-1].isdigit() and after[0].isdigit()):
        return " "
    return ""


@dataclass(frozen=True)
class PagedText:
    text: str
    page_starts: tuple[int, ...]  # offset of each page's first character
    confidences: tuple[float, ...]  # per page: mean line confidence (1.0 without OCR)


def columns(lines: Sequence[TextLine], width: float) -> tuple[list[TextLine], list[int]]:
    """Lines in reading order for a two-column page, with each line's column (0/1/2).

    A page has two columns when some x in the middle third is crossed by no line
    between the first and the last line of each side, and at least four lines lie on
    each side of it. Lines across the whole width (a title above, a note below) keep
    column 0. A one-column page is returned as it is, every line in column 0.
    """
    order = list(lines)
    if len(order) < 8:
        return order, [0] * len(order)
    for step in range(1, 10):
        gutter = width * (0.3 + 0.04 * step)
        left = [ln for ln in order if ln.x1 <= gutter]
        right = [ln for ln in order if ln.x0 >= gutter]
        if len(left) < 4 or len(right) < 4:
            continue
        top = min(min(ln.top for ln in left), min(ln.top for ln in right))
        bottom = max(max(ln.bottom for ln in left), max(ln.bottom for ln in right))
        across = [ln for ln in order if ln.x0 < gutter < ln.x1]
        if any(top < (ln.top + ln.bottom) / 2 < bottom for ln in across):
            continue
        above = [ln for ln in across if ln.bottom <= top + 1e-6]
        below = [ln for ln in across if ln.top >= bottom - 1e-6]
        ordered = [*above, *left, *right, *below]
        tags = [0] * len(above) + [1] * len(left) + [2] * len(right) + [0] * len(below)
        return ordered, tags
    return order, [0] * len(order)


def pages_to_text(pages: Sequence[PageLines]) -> PagedText:
    """One paragraph per line; page furniture dropped; page starts recorded."""
    drops = furniture(pages)
    kept: list[list[TextLine]] = []
    tags: list[list[int]] = []
    for p, drop in zip(pages, drops, strict=True):
        ordered, column = columns(
            [ln for i, ln in enumerate(p.lines) if i not in drop and ln.text.strip()], p.width
        )
        kept.append(ordered)
        tags.append(column)
    # Margins and type size per column kind: a left column ends where the gutter is.
    geometries = {
        tag: _geometry(
            [
                [ln for ln, t in zip(page, page_tags, strict=True) if t == tag]
                for page, page_tags in zip(kept, tags, strict=True)
            ]
        )
        for tag in (0, 1, 2)
    }
    parts: list[str] = []
    length = 0
    page_starts: list[int] = []
    prev: TextLine | None = None
    prev_page = -1
    prev_tag = 0
    for number, lines in enumerate(kept):
        page_starts.append(length)
        for index, line in enumerate(lines):
            text = line.text.strip()
            tag = tags[number][index]
            geo = geometries[tag]
            # A paragraph goes on in the same column, or from the left column's foot
            # to the right column's head; never out of a full-width line into a column.
            flows = prev_tag == tag or (prev_tag == 1 and tag == 2)
            if (
                prev is not None
                and flows
                and _continues(prev, line, geometries[prev_tag], geo, prev_page == number)
            ):
                glue = _glue(parts[-1], text)
            else:
                glue = "\n" if parts else ""
            parts.append(glue + text)
            if index == 0:
                page_starts[-1] = length + len(glue)
            length += len(glue) + len(text)
            prev, prev_page, prev_tag = line, number, tag
    confidences = tuple(
        round(sum(ln.confidence for ln in lines) / len(lines), 4) if lines else 1.0
        for lines in kept
    )
    return PagedText("".join(parts), tuple(page_starts), confidences)


def paged_result(
    pages: Sequence[PageLines], kind: str, read_by_ocr: Sequence[int], no_text: DocumentError
) -> ReadResult:
    """What a paged reader returns: the pages' text, where each page starts, and the
    OCR confidence of the pages (0-based ``read_by_ocr``) that OCR read; ``no_text`` is
    raised when no page has any text."""
    paged = pages_to_text(pages)
    if not paged.text.strip():
        raise no_text
    ocr_pages = tuple((i + 1, paged.confidences[i]) for i in read_by_ocr)
    return ReadResult(paged.text, kind, paged.page_starts, ocr_pages)

"""Which pages a span of a paged document lies on, and whether they were read by OCR.

Pure functions over ``Document.page_starts`` and ``Document.ocr_pages`` so a citation
can say 第N页 and show that its text was recognised from a scan.
"""

from __future__ import annotations

from bisect import bisect_right

from qa.types import Document, Span


def page_at(page_starts: tuple[int, ...], offset: int) -> int:
    """The 1-based page holding the character at ``offset``; 0 for text without pages."""
    if not page_starts:
        return 0
    return max(1, bisect_right(page_starts, offset))


def pages_of_span(page_starts: tuple[int, ...], span: Span) -> tuple[int, ...]:
    """Every page a span touches, in order; () for text without pages."""
    if not page_starts:
        return ()
    start, end = span
    first = page_at(page_starts, start)
    last = page_at(page_starts, max(start, end - 1))
    return tuple(range(first, last + 1))


def span_pages(document: Document, span: Span) -> tuple[int, ...]:
    return pages_of_span(document.page_starts, span)


def ocr_confidence(document: Document, pages: tuple[int, ...]) -> float | None:
    """The lowest OCR confidence among ``pages``; None when none of them was OCR'd."""
    scores = dict(document.ocr_pages)
    found = [scores[p] for p in pages if p in scores]
    return min(found) if found else None


def page_label(pages: tuple[int, ...]) -> str:
    """How a citation names its pages: 第3页, 第3–4页; "" without pages."""
    if not pages:
        return ""
    if len(pages) == 1:
        return f"第{pages[0]}页"
    return f"第{pages[0]}–{pages[-1]}页"

"""查看原文: a cited passage shown in its document, with its section and pages.

``source_view`` takes what a citation carries (a document id and a span, or a chunk
id) and returns a ``SourceView``: the innermost section holding the span as context
(cut to a window around the span when the section is long), the section path, the
pages of a PDF/OFD/scan the cited text lies on and whether it was read by OCR.
``source_view_html`` renders it for the page. Both are pure over a ``SearchIndex``.
"""

from __future__ import annotations

from qa.errors import InputError
from qa.ingest.outline import walk
from qa.ingest.pages import ocr_confidence, page_label, span_pages
from qa.present.html import esc
from qa.store.index import SearchIndex
from qa.types import Document, Section, SourceView, Span

# Characters of context shown on each side of the cited span when its section is
# longer than CONTEXT_MAX (the reader sees the passage in place, not a whole chapter).
CONTEXT_MAX = 2400
CONTEXT_SIDE = 900


def _innermost(sections: tuple[Section, ...], span: Span) -> tuple[Section, ...]:
    """The path of sections whose span holds ``span`` (outermost first), or ()."""
    best: tuple[Section, ...] = ()
    for ancestors, section in walk(sections):
        if section.span[0] <= span[0] and span[1] <= section.span[1]:
            path = (*ancestors, section)
            if len(path) > len(best):
                best = path
    return best


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _context(document: Document, path: tuple[Section, ...], span: Span) -> Span:
    text = document.text
    if path:
        start, end = path[-1].span
    else:  # before the first heading (title, preamble) or a text without outline
        start, end = _line_start(text, span[0]), _line_end(text, span[1])
    if end - start > CONTEXT_MAX:
        start = max(start, _line_start(text, max(start, span[0] - CONTEXT_SIDE)))
        end = min(end, _line_end(text, min(end, span[1] + CONTEXT_SIDE)))
    return (min(start, span[0]), max(end, span[1]))


def source_view(index: SearchIndex, doc_id: str, span: Span) -> SourceView:
    """The cited span of ``doc_id`` in its document; InputError when it does not exist."""
    document = index.documents.get(doc_id)
    if document is None:
        raise InputError(
            f"找不到文件 {doc_id}，可能已被删除。(Unknown document.)", "请重新提问后再查看原文。"
        )
    start, end = int(span[0]), int(span[1])
    if not 0 <= start < end <= len(document.text):
        raise InputError(
            f"引用位置 {start}–{end} 不在文件《{document.title}》之内。(Span out of range.)",
            "文件可能已更新，请重新提问后再查看原文。",
        )
    path = _innermost(index.outlines.get(doc_id, ()), (start, end))
    context = _context(document, path, (start, end))
    pages = span_pages(document, (start, end))
    text = document.text
    return SourceView(
        doc_id=doc_id,
        title=document.title,
        source_name=document.source_name,
        section_path=tuple(s.label for s in path),
        span=(start, end),
        context_span=context,
        before=text[context[0] : start],
        cited=text[start:end],
        after=text[end : context[1]],
        pages=pages,
        page_count=len(document.page_starts),
        ocr_confidence=ocr_confidence(document, pages),
    )


def source_view_for_chunk(index: SearchIndex, chunk_id: str) -> SourceView:
    chunk = index.chunks.get(chunk_id)
    if chunk is None:
        raise InputError(
            f"找不到段落 {chunk_id}，索引可能已更新。(Unknown passage.)", "请重新提问后再查看原文。"
        )
    return source_view(index, chunk.doc_id, chunk.span)


def source_view_html(view: SourceView) -> str:
    """The view as HTML: title, section path, 第N页 (of M), an OCR note, the cited text marked."""
    where = " › ".join(view.section_path)
    facts = [esc(view.source_name)]
    if view.pages:
        facts.append(f"{esc(page_label(view.pages))}（共{view.page_count}页）")
    if view.ocr_confidence is not None:
        facts.append(f"本段文字由扫描件识别（OCR，置信度 {view.ocr_confidence:.2f}），请以原件为准")
    return (
        f'<div class="qa-source"><h4>{esc(view.title)}</h4>'
        f'<div class="qa-source-meta">{" · ".join(facts)}</div>'
        + (f'<div class="qa-source-path">{esc(where)}</div>' if where else "")
        + f'<div class="qa-section-text">{esc(view.before)}<mark>{esc(view.cited)}</mark>'
        f"{esc(view.after)}</div></div>"
    )

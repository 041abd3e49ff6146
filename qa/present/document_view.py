"""A document for reading: metadata, a clickable outline, the text with a passage marked.

Pure functions to escaped HTML. Every section start gets an anchor
(``{prefix}-s{start}``) that the outline links to, and a cited passage is wrapped in
``<mark class="qa-passage">`` for the page to scroll to. When a reader records the pages
of a file (``page_starts``: the offset where each page begins, PDF and OFD), the view
says on which page the passage starts.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from qa.ingest.pages import ocr_confidence, page_label, span_pages
from qa.present.html import esc
from qa.types import Document, Section, Span

SCRIPT_WORDS = {"simplified": "简体", "traditional": "繁体"}


def metadata_html(document: Document) -> str:
    facts = [
        ("发文机关", document.issuer),
        ("文号", document.doc_number),
        ("日期", document.date),
        ("地区", document.region),
        ("字体", SCRIPT_WORDS.get(document.script, document.script)),
    ]
    items = "".join(
        f"<span><b>{name}</b>：{esc(value) if value else '—'}</span>" for name, value in facts
    )
    return (
        f'<div class="qa-doc-title">《{esc(document.title)}》</div>'
        f'<div class="qa-doc-meta">{items}</div>'
    )


def _walk(sections: Sequence[Section]) -> list[Section]:
    out: list[Section] = []
    for section in sections:
        out.append(section)
        out.extend(_walk(section.children))
    return out


def outline_html(sections: Sequence[Section], prefix: str) -> str:
    """The outline as nested lists of links to the section anchors."""
    if not sections:
        return (
            '<p class="qa-hint">这份文件没有编号的标题（一、（一）1. 第X条…），请直接阅读全文。</p>'
        )

    def items(nodes: Sequence[Section]) -> str:
        out = []
        for s in nodes:
            children = f"<ul>{items(s.children)}</ul>" if s.children else ""
            out.append(
                f'<li><a class="qa-outline-link" href="#{prefix}-s{s.span[0]}" '
                f'data-start="{s.span[0]}">{esc(s.label)}</a>{children}</li>'
            )
        return "".join(out)

    return f'<ul class="qa-outline">{items(sections)}</ul>'


def text_html(
    document: Document, sections: Sequence[Section], prefix: str, passage: Span | None
) -> str:
    """The whole text, escaped, with section anchors and the passage marked."""
    text = document.text
    starts = sorted({s.span[0] for s in _walk(sections) if 0 <= s.span[0] < len(text)})
    cuts = set(starts) | {0, len(text)}
    if passage and 0 <= passage[0] < passage[1] <= len(text):
        cuts |= set(passage)
    else:
        passage = None
    parts = []
    ordered = sorted(cuts)
    anchors = set(starts)
    for start, end in itertools.pairwise(ordered):
        if start in anchors:
            parts.append(f'<span class="qa-anchor" id="{prefix}-s{start}"></span>')
        piece = esc(text[start:end])
        if passage and passage[0] <= start and end <= passage[1]:
            first = f' id="{prefix}-passage"' if start == passage[0] else ""
            piece = f'<mark class="qa-passage"{first}>{piece}</mark>'
        parts.append(piece)
    return f'<div class="qa-doc-text">{"".join(parts)}</div>'


def passage_view_html(
    document: Document, sections: Sequence[Section], span: Span, prefix: str = "qa-src"
) -> str:
    """查看原文: the document with one passage marked, the view opening there."""
    pages = span_pages(document, span)
    where = f"，{page_label(pages)}（共 {len(document.page_starts)} 页）" if pages else ""
    confidence = ocr_confidence(document, pages)
    scanned = (
        f"这一页是扫描件，文字由识别（OCR）得来，置信度 {confidence:.0%}，请以原件为准。"
        if confidence is not None
        else ""
    )
    head = (
        f'<div class="qa-doc-where">原文位置：第 {span[0] + 1}–{span[1]} 字{where}。'
        f"标黄的是引用的段落。{esc(scanned)}</div>"
    )
    return (
        f'<div class="qa-doc-view" data-passage="{prefix}-passage">{metadata_html(document)}{head}'
        f"{text_html(document, sections, prefix, span)}</div>"
    )


def document_page_html(
    document: Document, sections: Sequence[Section], prefix: str = "qa-docs"
) -> str:
    """The 文件 tab's reading view: metadata, the outline beside the text."""
    return (
        f'<div class="qa-doc-view">{metadata_html(document)}<div class="qa-doc-grid">'
        f'<nav class="qa-doc-outline"><b>目录</b>（点击跳到该节）{outline_html(sections, prefix)}</nav>'
        f"{text_html(document, sections, prefix, None)}</div></div>"
    )

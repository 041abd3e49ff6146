"""Questions the outline answers: 主要措施有哪些? 分几个阶段? 从哪几个方面…? 包括哪几部分?

A policy document states its measures, stages and fields as the headings of one
section's sub-sections (三、主要措施 → (一)… (八)…); no single sentence lists them, so
the sentence scorer used to quote one item's body. When a list question's words are
those of a section's heading, of most of its sub-headings, or of the document's title,
the answer is the sub-headings themselves, each quoted as the document writes it and
cited to its section. Pure functions over the question analysis, the retrieved
passages and the documents' chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.answer.text import sentences_text
from qa.retrieve.query import QuestionAnalysis
from qa.textnorm import search_form
from qa.types import Answer, AnswerSentence, Chunk, Citation, Document, Passage

_STRUCTURE_QUESTION = re.compile(
    r"哪些|哪几|几个|几部分|几方面|几项|几类|几大|几章|几节|哪[两二三四五六七八九十]|分为|包括哪|包含哪"
)
# Words that count or frame the items (哪几个方面, 主要) rather than name them.
_ENUMERATING = frozenset(
    [
        "哪些",
        "哪几",
        "几个",
        "哪几个",
        "方面",
        "部分",
        "包括",
        "包含",
        "分",
        "分为",
        "主要",
        "内容",
        "几章",
        "哪几章",
        "几节",
        "章",
        "节",
        "两大",
        "三大",
        "四大",
        "几大",
        "哪两",
    ]
)
# Words naming the document the question is about (东莞方案, 太原行动计划).
_DOCUMENT_WORDS = frozenset(["方案", "意见", "文件", "计划", "行动", "行动计划", "通知", "纲要"])
_MARKER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}\s*[.．、]"
    r"|第[一二三四五六七八九十百零〇两\d]+[章节条])\s*"
)
MIN_ITEMS, MAX_ITEMS = 2, 15


@dataclass(frozen=True)
class OutlineList:
    """A section whose sub-headings answer the question."""

    doc_id: str
    parent: tuple[str, ...]  # the listing section's path; () for the document itself
    items: tuple[tuple[str, Chunk], ...]  # each sub-section's heading and first chunk


def sub_sections(chunks: Sequence[Chunk], parent: tuple[str, ...]) -> list[tuple[str, Chunk]]:
    """The headings of ``parent``'s sub-sections, each with its first chunk, in order."""
    first: dict[str, Chunk] = {}
    depth = len(parent)
    for chunk in chunks:
        path = chunk.section_path
        if len(path) > depth and path[:depth] == parent:
            first.setdefault(path[depth], chunk)
    return list(first.items())


def _named(label: str) -> bool:
    """A heading that names its item (not a bare 第七条 or (一))."""
    return len(_MARKER.sub("", label).strip()) >= 2


def _held(word: str, heading: str, labels: Sequence[str], title: str) -> bool:
    """The word is the section's (its heading or most of its sub-headings) or the
    document's (its title)."""
    in_items = sum(word in label for label in labels)
    return word in heading or word in title or 2 * in_items >= len(labels)


def outline_list(
    analysis: QuestionAnalysis,
    passages: Sequence[Passage],
    chunks_of: Callable[[str], Sequence[Chunk]],
) -> OutlineList | None:
    """The section whose sub-headings list what the question asks for, if one does.

    Every word of the question must be in the section's heading, in most of its
    sub-headings, or in its document's title; a question whose only words name the
    document (太原行动计划包括哪几部分?) is answered by the document's own parts.
    """
    if analysis.across_documents or not _STRUCTURE_QUESTION.search(search_form(analysis.text)):
        return None
    words = [
        t
        for t in analysis.content_tokens
        if len(t) >= 2 and t not in _ENUMERATING and t not in _DOCUMENT_WORDS
    ]
    best: tuple[int, int, OutlineList] | None = None
    seen: set[tuple[str, tuple[str, ...]]] = set()  # passages of one section share parents
    for passage in passages[:5]:
        chunk = passage.chunk
        title = search_form(passage.doc_title)
        path = chunk.section_path
        for depth in range(len(path) + 1):
            parent = path[:depth]
            if (chunk.doc_id, parent) in seen:
                continue
            seen.add((chunk.doc_id, parent))
            if not parent and (
                chunk.doc_id not in analysis.doc_ids or not all(w in title for w in words)
            ):
                continue  # the whole document only when asked for by name alone
            items = sub_sections(chunks_of(chunk.doc_id), parent)
            if not MIN_ITEMS <= len(items) <= MAX_ITEMS or not all(_named(x) for x, _ in items):
                continue
            heading = search_form(parent[-1]) if parent else ""
            labels = [search_form(label) for label, _ in items]
            if not all(_held(w, heading, labels, title) for w in words):
                continue
            # The words the section itself holds (not only the title) rank it.
            own = sum(w in heading or any(w in label for label in labels) for w in words)
            found = OutlineList(chunk.doc_id, parent, tuple(items))
            if best is None or (own, -passage.rank) > best[:2]:
                best = (own, -passage.rank, found)
    if best is None or (words and best[0] == 0 and best[2].parent):
        return None
    return best[2]


def heading_span(chunk: Chunk, label: str) -> tuple[int, int] | None:
    """Where the heading ``label`` is written in its chunk (spaces may differ:
    "1.產品質量" is written "1. 產品質量")."""
    pattern = r"\s*".join(re.escape(c) for c in label if not c.isspace())
    match = re.search(pattern, chunk.text)
    if match is None:
        return None
    return chunk.span[0] + match.start(), chunk.span[0] + match.end()


def outline_answer(question: str, listing: OutlineList, document: Document) -> Answer:
    """The sub-headings as the answer: the section's heading, then one line per item,
    each quoted where its section writes it and cited to that section."""
    passages: list[Passage] = []
    sentences: list[AnswerSentence] = []
    lead = listing.parent[-1] if listing.parent else f"《{document.title}》"
    for rank, (label, chunk) in enumerate(listing.items, 1):
        passages.append(Passage(rank, chunk, document.title, document.region, 0.0))
        written = heading_span(chunk, label)
        # Quoted as written; a heading its chunk does not repeat (a law's chapter line)
        # is the label its passage card shows, cited to the whole section.
        span, text = (written, document.text[slice(*written)]) if written else (chunk.span, label)
        citation = Citation(rank, document.doc_id, span)
        sentences.append(AnswerSentence(text, (citation,), lead if rank == 1 else ""))
    return Answer(
        question=question,
        found=True,
        answer=sentences_text(sentences),
        passages=tuple(passages),
        sentences=tuple(sentences),
    )

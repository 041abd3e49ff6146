"""Citable chunks: one per section's own text, long ones split at sentence ends.

Units, in document order: the preamble before the first heading (section_path ());
a law's article (第X条) whole, items included, when it fits in one chunk; each
parent's own intro text before its first child when it says more than the
heading; each leaf section's text (heading line included); a parent's closing text
after its last child (see qa.ingest.outline, trailing paragraphs); text after the last
top-level section (section_path ()). Web chrome lines (qa.ingest.noise) cut a unit into
separate pieces, so no chunk ever contains one.

A unit longer than ``chunk_size`` is split by langchain's RecursiveCharacterTextSplitter
at paragraph, sentence and clause ends (separators kept at the piece's end). Pieces are
located in the original text, so ``chunk.text == document.text[start:end]`` always.
A piece shorter than ``chunk_min`` is merged into its neighbour; when that would pass
``chunk_size`` the pair is re-cut at the sentence end nearest its middle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.errors import InputError
from qa.ingest.noise import noise_line_spans
from qa.ingest.outline import walk
from qa.textnorm import split_sentences, to_simplified
from qa.types import Chunk, Document, Section, Span

SEPARATORS = ["\n\n", "\n", "。", "；", "！", "？", "，", ""]
_CUT_AFTER = re.compile(r"[。；！？!?;，,\n]")
_HEADING_RESIDUE = " \t\u3000\r\n。.．、:："


@lru_cache(maxsize=16)
def _splitter(chunk_size: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=0,
        strip_whitespace=True,
    )


def chunk_document(
    document: Document, sections: Sequence[Section], chunk_size: int = 400, chunk_min: int = 80
) -> list[Chunk]:
    """All chunks of ``document`` given its outline ``sections`` (from parse_outline)."""
    if chunk_size < 1 or chunk_min < 0:
        raise InputError(
            f"chunk_size={chunk_size}, chunk_min={chunk_min}: sizes out of range.",
            "Use a positive chunk_size (e.g. 400) and a chunk_min from 0 to half of it.",
        )
    chunk_min = min(chunk_min, chunk_size // 2)
    text = document.text
    noise = noise_line_spans(text)
    units: list[tuple[Span, tuple[Section, ...]]] = []
    top = list(sections)
    # The preamble stops at the first heading's line start (a Markdown "## " prefix
    # belongs to the heading, not to the preamble).
    preamble_end = text.rfind("\n", 0, top[0].span[0]) + 1 if top else len(text)
    units.append(((0, preamble_end), ()))
    merged_until = -1
    for ancestors, section in walk(top):
        if section.span[1] <= merged_until:
            continue  # inside an article already chunked whole
        path = (*ancestors, section)
        if not section.children or _whole_article(section, chunk_size):
            units.append((section.span, path))
            merged_until = section.span[1] if section.children else merged_until
            continue
        if _has_own_body(text, section):
            units.append((section.body_span, path))
        units.append(((section.children[-1].span[1], section.span[1]), path))
    if top:
        units.append(((top[-1].span[1], len(text)), ()))
    units.sort(key=lambda unit: unit[0])

    chunks: list[Chunk] = []
    for span, path in units:
        for start, end in _without_noise(text, span, noise):
            for piece in split_span(text, (start, end), chunk_size, chunk_min):
                chunks.append(_make_chunk(document, piece, path))
    return chunks


def _whole_article(section: Section, chunk_size: int) -> bool:
    """A law's article (第X条) that fits in one chunk stays whole, items included.

    The article is what a reader cites (第十条第（二）项 is cited within it), and its
    items (项) alone are fragments: `（二）未经许可的；` means nothing without
    `有下列情形之一的` before it.
    """
    return section.kind == "tiao" and section.span[1] - section.span[0] <= chunk_size


def _has_own_body(text: str, section: Section) -> bool:
    own = text[section.body_span[0] : section.body_span[1]]
    rest = own[len(section.number) :].lstrip(_HEADING_RESIDUE)
    if section.heading and rest.startswith(section.heading.rstrip("…")):
        rest = rest[len(section.heading.rstrip("…")) :]
    return bool(rest.strip(_HEADING_RESIDUE))


def _without_noise(text: str, span: Span, noise: list[Span]) -> list[Span]:
    """``span`` minus noise lines, each part trimmed of surrounding whitespace."""
    start, end = span
    parts: list[Span] = []
    cursor = start
    for n_start, n_end in noise:
        if n_end <= start or n_start >= end:
            continue
        parts.append((cursor, min(n_start, end)))
        cursor = max(cursor, n_end)
    parts.append((cursor, end))
    out = []
    for s, e in parts:
        trimmed = _trim(text, s, e)
        if trimmed:
            out.append(trimmed)
    return out


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def split_span(text: str, span: Span, chunk_size: int, chunk_min: int) -> list[Span]:
    """Spans of the pieces of ``text[span]``: each ≤ chunk_size, none < chunk_min."""
    start, end = span
    if end - start <= chunk_size:
        return [span]
    pieces: list[Span] = []
    cursor = start
    for piece in _splitter(chunk_size).split_text(text[start:end]):
        at = text.find(piece, cursor, end)
        if at < 0:  # the splitter changed the text; fall back to fixed cuts
            return _fixed_cuts(text, span, chunk_size)
        pieces.append((at, at + len(piece)))
        cursor = at + len(piece)
    return _merge_small(text, pieces, chunk_size, chunk_min)


def _fixed_cuts(text: str, span: Span, chunk_size: int) -> list[Span]:
    out = []
    for s in range(span[0], span[1], chunk_size):
        trimmed = _trim(text, s, min(s + chunk_size, span[1]))
        if trimmed:
            out.append(trimmed)
    return out


def _merge_small(text: str, pieces: list[Span], chunk_size: int, chunk_min: int) -> list[Span]:
    merged = list(pieces)
    i = 0
    while len(merged) > 1 and i < len(merged):
        s, e = merged[i]
        if e - s >= chunk_min:
            i += 1
            continue
        j = i - 1 if i > 0 else i + 1
        a, b = sorted((i, j))
        pair = (merged[a][0], merged[b][1])
        replacement = _recut(text, pair, chunk_size, chunk_min)
        merged[a : b + 1] = replacement
        # A single merged piece may still be small (two small neighbours): look again.
        i = a if len(replacement) == 1 else a + len(replacement)
    return merged


def _recut(text: str, span: Span, chunk_size: int, chunk_min: int) -> list[Span]:
    """``span`` whole when it fits, else two parts cut at the clause end nearest the middle."""
    start, end = span
    if end - start <= chunk_size:
        return [span]
    middle = (start + end) // 2
    best: int | None = None
    for m in _CUT_AFTER.finditer(text, start, end):
        cut = m.end()
        if cut - start < chunk_min or end - cut < chunk_min:
            continue
        if cut - start > chunk_size or end - cut > chunk_size:
            continue
        if best is None or abs(cut - middle) < abs(best - middle):
            best = cut
    cut = middle if best is None else best
    parts = [p for p in (_trim(text, start, cut), _trim(text, cut, end)) if p]
    return parts


def _make_chunk(document: Document, span: Span, path: tuple[Section, ...]) -> Chunk:
    start, end = span
    body = document.text[start:end]
    labels = tuple(s.label for s in path)
    header = to_simplified(f"{document.title} {' > '.join(labels)}")
    search_text = f"{header}\n{to_simplified(body)}"
    return Chunk(
        chunk_id=f"{document.doc_id}:{start}-{end}",
        doc_id=document.doc_id,
        section_path=labels,
        section_numbers=tuple(s.number for s in path),
        text=body,
        span=span,
        search_text=search_text,
    )


# A sentence shorter than this ((一), 第三条 alone) says too little to be searched alone.
SENTENCE_MIN = 6


def sentence_texts(chunk: Chunk) -> tuple[str, ...]:
    """The sentences a chunk is also searched by, each embedded on its own (simplified
    script): a passage holding several measures or clauses is found by the one a question
    asks about, not only by their average. () for a chunk of one sentence, which its own
    vector already is."""
    sentences = [
        chunk.text[start:end]
        for start, end in split_sentences(chunk.text)
        if end - start >= SENTENCE_MIN
    ]
    if len(sentences) < 2:
        return ()
    return tuple(to_simplified(s) for s in sentences)


def expects_sentence_vectors(chunks: Iterable[Chunk], with_sentences: bool) -> bool:
    """Whether an index of these chunks built with ``with_sentences`` holds sentence
    vectors: not when no chunk has two sentences (the first such chunk decides, so a
    store checks it at every open without splitting the whole corpus)."""
    return with_sentences and any(sentence_texts(c) for c in chunks)


def vector_texts(chunks: Sequence[Chunk], with_sentences: bool) -> list[tuple[Chunk, str]]:
    """What is embedded for ``chunks``, each text with the chunk its vector stands for:
    every chunk's search text, then (``with_sentences``) its sentences."""
    texts = [(c, c.search_text) for c in chunks]
    if with_sentences:
        texts += [(c, s) for c in chunks for s in sentence_texts(c)]
    return texts

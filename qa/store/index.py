"""An opened index: the corpus as the assistant serves it, whatever the backend.

Documents (with text and outline), chunks in corpus order, figures, and the vector and
keyword searches, all keyed by chunk id. A ``SearchIndex`` is never changed after it
is opened: adding a document opens a new one and the assistant swaps it in whole.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from qa.store.base import KeywordIndex, TextSearch, VectorStore
from qa.textnorm import QUOTED_TERM, search_form
from qa.types import Chunk, Document, Figure, Section


@dataclass(frozen=True)
class IndexInfo:
    """What an index was built from (the manifest, or the collection's own record)."""

    build_id: str
    model: str
    dimension: int
    corpus_hash: str
    store_kind: str
    backend: str = "faiss"


@dataclass(frozen=True)
class BuildRecord:
    """What every backend records of a build, whatever else it adds (the FAISS
    manifest's files, the Milvus build's document order)."""

    build_id: str
    model: str
    dimension: int
    chunk_count: int
    corpus_hash: str
    store_kind: str
    code_version: str
    created: str

    def index_info(self, backend: str) -> IndexInfo:
        return IndexInfo(
            self.build_id, self.model, self.dimension, self.corpus_hash, self.store_kind, backend
        )


@dataclass
class SearchIndex:
    info: IndexInfo
    documents: dict[str, Document]
    chunks: dict[str, Chunk]  # chunk id -> chunk, in corpus order
    figures: list[Figure]
    outlines: dict[str, tuple[Section, ...]]
    vectors: VectorStore
    keyword: KeywordIndex
    bigrams: TextSearch  # BM25 over character bigrams (qa.tokens.bigrams)
    order: dict[str, int] = field(init=False)  # chunk id -> position in corpus order
    chunk_figures: dict[str, list[Figure]] = field(init=False)

    def __post_init__(self) -> None:
        self.order = {chunk_id: i for i, chunk_id in enumerate(self.chunks)}
        self.chunk_figures = figures_by_chunk(self.chunks.values(), self.figures)

    def chunk(self, chunk_id: str) -> Chunk:
        return self.chunks[chunk_id]

    @cached_property
    def figure_chunks(self) -> dict[tuple[str, tuple[int, int]], str]:
        """(doc id, figure span) -> the chunk that holds the figure."""
        return {
            (f.doc_id, f.span): chunk_id
            for chunk_id, figures in self.chunk_figures.items()
            for f in figures
        }

    def has_figure(self, chunk_id: str) -> bool:
        return chunk_id in self.chunk_figures

    def document_chunks(self, doc_ids: Collection[str]) -> list[Chunk]:
        """The chunks of these documents, in corpus order."""
        grouped = self._chunks_by_document
        chunks = [c for doc_id in dict.fromkeys(doc_ids) for c in grouped.get(doc_id, ())]
        return sorted(chunks, key=lambda c: self.order[c.chunk_id])

    @cached_property
    def _chunks_by_document(self) -> dict[str, list[Chunk]]:
        """One document's chunks without a scan of the corpus (75k chunks at scale)."""
        grouped: dict[str, list[Chunk]] = defaultdict(list)
        for chunk in self.chunks.values():
            grouped[chunk.doc_id].append(chunk)
        return dict(grouped)

    @cached_property
    def document_forms(self) -> dict[str, str]:
        """Each document's chunk text in search form."""
        parts: dict[str, list[str]] = defaultdict(list)
        for chunk, form in zip(self.chunks.values(), self.chunk_forms, strict=True):
            parts[chunk.doc_id].append(form)
        return {doc_id: "\n".join(texts) for doc_id, texts in parts.items()}

    @cached_property
    def chunk_forms(self) -> list[str]:
        """Each chunk's text in search form, in corpus order."""
        return [search_form(c.text) for c in self.chunks.values()]

    @cached_property
    def corpus_form(self) -> str:
        """All chunk text in search form: tells whether the corpus uses a term at all."""
        return "\n".join(self.chunk_forms)

    @cached_property
    def quoted_terms(self) -> frozenset[str]:
        """Terms the documents themselves put in quotation marks (“首负责任”, “三证合一”):
        their terms of art, in search form, of 3 to 12 characters."""
        terms = (m.strip() for m in QUOTED_TERM.findall(self.corpus_form))
        return frozenset(t for t in terms if 3 <= len(t) <= 12)

    @cached_property
    def _chunk_starts(self) -> list[int]:
        """Where each chunk (in corpus order) starts in ``corpus_form``."""
        starts, at = [], 0
        for form in self.chunk_forms:
            starts.append(at)
            at += len(form) + 1
        return starts

    def phrase_chunks(self, phrase: str, doc_ids: Collection[str] | None = None) -> list[str]:
        """Chunks whose text holds ``phrase`` (search form) verbatim, in corpus order."""
        if not phrase:
            return []
        ids = list(self.chunks)
        starts = self._chunk_starts
        found: list[str] = []
        at = self.corpus_form.find(phrase)
        while at >= 0:
            chunk_id = ids[bisect.bisect_right(starts, at) - 1]
            if (doc_ids is None or self.chunks[chunk_id].doc_id in doc_ids) and (
                not found or found[-1] != chunk_id
            ):
                found.append(chunk_id)
            at = self.corpus_form.find(phrase, at + 1)
        return found


def figures_by_chunk(chunks: Iterable[Chunk], figures: Sequence[Figure]) -> dict[str, list[Figure]]:
    """Each figure goes to the chunk whose span contains it (and only if verbatim there)."""
    by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    text_of: dict[str, str] = {}
    for chunk in chunks:
        by_doc[chunk.doc_id].append((chunk.span[0], chunk.span[1], chunk.chunk_id))
        text_of[chunk.chunk_id] = chunk.text
    for spans in by_doc.values():
        spans.sort()
    out: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        spans = by_doc.get(figure.doc_id, [])
        at = bisect.bisect_right(spans, (figure.span[0], float("inf"), "")) - 1
        if at < 0:
            continue
        start, end, chunk_id = spans[at]
        if start <= figure.span[0] and figure.span[1] <= end and figure.text in text_of[chunk_id]:
            out[chunk_id].append(figure)
    return dict(out)

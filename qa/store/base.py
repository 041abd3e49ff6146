"""The store interfaces: vectors and keywords keyed by chunk id, and the index backend.

A backend (``QA_STORE``: "faiss" by default, see STORES) keeps everything the
assistant serves: documents with their outline, chunks, figures, passage vectors and
the keyword index. It builds, adds, removes and opens them with one guarantee: a reader
always sees a complete corpus, never a half-written one. Retrieval only talks to the
``VectorStore`` and ``KeywordIndex`` of an opened ``SearchIndex``, by chunk id.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from qa.config import Settings
from qa.registry import Registry
from qa.types import ParsedDocument

if TYPE_CHECKING:
    from qa.embed.base import Embedder
    from qa.store.index import SearchIndex

# progress(stage, done, total): stages are "ingest", "embed", "keyword", "write".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    score: float


def distinct_chunks(ranked: Iterable[tuple[str, float]], k: int) -> list[Hit]:
    """The first k distinct chunks of (chunk id, score) pairs ranked best first, each at
    its first (best) score: a chunk with several vectors (its own, its sentences')
    scores by its nearest one."""
    seen: set[str] = set()
    hits: list[Hit] = []
    for chunk_id, score in ranked:
        if chunk_id not in seen:
            seen.add(chunk_id)
            hits.append(Hit(chunk_id, score))
            if len(hits) == k:
                break
    return hits


class VectorStore(Protocol):
    @property
    def kind(self) -> str:
        """What a summary line calls it: "flat", "hnsw", "milvus" …"""
        ...

    def count(self) -> int: ...

    def add(self, chunk_ids: Sequence[str], doc_ids: Sequence[str], vectors: np.ndarray) -> None:
        """Store one L2-normalised vector per chunk; ``doc_ids`` serve the filter."""
        ...

    def delete_documents(self, doc_ids: Collection[str]) -> int:
        """Remove every vector of these documents; returns how many were removed."""
        ...

    def search(
        self, query: np.ndarray, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        """The k nearest chunks by cosine, best first; only ``doc_ids``' chunks if given."""
        ...


class TextSearch(Protocol):
    """BM25 over one analysis of the chunks' text (jieba words, character bigrams)."""

    def count(self) -> int: ...

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The k best chunks by BM25 (score > 0), best first; only ``doc_ids``' if given."""
        ...


class KeywordIndex(TextSearch, Protocol):
    """The word index, whose idf also weighs the keyword ranking in the fusion."""

    def idf(self, tokens: Sequence[str]) -> dict[str, float]:
        """BM25 idf of each token (0 for tokens the corpus never uses)."""
        ...


@dataclass(frozen=True)
class BuildSummary:
    """What a build, add or removal produced (``qa build`` prints it)."""

    build_id: str
    documents: int
    chunks: int
    store_kind: str
    model: str
    location: str = ""  # where it was written (an index folder, a Milvus URI and alias)
    vectors: int = 0  # dense vectors stored: the chunks' and their sentences' (0 = one a chunk)


class IndexBackend(Protocol):
    """Where the index lives. One instance per process, shared by its threads."""

    # True when the store, not the local corpus folder, is the corpus of record (app
    # replicas on several machines upload into it): the assistant then does not compare
    # the store with its own folder at start-up.
    shared: bool
    # Where the index lives, for messages: an index folder, or a Milvus URI and alias.
    location: str

    def open(self, *, model: str | None = None, corpus_hash: str | None = None) -> SearchIndex:
        """The current index, checked against the model and corpus when given."""
        ...

    def version(self) -> str:
        """Cheap identity of the current index (changes with every build, add, removal)."""
        ...

    def build(
        self,
        parsed: Sequence[ParsedDocument],
        embedder: Embedder,
        progress: Progress | None = None,
    ) -> BuildSummary: ...

    def add(
        self,
        parsed: Sequence[ParsedDocument],
        embedder: Embedder,
        progress: Progress | None = None,
    ) -> BuildSummary: ...

    def remove(
        self, doc_ids: Collection[str], embedder: Embedder, progress: Progress | None = None
    ) -> BuildSummary: ...


STORES: Registry[Callable[[Settings], IndexBackend]] = Registry("store", "QA_STORE")


def open_backend(settings: Settings) -> IndexBackend:
    return STORES.get(settings.store)(settings)

"""Passage vectors in FAISS, keyed by chunk id.

FAISS labels are 0..n-1 in insertion order; ``vector_ids.tsv`` beside the FAISS file
maps each label to its chunk id and document, so nothing outside this module depends
on label positions. A chunk may have several vectors (its own and its sentences'); a
search returns distinct chunks, each scored by its nearest vector. Below ``exact_limit`` vectors the index is exact inner-product
search (IndexFlatIP); above it HNSW (IndexHNSWFlat), whose recall against exact search
is measured by ``python -m eval.bench``. Vectors are L2-normalised, so inner product is
cosine similarity.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import faiss
import numpy as np

from qa.errors import IndexCorruptError
from qa.store import layout
from qa.store.base import Hit, distinct_chunks

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# efSearch 512: recall@10 against exact search 0.996 at 29.7k vectors (0.922 at 128,
# where the five policy documents, a small cluster, were missed), still < 1 ms a query.
HNSW_EF_SEARCH = 512
# A document filter selecting at most this many vectors is searched exactly: HNSW with a
# restrictive selector can return fewer than k, even none (measured at 74,979 vectors:
# 0 of a 39-chunk document's chunks for some questions, so per-document shares lost
# their dense ranking); scoring a few thousand vectors directly takes about a millisecond.
EXACT_FILTER_LIMIT = 4096
REBUILD = "Rebuild it with `python -m qa build --force`."


class FaissVectorStore:
    def __init__(
        self,
        index: faiss.Index,
        chunk_ids: list[str],
        doc_ids: list[str],
        exact_limit: int = 20000,
    ) -> None:
        self._index = index
        self.exact_limit = exact_limit
        self._chunk_ids = chunk_ids
        self._doc_ids = doc_ids
        self._positions: dict[str, np.ndarray] = {}
        self._chunk_count = 0
        self._reindex()

    # -- building ----------------------------------------------------------------------
    @classmethod
    def create(
        cls, dimension: int, expected: int = 0, exact_limit: int = 20000
    ) -> FaissVectorStore:
        """An empty store; HNSW when ``expected`` vectors pass ``exact_limit``."""
        index: faiss.Index
        if expected <= exact_limit:
            index = faiss.IndexFlatIP(dimension)
        else:
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        store = cls(index, [], [], exact_limit)
        store._tune()
        return store

    def add(self, chunk_ids: Sequence[str], doc_ids: Sequence[str], vectors: np.ndarray) -> None:
        """One row per vector; a chunk id may repeat (its sentences' vectors)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(chunk_ids) != len(vectors) or len(doc_ids) != len(vectors):
            raise ValueError("one chunk id and one doc id per vector")
        if len(vectors):
            self._index.add(vectors)
        self._chunk_ids.extend(chunk_ids)
        self._doc_ids.extend(doc_ids)
        self._reindex()

    def delete_documents(self, doc_ids: Collection[str]) -> int:
        """Rebuild without those documents' vectors (HNSW cannot remove in place)."""
        keep = [i for i, d in enumerate(self._doc_ids) if d not in doc_ids]
        removed = len(self._doc_ids) - len(keep)
        if removed:
            vectors = np.stack([self._index.reconstruct(i) for i in keep]) if keep else None
            fresh = FaissVectorStore.create(self._index.d, len(keep), self.exact_limit)
            if vectors is not None:
                fresh.add(
                    [self._chunk_ids[i] for i in keep], [self._doc_ids[i] for i in keep], vectors
                )
            self._index, self._chunk_ids, self._doc_ids = (
                fresh._index,
                fresh._chunk_ids,
                fresh._doc_ids,
            )
            self._reindex()
        return removed

    # -- files ---------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        faiss.write_index(self._index, str(folder / layout.VECTORS))
        with (folder / layout.VECTOR_IDS).open("w", encoding="utf-8") as handle:
            for chunk_id, doc_id in zip(self._chunk_ids, self._doc_ids, strict=True):
                handle.write(f"{chunk_id}\t{doc_id}\n")

    @classmethod
    def load(cls, folder: Path, exact_limit: int = 20000) -> FaissVectorStore:
        try:
            index = faiss.read_index(str(folder / layout.VECTORS))
        except RuntimeError as err:
            raise IndexCorruptError(
                f"The vector index {folder / layout.VECTORS} cannot be read ({err}).", REBUILD
            ) from None
        chunk_ids: list[str] = []
        doc_ids: list[str] = []
        with (folder / layout.VECTOR_IDS).open(encoding="utf-8") as handle:
            for line in handle:
                chunk_id, _, doc_id = line.rstrip("\n").partition("\t")
                chunk_ids.append(chunk_id)
                doc_ids.append(doc_id)
        if len(chunk_ids) != index.ntotal:
            raise IndexCorruptError(
                f"{folder / layout.VECTOR_IDS} names {len(chunk_ids)} chunks for "
                f"{index.ntotal} vectors.",
                REBUILD,
            )
        store = cls(index, chunk_ids, doc_ids, exact_limit)
        store._tune()
        return store

    # -- searching ---------------------------------------------------------------------
    def _tune(self) -> None:
        if isinstance(self._index, faiss.IndexHNSWFlat):
            self._index.hnsw.efSearch = HNSW_EF_SEARCH

    def _reindex(self) -> None:
        by_doc: dict[str, list[int]] = {}
        for position, doc_id in enumerate(self._doc_ids):
            by_doc.setdefault(doc_id, []).append(position)
        self._positions = {d: np.asarray(p, dtype=np.int64) for d, p in by_doc.items()}
        self._chunk_count = len(set(self._chunk_ids))

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    def count(self) -> int:
        """Vectors stored (a chunk's sentences' vectors included)."""
        return int(self._index.ntotal)

    def chunk_count(self) -> int:
        """Distinct chunks with at least one vector."""
        return self._chunk_count

    def vectors(self) -> np.ndarray:
        """All vectors in label order (for benchmarks of recall)."""
        n = self.count()
        return (
            np.stack([self._index.reconstruct(i) for i in range(n)])
            if n
            else np.zeros((0, self._index.d), dtype=np.float32)
        )

    def search(
        self, query: np.ndarray, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        size = self.count()
        k = max(1, min(k, self._chunk_count))
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if size == 0:
            return []
        params: faiss.SearchParameters | None = None
        if doc_ids is not None:
            allowed = [self._positions[d] for d in doc_ids if d in self._positions]
            if not allowed:
                return []
            selection = np.sort(np.concatenate(allowed))
            if (
                isinstance(self._index, faiss.IndexHNSWFlat)
                and len(selection) <= EXACT_FILTER_LIMIT
            ):
                return self._exact(query[0], k, selection)
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(selection, dtype=np.int64))
            if isinstance(self._index, faiss.IndexHNSWFlat):
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=HNSW_EF_SEARCH)  # type: ignore[attr-defined]
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
            size = len(selection)
        # Several vectors can name one chunk: ask for more until k distinct chunks come
        # back or every vector has been seen.
        fetch = min(size, k * max(1, round(self.count() / max(self._chunk_count, 1))))
        while True:
            if params is None:
                scores, labels = self._index.search(query, fetch)
            else:
                scores, labels = self._index.search(query, fetch, params=params)
            ranked = (
                (int(label), float(score))
                for label, score in zip(labels[0], scores[0], strict=True)
                if label >= 0
            )
            hits = self._distinct(ranked, k)
            if len(hits) >= k or fetch >= size:
                return hits
            fetch = min(size, fetch * 2)

    def _distinct(self, ranked: Iterable[tuple[int, float]], k: int) -> list[Hit]:
        """The first k hits of distinct chunks, each at its best (first) vector's score."""
        return distinct_chunks(((self._chunk_ids[label], score) for label, score in ranked), k)

    def _exact(self, query: np.ndarray, k: int, selection: np.ndarray) -> list[Hit]:
        """The k best chunks of ``selection`` (labels, sorted) by exact inner product;
        equal scores in label (corpus) order."""
        scores = self._index.reconstruct_batch(selection) @ query
        top = np.argsort(-scores, kind="stable")
        return self._distinct(((int(selection[i]), float(scores[i])) for i in top), k)

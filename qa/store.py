"""Vector store behind a small interface, so another engine can be plugged in later.

FAISS is the default engine. Below ``exact_limit`` vectors it uses exact inner-product
search (IndexFlatIP); above it, HNSW (IndexHNSWFlat), whose recall against exact
search is measured by ``python -m eval.bench``. Vectors are L2-normalised, so inner
product is cosine similarity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from qa.errors import IndexCorruptError

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# efSearch 512: recall@10 against exact search 0.996 at 29.7k vectors (0.922 at 128,
# where the five policy documents, a small cluster, were missed), still < 1 ms a query.
HNSW_EF_SEARCH = 512


class VectorStore(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def size(self) -> int: ...

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each (n_queries, k); missing slots have id -1.

        ``allowed``: if given, only these vector ids are searched (document filter).
        """
        ...

    def save(self, path: Path) -> None: ...


class FaissStore:
    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, exact_limit: int) -> FaissStore:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        index: faiss.Index
        if len(vectors) <= exact_limit:
            index = faiss.IndexFlatIP(dimension)
        else:
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        if len(vectors):
            index.add(vectors)
        store = cls(index)
        store._tune()
        return store

    @classmethod
    def load(cls, path: Path) -> FaissStore:
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as err:
            raise IndexCorruptError(
                f"The vector index {path} cannot be read ({err}).",
                "Rebuild it with `python -m qa build --force`.",
            ) from None
        store = cls(index)
        store._tune()
        return store

    def _tune(self) -> None:
        if isinstance(self._index, faiss.IndexHNSWFlat):
            self._index.hnsw.efSearch = HNSW_EF_SEARCH

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(k, self.size))
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self.size == 0 or (allowed is not None and len(allowed) == 0):
            n = len(queries)
            return np.zeros((n, k), dtype=np.float32), -np.ones((n, k), dtype=np.int64)
        if allowed is None:
            return self._index.search(queries, k)
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        params: faiss.SearchParameters
        if isinstance(self._index, faiss.IndexHNSWFlat):
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=HNSW_EF_SEARCH)  # type: ignore[attr-defined]
        else:
            params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        return self._index.search(queries, k, params=params)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

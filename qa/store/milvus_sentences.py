"""Dense search over a Milvus build's vectors collection: every chunk's own vector and
its sentences' (Settings.sentence_vectors), as the FAISS store keeps them.

A chunk scores at its nearest vector; a search returns k distinct chunks, asking Milvus
for more rows until k distinct chunks came back or every row was seen. Rows sort by
score, then by ``seq`` (the FAISS store's label order), so both stores cut ties alike.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from qa.store.base import Hit, distinct_chunks
from qa.store.faiss_vectors import EXACT_FILTER_LIMIT
from qa.store.milvus_search import doc_filter, searching

# Milvus answers at most this many rows a search (its topk limit).
MAX_ROWS = 16384


class MilvusSentenceVectors:
    def __init__(
        self,
        client: Any,
        uri: str,
        collection: str,
        kind: str,
        ef: int,
        seqs: Mapping[str, Sequence[int]],
        doc_chunks: Mapping[str, Sequence[str]],
    ) -> None:
        self._client = client
        self._uri = uri
        self.collection = collection
        self._kind = kind
        self._params: dict[str, Any] = {"metric_type": "COSINE"}
        if kind == "milvus-hnsw":
            self._params["params"] = {"ef": ef}
        self._seqs = seqs  # chunk id -> the seqs of its vector rows
        self._doc_chunks = doc_chunks  # doc id -> its chunk ids
        self._count = sum(len(s) for s in seqs.values())

    @property
    def kind(self) -> str:
        return self._kind

    def count(self) -> int:
        """Vectors (chunks' and sentences')."""
        return self._count

    def chunk_count(self) -> int:
        return len(self._seqs)

    def add(self, chunk_ids: Sequence[str], doc_ids: Sequence[str], vectors: np.ndarray) -> None:
        raise TypeError("A published Milvus build is never changed; use the backend's add.")

    def delete_documents(self, doc_ids: Collection[str]) -> int:
        raise TypeError("A published Milvus build is never changed; use the backend's remove.")

    def search(
        self, query: np.ndarray, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        size = self._count
        if doc_ids is not None:
            selected = [c for d in doc_ids for c in self._doc_chunks.get(d, ())]
            if not selected:
                return []
            if self._kind == "milvus-hnsw" and len(selected) <= EXACT_FILTER_LIMIT:
                return self._exact(vector, k, selected)
            size = sum(len(self._seqs[c]) for c in selected)
        if size == 0:
            return []
        fetch = min(size, MAX_ROWS, k * max(1, round(self._count / max(len(self._seqs), 1))))
        while True:
            rows = self._search(vector, fetch, doc_ids)
            hits = _distinct(rows, k)
            if len(hits) >= k or fetch >= min(size, MAX_ROWS) or len(rows) < fetch:
                return hits
            fetch = min(size, MAX_ROWS, fetch * 2)

    def _search(
        self, vector: np.ndarray, limit: int, doc_ids: Collection[str] | None
    ) -> list[tuple[str, float, int]]:
        with searching(self._uri):
            result = self._client.search(
                self.collection,
                data=[vector.tolist()],
                anns_field="dense",
                limit=max(1, limit),
                filter=doc_filter(doc_ids),
                output_fields=["seq", "chunk_id"],
                search_params=self._params,
            )
        return [
            (str(h["entity"]["chunk_id"]), float(h["distance"]), int(h["entity"]["seq"]))
            for h in result[0]
        ]

    def _exact(self, vector: np.ndarray, k: int, chunk_ids: list[str]) -> list[Hit]:
        """Every vector of these chunks fetched by primary key and scored here (vectors
        are L2-normalised: the inner product is the cosine); a filtered HNSW search
        returns too few of a small selection (qa.store.milvus_search)."""
        seqs = [s for c in chunk_ids for s in self._seqs[c]]
        with searching(self._uri):
            rows = self._client.get(
                self.collection, ids=seqs, output_fields=["seq", "chunk_id", "dense"]
            )
        if not rows:
            return []
        scores = np.asarray([r["dense"] for r in rows], dtype=np.float32) @ vector
        scored = [
            (str(r["chunk_id"]), float(score), int(r["seq"]))
            for r, score in zip(rows, scores, strict=True)
        ]
        return _distinct(scored, k)


def _distinct(rows: Iterable[tuple[str, float, int]], k: int) -> list[Hit]:
    """The first k distinct chunks of rows sorted by score then seq, each at its best."""
    ranked = sorted(rows, key=lambda r: (-r[1], r[2]))
    return distinct_chunks(((chunk_id, score) for chunk_id, score, _ in ranked), k)

"""The vector and keyword searches of one Milvus build, keyed by chunk id.

Both search the build's own chunks collection by name (not the alias), so an opened
``SearchIndex`` keeps answering from the build it was opened on while a writer
publishes the next one. Retrieval fuses the two lists itself (qa.retrieve.stages), by
the same weighted reciprocal rank as on the FAISS store. Ties are ordered by corpus
position on both stores.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from qa.errors import IndexMismatchError
from qa.store.base import Hit
from qa.store.faiss_vectors import EXACT_FILTER_LIMIT
from qa.store.milvus_client import milvus_errors
from qa.store.milvus_text import bigram_text, keyword_text

# Rows asked beyond k, so that equal scores at the k-th place are cut in corpus order
# here (Milvus breaks ties arbitrarily), as the FAISS store cuts them.
TIE_MARGIN = 10
CHANGED = (
    "索引刚刚被另一个进程更新。(The index was just replaced by another process.)",
    "请再问一次。(Ask again: the new index is opened on the next question.)",
)


@contextmanager
def searching(uri: str) -> Iterator[None]:
    """Milvus errors as QA errors; a build dropped under the reader (another process
    published twice since it opened) says to ask again."""
    with milvus_errors(uri):
        try:
            yield
        except Exception as err:
            if "not exist" in str(err) or "not found" in str(err):
                raise IndexMismatchError(*CHANGED) from None
            raise


def doc_filter(doc_ids: Collection[str] | None) -> str:
    if doc_ids is None:
        return ""
    return "doc_id in [" + ", ".join(json.dumps(d, ensure_ascii=False) for d in doc_ids) + "]"


class _BuildSearch:
    def __init__(self, client: Any, uri: str, collection: str, chunk_count: int) -> None:
        self._client = client
        self._uri = uri
        self.collection = collection
        self._count = chunk_count

    def count(self) -> int:
        return self._count

    def _search(
        self, data: list[Any], field: str, k: int, doc_ids: Collection[str] | None, params: dict
    ) -> list[tuple[str, float, int]]:
        """(chunk id, raw distance, position) of the best k rows."""
        if self._count == 0 or (doc_ids is not None and not doc_ids):
            return []
        with searching(self._uri):
            result = self._client.search(
                self.collection,
                data=data,
                anns_field=field,
                limit=max(1, min(k + TIE_MARGIN, self._count)),
                filter=doc_filter(doc_ids),
                output_fields=["position"],
                search_params=params,
            )
        return [
            (str(h["id"]), float(h["distance"]), int(h["entity"]["position"])) for h in result[0]
        ]

    def _bm25(self, text: str, field: str, k: int, doc_ids: Collection[str] | None) -> list[Hit]:
        """The best k rows of one BM25 field for ``text`` (already analysed), best first."""
        if not text:
            return []
        rows = self._search([text], field, k, doc_ids, {"metric_type": "BM25"})
        # Milvus Lite returns BM25 scores negated, a server positive: the size is the score.
        scored = [(chunk_id, abs(distance), position) for chunk_id, distance, position in rows]
        scored.sort(key=lambda r: (-r[1], r[2]))
        return [Hit(chunk_id, score) for chunk_id, score, _ in scored[:k] if score > 0]

    def add(self, chunk_ids: Sequence[str], doc_ids: Sequence[str], vectors: np.ndarray) -> None:
        raise TypeError("A published Milvus build is never changed; use the backend's add.")

    def delete_documents(self, doc_ids: Collection[str]) -> int:
        raise TypeError("A published Milvus build is never changed; use the backend's remove.")


class MilvusVectorStore(_BuildSearch):
    """Dense search (COSINE) over the build's ``dense`` field. On an HNSW build a
    document filter selecting few chunks is scored exactly, as on the FAISS store: HNSW
    with a restrictive filter returned as few as 0 of a document's chunks (Milvus Lite,
    74,979 chunks), which left per-document shares without their dense ranking."""

    def __init__(
        self,
        client: Any,
        uri: str,
        collection: str,
        chunk_count: int,
        kind: str,
        ef: int,
        doc_chunks: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(client, uri, collection, chunk_count)
        self._kind = kind
        self._params: dict[str, Any] = {"metric_type": "COSINE"}
        if kind == "milvus-hnsw":
            self._params["params"] = {"ef": ef}
        self._doc_chunks = doc_chunks or {}  # doc id -> its chunk ids

    @property
    def kind(self) -> str:
        return self._kind

    def search(
        self, query: np.ndarray, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        if doc_ids is not None and self._kind == "milvus-hnsw":
            selected = [c for d in doc_ids for c in self._doc_chunks.get(d, ())]
            if len(selected) <= EXACT_FILTER_LIMIT:
                return self._exact(vector, k, selected)
        rows = self._search([vector.tolist()], "dense", k, doc_ids, self._params)
        rows.sort(key=lambda r: (-r[1], r[2]))
        return [Hit(chunk_id, score) for chunk_id, score, _ in rows[:k]]

    def _exact(self, vector: np.ndarray, k: int, chunk_ids: list[str]) -> list[Hit]:
        """These chunks fetched by id with their vectors and scored here (vectors are
        L2-normalised, so the inner product is the cosine). By id, not by a doc_id
        filter: Milvus Lite scans every row for a filtered query (250 ms at 74,979
        chunks), a get by primary key takes ~3 ms."""
        if not chunk_ids:
            return []
        with searching(self._uri):
            rows = self._client.get(
                self.collection, ids=chunk_ids, output_fields=["dense", "position"]
            )
        if not rows:
            return []
        scores = np.asarray([r["dense"] for r in rows], dtype=np.float32) @ vector
        order = sorted(
            range(len(rows)), key=lambda i: (-float(scores[i]), int(rows[i]["position"]))
        )
        return [Hit(str(rows[i]["id"]), float(scores[i])) for i in order[:k]]


class MilvusKeywordIndex(_BuildSearch):
    """BM25 by Milvus (jieba analyzer over ``keyword_text``); idf from the build's own
    document frequencies of qa.tokens' words, as the bm25s store computes it."""

    def __init__(
        self,
        client: Any,
        uri: str,
        collection: str,
        chunk_count: int,
        document_frequency: dict[str, int],
    ) -> None:
        super().__init__(client, uri, collection, chunk_count)
        self._df = document_frequency

    def idf(self, tokens: Sequence[str]) -> dict[str, float]:
        out: dict[str, float] = {}
        for token in tokens:
            df = self._df.get(token)
            out[token] = math.log(1.0 + (self._count - df + 0.5) / (df + 0.5)) if df else 0.0
        return out

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[Hit]:
        return self._bm25(keyword_text(query), "sparse", k, doc_ids)


class MilvusBigramIndex(_BuildSearch):
    """BM25 by Milvus over ``bigram_text`` (qa.store.milvus_text), as the bm25s store's
    bigram index: a ``TextSearch``, since only the word ranking is weighed by idf."""

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[Hit]:
        return self._bm25(bigram_text(query), "bigram_sparse", k, doc_ids)

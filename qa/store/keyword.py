"""Keyword search: BM25 (bm25s) over jieba words or character bigrams (qa.tokens),
keyed by chunk id."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import bm25s
import numpy as np

from qa.store import layout
from qa.store.base import Hit
from qa.tokens import tokenize

Analyzer = Callable[[str], list[str]]


class Bm25KeywordIndex:
    """BM25 over the tokens of one analyzer (qa.tokens.tokenize by default, or
    qa.tokens.bigrams), keyed by chunk id. Saved as plain files in one folder: bm25s' own
    files, ``keyword_ids.tsv`` (chunk id and doc id per row, in bm25s row order) and
    ``document_frequency.json`` (token -> number of chunks using it, for idf without
    reading bm25s internals). The analyzer is not saved: the folder's name says which
    (qa.store.layout), and the caller loads it with the same one."""

    def __init__(
        self,
        retriever: bm25s.BM25,
        chunk_ids: list[str],
        doc_ids: list[str],
        document_frequency: dict[str, int],
        analyzer: Analyzer = tokenize,
    ) -> None:
        self._retriever = retriever
        self._analyzer = analyzer
        self._chunk_ids = chunk_ids
        self._size = len(chunk_ids)
        self._df = document_frequency
        by_doc: dict[str, list[int]] = {}
        for row, doc_id in enumerate(doc_ids):
            by_doc.setdefault(doc_id, []).append(row)
        self._doc_ids = doc_ids
        self._rows = {d: np.asarray(r, dtype=np.int64) for d, r in by_doc.items()}
        self._last: tuple[str, np.ndarray] | None = None

    @classmethod
    def build(
        cls,
        chunk_ids: Sequence[str],
        doc_ids: Sequence[str],
        texts: Sequence[str],
        show_progress: bool = False,
        analyzer: Analyzer = tokenize,
    ) -> Bm25KeywordIndex:
        corpus_tokens = [analyzer(t) or [""] for t in texts]
        frequency: Counter[str] = Counter()
        for tokens in corpus_tokens:
            frequency.update(set(tokens))
        retriever = bm25s.BM25()
        retriever.index(corpus_tokens, show_progress=show_progress)
        return cls(retriever, list(chunk_ids), list(doc_ids), dict(frequency), analyzer)

    @classmethod
    def load(cls, folder: Path, analyzer: Analyzer = tokenize) -> Bm25KeywordIndex:
        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        chunk_ids: list[str] = []
        doc_ids: list[str] = []
        with (folder / layout.KEYWORD_IDS).open(encoding="utf-8") as handle:
            for line in handle:
                chunk_id, _, doc_id = line.rstrip("\n").partition("\t")
                chunk_ids.append(chunk_id)
                doc_ids.append(doc_id)
        frequency = json.loads((folder / layout.KEYWORD_DF).read_text(encoding="utf-8"))
        frequency = {str(k): int(v) for k, v in frequency.items()}
        return cls(retriever, chunk_ids, doc_ids, frequency, analyzer)

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder), show_progress=False)
        with (folder / layout.KEYWORD_IDS).open("w", encoding="utf-8") as handle:
            for chunk_id, doc_id in zip(self._chunk_ids, self._doc_ids, strict=True):
                handle.write(f"{chunk_id}\t{doc_id}\n")
        (folder / layout.KEYWORD_DF).write_text(
            json.dumps(self._df, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )

    def count(self) -> int:
        return self._size

    def idf(self, tokens: Sequence[str]) -> dict[str, float]:
        """BM25 idf of each token (0 for tokens the corpus never uses), bm25s' formula."""
        out: dict[str, float] = {}
        for token in tokens:
            df = self._df.get(token)
            if not df:
                out[token] = 0.0
                continue
            out[token] = float(np.log(1.0 + (self._size - df + 0.5) / (df + 0.5)))
        return out

    def _scores(self, query: str) -> np.ndarray:
        """BM25 score of every row (zeros when no token is known); the last query's
        scores are kept, because routing asks again per document."""
        last = self._last  # one read: another thread may replace it meanwhile
        if last is not None and last[0] == query:
            return last[1]
        tokens = [t for t in self._analyzer(query) if t in self._retriever.vocab_dict]
        if not tokens:
            scores = np.zeros(self._size, dtype=np.float32)
        else:
            scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
        self._last = (query, scores)
        return scores

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[Hit]:
        scores = self._scores(query)
        if doc_ids is None:
            rows = np.arange(len(scores))
        else:
            parts = [self._rows[d] for d in doc_ids if d in self._rows]
            rows = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        if len(rows) == 0:
            return []
        sub = scores[rows]
        depth = min(k, len(rows))
        floor = sub[np.argpartition(-sub, depth - 1)[:depth]].min()
        # Equal scores (same words, same length) go in corpus order, as on every store:
        # everything scoring at least the k-th is sorted by (score, row), then cut.
        top = np.flatnonzero(sub >= floor) if floor > 0 else np.flatnonzero(sub > 0)
        top = top[np.lexsort((top, -sub[top]))][:depth]
        return [Hit(self._chunk_ids[int(rows[j])], float(sub[j])) for j in top]

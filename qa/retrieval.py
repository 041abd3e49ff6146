"""Hybrid retrieval: dense (FAISS) and keyword (BM25) rankings fused by reciprocal rank.

``rrf_fuse`` and ``boost`` are pure. ``Retriever`` runs one question through the
rankers of a mode: "keyword", "dense", "hybrid" (plain fusion) and "full" (fusion plus
the domain sense measured on the evaluation set: documents named by place or title
are searched on their own, each getting a share of the results).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qa.embedding import Embedder
from qa.errors import InputError
from qa.query import QuestionAnalysis

if TYPE_CHECKING:
    from qa.search_index import SearchIndex

MODES = ("keyword", "dense", "hybrid", "full")
MAX_ROUTED_DOCUMENTS = 8


def rrf_fuse(
    rankings: Sequence[Sequence[int]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def boost(
    ranked: Sequence[tuple[int, float]], favoured: np.ndarray, factor: float
) -> list[tuple[int, float]]:
    """Multiply the score of favoured items (boolean mask by item id) by ``factor``."""
    out = [(i, s * factor if favoured[i] else s) for i, s in ranked]
    return sorted(out, key=lambda pair: (-pair[1], pair[0]))


def interleave(
    groups: Sequence[Sequence[tuple[int, float]]], limit: int
) -> list[tuple[int, float]]:
    """Round-robin over groups so each named document gets a share of the results."""
    out: list[tuple[int, float]] = []
    seen: set[int] = set()
    depth = max((len(g) for g in groups), default=0)
    for position in range(depth):
        for group in groups:
            if position < len(group) and group[position][0] not in seen:
                out.append(group[position])
                seen.add(group[position][0])
                if len(out) >= limit:
                    return out
    return out


@dataclass
class Ranking:
    items: list[tuple[int, float]]  # (chunk ordinal, fused score), best first
    dense: dict[int, float] = field(default_factory=dict)  # cosine of candidates
    keyword: dict[int, float] = field(default_factory=dict)  # BM25 of candidates
    timings_ms: dict[str, float] = field(default_factory=dict)


class Retriever:
    def __init__(
        self,
        index: SearchIndex,
        embedder: Embedder,
        *,
        rrf_k: int = 60,
        candidates: int = 50,
        figure_boost: float = 1.0,
        place_routing: bool = True,
        keyword_weight: float = 1.0,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.figure_boost = figure_boost
        self.place_routing = place_routing
        self.keyword_weight = keyword_weight

    def rank(
        self,
        analysis: QuestionAnalysis,
        *,
        mode: str = "full",
        k: int = 5,
        doc_filter: Sequence[str] | None = None,
    ) -> Ranking:
        if mode not in MODES:
            raise InputError(f"Unknown retrieval mode {mode!r}.", f"Use one of {', '.join(MODES)}.")
        timings: dict[str, float] = {}
        started = time.perf_counter()
        query_vector = None
        if mode != "keyword":
            query_vector = self.embedder.embed_queries([analysis.text])
            timings["embed_query"] = _ms(started)
        keyword_scores = None
        if mode != "dense":
            t = time.perf_counter()
            keyword_scores = self.index.keyword.scores(analysis.text)
            timings["keyword"] = _ms(t)
        ranking = Ranking(items=[], timings_ms=timings)
        depth = max(self.candidates, k)
        allowed = self.index.chunk_ids_of(set(doc_filter)) if doc_filter else None
        t = time.perf_counter()
        ranking.items = self._ranked(mode, query_vector, keyword_scores, allowed, depth, ranking)
        routed: Sequence[str] = ()
        if mode == "full" and self.place_routing and not doc_filter:
            if analysis.doc_ids:
                routed = analysis.doc_ids
            elif analysis.across_documents:
                # "各地…分别…": every document among the best hits gets its own share.
                docs = [self.index.chunks[i].doc_id for i, _ in ranking.items]
                routed = list(dict.fromkeys(docs))[:MAX_ROUTED_DOCUMENTS]
        if routed:
            groups = [
                self._ranked(
                    mode,
                    query_vector,
                    keyword_scores,
                    self.index.chunk_ids_of({doc_id}),
                    depth,
                    ranking,
                )
                for doc_id in routed
            ]
            ranking.items = interleave(groups, depth)
        if mode == "full" and analysis.wants_figure and self.figure_boost != 1.0:
            ranking.items = boost(ranking.items, self.index.has_figure, self.figure_boost)
        timings["search"] = _ms(t)
        return ranking

    def _ranked(
        self,
        mode: str,
        query_vector: np.ndarray | None,
        keyword_scores: np.ndarray | None,
        allowed: np.ndarray | None,
        depth: int,
        ranking: Ranking,
    ) -> list[tuple[int, float]]:
        dense: list[tuple[int, float]] = []
        if query_vector is not None:
            scores, ids = self.index.store.search(query_vector, depth, allowed=allowed)
            dense = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
            ranking.dense.update(dense)
        lexical: list[tuple[int, float]] = []
        if keyword_scores is not None:
            lexical = _top(keyword_scores, allowed, depth)
            ranking.keyword.update(lexical)
        if mode == "dense":
            return dense
        if mode == "keyword":
            return lexical
        return rrf_fuse(
            [[i for i, _ in dense], [i for i, _ in lexical]],
            k=self.rrf_k,
            weights=[1.0, self.keyword_weight],
        )[:depth]


def _top(scores: np.ndarray, allowed: np.ndarray | None, depth: int) -> list[tuple[int, float]]:
    ids = np.arange(len(scores)) if allowed is None else allowed
    if len(ids) == 0:
        return []
    sub = scores[ids]
    depth = min(depth, len(ids))
    top = np.argpartition(-sub, depth - 1)[:depth]
    top = top[np.argsort(-sub[top], kind="stable")]
    return [(int(ids[j]), float(sub[j])) for j in top if sub[j] > 0]


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0

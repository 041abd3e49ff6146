"""The retriever: built once per assistant and mode from one ``RetrievalConfig``.

Modes are presets of the configuration: "keyword" (BM25 only), "dense" (vectors only),
"hybrid" (both fused by weighted reciprocal rank) and "full" (hybrid plus the domain
sense measured on the evaluation set: per-document shares, the optional figure boost,
and the optional reranker).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from qa.config import Settings
from qa.embed.base import Embedder
from qa.embed.sentence_cache import SentenceVectors
from qa.errors import InputError
from qa.retrieve.definitions import DefiningPassages
from qa.retrieve.penalty_refs import PenaltyArticles
from qa.retrieve.query import QuestionAnalysis
from qa.retrieve.rule_items import RuleIntroductions
from qa.retrieve.stages import (
    RANKERS,
    RERANKERS,
    CitedSections,
    DocumentShares,
    FigureBoost,
    FirstPass,
    Query,
    Ranking,
    SentenceRerank,
    Stage,
)
from qa.store.index import SearchIndex

MODES = ("keyword", "dense", "hybrid", "full")
SENTENCE_RERANK_DEPTH = 10  # passages the sentence rerank reorders


@dataclass(frozen=True)
class RetrievalConfig:
    rankers: tuple[str, ...] = ("dense", "keyword")
    keyword_weight: float = 2.0  # the dense ranking weighs 1.0
    # Of the keyword weight, the share the bigram ranking takes from the word ranking.
    bigram_share: float = 0.0
    rrf_k: int = 10
    candidates: int = 50  # per-ranker depth before fusion
    document_shares: bool = True
    figure_boost: float = 1.0  # 1.0 = off
    reranker: str = ""
    # The keyword weight scaled by the share of the question's words the corpus uses.
    vocabulary_weighting: bool = False
    sentence_rerank: float = 0.0  # weight of the best-sentence order; 0 = off
    penalty_articles: bool = False  # a deed's penalty article before it (qa.retrieve.penalty_refs)
    # An item's rule-stating opening before it (qa.retrieve.rule_items).
    rule_introductions: bool = False
    defining_passages: bool = False  # an asked term's definition first (qa.retrieve.definitions)

    @classmethod
    def for_mode(cls, mode: str, settings: Settings) -> RetrievalConfig:
        if mode not in MODES:
            raise InputError(f"Unknown retrieval mode {mode!r}.", f"Use one of {', '.join(MODES)}.")
        full = mode == "full"
        rankers: tuple[str, ...] = ("dense", "keyword") if mode in ("hybrid", "full") else (mode,)
        if full and settings.phrase_matching:
            rankers += ("phrase",)
        bigram_share = settings.bigram_share if full else 0.0
        if bigram_share > 0:
            rankers += ("bigram",)
        return cls(
            rankers=rankers,
            keyword_weight=settings.keyword_weight,
            bigram_share=bigram_share,
            rrf_k=settings.rrf_k,
            candidates=settings.candidates,
            document_shares=full and settings.place_routing,
            figure_boost=settings.figure_boost if full else 1.0,
            reranker=settings.reranker if full else "",
            vocabulary_weighting=full and settings.vocabulary_weighting,
            sentence_rerank=settings.sentence_rerank if full else 0.0,
            penalty_articles=full and settings.penalty_articles,
            rule_introductions=full and settings.rule_introductions,
            defining_passages=full and settings.defining_passages,
        )


class Retriever:
    def __init__(
        self,
        config: RetrievalConfig,
        embedder: Embedder,
        settings: Settings | None = None,
        sentence_vectors: SentenceVectors | None = None,
    ) -> None:
        self.config = config
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors or SentenceVectors(embedder)
        rankers = [RANKERS[name]() for name in config.rankers]
        # A quoted phrase counts as much as the keyword ranking (it is an exact keyword);
        # the word and bigram rankings share the keyword weight.
        share = config.bigram_share if "bigram" in config.rankers else 0.0
        by_name = {
            "keyword": config.keyword_weight * (1.0 - share),
            "phrase": config.keyword_weight,
            "bigram": config.keyword_weight * share,
        }
        weights = [by_name.get(r.name, 1.0) for r in rankers]
        self.first_pass = FirstPass(rankers, weights, config.rrf_k, config.vocabulary_weighting)
        self.stages: list[Stage] = []
        if config.document_shares:
            self.stages.append(DocumentShares())
            self.stages.append(CitedSections())
        if config.figure_boost != 1.0:
            self.stages.append(FigureBoost(config.figure_boost))
        if config.sentence_rerank and "dense" in config.rankers:
            self.stages.append(
                SentenceRerank(config.sentence_rerank, SENTENCE_RERANK_DEPTH, config.rrf_k)
            )
        if config.defining_passages:
            self.stages.append(DefiningPassages())
        if config.penalty_articles:
            # After the rerank: a penalty article shares no words with the question, so
            # the sentence similarity would sink it again.
            self.stages.append(PenaltyArticles())
        if config.rule_introductions:
            self.stages.append(RuleIntroductions())
        if config.reranker:
            self.stages.append(RERANKERS.get(config.reranker)(settings or Settings()))

    def rank(
        self,
        index: SearchIndex,
        analysis: QuestionAnalysis,
        *,
        k: int = 5,
        doc_filter: Sequence[str] | None = None,
    ) -> Ranking:
        timings: dict[str, float] = {}
        ranking = Ranking(items=[], timings_ms=timings)
        started = time.perf_counter()
        vector = None
        if "dense" in self.config.rankers:
            vector = self.embedder.embed_queries([analysis.search_text()])
            timings["embed_query"] = _ms(started)
            ranking.vector = vector[0]
        query = Query(
            analysis=analysis,
            index=index,
            vector=vector,
            depth=max(self.config.candidates, k),
            doc_filter=tuple(doc_filter) if doc_filter else None,
            ranking=ranking,
            weights=self.first_pass.weights_for(analysis, index),
            sentence_vectors=self.sentence_vectors,
        )
        t = time.perf_counter()
        items = self.first_pass(query, query.doc_filter)
        for stage in self.stages:
            items = stage.apply(query, items, self.first_pass)
        ranking.items = items
        timings["search"] = _ms(t)
        return ranking


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0

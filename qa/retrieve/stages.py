"""Retrieval as stages: candidates from each ranker, fusion, per-document shares, then
optional stages that reorder the list (a figure boost, a reranker).

A ``Stage`` takes the ranked list and returns a new one; it may ask the ``FirstPass``
for the fused candidates of some documents only (that is how per-document shares work).
A reranker is one new stage registered in ``RERANKERS`` and named by ``QA_RERANKER``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from qa.config import Settings
from qa.indicators import documents_stating
from qa.registry import Registry
from qa.retrieve.fusion import (
    Ranked,
    boost,
    interleave,
    rrf_fuse,
    sentence_rerank,
    vocabulary_coverage,
)
from qa.retrieve.query import QuestionAnalysis
from qa.retrieve.section_refs import (
    EFFECTIVE_STATED,
    asks_effective_date,
    cited_sections,
    cites,
)
from qa.store.base import Hit
from qa.store.index import SearchIndex
from qa.textnorm import search_form, split_sentences

# A question across documents that names no indicator (各地…有哪些措施) shares the
# results among at most this many documents of the best hits.
MAX_ROUTED_DOCUMENTS = 8
# Documents stating the asked indicator are all kept, up to this many.
MAX_STATING_DOCUMENTS = 100


@dataclass
class Ranking:
    items: Ranked  # (chunk id, score), best first
    dense: dict[str, float] = field(default_factory=dict)  # cosine of candidates
    keyword: dict[str, float] = field(default_factory=dict)  # BM25 of candidates
    timings_ms: dict[str, float] = field(default_factory=dict)
    routed: tuple[str, ...] = ()  # documents that got their own share, in order
    vector: np.ndarray | None = None  # the question's embedding, when a dense ranker ran


@dataclass
class Query:
    """One question on its way through the stages."""

    analysis: QuestionAnalysis
    index: SearchIndex
    vector: np.ndarray | None  # None when no dense ranker runs
    depth: int  # candidates per ranker
    doc_filter: tuple[str, ...] | None  # the user's document filter
    ranking: Ranking
    # Fusion weight of each ranker for this question (FirstPass.weights_for, computed
    # once per question); empty = the configured weights.
    weights: tuple[float, ...] = ()
    # Passage-side vectors of sentences (cached), for the sentence rerank.
    sentence_vectors: Callable[[Sequence[str]], np.ndarray] | None = None
    # Chunk id -> how many of the quoted phrases it holds (PhraseRanker, per question).
    phrase_counts: dict[str, int] | None = None
    # The chunks of the sections the question cites (cited_chunks: two stages ask).
    cited: frozenset[str] | None = None


class Ranker(Protocol):
    name: str

    def candidates(self, query: Query, doc_ids: Collection[str] | None) -> list[Hit]: ...


class DenseRanker:
    name = "dense"

    def candidates(self, query: Query, doc_ids: Collection[str] | None) -> list[Hit]:
        assert query.vector is not None
        hits = query.index.vectors.search(query.vector, query.depth, doc_ids)
        query.ranking.dense.update((h.chunk_id, h.score) for h in hits)
        return hits


class KeywordRanker:
    name = "keyword"

    def candidates(self, query: Query, doc_ids: Collection[str] | None) -> list[Hit]:
        started = time.perf_counter()
        hits = query.index.keyword.search(query.analysis.search_text(), query.depth, doc_ids)
        query.ranking.timings_ms.setdefault("keyword", (time.perf_counter() - started) * 1000)
        query.ranking.keyword.update((h.chunk_id, h.score) for h in hits)
        return hits


class BigramRanker:
    """BM25 over character bigrams (qa.tokens.bigrams): a second keyword ranking that
    matches whatever jieba's cut of the question and of the text."""

    name = "bigram"

    def candidates(self, query: Query, doc_ids: Collection[str] | None) -> list[Hit]:
        return query.index.bigrams.search(query.analysis.search_text(), query.depth, doc_ids)


def asked_phrases(
    analysis: QuestionAnalysis, quoted_terms: Collection[str] = ()
) -> tuple[str, ...]:
    """The terms searched verbatim: those the question quotes; in a question across
    documents, its topic terms of three or more characters too, since each document is
    asked for the same thing as written (各地对质量奖有什么规定: keyword search of 东莞's
    passages missed its 质量奖, split differently by the segmenter), and the documents'
    own quoted terms it writes unquoted (``quoted_terms``: 首负责任, which the segmenter
    splits into 首 / 负责 / 任)."""
    if analysis.quoted_phrases:
        return analysis.quoted_phrases
    if analysis.across_documents:
        form = search_form(analysis.text)
        written = [t for t in quoted_terms if t in form]
        return tuple(dict.fromkeys([*(t for t in analysis.topic_terms if len(t) >= 3), *written]))
    return ()


class PhraseRanker:
    """Chunks holding the terms the question quotes (“质量月”, “三证合一”) verbatim, those
    holding more of them first: a quoted term of art is asked as written, and keyword
    search splits it into common words (质量 + 月)."""

    name = "phrase"

    def candidates(self, query: Query, doc_ids: Collection[str] | None) -> list[Hit]:
        if query.phrase_counts is None:
            # Once per question: per-document shares call every ranker once a document,
            # and each search is a scan of the whole corpus text (so is matching the
            # corpus's quoted terms against the question).
            counts: dict[str, int] = {}
            for phrase in asked_phrases(query.analysis, query.index.quoted_terms):
                for chunk_id in query.index.phrase_chunks(phrase):
                    counts[chunk_id] = counts.get(chunk_id, 0) + 1
            query.phrase_counts = counts
        if not query.phrase_counts:
            return []
        chunks = query.index.chunks
        held = {
            c: n
            for c, n in query.phrase_counts.items()
            if doc_ids is None or chunks[c].doc_id in doc_ids
        }
        order = query.index.order
        best = sorted(held, key=lambda c: (-held[c], order[c]))[: query.depth]
        return [Hit(chunk_id, float(held[chunk_id])) for chunk_id in best]


RANKERS: dict[str, Callable[[], Ranker]] = {
    "dense": DenseRanker,
    "keyword": KeywordRanker,
    "phrase": PhraseRanker,
    "bigram": BigramRanker,
}


class FirstPass:
    """Each ranker's candidates, fused by weighted reciprocal rank when there are several."""

    def __init__(
        self,
        rankers: Sequence[Ranker],
        weights: Sequence[float],
        rrf_k: int,
        vocabulary_weighting: bool = False,
    ) -> None:
        self.rankers = list(rankers)
        self.weights = list(weights)
        self.rrf_k = rrf_k
        self.vocabulary_weighting = vocabulary_weighting

    def weights_for(self, analysis: QuestionAnalysis, index: SearchIndex) -> tuple[float, ...]:
        """The fusion weights for this question: with vocabulary weighting, the keyword
        ranking counts in proportion to the share of the question's words it can match."""
        if not self.vocabulary_weighting:
            return tuple(self.weights)
        tokens = analysis.content_tokens
        coverage = vocabulary_coverage(tokens, index.keyword.idf(tokens))
        return tuple(
            w * coverage if r.name == "keyword" else w
            for r, w in zip(self.rankers, self.weights, strict=True)
        )

    def __call__(self, query: Query, doc_ids: Collection[str] | None) -> Ranked:
        lists = [r.candidates(query, doc_ids) for r in self.rankers]
        if len(lists) == 1:
            return [(h.chunk_id, h.score) for h in lists[0]]
        fused = rrf_fuse(
            [[h.chunk_id for h in hits] for hits in lists],
            query.index.order,
            k=self.rrf_k,
            weights=query.weights or self.weights,
        )
        return fused[: query.depth]


class Stage(Protocol):
    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked: ...


class DocumentShares:
    """Documents the question names by place or title are searched on their own, and a
    question across documents (各地…分别…) gives each document among the best hits its
    own share; the shares are interleaved."""

    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked:
        if query.doc_filter:
            return items
        analysis = query.analysis
        routed: Sequence[str] = ()
        if analysis.doc_ids:
            routed = analysis.doc_ids
        elif analysis.across_documents:
            # Every document that states the asked indicator, whatever the corpus size;
            # a question naming no indicator shares among the documents of the best hits.
            documents = query.index.documents
            stating = documents_stating(query.index.figures, analysis.topic_terms)
            best = [query.index.chunks[i].doc_id for i, _ in items]
            routed = list(
                dict.fromkeys([*stating[:MAX_STATING_DOCUMENTS], *best[: MAX_ROUTED_DOCUMENTS * 5]])
            )
            if analysis.across_places:  # 各地 / 哪些地方: a national law is no place
                routed = [d for d in routed if documents[d].region]
            routed = routed[: max(len(stating), MAX_ROUTED_DOCUMENTS)]
        if not routed:
            return items
        query.ranking.routed = tuple(routed)
        groups = [first_pass(query, (doc_id,)) for doc_id in routed]
        return interleave(groups, max(query.depth, len(routed)))


def cited_chunks(query: Query) -> frozenset[str]:
    """The chunks of the sections the question cites by number in a document it names,
    or of the article saying when a named law takes effect, asked when. Found once per
    question (CitedSections and SentenceRerank both ask)."""
    if query.cited is None:
        query.cited = _find_cited(query)
    return query.cited


def _find_cited(query: Query) -> frozenset[str]:
    analysis = query.analysis
    if not analysis.doc_ids:
        return frozenset()
    form = search_form(analysis.text)
    refs = cited_sections(form)
    effective = asks_effective_date(form)
    if not refs and not effective:
        return frozenset()
    return frozenset(
        c.chunk_id
        for c in query.index.document_chunks(list(analysis.doc_ids))
        if (refs and cites(c.section_numbers, refs))
        or (effective and EFFECTIVE_STATED.search(c.text))
    )


class CitedSections:
    """A section the question cites by number in a document it names (太原行动计划第
    （十四）项, 计量法第9条, 厦门意见二、（四）) comes first: the reader points at it. So
    does the article saying when a named law takes effect (…自2003年11月1日起施行), asked
    when (认证认可条例是从哪一天开始施行的?)."""

    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked:
        cited = cited_chunks(query)
        if not cited:
            return items
        score = dict(items)
        top = max((s for _, s in items), default=1.0)
        # Cited chunks in the order the search ranks them, those it missed in the
        # document's order, each scored above every other candidate.
        first = sorted(
            cited, key=lambda i: (i not in score, -score.get(i, 0.0), query.index.order.get(i, 0))
        )
        return [(i, top + len(first) - n) for n, i in enumerate(first)] + [
            (i, s) for i, s in items if i not in cited
        ]


@dataclass(frozen=True)
class FigureBoost:
    """For 多少/目标 questions, favour passages that state figures (measured: off)."""

    factor: float

    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked:
        if not query.analysis.wants_figure:
            return items
        return boost(items, query.index.has_figure, self.factor, query.index.order)


@dataclass(frozen=True)
class SentenceRerank:
    """The top ``depth`` passages reordered by fusing their order with the order of each
    one's best sentence similarity to the question (the embedded model, sentence by
    sentence). Questions across documents keep their per-document shares untouched."""

    weight: float
    depth: int
    rrf_k: int

    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked:
        analysis = query.analysis
        if (
            query.vector is None
            or query.sentence_vectors is None
            or analysis.across_documents
            or len(analysis.doc_ids) > 1
            # The reader points at a section (东莞方案第29条): it stays first.
            or cited_chunks(query)
        ):
            return items
        head = list(items[: self.depth])
        texts: list[str] = []
        owners: list[str] = []
        for chunk_id, _ in head:
            text = query.index.chunks[chunk_id].text
            for start, end in split_sentences(text):
                texts.append(text[start:end])
                owners.append(chunk_id)
        if not texts:
            return items
        similarity = query.sentence_vectors(texts) @ np.asarray(query.vector).reshape(-1)
        best: dict[str, float] = {}
        for chunk_id, value in zip(owners, similarity, strict=True):
            best[chunk_id] = max(best.get(chunk_id, -1.0), float(value))
        reranked = sentence_rerank(head, best, self.weight, self.rrf_k, query.index.order)
        return [*reranked, *items[self.depth :]]


# Rerankers: name -> factory from Settings. None ships: no Chinese cross-encoder exists
# offline (see README); a deployment with one registers it here.
RERANKERS: Registry[Callable[[Settings], Stage]] = Registry("reranker", "QA_RERANKER")

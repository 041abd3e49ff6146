"""Runs a Q&A file through every retrieval mode and scores each question.

The assistant's own modes (keyword, dense, hybrid, full) go through ``Assistant.rank``
for the retrieval metrics and ``Assistant.ask`` for the answer metrics and latency; the
naive baseline (eval.baseline) is built in memory from the corpus documents.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tqdm import tqdm

from eval.baseline import NaiveBaseline
from eval.matching import any_phrase_in, doc_matches
from eval.metrics import (
    RANK_CUTOFF,
    QuestionScore,
    Retrieved,
    answer_correct,
    cover_rank,
    hit_at_k,
    ndcg_at_k,
    reciprocal_rank,
    relevance,
    summarize,
)
from eval.qa_file import QUESTION_TYPES, QAItem
from qa.assistant import Assistant
from qa.errors import InputError, QAError
from qa.retrieve.retriever import MODES as ASSISTANT_MODES
from qa.types import Document, Passage

NAIVE = "naive"
MODES = (*ASSISTANT_MODES, NAIVE)
DEFAULT_KS = (1, 3, 5, 10)
ANSWER_K = 5  # passages the answer is built from, as the assistant ships
T = TypeVar("T")


@dataclass(frozen=True)
class QuestionResult:
    item: QAItem
    mode: str
    score: QuestionScore
    cover_rank: int | None
    answer: str
    passages: tuple[Passage, ...]

    def to_record(self) -> dict[str, Any]:
        """One results.jsonl row: enough to recompute every metric by hand."""
        return {
            "id": self.item.id,
            "question": self.item.question,
            "type": self.item.type,
            "doc": self.item.doc,
            "answers": list(self.item.answers),
            "mode": self.mode,
            **{f"hit@{k}": hit for k, hit in sorted(self.score.hits.items())},
            "cover_rank": self.cover_rank,
            "rr": round(self.score.reciprocal_rank, 6),
            "ndcg": round(self.score.ndcg, 6),
            "answer_correct": self.score.answer_correct,
            "found": self.score.found,
            "latency_ms": round(self.score.latency_ms, 3),
            "answer": self.answer,
            "passages": [
                {
                    "rank": p.rank,
                    "doc_id": p.chunk.doc_id,
                    "doc_title": p.doc_title,
                    "region": p.region,
                    "section_path": list(p.chunk.section_path),
                    "text": p.chunk.text,
                }
                for p in self.passages
            ],
        }


@dataclass(frozen=True)
class EvalRun:
    modes: tuple[str, ...]
    ks: tuple[int, ...]
    results: tuple[QuestionResult, ...]

    def summary(self) -> dict[str, dict[str, Any]]:
        """mode -> {"overall": metrics, "by_type": {type: metrics}}."""
        out: dict[str, dict[str, Any]] = {}
        for mode in self.modes:
            scores = [r for r in self.results if r.mode == mode]
            types = [t for t in QUESTION_TYPES if any(r.item.type == t for r in scores)]
            out[mode] = {
                "overall": summarize([r.score for r in scores], self.ks),
                "by_type": {
                    t: summarize([r.score for r in scores if r.item.type == t], self.ks)
                    for t in types
                },
            }
        return out


def score_question(
    item: QAItem,
    passages: Sequence[Passage],
    *,
    answer: str,
    found: bool,
    latency_ms: float,
    ks: Sequence[int],
) -> tuple[QuestionScore, int | None]:
    """Judge one question's retrieved passages and answer (no model involved)."""
    retrieved = [
        Retrieved(
            text=p.chunk.text,
            from_expected_doc=doc_matches(
                item.doc, doc_id=p.chunk.doc_id, title=p.doc_title, region=p.region
            ),
        )
        for p in passages
    ]
    rank = cover_rank(item.answers, retrieved) if item.answerable else None
    score = QuestionScore(
        question_type=item.type,
        answerable=item.answerable,
        hits={k: hit_at_k(rank, k) for k in ks},
        reciprocal_rank=reciprocal_rank(rank),
        ndcg=ndcg_at_k(relevance(item.answers, retrieved)) if item.answerable else 0.0,
        answer_correct=answer_correct(item.answerable, found, any_phrase_in(item.answers, answer)),
        found=found,
        latency_ms=latency_ms,
    )
    return score, rank


def evaluate(
    assistant: Assistant,
    items: Sequence[QAItem],
    *,
    modes: Sequence[str] = MODES,
    ks: Sequence[int] = DEFAULT_KS,
    documents: Sequence[Document] | None = None,
    progress: bool = True,
) -> EvalRun:
    """Ask every question in every mode. ``documents`` (with text) feed the naive
    baseline; by default they are read from the assistant's corpus folder."""
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise InputError(
            f"Unknown mode(s): {', '.join(unknown)}.", f"Use some of: {', '.join(MODES)}."
        )
    if not items:
        raise InputError("No questions to evaluate.", "Give a Q&A file with at least one question.")
    ks = tuple(sorted(set(ks)))
    if not ks or ks[0] < 1:
        raise InputError(f"Every k must be a positive integer, got {ks}.")
    depth = max(*ks, RANK_CUTOFF)

    naive: NaiveBaseline | None = None
    if NAIVE in modes:
        if documents is None:
            from qa.ingest.corpus import load_corpus

            documents = load_corpus(assistant.settings.corpus_dir)
        if progress:
            print("building the naive baseline index in memory…", file=sys.stderr)
        naive = NaiveBaseline(
            documents, assistant.embedder, batch_size=assistant.settings.batch_size
        )
        naive.search(items[0].question, depth)  # warm-up, not timed
    if any(m != NAIVE for m in modes):
        _checked(items[0], lambda: assistant.ask(items[0].question, k=ANSWER_K))  # warm-up

    results: list[QuestionResult] = []
    with tqdm(
        total=len(items) * len(modes),
        desc="questions",
        unit="q",
        file=sys.stderr,
        disable=not progress,
    ) as bar:
        for mode in modes:
            bar.set_postfix(mode=mode)
            for item in items:
                if mode == NAIVE:
                    assert naive is not None
                    results.append(_run_naive(naive, item, depth, ks))
                else:
                    results.append(_run_assistant(assistant, item, mode, depth, ks))
                bar.update(1)
    return EvalRun(modes=tuple(modes), ks=ks, results=tuple(results))


def _run_assistant(
    assistant: Assistant, item: QAItem, mode: str, depth: int, ks: Sequence[int]
) -> QuestionResult:
    _, _, passages = _checked(item, lambda: assistant.rank(item.question, mode=mode, k=depth))
    started = time.perf_counter()
    answer = _checked(item, lambda: assistant.ask(item.question, k=ANSWER_K, mode=mode))
    latency_ms = (time.perf_counter() - started) * 1000.0
    score, rank = score_question(
        item, passages, answer=answer.answer, found=answer.found, latency_ms=latency_ms, ks=ks
    )
    return QuestionResult(item, mode, score, rank, answer.answer, tuple(passages))


def _run_naive(naive: NaiveBaseline, item: QAItem, depth: int, ks: Sequence[int]) -> QuestionResult:
    result = naive.search(item.question, depth)
    # The answer is the top-1 passage, so its accuracy is "the top passage holds a phrase".
    score, rank = score_question(
        item,
        result.passages,
        answer=result.answer,
        found=result.found,
        latency_ms=result.latency_ms,
        ks=ks,
    )
    return QuestionResult(item, NAIVE, score, rank, result.answer, tuple(result.passages))


def _checked(item: QAItem, call: Callable[[], T]) -> T:
    """Run ``call``; a question the assistant rejects is reported with its id."""
    try:
        return call()
    except QAError as err:
        raise InputError(
            f"question {item.id} ({item.question!r}): {err.message}", err.hint
        ) from None

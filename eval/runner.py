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

from eval.answer_checks import AnswerView, SentenceView, answer_length, judge, section_rank
from eval.baseline import NaiveBaseline
from eval.matching import doc_matches, expected_docs
from eval.metrics import (
    RANK_CUTOFF,
    QuestionScore,
    Retrieved,
    cover_rank,
    hit_at_k,
    ndcg_at_k,
    reciprocal_rank,
    relevance,
    summarize,
)
from eval.qa_file import QAItem
from qa.assistant import Assistant
from qa.errors import InputError, QAError
from qa.retrieve.retriever import MODES as ASSISTANT_MODES
from qa.textnorm import split_sentences
from qa.types import Answer, Document, Passage

NAIVE = "naive"
# The assistant's full retrieval with its top five passages pasted as the answer: the
# row that shows the strict answer metric cannot be gamed by answering with everything.
PASSAGES5 = "passages5"
MODES = (*ASSISTANT_MODES, NAIVE, PASSAGES5)
DEFAULT_MODES = (*ASSISTANT_MODES, NAIVE)
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
            "tags": list(self.item.tags),
            "history": list(self.item.history),
            "doc": self.item.doc,
            "section": self.item.section,
            "answers": list(self.item.answers),
            "mode": self.mode,
            **{f"hit@{k}": hit for k, hit in sorted(self.score.hits.items())},
            "cover_rank": self.cover_rank,
            "rr": round(self.score.reciprocal_rank, 6),
            "ndcg": round(self.score.ndcg, 6),
            "answer_correct": self.score.answer_correct,
            "answer_correct_lenient": self.score.lenient_correct,
            "citation_ok": self.score.citation_ok,
            "section_hits": dict(self.score.section_hits or {}),
            "found": self.score.found,
            "uncertain": self.score.uncertain,
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

    @property
    def labels(self) -> tuple[str, ...]:
        return self.item.labels


@dataclass(frozen=True)
class EvalRun:
    modes: tuple[str, ...]
    ks: tuple[int, ...]
    results: tuple[QuestionResult, ...]

    def summary(self) -> dict[str, dict[str, Any]]:
        """mode -> {"overall": metrics, "by_type": {label: metrics}} (type and tags)."""
        out: dict[str, dict[str, Any]] = {}
        for mode in self.modes:
            scores = [r for r in self.results if r.mode == mode]
            labels = list(dict.fromkeys(label for r in scores for label in r.labels))
            out[mode] = {
                "overall": summarize([r.score for r in scores], self.ks),
                "by_type": {
                    label: summarize([r.score for r in scores if label in r.labels], self.ks)
                    for label in labels
                },
            }
        return out


def answer_view(answer: Answer) -> AnswerView:
    return AnswerView(
        found=answer.found,
        text=answer.answer,
        sentences=tuple(
            SentenceView(s.text, tuple(c.passage_rank for c in s.citations))
            for s in answer.sentences
        ),
        passage_texts={p.rank: p.chunk.text for p in answer.passages},
        uncertain=answer.uncertain,
    )


def pasted_view(passages: Sequence[Passage], found: bool = True) -> AnswerView:
    """An "answer" that is passages pasted whole, each sentence citing its passage."""
    sentences = tuple(
        SentenceView(p.chunk.text[a - p.chunk.span[0] : b - p.chunk.span[0]], (p.rank,))
        for p in passages
        for a, b in split_sentences(p.chunk.text, offset=p.chunk.span[0])
    )
    return AnswerView(
        found=found,
        text="\n".join(p.chunk.text for p in passages),
        sentences=sentences,
        passage_texts={p.rank: p.chunk.text for p in passages},
    )


def score_question(
    item: QAItem,
    passages: Sequence[Passage],
    *,
    view: AnswerView,
    latency_ms: float,
    ks: Sequence[int],
) -> tuple[QuestionScore, int | None]:
    """Judge one question's retrieved passages and answer (no model involved)."""
    names = expected_docs(item.doc)
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
    matched = [
        next(
            (
                n
                for n in names
                if doc_matches(n, doc_id=p.chunk.doc_id, title=p.doc_title, region=p.region)
            ),
            "",
        )
        for p in passages
    ]
    sections = [(m, p.chunk.section_numbers) for m, p in zip(matched, passages, strict=True)]
    at = section_rank(item.section, item.doc, sections) if item.answerable else None
    has_section = item.answerable and bool(item.section.strip())
    judgement = judge(item.answers, item.doc, view)
    score = QuestionScore(
        question_type=item.type,
        answerable=item.answerable,
        hits={k: hit_at_k(rank, k) for k in ks},
        reciprocal_rank=reciprocal_rank(rank),
        ndcg=ndcg_at_k(relevance(item.answers, retrieved)) if item.answerable else 0.0,
        answer_correct=judgement.strict,
        found=view.found,
        latency_ms=latency_ms,
        lenient_correct=judgement.lenient,
        citation_ok=judgement.citation_ok,
        section_hits={k: hit_at_k(at, k) for k in ks} if has_section else None,
        answer_chars=answer_length(view),
        uncertain=view.found and view.uncertain,
    )
    return score, rank


def evaluate(
    assistant: Assistant,
    items: Sequence[QAItem],
    *,
    modes: Sequence[str] = DEFAULT_MODES,
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
            documents = list(assistant.index.documents.values())
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
    history = list(item.history)
    retrieval_mode = "full" if mode == PASSAGES5 else mode
    _, _, passages = _checked(
        item,
        lambda: assistant.rank(item.question, mode=retrieval_mode, k=depth, history=history),
    )
    started = time.perf_counter()
    if mode == PASSAGES5:
        view = pasted_view(passages[:ANSWER_K])
        text = view.text
    else:
        answer = _checked(
            item, lambda: assistant.ask(item.question, k=ANSWER_K, mode=mode, history=history)
        )
        view, text = answer_view(answer), answer.answer
    latency_ms = (time.perf_counter() - started) * 1000.0
    score, rank = score_question(item, passages, view=view, latency_ms=latency_ms, ks=ks)
    return QuestionResult(item, mode, score, rank, text, tuple(passages))


def _run_naive(naive: NaiveBaseline, item: QAItem, depth: int, ks: Sequence[int]) -> QuestionResult:
    result = naive.search(item.question, depth)
    # The answer is the top-1 passage, so its accuracy is "the top passage holds a phrase"
    # (leniently) or "its first sentence does" (strictly).
    view = pasted_view(result.passages[:1], found=result.found)
    score, rank = score_question(
        item, result.passages, view=view, latency_ms=result.latency_ms, ks=ks
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

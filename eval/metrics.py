"""Pure metric functions of the benchmark: no files, no model, hand-checkable.

Definitions (see eval/README.md, "Running the benchmark"):

- cover rank r: the smallest r such that the top r passages *from the expected
  document(s)* together contain every answer phrase (passages from other documents still
  take up their rank position). None when the retrieved list never covers them.
- hit@k: r is not None and r <= k.
- reciprocal rank @10: 1/r when r <= 10, else 0.
- nDCG@10: binary relevance (a passage is relevant when it comes from an expected
  document and contains at least one answer phrase), DCG = sum rel_i / log2(i + 1);
  the ideal DCG puts the relevant passages found in the top 10 first. It therefore
  measures ordering; coverage is what hit@k and MRR measure. 0 when none is relevant.
- answer accuracy over all questions (strict, see eval/answer_checks.py): an answerable
  question is correct when the system said found and the phrase is where a reader looks
  (first sentence, or a short answer; every place's phrase for a comparison); an
  unanswerable one when it said not found. The lenient version (any phrase anywhere in
  the answer) is reported beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eval.matching import normalize_for_match

RANK_CUTOFF = 10  # MRR@10 and nDCG@10


@dataclass(frozen=True)
class Retrieved:
    """One retrieved passage as the metrics see it."""

    text: str
    from_expected_doc: bool


@dataclass(frozen=True)
class QuestionScore:
    """Everything the summary needs about one question in one mode."""

    question_type: str
    answerable: bool
    hits: Mapping[int, bool]  # k -> hit@k (all False for unanswerable questions)
    reciprocal_rank: float
    ndcg: float
    answer_correct: bool  # strict, per the all-questions definition above
    found: bool
    latency_ms: float
    lenient_correct: bool = False
    citation_ok: bool | None = None  # None: no phrase located in a sentence
    section_hits: Mapping[int, bool] | None = None  # None: no expected section given
    answer_chars: int = 0
    uncertain: bool = False  # found, and shown with a caution to check its passages


def cover_rank(phrases: Sequence[str], retrieved: Sequence[Retrieved]) -> int | None:
    """Smallest r such that the top r expected-document passages contain every phrase."""
    needles = {normalize_for_match(p) for p in phrases}
    needles.discard("")
    if not needles or len(needles) < len(phrases):
        return None  # no phrases (unanswerable), or an empty phrase that can never match
    missing = set(needles)
    for rank, passage in enumerate(retrieved, 1):
        if not passage.from_expected_doc:
            continue
        text = normalize_for_match(passage.text)
        missing = {needle for needle in missing if needle not in text}
        if not missing:
            return rank
    return None


def hit_at_k(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None, cutoff: int = RANK_CUTOFF) -> float:
    return 1.0 / rank if rank is not None and rank <= cutoff else 0.0


def relevance(phrases: Sequence[str], retrieved: Sequence[Retrieved]) -> list[int]:
    """Binary relevance of each passage: expected document and at least one phrase."""
    needles = [n for n in (normalize_for_match(p) for p in phrases) if n]
    out: list[int] = []
    for passage in retrieved:
        text = normalize_for_match(passage.text)
        out.append(int(passage.from_expected_doc and any(n in text for n in needles)))
    return out


def dcg(relevances: Sequence[int]) -> float:
    return sum(rel / math.log2(position + 1) for position, rel in enumerate(relevances, 1))


def ndcg_at_k(relevances: Sequence[int], k: int = RANK_CUTOFF) -> float:
    """nDCG@k with the ideal ordering of the relevant passages found in the top k."""
    top = list(relevances[:k])
    ideal = dcg(sorted(top, reverse=True))
    return dcg(top) / ideal if ideal > 0 else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks
    (numpy's default), so p50 of [1, 2, 3, 4] is 2.5."""
    if not values:
        raise ValueError("percentile of an empty list")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be in [0, 100], not {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None (undefined, shown as "n/a") when nothing to divide."""
    return numerator / denominator if denominator else None


def not_found_precision(answerable: Sequence[bool], found: Sequence[bool]) -> float | None:
    """Of the questions answered "not found", the share that are really unanswerable."""
    said_not_found = [a for a, f in zip(answerable, found, strict=True) if not f]
    return ratio(sum(not a for a in said_not_found), len(said_not_found))


def not_found_recall(answerable: Sequence[bool], found: Sequence[bool]) -> float | None:
    """Of the unanswerable questions, the share answered "not found"."""
    unanswerable = [f for a, f in zip(answerable, found, strict=True) if not a]
    return ratio(sum(not f for f in unanswerable), len(unanswerable))


def answer_correct(answerable: bool, found: bool, phrase_in_answer: bool) -> bool:
    """An answerable question needs a found answer containing a phrase; an unanswerable
    one needs "not found"."""
    return found and phrase_in_answer if answerable else not found


def summarize(scores: Sequence[QuestionScore], ks: Sequence[int]) -> dict[str, float | int | None]:
    """All metrics of a group of questions (one mode, possibly one question type).

    Retrieval metrics are over the answerable questions only (None when there are none);
    answer accuracy is over all questions; latency over all questions.
    """
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    out: dict[str, float | int | None] = {
        "questions": len(scores),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
    }
    for k in ks:
        out[f"hit@{k}"] = ratio(sum(s.hits.get(k, False) for s in answerable), len(answerable))
    out[f"mrr@{RANK_CUTOFF}"] = _mean([s.reciprocal_rank for s in answerable])
    out[f"ndcg@{RANK_CUTOFF}"] = _mean([s.ndcg for s in answerable])
    out["answer_accuracy"] = ratio(sum(s.answer_correct for s in scores), len(scores))
    out["answer_accuracy_answerable"] = ratio(
        sum(s.answer_correct for s in answerable), len(answerable)
    )
    out["answer_accuracy_lenient"] = ratio(sum(s.lenient_correct for s in scores), len(scores))
    cited = [s.citation_ok for s in answerable if s.citation_ok is not None]
    out["citation_correct"] = ratio(sum(cited), len(cited))
    with_section = [s for s in answerable if s.section_hits is not None]
    for k in ks:
        out[f"section_hit@{k}"] = ratio(
            sum(bool(s.section_hits and s.section_hits.get(k)) for s in with_section),
            len(with_section),
        )
    flags = [s.answerable for s in scores]
    found = [s.found for s in scores]
    out["not_found_precision"] = not_found_precision(flags, found)
    out["not_found_recall"] = not_found_recall(flags, found)
    out["false_not_found"] = sum(not s.found for s in answerable)
    out["false_found"] = sum(s.found for s in unanswerable)
    out["false_not_found_rate"] = ratio(sum(not s.found for s in answerable), len(answerable))
    # How well the caution (qa.answer.caution) marks wrong answers: how many carry it, and
    # of those how many are right after all.
    cautioned = [s for s in scores if s.uncertain]
    out["uncertain_answers"] = len(cautioned)
    out["uncertain_right"] = sum(s.answer_correct for s in cautioned)
    lengths = [float(s.answer_chars) for s in answerable if s.found]
    out["answer_chars_p50"] = percentile(lengths, 50) if lengths else None
    out["answer_chars_p90"] = percentile(lengths, 90) if lengths else None
    latencies = [s.latency_ms for s in scores]
    out["latency_p50_ms"] = percentile(latencies, 50) if latencies else None
    out["latency_p95_ms"] = percentile(latencies, 95) if latencies else None
    return out


def metric_names(ks: Sequence[int]) -> list[str]:
    """The keys ``summarize`` produces, in display order."""
    return [
        "questions",
        "answerable",
        "unanswerable",
        *(f"hit@{k}" for k in ks),
        f"mrr@{RANK_CUTOFF}",
        f"ndcg@{RANK_CUTOFF}",
        *(f"section_hit@{k}" for k in ks),
        "answer_accuracy",
        "answer_accuracy_answerable",
        "answer_accuracy_lenient",
        "citation_correct",
        "not_found_precision",
        "not_found_recall",
        "false_not_found",
        "false_not_found_rate",
        "false_found",
        "uncertain_answers",
        "uncertain_right",
        "answer_chars_p50",
        "answer_chars_p90",
        "latency_p50_ms",
        "latency_p95_ms",
    ]


# Metrics where higher is better: the only ones --fail-under can sensibly bound.
def gated_metric_names(ks: Sequence[int]) -> list[str]:
    return [
        *(f"hit@{k}" for k in ks),
        f"mrr@{RANK_CUTOFF}",
        f"ndcg@{RANK_CUTOFF}",
        *(f"section_hit@{k}" for k in ks),
        "answer_accuracy",
        "answer_accuracy_answerable",
        "answer_accuracy_lenient",
        "citation_correct",
        "not_found_precision",
        "not_found_recall",
    ]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None

"""The benchmark's metric functions against hand-computed values."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    QuestionScore,
    Retrieved,
    answer_correct,
    cover_rank,
    hit_at_k,
    ndcg_at_k,
    not_found_precision,
    not_found_recall,
    percentile,
    ratio,
    reciprocal_rank,
    relevance,
    summarize,
)

# Rank 2 comes from another document: it contains a phrase but must not count.
RETRIEVED = [
    Retrieved("无关的段落", True),
    Retrieved("森林覆盖率达42.9%", False),
    Retrieved("到2018年，森林覆盖率达42.9%", True),
    Retrieved("其他内容", True),
    Retrieved("由市质监局牵头", True),
]
PHRASES = ["森林覆盖率达42.9%", "市质监局牵头"]


def test_cover_rank_needs_every_phrase_from_the_expected_document() -> None:
    assert cover_rank(PHRASES, RETRIEVED) == 5
    assert cover_rank(PHRASES[:1], RETRIEVED) == 3  # rank 2 is another document's
    assert cover_rank(["不存在的短语"], RETRIEVED) is None
    assert cover_rank([], RETRIEVED) is None


def test_cover_rank_compares_in_normal_form() -> None:
    # Traditional script, full-width digits and spaces in the passage.
    passages = [Retrieved("森林覆蓋率達 ４２.９%", True)]
    assert cover_rank(["森林覆盖率达42.9%"], passages) == 1


def test_hit_at_k_and_reciprocal_rank() -> None:
    assert [hit_at_k(5, k) for k in (1, 3, 5, 10)] == [False, False, True, True]
    assert not hit_at_k(None, 10)
    assert reciprocal_rank(1) == 1.0
    assert reciprocal_rank(4) == 0.25
    assert reciprocal_rank(10) == 0.1
    assert reciprocal_rank(11) == 0.0  # beyond the @10 cutoff
    assert reciprocal_rank(None) == 0.0


def test_relevance_is_binary_per_passage() -> None:
    # A passage from another document is never relevant; one phrase is enough.
    assert relevance(PHRASES, RETRIEVED) == [0, 0, 1, 0, 1]


def test_ndcg_hand_computed() -> None:
    # DCG = 1/log2(3) + 1/log2(5) = 0.6309298 + 0.4306766 = 1.0616063
    # IDCG (two relevant passages first) = 1 + 1/log2(3) = 1.6309298
    assert ndcg_at_k([0, 1, 0, 1]) == pytest.approx(1.0616063 / 1.6309298, abs=1e-6)
    assert ndcg_at_k([0, 1, 0, 1]) == pytest.approx(0.650920, abs=1e-5)
    assert ndcg_at_k([1, 1, 0, 0]) == 1.0
    assert ndcg_at_k([0, 0, 0]) == 0.0
    assert ndcg_at_k([]) == 0.0
    # Only the top k count: the relevant passage at rank 3 is outside k=2.
    assert ndcg_at_k([0, 0, 1], k=2) == 0.0
    assert ndcg_at_k([0, 1], k=2) == pytest.approx(1 / math.log2(3))


def test_percentile_interpolates_linearly() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 95) == pytest.approx(48.0)
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 0) == 10.0
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 100) == 50.0
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_not_found_precision_and_recall() -> None:
    answerable = [True, True, False, False]
    found = [False, True, False, True]
    # Said "not found" for q0 (answerable) and q2 (unanswerable): precision 1/2.
    assert not_found_precision(answerable, found) == 0.5
    # Unanswerable q2 (said not found) and q3 (answered anyway): recall 1/2.
    assert not_found_recall(answerable, found) == 0.5


def test_not_found_rates_with_zero_denominators_are_undefined() -> None:
    assert not_found_precision([True, False], [True, True]) is None  # never said not found
    assert not_found_recall([True, True], [False, True]) is None  # no unanswerable question
    assert not_found_precision([], []) is None
    assert ratio(0, 0) is None
    assert ratio(0, 4) == 0.0


def test_answer_correct_rules() -> None:
    assert answer_correct(True, True, True)
    assert not answer_correct(True, False, True)  # said not found on an answerable question
    assert not answer_correct(True, True, False)
    assert answer_correct(False, False, False)
    assert not answer_correct(False, True, False)


def _score(
    kind: str, answerable: bool, rank: int | None, correct: bool, found: bool, ms: float
) -> QuestionScore:
    return QuestionScore(
        question_type=kind,
        answerable=answerable,
        hits={k: hit_at_k(rank, k) for k in (1, 5)},
        reciprocal_rank=reciprocal_rank(rank),
        ndcg=1.0 if rank == 1 else 0.0,
        answer_correct=correct,
        found=found,
        latency_ms=ms,
    )


def test_summarize_splits_retrieval_and_answer_denominators() -> None:
    scores = [
        _score("figure", True, 1, True, True, 10.0),
        _score("figure", True, 3, False, False, 20.0),  # a false not-found
        _score("figure", True, None, False, True, 30.0),
        _score("unanswerable", False, None, True, False, 40.0),
    ]
    summary = summarize(scores, [1, 5])
    assert summary["questions"] == 4
    assert summary["answerable"] == 3
    assert summary["hit@1"] == pytest.approx(1 / 3)
    assert summary["hit@5"] == pytest.approx(2 / 3)
    assert summary["mrr@10"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert summary["ndcg@10"] == pytest.approx(1 / 3)
    assert summary["answer_accuracy"] == 0.5  # 2 of 4, the unanswerable one included
    assert summary["answer_accuracy_answerable"] == pytest.approx(1 / 3)
    assert summary["not_found_precision"] == 0.5
    assert summary["not_found_recall"] == 1.0
    assert summary["false_not_found"] == 1
    assert summary["false_found"] == 0
    assert summary["latency_p50_ms"] == 25.0
    assert summary["latency_p95_ms"] == pytest.approx(38.5)


def test_summarize_of_only_unanswerable_questions_has_no_retrieval_metrics() -> None:
    summary = summarize([_score("unanswerable", False, None, False, True, 5.0)], [5])
    assert summary["hit@5"] is None
    assert summary["mrr@10"] is None
    assert summary["answer_accuracy"] == 0.0
    assert summary["not_found_precision"] is None
    assert summary["not_found_recall"] == 0.0

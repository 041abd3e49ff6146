"""Pure retrieval functions: fusion, boosts, interleaving, top-k with filters."""

import numpy as np
import pytest

from qa.retrieval import _top, boost, interleave, rrf_fuse


def test_rrf_scores_by_hand() -> None:
    fused = dict(rrf_fuse([[1, 2, 3], [3, 1]], k=60))
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 62)
    assert [i for i, _ in rrf_fuse([[1, 2, 3], [3, 1]], k=60)] == [1, 3, 2]


def test_rrf_item_in_both_lists_beats_single_list_leader() -> None:
    order = [i for i, _ in rrf_fuse([[7, 8], [9, 8]], k=1)]
    assert order[0] == 8


def test_rrf_weights_change_the_winner() -> None:
    assert rrf_fuse([[1], [2]], weights=[2.0, 1.0])[0][0] == 1
    assert rrf_fuse([[1], [2]], weights=[1.0, 2.0])[0][0] == 2


def test_rrf_of_nothing_is_empty() -> None:
    assert rrf_fuse([[], []]) == []


def test_boost_reorders_only_favoured() -> None:
    ranked = [(0, 1.0), (1, 0.9), (2, 0.8)]
    favoured = np.array([False, False, True])
    assert [i for i, _ in boost(ranked, favoured, 1.5)] == [2, 0, 1]
    assert [i for i, _ in boost(ranked, favoured, 1.0)] == [0, 1, 2]


def test_interleave_gives_each_group_a_share() -> None:
    a = [(1, 0.9), (2, 0.8), (3, 0.7)]
    b = [(10, 0.5), (11, 0.4)]
    assert [i for i, _ in interleave([a, b], limit=4)] == [1, 10, 2, 11]
    assert [i for i, _ in interleave([a, [(1, 0.3), (12, 0.2)]], limit=10)] == [1, 2, 12, 3]


def test_top_respects_filter_and_drops_zero_scores() -> None:
    scores = np.array([0.0, 3.0, 1.0, 5.0, 2.0], dtype=np.float32)
    assert [i for i, _ in _top(scores, None, 3)] == [3, 1, 4]
    assert [i for i, _ in _top(scores, np.array([0, 2, 4]), 5)] == [4, 2]
    assert _top(scores, np.array([], dtype=np.int64), 5) == []

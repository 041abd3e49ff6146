"""The evidence-weight fitting of eval/fit_evidence.py, on synthetic candidates."""

import numpy as np

from eval.fit_evidence import Candidates, fit, held_out_top1, objective, top1, tuning_sets


def _question(gold_row: int, rows: list[list[float]]) -> Candidates:
    gold = np.zeros(len(rows), dtype=bool)
    gold[gold_row] = True
    return Candidates("q", "dev", np.array(rows, dtype=float), gold)


def test_objective_is_the_reciprocal_rank_of_the_first_gold_sentence() -> None:
    data = [_question(2, [[3.0, 0.0], [2.0, 0.0], [1.0, 1.0]])]
    assert objective(np.array([1.0, 0.0]), data) == 1 / 3
    assert objective(np.array([0.0, 1.0]), data) == 1.0
    assert top1(np.array([1.0, 0.0]), data) == 0.0


def test_fit_moves_weight_to_the_feature_that_marks_the_gold_sentence() -> None:
    # Feature 0 is noise that misleads; feature 1 marks the gold sentence every time.
    rng = np.random.default_rng(0)
    data = []
    for _ in range(30):
        rows = rng.random((5, 2)) * [1.0, 0.2]
        at = int(rng.integers(5))
        rows[at, 1] = 1.0
        rows[at, 0] = 0.0
        data.append(_question(at, rows.tolist()))
    start = np.array([1.0, 0.0])
    assert top1(start, data) < 0.5
    fitted = fit(data, start)
    assert top1(fitted, data) == 1.0
    assert objective(fitted, data) > objective(start, data)


def test_held_out_top1_scores_each_group_with_weights_fitted_without_it() -> None:
    # Feature 1 marks the gold sentence in every group; the start weights read feature 0.
    groups = [
        [_question(1, [[1.0, 0.0], [0.0, 1.0]]), _question(0, [[0.0, 1.0], [1.0, 0.0]])]
        for _ in range(3)
    ]
    start, fitted = held_out_top1(groups, np.array([1.0, 0.5]))
    assert start == 0.0 and fitted == 1.0


def test_tuning_sets_leave_out_test_and_the_held_out_splits() -> None:
    names = {path.stem for path, _ in tuning_sets()}
    assert {"dev", "dev16", "dev17", "dev18", "qa"} <= names
    assert not names & {
        "test",
        "dev15",
        "dev19",
        "dev20",
        "dev21",
        "dev22",
        "dev23",
        "dev24",
        "dev25",
        "dev26",
    }

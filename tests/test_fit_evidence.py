"""The evidence-weight fitting of eval/fit_evidence.py, on synthetic candidates."""

import numpy as np

from eval.fit_evidence import Candidates, fit, objective, top1


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

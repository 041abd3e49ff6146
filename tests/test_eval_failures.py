"""eval.failures: each wrong answer gets the first cause that applies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.failures import failure_cause, main, tally

RIGHT = {"answers": ["90%"], "found": True, "hit@5": True, "answer_correct": True}


@pytest.mark.parametrize(
    ("row", "cause"),
    [
        (RIGHT, None),
        ({"answers": [], "found": True, "answer_correct": False}, "false found"),
        ({**RIGHT, "answer_correct": False, "found": False}, "false not found"),
        ({**RIGHT, "answer_correct": False, "hit@5": False}, "retrieval"),
        ({**RIGHT, "answer_correct": False, "answer_correct_lenient": True}, "placement"),
        ({**RIGHT, "answer_correct": False, "answer_correct_lenient": False}, "selection"),
        (
            {**RIGHT, "doc": "厦门|太原", "answer_correct": False, "answer_correct_lenient": True},
            "incomplete",
        ),
    ],
)
def test_failure_cause(row: dict[str, object], cause: str | None) -> None:
    assert failure_cause(row) == cause


def test_tally_counts_each_label_of_a_question() -> None:
    rows = [
        {**RIGHT, "type": "figure", "tags": ["placeless"]},
        {
            **RIGHT,
            "type": "figure",
            "tags": ["placeless", "figure"],
            "answer_correct": False,
            "hit@5": False,
        },
    ]
    overall, per_label = tally(rows)
    assert overall == {"retrieval": 1}
    assert per_label["placeless"]["questions"] == 2 and per_label["placeless"]["retrieval"] == 1
    assert per_label["figure"] == {"questions": 2, "retrieval": 1}  # the repeated tag once


def test_cli_reads_results_and_refuses_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.jsonl"
    row = {**RIGHT, "mode": "full", "type": "figure", "answer_correct": False, "found": False}
    results.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main([str(results), "--list"]) == 0
    out = capsys.readouterr().out
    assert "| figure | 1 | 0 | 1 |" in out and "[false not found]" in out
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    assert main([str(tmp_path / "bad.jsonl")]) == 2
    assert main([str(results), "--mode", "naive"]) == 2

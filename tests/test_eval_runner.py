"""The benchmark runner end to end on a two-document corpus with the FakeEmbedder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.metrics import metric_names
from eval.qa_file import load_qa_file
from eval.runner import DEFAULT_MODES as MODES
from eval.runner import evaluate
from qa.assistant import Assistant
from tests.conftest import index_folder
from tests.fakes import FakeEmbedder

HAICHUAN = """海川市人民政府关于加快建设质量强市的实施意见

一、总体目标
到2018年，全市森林覆盖率达到45%，产品质量监督抽查合格率稳定在95%以上，质量强市建设取得明显成效。

二、主要任务
（一）加强标准化建设。由市质监局牵头，鼓励企业主导制定国家标准10项，建设标准化示范区3个。
（二）推进品牌建设。由市工商局负责，新增中国驰名商标5件，培育地理标志产品2个。

三、保障措施
（一）加强组织领导。成立质量强市工作领导小组，统筹协调全市质量工作。
"""

YUNLING = """云岭县人民政府关于开展质量提升行动的通知

一、工作目标
到2020年，全县食品抽检合格率达到98%，农产品质量安全水平明显提高。

二、重点工作
（一）强化食品安全监管。由县市场监管局牵头，建立食品安全追溯体系，实现重点企业全覆盖。
（二）提升工程质量。由县住建局负责，大中型工程一次验收合格率达到100%。
"""

METADATA = """["haichuan.txt"]
title = "海川市人民政府关于加快建设质量强市的实施意见"
issuer = "海川市人民政府"
region = "海川市"

["yunling.txt"]
title = "云岭县人民政府关于开展质量提升行动的通知"
issuer = "云岭县人民政府"
region = "云岭县"
"""

QUESTIONS = [
    {
        "id": "e1",
        "question": "海川市到2018年森林覆盖率要达到多少?",
        "answers": ["森林覆盖率达到45%"],
        "doc": "海川",
        "section": "一、",
        "type": "figure",
    },
    {
        "id": "e2",
        "question": "云岭县食品抽检合格率的目标是多少?",
        "answers": ["食品抽检合格率达到98%"],
        "doc": "云岭",
        "section": "一、",
        "type": "figure",
    },
    {
        "id": "e3",
        "question": "海川市标准化建设由哪个部门牵头?",
        "answers": ["市质监局牵头"],
        "doc": "海川",
        "section": "二、（一）",
        "type": "department",
    },
    {
        "id": "e4",
        "question": "北京市2035年人均绿地面积目标是多少?",
        "answers": [],
        "doc": "",
        "type": "unanswerable",
    },
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("eval-corpus")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "haichuan.txt").write_text(HAICHUAN, encoding="utf-8")
    (corpus_dir / "yunling.txt").write_text(YUNLING, encoding="utf-8")
    (corpus_dir / "metadata.toml").write_text(METADATA, encoding="utf-8")
    return Assistant(index_folder(corpus_dir, root / "index"), FakeEmbedder())


@pytest.fixture()
def qa_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.jsonl"
    path.write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n", encoding="utf-8"
    )
    return path


def _rows(out: Path) -> list[dict[str, Any]]:
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_cli_writes_summary_report_and_results(
    assistant: Assistant, qa_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status = main(["--qa", str(qa_file), "--out", str(out)], assistant=assistant)
    assert status == 0
    assert "hit@5" in capsys.readouterr().out

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["modes"] == list(MODES)
    assert summary["index_build_id"] == assistant.index.info.build_id
    assert summary["model"] == FakeEmbedder().name
    assert summary["questions"] == 4
    for mode in MODES:
        overall = summary["metrics"][mode]["overall"]
        assert set(metric_names([1, 3, 5, 10])) <= set(overall)
        assert overall["answerable"] == 3
        assert set(summary["metrics"][mode]["by_type"]) == {"figure", "department", "unanswerable"}
    # The naive baseline never says "not found".
    assert summary["metrics"]["naive"]["overall"]["not_found_recall"] == 0.0

    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.splitlines()[0] == "# Benchmark report"
    assert f"python -m eval --qa {qa_file} --out {out}" in report

    rows = _rows(out)
    assert len(rows) == len(QUESTIONS) * len(MODES)
    assert {(r["id"], r["mode"]) for r in rows} == {(q["id"], m) for q in QUESTIONS for m in MODES}
    easy = {r["mode"]: r for r in rows if r["id"] == "e1"}
    for mode in ("keyword", "hybrid", "full"):
        assert easy[mode]["hit@5"] is True, mode
        assert easy[mode]["passages"][0]["region"] == "海川市"
    # Two 500-character naive chunks in all: the top 10 necessarily hold the phrase.
    assert easy["naive"]["hit@10"] is True
    assert easy["naive"]["passages"][0]["section_path"] == []
    assert easy["full"]["passages"][0]["section_path"], "outline chunks carry their section"


def test_results_match_the_summary(assistant: Assistant, qa_file: Path) -> None:
    items = load_qa_file(qa_file)
    run = evaluate(assistant, items, modes=["keyword", "naive"], ks=[1, 5], progress=False)
    summary = run.summary()
    for mode in ("keyword", "naive"):
        results = [r for r in run.results if r.mode == mode]
        answerable = [r for r in results if r.item.answerable]
        hits = sum(r.score.hits[5] for r in answerable) / len(answerable)
        assert summary[mode]["overall"]["hit@5"] == pytest.approx(hits)
        unanswerable = next(r for r in results if not r.item.answerable)
        assert unanswerable.score.hits == {1: False, 5: False}
    naive_answers = [r for r in run.results if r.mode == "naive"]
    assert all(r.score.found and r.answer == r.passages[0].chunk.text for r in naive_answers)


def test_fail_under_exits_1_with_a_message(
    assistant: Assistant, qa_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--qa", str(qa_file), "--out", str(tmp_path / "o"), "--modes", "full", "--k", "5"]
    assert main([*args, "--fail-under", "hit@5=0"], assistant=assistant) == 0
    # No metric can exceed 1, so this bound is always missed.
    assert main([*args, "--fail-under", "answer_accuracy=1.01"], assistant=assistant) == 1
    assert "FAIL: full answer_accuracy" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--fail-under", "recall=0.5"], "unknown metric 'recall'"),
        (["--fail-under", "hit@7=0.5"], "unknown metric 'hit@7'"),
        (["--fail-under", "hit@5"], "is not METRIC=VALUE"),
        (["--modes", "dense,bogus"], "unknown or no mode"),
        (["--modes", "dense", "--fail-under", "hit@5=0.5"], "not in --modes"),
        (["--k", "1,x"], "not a list of integers"),
        (["--limit", "0"], "--limit 0"),
    ],
)
def test_bad_arguments_exit_2_before_running(
    assistant: Assistant,
    qa_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "o"
    assert main(["--qa", str(qa_file), "--out", str(out), *extra], assistant=assistant) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_bad_qa_file_gives_a_clear_error(
    assistant: Assistant, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "x1", "question": "海川市?", "answers": [], "doc": "海川"}\n', encoding="utf-8"
    )
    assert main(["--qa", str(bad), "--out", str(tmp_path / "o")], assistant=assistant) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "bad.jsonl:1" in err
    assert main(["--qa", str(tmp_path / "missing.jsonl")], assistant=assistant) == 2
    assert "not found" in capsys.readouterr().err


def test_limit_takes_the_first_questions(
    assistant: Assistant, qa_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    assert (
        main(
            ["--qa", str(qa_file), "--out", str(out), "--modes", "keyword", "--limit", "2"],
            assistant=assistant,
        )
        == 0
    )
    assert [r["id"] for r in _rows(out)] == ["e1", "e2"]


def test_two_sets_are_reported_side_by_side(
    assistant: Assistant, qa_file: Path, tmp_path: Path
) -> None:
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_text(json.dumps(QUESTIONS[0], ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["--qa", str(qa_file), "--qa", str(held_out), "--out", str(out), "--modes", "full"]
    assert main(args, assistant=assistant) == 0
    for name, questions in (("mine", 4), ("held_out", 1)):
        summary = json.loads((out / name / "summary.json").read_text(encoding="utf-8"))
        assert summary["questions"] == questions
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | mine full | held_out full |" in report
    assert "(4 + 1 questions)" in report
    assert f"- model: `{FakeEmbedder().name}`" in report
    assert f"- index build: `{assistant.index.info.build_id}`" in report

"""The CLI and the stable JSON schemas (fake embedder index from conftest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import cli
from qa.assistant import Assistant
from qa.present.records import answer_to_record
from tests.fakes import FakeEmbedder
from tests.schema import ANSWER_KEYS, FIGURE_KEYS, PASSAGE_KEYS


def test_answer_record_schema_and_verbatim_figures(fake_assistant: Assistant) -> None:
    record = answer_to_record(fake_assistant.ask("阿拉善盟服务业对经济增长的贡献率目标是多少?"))
    assert set(record) == ANSWER_KEYS
    assert record["found"] is True
    assert record["passages"] and all(set(p) == PASSAGE_KEYS for p in record["passages"])
    assert [p["rank"] for p in record["passages"]] == list(range(1, len(record["passages"]) + 1))
    texts = {p["rank"]: p["text"] for p in record["passages"]}
    assert record["figures"], "a figure question shows its figures"
    for figure in record["figures"]:
        assert set(figure) == FIGURE_KEYS
        assert figure["text"] in texts[figure["passage_rank"]]
        assert figure["value"] in figure["text"]
    json.dumps(record, ensure_ascii=False)  # serialisable as is


def test_answer_cites_passages_that_exist(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("厦门到2018年森林覆盖率要达到多少?")
    ranks = {p.rank for p in answer.passages}
    import re

    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert cited and cited <= ranks
    for sentence in re.split(r"\[\d+\]", answer.answer):
        if sentence.strip():
            assert any(sentence.strip() in p.chunk.text for p in answer.passages), sentence


def test_not_found_still_shows_passages(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("上海市的目标是什么?")
    assert answer.found is False
    assert "没有找到" in answer.answer and "上海市" in answer.answer
    assert answer.passages and not answer.figures


def test_multi_place_question_covers_each_place(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("厦门和阿拉善盟的森林覆盖率分别是多少?")
    regions = {p.region for p in answer.passages}
    assert {"厦门市", "阿拉善盟"} <= regions
    assert "厦门市：" in answer.answer and "阿拉善盟：" in answer.answer


def test_question_across_documents_gets_a_comparison_table(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("各地监督抽查合格率的目标分别是多少?")
    assert answer.found
    assert "| 地区 | 指标 | 数值 |" in answer.answer
    assert len({p.chunk.doc_id for p in answer.passages}) >= 3


def test_document_filter_restricts_passages(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("监督抽查合格率目标是多少?", doc_filter="东莞")
    assert {p.region for p in answer.passages} == {"东莞市"}


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, fake_home: Path) -> Path:
    monkeypatch.setenv("QA_CORPUS_DIR", str(fake_home / "corpus"))
    monkeypatch.setenv("QA_INDEX_DIR", str(fake_home / "index"))
    monkeypatch.setattr("qa.assistant.load_embedder", lambda settings: FakeEmbedder())
    return fake_home


def test_cli_ask_json(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ask", "厦门到2018年森林覆盖率要达到多少?", "--json", "--k", "3"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == ANSWER_KEYS and len(record["passages"]) == 3


def test_cli_questions_file_prints_one_json_per_line(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("厦门森林覆盖率目标?\n\n上海市的目标是什么?\n", encoding="utf-8")
    assert cli.main(["ask", "--questions", str(questions), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["found"] for line in lines] == [True, False]


def test_cli_bad_question_is_a_clear_error(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ask", "   "]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


def test_cli_outline_and_chunks_json(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = cli_env / "corpus" / "xiamen-2015-quality-strong-city-opinion.txt"
    assert cli.main(["outline", str(path), "--json"]) == 0
    outline = json.loads(capsys.readouterr().out)
    assert {
        "doc_id",
        "title",
        "issuer",
        "doc_number",
        "date",
        "region",
        "script",
        "sections",
    } <= set(outline)
    assert outline["doc_number"] == "厦府〔2015〕114号" and len(outline["sections"]) == 5
    assert cli.main(["chunks", str(path), "--json"]) == 0
    chunks = json.loads(capsys.readouterr().out)
    text = path.read_text(encoding="utf-8")
    assert all(text[c["span"][0] : c["span"][1]] == c["text"] for c in chunks)


def test_cli_figures_json_filters_by_document(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["figures", "--json", "--doc", "厦门市"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["region"] for r in rows} == {"厦门市"}
    keys = {
        "doc_id",
        "doc_title",
        "region",
        "section_path",
        "indicator",
        "value",
        "unit",
        "comparator",
        "target_year",
        "lead_department",
        "text",
        "span",
    }
    assert all(set(r) == keys for r in rows)


def test_cli_missing_index_says_how_to_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "none"))
    monkeypatch.setattr("qa.assistant.load_embedder", lambda settings: FakeEmbedder())
    assert cli.main(["ask", "厦门森林覆盖率"]) == 2
    assert "python -m qa build" in capsys.readouterr().err

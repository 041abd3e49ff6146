"""The 分工 tab's library functions, the CLI `qa duties`, and the evaluation against the gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import cli
from qa.config import Settings
from qa.duties.matrix import DutyMatrix, open_matrix
from qa.duties.names import AliasTable
from qa.present.duties import (
    DUTY_COLUMNS,
    department_choices,
    department_side_by_side,
    duties_frame,
    duties_markdown,
    duty_record,
    filter_duties,
    write_duties_excel,
)

ALIASES = AliasTable.load()
RECORD_KEYS = {
    "doc_id", "doc_title", "region", "section_path", "task", "lead_departments",
    "cooperating_departments", "deadline", "text", "span",
}  # fmt: skip


@pytest.fixture(scope="module")
def matrix(fake_home: Path) -> DutyMatrix:
    settings = Settings.from_env({}, corpus_dir=fake_home / "corpus", index_dir=fake_home / "index")
    matrix, source = open_matrix(settings)
    assert source == "index"
    return matrix


def test_filters_by_document_region_department_and_role(matrix: DutyMatrix) -> None:
    assert len(filter_duties(matrix, ALIASES)) == 97
    assert len(filter_duties(matrix, ALIASES, document="东莞")) == 34
    assert len(filter_duties(matrix, ALIASES, region="阿拉善盟")) == 46
    lead = filter_duties(matrix, ALIASES, department="市质监局", role="lead")
    assert len(lead) == 24
    assert len(filter_duties(matrix, ALIASES, department="太原市质监局", role="lead")) == 7
    assert len(filter_duties(matrix, ALIASES, department="市质监局", document="太原")) == 15
    cooperating = filter_duties(matrix, ALIASES, department="市质监局", role="cooperating")
    assert not set(map(id, lead)) & {id(d) for d in cooperating if d.doc_id.startswith("xiamen")}
    assert filter_duties(matrix, ALIASES, department="不存在的局") == []


def test_frame_and_excel_round_trip(matrix: DutyMatrix, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    duties = filter_duties(matrix, ALIASES, region="阿拉善盟")
    frame = duties_frame(matrix, duties)
    assert list(frame.columns) == DUTY_COLUMNS
    assert len(frame) == 46
    row = frame.iloc[4]
    assert row["牵头部门"] == "盟住建局、水務局"
    assert row["牵头部门（统一名称）"] == "盟住建局、盟水務局"
    side = department_side_by_side(matrix, ALIASES, "市质监局")
    path = write_duties_excel(frame, tmp_path / "out" / "分工.xlsx", extra=side)
    book = load_workbook(path)
    assert book.sheetnames == ["任务分工", "对照"]
    sheet = book["任务分工"]
    assert [c.value for c in sheet[1]] == DUTY_COLUMNS
    assert sheet.max_row == 47
    assert sheet.cell(row=6, column=5).value == "盟住建局、水務局"


def test_side_by_side_one_column_per_document(matrix: DutyMatrix) -> None:
    side = department_side_by_side(matrix, ALIASES, "市质监局")
    assert list(side.columns) == [d.region for d in matrix.documents.values()]
    assert side["太原市"].tolist()[:15] == [c for c in side["太原市"] if c][:15]
    assert sum(1 for c in side["太原市"] if c) == 15
    assert sum(1 for c in side["东莞市"] if c) == 21  # 16 as lead, 5 cooperating
    assert side["福建省"].tolist()[0] == "（无）"
    assert side["太原市"].tolist()[3].startswith("[牵头] 一、(四)")
    only_lead = department_side_by_side(matrix, ALIASES, "市质监局", role="lead")
    assert sum(1 for c in only_lead["东莞市"] if c) == 16


def test_briefing_markdown_and_choices(matrix: DutyMatrix) -> None:
    departments = matrix.find_departments("太原市质监局", ALIASES)
    duties = filter_duties(matrix, ALIASES, department="太原市质监局")
    text = duties_markdown(matrix, duties, title="太原市质监局的任务", departments=departments)
    assert text.startswith("## 太原市质监局的任务")
    assert "共 15 项任务，1 份文件。" in text
    lines = text.splitlines()
    assert sum("| 牵头 | 市质监局 |" in line for line in lines) == 7
    assert sum("| 配合 | 市" in line for line in lines) == 8
    assert "| 一、(四) | 加强电子等新兴产业质量安全监管 | 牵头 | 市质监局 |" in text
    assert duties_markdown(matrix, []).endswith("（文件中没有相应的任务分工。）\n")
    choices = department_choices(matrix)
    assert choices[0] == "东莞各镇街"  # named in 29 tasks
    assert "太原市质监局" in choices and "阿拉善盟市場監管局" in choices


def test_record_is_verbatim(matrix: DutyMatrix) -> None:
    documents = matrix.documents
    for duty in matrix.duties:
        record = duty_record(duty, matrix)
        assert set(record) >= RECORD_KEYS
        start, end = record["span"]
        assert documents[duty.doc_id].text[start:end] == record["text"]
        for department in record["departments"]:
            s, e = department["span"]
            assert documents[duty.doc_id].text[s:e] == department["written"]


def test_cli_duties_json_table_and_errors(
    fake_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_HOME", str(fake_home))
    assert cli.main(["duties", "--json", "--dept", "市质监局", "--role", "lead"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 24 and all(set(r) >= RECORD_KEYS for r in rows)
    assert cli.main(["duties", "--json", "--doc", "厦门"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["lead_departments"] for r in rows] == [["质监", "发改", "建设", "环保"]]
    assert rows[0]["lead_departments_canonical"] == ["市质监局", "市发改委", "市建设局", "市环保局"]
    assert cli.main(["duties", "--doc", "福建"]) == 0
    assert "牵头: 省质监局\t配合: 有关部门" in capsys.readouterr().out
    assert cli.main(["duties", "--dept", "市民政局"]) == 2
    assert "分工中没有部门" in capsys.readouterr().err
    assert cli.main(["duties", "--doc", "北京"]) == 2


def test_cli_reads_the_corpus_when_there_is_no_index(
    fresh_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    shutil.rmtree(fresh_home / "index")
    monkeypatch.setenv("QA_HOME", str(fresh_home))
    assert cli.main(["duties", "--json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 97
    assert "索引不是最新的" in captured.err


def test_evaluation_meets_the_targets_on_the_gold(tmp_path: Path) -> None:
    from eval.duties_eval import main

    report = tmp_path / "report.md"
    assert main(["--report", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    assert "## Aggregated questions: 37 of 37 complete" in text
    assert "Text verbatim at its span: 97 of 97 rows." in text

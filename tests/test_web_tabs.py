"""The 文件 (removal), 简报 (Word, slides), 评测, 分工 and 添加文件 handlers, without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Cm

import app
from qa.assistant import Assistant
from qa.config import Settings
from qa.ingest.readers import formats
from qa.ingest.upload_record import RECORD_NAME, is_uploaded, uploaded_files
from qa.ingest.uploads import megabytes
from qa.present.briefing import entries
from qa.present.briefing_docx import chinese_number
from qa.web.upload import limits_text
from tests.fakes import NEW_DOC, FakeEmbedder


def open_handlers(home: Path, **overrides: object) -> app.Handlers:
    settings = Settings.from_env(
        {}, corpus_dir=home / "corpus", index_dir=home / "index", **overrides
    )
    return app.Handlers(Assistant(settings, FakeEmbedder()))


@pytest.fixture(scope="module")
def handlers(fake_assistant: Assistant) -> app.Handlers:
    return app.Handlers(fake_assistant)


@pytest.fixture(scope="module")
def conversation(handlers: app.Handlers) -> list:  # type: ignore[type-arg]
    _, answers = handlers.ask_once("厦门到2018年森林覆盖率要达到多少?")
    _, answers = handlers.ask_once("各地监督抽查合格率的目标分别是多少?", "", answers)
    _, answers = handlers.ask_once("上海市的目标是什么?", "", answers)
    return answers


# -- removing an uploaded document -------------------------------------------------------


def test_uploaded_document_can_be_removed_and_nothing_else_is_lost(
    fresh_home: Path, tmp_path: Path
) -> None:
    handlers = open_handlers(fresh_home)
    corpus = fresh_home / "corpus"
    shipped = {p.name: p.read_bytes() for p in corpus.iterdir() if p.is_file()}
    source = tmp_path / "丙县方案.txt"
    source.write_text(NEW_DOC, encoding="utf-8")
    handlers.add_upload(str(source))
    document = next(d for d in handlers.assistant.documents if "丙县" in d.title)
    assert is_uploaded(corpus, document) and uploaded_files(corpus) == {
        document.source_name: document.content_hash
    }
    _view, remove = handlers.document_view(document.doc_id)
    assert remove["visible"]
    assert "上传" in [row[-1] for row in handlers.document_table()]
    with pytest.raises(gr.Error, match="确认删除"):
        handlers.remove_document(document.doc_id, False)
    message = handlers.remove_document(document.doc_id, True)
    assert "已删除" in message
    assert all(d.doc_id != document.doc_id for d in handlers.assistant.documents)
    assert not (corpus / document.source_name).exists()
    kept = list((corpus / ".removed").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == NEW_DOC.encode()
    assert {
        p.name: p.read_bytes() for p in corpus.iterdir() if p.is_file() and p.name != RECORD_NAME
    } == shipped
    answer = handlers.assistant.ask("茶叶产品抽检合格率要达到多少?")
    assert all("丙县" not in p.doc_title for p in answer.passages)
    # The folder and the index agree: a restart checks the corpus against the index.
    Assistant.open(handlers.assistant.settings, embedder=FakeEmbedder())


def test_shipped_documents_and_replaced_files_cannot_be_removed(
    fresh_home: Path, tmp_path: Path
) -> None:
    handlers = open_handlers(fresh_home)
    shipped = handlers.assistant.documents[0]
    with pytest.raises(gr.Error, match="随系统提供"):
        handlers.remove_document(shipped.doc_id, True)
    source = tmp_path / "county.txt"
    source.write_text(NEW_DOC, encoding="utf-8")
    handlers.add_upload(str(source))
    document = next(d for d in handlers.assistant.documents if "丙县" in d.title)
    (fresh_home / "corpus" / document.source_name).write_text(NEW_DOC + "改过", encoding="utf-8")
    with pytest.raises(gr.Error, match="不能在页面上删除"):
        handlers.remove_document(document.doc_id, True)
    assert (fresh_home / "corpus" / document.source_name).exists()


def test_failed_index_update_puts_the_file_back(
    fresh_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handlers = open_handlers(fresh_home)
    source = tmp_path / "county.txt"
    source.write_text(NEW_DOC, encoding="utf-8")
    handlers.add_upload(str(source))
    document = next(d for d in handlers.assistant.documents if "丙县" in d.title)

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(handlers.assistant.backend, "remove", explode)
    with pytest.raises(gr.Error, match="内部错误"):
        handlers.remove_document(document.doc_id, True)
    assert (fresh_home / "corpus" / document.source_name).read_text(encoding="utf-8") == NEW_DOC
    assert any(d.doc_id == document.doc_id for d in handlers.assistant.documents)


# -- uploads: one limit, one voice ------------------------------------------------------------


def test_limits_come_from_the_reader_registry() -> None:
    text = limits_text()
    for file_format in formats():
        if not file_format.refusal:
            assert f"不超过 {megabytes(file_format.max_bytes)}" in text
            assert all(s in text for s in file_format.suffixes)


def test_a_refused_upload_is_one_status_message(handlers: app.Handlers, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    status, preview, figures, add = handlers.preview_for_page(str(empty))
    assert "qa-status-error" in status and status.count("文件是空的") == 1
    assert "(" not in status  # Chinese only on the page
    assert preview == "" and figures["visible"] is False and add["interactive"] is False
    good = tmp_path / "county.txt"
    good.write_text(NEW_DOC, encoding="utf-8")
    status, preview, figures, add = handlers.preview_for_page(str(good))
    assert "qa-status-ok" in status and "将保存为 county.txt" in preview
    assert add["interactive"] is True and "数字" not in figures["value"].columns


# -- briefing ------------------------------------------------------------------------------


def test_briefing_entries_keep_comparison_region_and_document_numbers(
    handlers: app.Handlers,
    conversation: list,  # type: ignore[type-arg]
) -> None:
    items = entries(conversation, handlers.assistant.index.documents)
    assert any("厦府〔2015〕114号" in s for s in items[0].sources)
    assert items[1].comparison and {row[0] for row in items[1].comparison} >= {"福建省", "厦门市"}
    assert "太原市" in items[1].missing
    assert items[1].chart_series and all(len(points) >= 2 for _, points in items[1].chart_series)
    assert not items[2].found and items[2].lines[0].count("没有找到") == 1


def test_word_briefing_is_a4_gongwen_with_the_chosen_questions(
    handlers: app.Handlers,
    conversation: list,  # type: ignore[type-arg]
) -> None:
    markdown, docx_path, _pptx_path, md_path = handlers.briefing(conversation, [0, 1])
    assert Path(md_path).read_text(encoding="utf-8") == markdown
    assert conversation[2].question not in markdown  # not chosen
    word = WordDocument(docx_path)
    section = word.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.05) and abs(
        section.page_height - Cm(29.7)
    ) < Cm(0.05)
    assert abs(section.top_margin - Cm(3.7)) < Cm(0.05) and abs(section.left_margin - Cm(2.8)) < Cm(
        0.05
    )
    headings = [p for p in word.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings] == [
        f"一、{conversation[0].question}",
        f"二、{conversation[1].question}",
    ]

    def east_asian(run: object) -> str:
        fonts = run.element.rPr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
        return fonts.get(qn("w:eastAsia"))

    assert {east_asian(r) for p in headings for r in p.runs} == {"黑体"}
    body = next(p for p in word.paragraphs if "42.9%" in p.text)
    assert {east_asian(r) for r in body.runs} == {"仿宋_GB2312"}
    assert word.styles["Heading 1"].font.color.rgb == (0, 0, 0)
    text = "\n".join(p.text for p in word.paragraphs)
    assert "厦府〔2015〕114号" in text and "太原市" in text
    comparison = next(
        t
        for t in word.tables
        if t.rows[0].cells[0].text == "地区"
        and t.rows[0].cells[-1].text == "出处"
        and len(t.columns) == 7
    )
    regions = {row.cells[0].text for row in comparison.rows[1:]}
    assert {"福建省", "厦门市", "东莞市"} <= regions


def test_slides_have_one_slide_per_question_and_a_chart_per_comparison(
    handlers: app.Handlers,
    conversation: list,  # type: ignore[type-arg]
) -> None:
    from pptx import Presentation

    _, _, pptx_path, _ = handlers.briefing(conversation, [0, 1, 2])
    deck = Presentation(pptx_path)
    titles = [s.shapes[0].text_frame.text for s in deck.slides]
    items = entries(conversation, handlers.assistant.index.documents)
    charts = [shape.chart for s in deck.slides for shape in s.shapes if shape.has_chart]
    assert len(deck.slides) == 1 + len(items) + sum(len(i.chart_series) for i in items)
    assert sum(t.startswith(f"{n}. ") for n in (1, 2, 3) for t in titles) == len(deck.slides) - 1
    assert len(charts) == len(items[1].chart_series) >= 1
    categories = list(charts[0].plots[0].categories)
    values = list(charts[0].plots[0].series[0].values)
    assert len(categories) == len(values) >= 2 and charts[0].plots[0].has_data_labels
    assert any("福建省" in c for c in categories)


def test_chinese_numbers() -> None:
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
    ]


# -- evaluation ---------------------------------------------------------------------------


def _qa_file(path: Path, count: int = 3) -> Path:
    rows = [
        {"id": "f1", "question": "厦门到2018年森林覆盖率要达到多少?", "answers": ["42.9%"], "doc": "厦门", "type": "数字"},
        {"id": "f2", "question": "太原市质量强市工作由哪个部门牵头?", "answers": ["市质监局"], "doc": "太原", "type": "部门"},
        {"id": "f3", "question": "上海市的目标是什么?", "answers": [], "doc": "", "type": "无答案"},
    ]  # fmt: skip
    rows = (rows * (count // 3 + 1))[:count]
    lines = [
        json.dumps({**r, "id": f"{r['id']}-{i}"}, ensure_ascii=False) for i, r in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_evaluation_runs_reports_per_label_and_compares(fresh_home: Path, tmp_path: Path) -> None:
    handlers = open_handlers(fresh_home)
    qa = _qa_file(tmp_path / "mine.jsonl")
    status, overall, labels, misses, files, _previous, first = handlers.run_evaluation(
        str(qa), ["full"]
    )
    assert "3 个问题" in status and first
    assert set(labels["类型"]) == {"数字", "部门", "无答案"}
    assert list(overall.columns) == ["指标", "full"]
    assert {Path(f).name for f in files} == {"report.md", "results.jsonl", "summary.json"}
    assert all(Path(f).is_file() for f in files)
    assert Path(files[0]).parent.parent == fresh_home / "index" / "eval-runs"
    *_, second = handlers.run_evaluation(str(qa), ["full", "keyword"])
    comparison = handlers.compare_runs(second, first)
    assert {"全部", "数字", "部门", "无答案"} <= set(comparison["类型"])
    assert set(comparison[comparison["指标"] == "问题数"]["变化"]) == {"+0"}
    results = [json.loads(line) for line in Path(files[1]).read_text(encoding="utf-8").splitlines()]
    wrong = [r for r in results if not r["answer_correct"]]
    assert misses.count("<details") == len(wrong)


def test_evaluation_is_limited_and_reports_bad_files(fresh_home: Path, tmp_path: Path) -> None:
    handlers = open_handlers(fresh_home, eval_max_questions=2)
    with pytest.raises(gr.Error, match="最多评测 2 个"):
        handlers.run_evaluation(str(_qa_file(tmp_path / "big.jsonl", 3)), ["full"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(gr.Error, match="评测文件无法读取"):
        handlers.run_evaluation(str(bad), ["full"])
    with pytest.raises(gr.Error, match="最多比较"):
        handlers.run_evaluation(
            str(_qa_file(tmp_path / "ok.jsonl", 1)), ["full", "naive", "keyword", "dense"]
        )
    assert not (fresh_home / "index" / "eval-runs").exists()


# -- duties --------------------------------------------------------------------------------


def test_duty_tab_filters_by_department_and_role(handlers: app.Handlers) -> None:
    heading, table = handlers.duty_table("", "", "any")
    assert len(table) > 10 and "项任务" in heading
    heading, lead = handlers.duty_table("", "市质监局", "lead")
    assert 0 < len(lead) < len(table) and all("质监" in cell for cell in lead["牵头部门"])
    side = handlers.side_by_side("市质监局", "any")
    assert len(side.columns) == len(handlers.assistant.documents)
    path = handlers.duty_excel("", "市质监局", "any")
    assert Path(path).suffix == ".xlsx" and Path(path).stat().st_size > 0
    heading, none = handlers.duty_table("", "不存在的局", "any")
    assert none.empty and "没有" in heading


def test_the_maintainer_gate_refuses_before_anything_changes(
    fresh_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.web.access

    handlers = open_handlers(fresh_home)
    source = tmp_path / "county.txt"
    source.write_text(NEW_DOC, encoding="utf-8")
    handlers.access = qa.web.access.AccessPolicy("password")  # nobody signed in
    before = sorted(p.name for p in (fresh_home / "corpus").iterdir())
    with pytest.raises(gr.Error, match="只有维护人员"):
        handlers.add_upload(str(source))
    with pytest.raises(gr.Error, match="只有维护人员"):
        handlers.remove_document(handlers.assistant.documents[0].doc_id, True)
    assert sorted(p.name for p in (fresh_home / "corpus").iterdir()) == before
    assert len(handlers.assistant.documents) == 5


def test_briefing_can_carry_a_departments_tasks(
    handlers: app.Handlers,
    conversation: list,  # type: ignore[type-arg]
) -> None:
    markdown, docx_path, _, _ = handlers.briefing(conversation, [0], "市质监局")
    assert "## 市质监局的任务分工" in markdown and "| 章节 | 任务 | 角色 |" in markdown
    word = WordDocument(docx_path)
    duty_table = word.tables[-1]
    assert [c.text for c in duty_table.rows[0].cells] == [
        "地区",
        "章节",
        "任务",
        "角色",
        "牵头",
        "时限",
    ]
    assert len(duty_table.rows) > 3 and {"牵头", "配合"} & {
        r.cells[3].text for r in duty_table.rows[1:]
    }


def test_a_follow_up_enters_the_briefing_as_the_question_it_stood_for(
    handlers: app.Handlers,
) -> None:
    _, answers = handlers.ask_once("阿拉善盟森林覆盖率要达到多少?")
    _, answers = handlers.ask_once("厦门呢?", "", answers)
    markdown, *_ = handlers.briefing(answers)
    assert "## 2. 厦门森林覆盖率要达到多少?" in markdown and "厦门呢" not in markdown

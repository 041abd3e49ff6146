"""The page's handlers and renderers, called directly (no server, no browser).

The index is built with the FakeEmbedder over a copy of corpus/ plus one hostile
document whose text contains HTML, so escaping is checked on real rendering paths.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import shutil
from pathlib import Path

import gradio as gr
import pytest

import app
from qa.assistant import Assistant
from qa.present import html as ui
from qa.present.charts import axis_range, chart_data
from qa.present.related import missing_from_comparison, related_figures
from qa.textnorm import search_form
from qa.types import Answer, AnswerSentence, Chunk, Citation, CitedFigure, Figure, Passage
from tests.conftest import index_folder
from tests.fakes import FakeEmbedder
from tests.schema import ANSWER_KEYS

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HOSTILE = """<script>alert('title')</script>某县质量强县工作意见
一、主要目标
到2019年，全县<b>产品</b>监督抽查合格率达到93%以上，<script>alert(1)</script>食品抽检合格率达到97%以上，新增名牌产品5个。
二、保障措施
(一)加强组织领导。成立质量强县工作领导小组，由县质监局牵头，各部门按照职责分工抓好落实，确保各项目标任务按期完成。
"""
COMPARE = "各地监督抽查合格率的目标分别是多少?"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("app")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "hostile-county.txt").write_text(HOSTILE, encoding="utf-8")
    return Assistant(index_folder(corpus, root / "index"), FakeEmbedder())


@pytest.fixture(scope="module")
def handlers(assistant: Assistant) -> app.Handlers:
    return app.Handlers(assistant)


def hostile_id(assistant: Assistant) -> str:
    return next(d.doc_id for d in assistant.documents if d.source_name == "hostile-county.txt")


def test_build_app_without_launching_exposes_the_ask_api(assistant: Assistant) -> None:
    demo = app.build_app(assistant)
    assert isinstance(demo, gr.Blocks)
    endpoints = demo.get_api_info()["named_endpoints"]
    assert list(endpoints) == ["/ask"]  # everything else is private to the page
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]] == [
        "question",
        "document",
        "history",
    ]


def test_corpus_changing_handlers_go_through_the_maintainer_gate() -> None:
    # The two corpus changes, and two maintainer-only reads (a file's check, the record).
    assert set(app.MAINTAINER_ACTIONS) == {
        "UploadHandlers.add_upload",
        "DocumentHandlers.remove_document",
        "UploadHandlers.preview_upload",
        "AccountHandlers.audit_table",
    }


# -- asking ----------------------------------------------------------------------------


def test_conversation_renders_cards_links_both_ways_and_copy_text(handlers: app.Handlers) -> None:
    html, conversation = handlers.ask_once("厦门到2018年森林覆盖率要达到多少?")
    answer = conversation[0]
    assert answer.found and html.count('class="qa-card"') == len(answer.passages) > 0
    assert 'href="#qa-t1-card-1"' in html and 'id="qa-t1-cite-1"' in html  # [1] -> card
    assert 'href="#qa-t1-cite-1"' in html  # card -> back to the [1] that cites it
    top = answer.passages[0]
    assert f'data-doc="{top.chunk.doc_id}" data-start="{top.chunk.span[0]}"' in html
    plain = re.search(
        r'<textarea class="qa-plain" id="qa-t1-plain"[^>]*>(.*?)</textarea>', html, re.S
    )
    assert plain and "42.9%" in plain.group(1) and "出处：" in plain.group(1)
    assert 'data-copy="qa-t1-plain"' in html
    assert '<mark class="qa-value">42.9</mark>' in html


def test_follow_up_is_answered_in_context_and_listed(handlers: app.Handlers) -> None:
    _, conversation = handlers.ask_once("厦门到2018年森林覆盖率要达到多少?")
    html, conversation = handlers.ask_once("阿拉善盟呢?", "", conversation)
    assert len(conversation) == 2
    follow_up = conversation[1]
    assert "森林覆盖率" in follow_up.resolved_question and "阿拉善" in follow_up.resolved_question
    assert "理解为：" in html and {p.region for p in follow_up.passages} == {"阿拉善盟"}
    history = re.search(r'<nav class="qa-history">.*?</nav>', html, re.S)
    assert (
        history
        and "厦门到2018年森林覆盖率" in history.group(0)
        and "阿拉善盟呢?" in history.group(0)
    )
    assert 'id="qa-t2-card-1"' in html and 'id="qa-t1-card-1"' in html  # no id clashes


def test_not_found_is_said_once_with_its_reason(handlers: app.Handlers) -> None:
    html, conversation = handlers.ask_once("上海市的目标是什么?")
    assert not conversation[0].found
    text = re.sub(r"<[^>]+>", "", html.split("<textarea")[0])
    assert text.count("没有找到") == 1 and "未找到答案" not in text
    assert "上海市" in text and "最接近的段落" in html
    assert html.count('class="qa-card"') == len(conversation[0].passages) > 0


def test_comparison_names_the_documents_that_state_nothing(handlers: app.Handlers) -> None:
    html, conversation = handlers.ask_once(COMPARE)
    answer = conversation[0]
    in_table = {c.figure.doc_id for c in answer.table}
    missing = missing_from_comparison(answer, handlers.assistant.index.documents)
    assert missing and all(d.doc_id not in in_table for d in missing)
    named = re.search(r'class="qa-missing">([^<]*)', html)
    assert named and all(ui.esc(d.region or d.title) in named.group(1) for d in missing)
    assert "太原市" in named.group(1)
    assert "<th>地区</th>" in html and '<div class="qa-scroll"><table class="qa-compare">' in html


def test_related_figures_are_about_the_question_and_link_to_their_card(
    handlers: app.Handlers,
) -> None:
    # (A comparison's figures are all in its table, which 相关数据 does not repeat.)
    html, conversation = handlers.ask_once("东莞国家监督抽查合格率要达到多少?")
    answer = conversation[0]
    related = related_figures(answer)
    assert related and len(related) < len(answer.figures)  # unrelated rows are left out
    assert all("合格率" in search_form(c.figure.indicator) for c in related)
    table = html.split("<h4>相关数据</h4>")[1].split("</table>")[0]
    assert "制造业质量竞争力指数" not in table
    assert re.search(r'<a class="qa-cite" href="#qa-t1-card-\d+">\[\d+\]</a>', table)


def test_document_and_question_html_is_escaped(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    doc_id = hostile_id(assistant)
    html, conversation = handlers.ask_once("<script>x</script>产品监督抽查合格率达到多少?", doc_id)
    assert conversation[0].passages and all(
        p.chunk.doc_id == doc_id for p in conversation[0].passages
    )
    assert "<script" not in html and "<b>产品</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;产品&lt;/b&gt;" in html
    source = handlers.open_passage(doc_id, *conversation[0].passages[0].chunk.span)
    assert "<script" not in source and "&lt;script&gt;" in source


def test_open_passage_marks_the_passage_in_the_whole_document(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    _, conversation = handlers.ask_once("厦门到2018年森林覆盖率要达到多少?")
    passage = conversation[0].passages[0]
    view = handlers.open_passage(passage.chunk.doc_id, *passage.chunk.span)
    document = assistant.index.documents[passage.chunk.doc_id]
    marked = re.search(r'<mark class="qa-passage" id="qa-src-passage">(.*?)</mark>', view, re.S)
    assert marked and ui.esc(passage.chunk.text).startswith(marked.group(1)[:40])
    assert document.doc_number in view and "第 " in view
    assert len(re.sub(r"<[^>]+>", "", view)) > len(passage.chunk.text) * 3  # the whole text
    with pytest.raises(gr.Error, match="不在文件库"):
        handlers.open_passage("gone", 0, 5)


@pytest.mark.parametrize("question", ["", "   ", "?"])
def test_empty_question_is_one_chinese_message(handlers: app.Handlers, question: str) -> None:
    with pytest.raises(gr.Error) as caught:
        handlers.ask_once(question)
    assert "问题为空" in caught.value.message and "(" not in caught.value.message
    assert caught.value.title == "无法完成"
    with pytest.raises(gr.Error, match="问题为空"):
        handlers.api_ask(question, "")


def test_expected_errors_are_logged_in_one_line(
    handlers: app.Handlers, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="qa.app"), pytest.raises(gr.Error):
        handlers.ask_once("?")
    records = [r for r in caplog.records if r.name == "qa.app"]
    assert len(records) == 1 and records[0].exc_info is None
    assert "\n" not in records[0].getMessage() and "ask refused" in records[0].getMessage()


def test_unexpected_errors_are_logged_not_shown(assistant: Assistant) -> None:
    class Broken(Assistant):
        def ask_stream(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def,override]
            raise RuntimeError("secret /internal/path")

    broken = app.Handlers(
        Broken(assistant.settings, assistant.embedder, assistant.backend, assistant.index)
    )
    with pytest.raises(gr.Error) as caught:
        broken.ask_once("厦门的目标是什么?")
    assert "secret" not in str(caught.value) and "内部错误" in str(caught.value)
    assert caught.value.title == "服务器内部错误"


def test_api_returns_the_cli_json_schema(handlers: app.Handlers) -> None:
    record = handlers.api_ask("太原市质量强市工作由哪个部门牵头?", "")
    assert set(record) == ANSWER_KEYS
    assert record["passages"][0]["rank"] == 1
    only = handlers.api_ask("质量工作由哪个部门牵头?", "太原")
    assert {p["region"] for p in only["passages"]} == {"太原市"}
    follow = handlers.api_ask("阿拉善盟呢?", "", ["厦门到2018年森林覆盖率要达到多少?"])
    assert "阿拉善" in follow["resolved_question"]


# -- figures ---------------------------------------------------------------------------


def test_figures_table_filters_by_keyword_in_either_script(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    simplified = handlers.figure_table(app.ALL, app.ALL, "监督抽查合格率", app.ALL)
    traditional = handlers.figure_table(app.ALL, app.ALL, "監督抽查合格率", app.ALL)
    expected = [f for f in assistant.figures if "监督抽查合格率" in search_form(f.indicator)]
    assert len(simplified) == len(traditional) == len(expected) > 1
    assert {"阿拉善盟", "厦门市"} <= set(simplified["地区"])


def test_figure_view_heading_table_and_chart_follow_the_filters(handlers: app.Handlers) -> None:
    heading, table, chart, caption = handlers.figure_view(app.ALL, app.ALL, "", app.ALL)
    assert heading.startswith("#### 全部数据") and "数字" not in table.columns
    heading, table, chart, caption = handlers.figure_view(app.ALL, "厦门市", "合格率", app.ALL)
    assert "地区 厦门市" in heading and "合格率" in heading and f"（{len(table)} 条）" in heading
    assert set(table["地区"]) == {"厦门市"} and chart["visible"]
    labels = [t.get_text() for t in chart["value"].axes[0].get_yticklabels()]
    assert len(labels) == len(table) and all(label.startswith("厦门市") for label in labels)
    assert any("年）" in label for label in labels)  # the year is part of the label
    values = [t.get_text() for t in chart["value"].axes[0].texts]
    assert values and all(v.endswith("%") for v in values if "横轴" not in v)
    heading, table, chart, caption = handlers.figure_view(
        app.ALL, "厦门市", "不存在的指标", app.ALL
    )
    assert table.empty and not chart["visible"] and "没有" in heading and "没有" in caption


def test_chart_axis_keeps_close_values_apart() -> None:
    low, high = axis_range((90.0, 92.0, 95.0))
    assert 80 <= low < 90 and high > 95
    assert axis_range((5.0, 60.0, 100.0))[0] == 0.0
    frame = ui.figures_frame({}, [])
    assert chart_data(frame)[0] is None


def test_figures_csv_is_utf8_with_bom_and_matches_the_table(handlers: app.Handlers) -> None:
    path = Path(handlers.figure_csv(app.ALL, app.ALL, "合格率", app.ALL))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ui.FIGURE_COLUMNS
    table = handlers.figure_table(app.ALL, app.ALL, "合格率", app.ALL)
    assert len(rows) - 1 == len(table) > 0


# -- documents -------------------------------------------------------------------------


def test_documents_tab_shows_outline_links_to_the_text(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    rows = handlers.document_table()
    assert len(rows) == len(assistant.documents) and {r[-1] for r in rows} == {"随系统提供"}
    doc = next(d for d in assistant.documents if d.region == "厦门市")
    view, remove = handlers.document_view(doc.doc_id)
    links = re.findall(r'href="#(qa-docs-s\d+)"[^>]*>([^<]*)</a>', view)
    assert len(links) > 5 and any("改善环境质量" in label for _, label in links)
    assert all(f'id="{anchor}"' in view for anchor, _ in links)
    assert "issuer" not in view and "chars]" not in view and "发文机关" in view
    assert not remove["visible"]  # a shipped document cannot be removed
    view, _ = handlers.document_view(hostile_id(assistant))
    assert "<script" not in view and "&lt;script&gt;" in view


def test_briefing_has_no_questions_yet(handlers: app.Handlers) -> None:
    with pytest.raises(gr.Error, match="还没有提问"):
        handlers.briefing([])


# -- pure rendering ---------------------------------------------------------------------


def _passage(text: str, rank: int = 1) -> Passage:
    chunk = Chunk(f"d:0-{len(text)}", "d", ("一、目标",), ("一、",), text, (100, 100 + len(text)))
    return Passage(rank, chunk, "《标题》<i>", "某市", 0.5)


def test_highlight_escapes_and_nests_value_inside_sentence() -> None:
    html = ui.highlight("a<b>合格率达到95%。", [(0, 13)], [(9, 11)])
    assert html.startswith('<mark class="qa-sentence">a&lt;b&gt;')
    assert '<mark class="qa-sentence"><mark class="qa-value">95</mark></mark>' in html


def test_answer_renders_from_its_structure_safely() -> None:
    from qa.present.conversation import Turn, conversation_html

    passage = _passage("A<script>x。")
    sentence = AnswerSentence("A<script>x。", (Citation(1, "d", (100, 111)),), label="某<b>市")
    figure = Figure("d", (), "合格率", "95", 95.0, "%", "", None, "", "合格率95%", (0, 6))
    answer = Answer(
        "q", True, "ignored", (passage,), sentences=(sentence,), table=(CitedFigure(figure, 1),)
    )
    html = conversation_html([Turn(1, answer)], {})
    assert "<table" in html and "&lt;script&gt;" in html and "<script" not in html
    assert "某&lt;b&gt;市" in html and 'href="#qa-t1-card-1"' in html
    assert "ignored" not in html.split("<textarea")[0]  # rendered from the sentences


def test_evaluation_and_corpus_changes_queue_on_their_own(assistant: Assistant) -> None:
    demo = app.build_app(assistant)
    limits = {
        fn.name: (fn.concurrency_id, fn.concurrency_limit)
        for fn in demo.fns.values()
        if fn.concurrency_id in ("evaluation", "corpus")
    }
    # One evaluation and one corpus change at a time, each in its own queue, so neither
    # holds up questions (which share the default limit set at launch).
    assert limits == {"run": ("evaluation", 1), "add": ("corpus", 1), "remove": ("corpus", 1)}
    asking = [fn for fn in demo.fns.values() if fn.name == "ask"]
    assert asking and all(fn.concurrency_limit == "default" for fn in asking)

"""The browser UI's handlers and renderers, called directly (no server, no browser).

The index is built with the FakeEmbedder over a copy of corpus/ plus one hostile
document whose text contains HTML, so escaping is checked on real rendering paths.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import docx
import gradio as gr
import pytest

import app
from qa.assistant import Assistant
from qa.present import html as ui
from qa.textnorm import search_form
from qa.types import Answer, AnswerSentence, Chunk, Citation, CitedFigure, Figure, Passage
from tests.conftest import index_folder
from tests.fakes import FakeEmbedder

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HOSTILE = """<script>alert('title')</script>某县质量强县工作意见
一、主要目标
到2019年，全县<b>产品</b>监督抽查合格率达到93%以上，<script>alert(1)</script>食品抽检合格率达到97%以上，新增名牌产品5个。
二、保障措施
(一)加强组织领导。成立质量强县工作领导小组，由县质监局牵头，各部门按照职责分工抓好落实，确保各项目标任务按期完成。
"""


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
    assert "/ask" in endpoints
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]] == [
        "question",
        "document",
        "history",
    ]


def test_ask_renders_answer_cards_and_figures(handlers: app.Handlers) -> None:
    html, history, note = handlers.ask("厦门到2018年森林覆盖率要达到多少?", "", [])
    assert len(history) == 1 and history[0].found
    assert "1 个问题" in note
    assert html.count('class="qa-card"') == len(history[0].passages) > 0
    top = history[0].passages[0]
    assert ui.esc(top.doc_title) in html
    assert ui.esc(" › ".join(top.chunk.section_path)) in html
    assert '<mark class="qa-sentence">' in html
    # The figures table cites its source by document, section and [n].
    for cited in history[0].figures:
        assert f"<td>{ui.esc(cited.figure.indicator)}</td>" in html
    if any(c.figure.indicator == "森林覆盖率" for c in history[0].figures):
        assert '<mark class="qa-value">42.9</mark>' in html


def test_document_and_question_html_is_escaped(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    doc_id = hostile_id(assistant)
    html, history, _ = handlers.ask("<script>x</script>产品监督抽查合格率达到多少?", doc_id, [])
    assert history[0].passages, "the filter must still return the hostile document's passages"
    assert all(p.chunk.doc_id == doc_id for p in history[0].passages)
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;产品&lt;/b&gt;" in html


def test_not_found_says_so_and_still_shows_passages(handlers: app.Handlers) -> None:
    html, history, _ = handlers.ask("上海市的目标是什么?", "", [])
    assert not history[0].found
    assert "未找到答案" in html and "最接近的段落" in html
    assert html.count('class="qa-card"') == len(history[0].passages) > 0


@pytest.mark.parametrize("question", ["", "   ", "?"])
def test_empty_question_is_a_readable_error(handlers: app.Handlers, question: str) -> None:
    with pytest.raises(gr.Error, match="问题为空"):
        handlers.ask(question, "", [])
    with pytest.raises(gr.Error, match="问题为空"):
        handlers.api_ask(question, "")


def test_unexpected_errors_are_logged_not_shown(assistant: Assistant) -> None:
    class Broken(Assistant):
        def ask(self, *args: object, **kwargs: object) -> Answer:
            raise RuntimeError("secret /internal/path")

    broken = app.Handlers(
        Broken(assistant.settings, assistant.embedder, assistant.backend, assistant.index)
    )
    with pytest.raises(gr.Error) as caught:
        broken.ask("厦门的目标是什么?", "", [])
    assert "secret" not in str(caught.value) and "内部错误" in str(caught.value)


def test_api_returns_the_cli_json_schema(handlers: app.Handlers) -> None:
    record = handlers.api_ask("太原市质量强市工作由哪个部门牵头?", "")
    first_version = {"question", "found", "answer", "passages", "figures", "timings_ms"}
    assert set(record) == first_version | {
        "answer_mode",
        "sentences",
        "table",
        "not_found_reason",
        "notes",
        "resolved_question",
    }
    assert record["answer_mode"] == "extractive"
    assert record["sentences"][0]["citations"][0]["passage_rank"] >= 1
    assert record["passages"][0]["rank"] == 1
    assert set(record["passages"][0]) >= {"doc_title", "region", "section_path", "text", "span"}
    only = handlers.api_ask("质量工作由哪个部门牵头?", "太原")
    assert {p["region"] for p in only["passages"]} == {"太原市"}


def test_figures_table_filters_by_keyword_in_either_script(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    simplified = handlers.figure_table(app.ALL, app.ALL, "监督抽查合格率", app.ALL)
    traditional = handlers.figure_table(app.ALL, app.ALL, "監督抽查合格率", app.ALL)
    expected = [f for f in assistant.figures if "监督抽查合格率" in search_form(f.indicator)]
    assert len(simplified) == len(traditional) == len(expected) > 1
    assert {"阿拉善盟", "厦门市"} <= set(simplified["地区"])


def test_figures_table_filters_by_document_region_and_year(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    by_region = handlers.figure_table(app.ALL, "厦门市", "", app.ALL)
    xiamen = {d.doc_id for d in assistant.documents if d.region == "厦门市"}
    assert len(by_region) == sum(f.doc_id in xiamen for f in assistant.figures) > 0
    by_year = handlers.figure_table(app.ALL, app.ALL, "", "2020")
    assert len(by_year) == sum(f.target_year == 2020 for f in assistant.figures) > 0
    title = next(d.title for d in assistant.documents if d.region == "太原市")
    by_title = handlers.figure_table(title, app.ALL, "", app.ALL)
    assert set(by_title["文件"]) == {title}
    assert handlers.figure_table(app.ALL, "厦门市", "", "2020").empty


def test_figures_csv_is_utf8_with_bom_and_matches_the_table(handlers: app.Handlers) -> None:
    path = Path(handlers.figure_csv(app.ALL, app.ALL, "合格率", app.ALL))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ui.FIGURE_COLUMNS
    table = handlers.figure_table(app.ALL, app.ALL, "合格率", app.ALL)
    assert len(rows) - 1 == len(table) > 0
    indicator = rows[0].index("指标")
    assert all("合格率" in search_form(row[indicator]) for row in rows[1:])


def test_chart_compares_one_indicator_in_one_unit(handlers: app.Handlers) -> None:
    chart, caption = handlers.chart("监督抽查合格率")
    assert len(chart) >= 3 and len(set(chart["条目"])) == len(chart)
    assert chart["数值"].between(50, 100).all()
    assert "%" in caption
    empty, caption = handlers.chart("不存在的指标名")
    assert empty.empty and "没有找到" in caption
    with pytest.raises(gr.Error):
        handlers.chart("  ")


def test_documents_tab_lists_metadata_outline_and_section_text(
    handlers: app.Handlers, assistant: Assistant
) -> None:
    rows = handlers.document_table()
    assert len(rows) == len(assistant.documents)
    assert sum(int(str(r[6])) for r in rows) == len(assistant.index.chunks)
    assert sum(int(str(r[7])) for r in rows) == len(assistant.figures)
    doc = next(d for d in assistant.documents if d.region == "厦门市")
    tree, update = handlers.outline(doc.doc_id)
    choices = update["choices"]
    assert "二、持续提升四大领域质量水平" in tree and len(choices) > 5
    _, span = next(c for c in choices if "改善环境质量" in c[0])
    text = handlers.section_text(doc.doc_id, span)
    start, end = (int(x) for x in span.split("-"))
    full = (assistant.settings.corpus_dir / doc.source_name).read_text(encoding="utf-8")
    assert ui.esc(full[start:end]) in text and "森林覆盖率" in text
    with pytest.raises(gr.Error):
        handlers.outline("")


def test_hostile_document_outline_is_escaped(handlers: app.Handlers, assistant: Assistant) -> None:
    tree, update = handlers.outline(hostile_id(assistant))
    assert "<script" not in tree and "&lt;script&gt;" in tree
    text = handlers.section_text(hostile_id(assistant), update["choices"][0][1])
    assert "<script" not in text and "&lt;script&gt;" in text


def test_briefing_exports_questions_citations_and_figures(handlers: app.Handlers) -> None:
    _, history, _ = handlers.ask("厦门到2018年森林覆盖率要达到多少?", "", [])
    _, history, _ = handlers.ask("各地监督抽查合格率的目标分别是多少?", "", history)
    markdown, md_path, docx_path = handlers.briefing(history)
    assert Path(md_path).read_text(encoding="utf-8") == markdown
    for answer in history:
        assert answer.question in markdown
        first = answer.passages[0]
        assert f"[1] 《{first.doc_title}》 {' › '.join(first.chunk.section_path)}" in markdown
    assert "| 监督抽查合格率 |" in markdown or "监督抽查合格率" in markdown
    word = docx.Document(docx_path)
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    assert all(a.question in paragraphs for a in history)
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert "指标" in cells and any(c.figure.indicator in cells for c in history[1].figures)
    with pytest.raises(gr.Error, match="还没有提问"):
        handlers.briefing([])


# -- pure rendering ---------------------------------------------------------------


def _passage(text: str, rank: int = 1) -> Passage:
    chunk = Chunk(f"d:0-{len(text)}", "d", ("一、目标",), ("一、",), text, (100, 100 + len(text)))
    return Passage(rank, chunk, "《标题》<i>", "某市", 0.5)


def test_highlight_escapes_and_nests_value_inside_sentence() -> None:
    html = ui.highlight("a<b>合格率达到95%。", [(0, 13)], [(9, 11)])
    assert html.startswith('<mark class="qa-sentence">a&lt;b&gt;')
    assert '<mark class="qa-sentence"><mark class="qa-value">95</mark></mark>' in html


def test_card_highlights_the_cited_sentence_and_figure_value() -> None:
    text = "前言部分。合格率达到95%以上。其他内容。"
    passage = _passage(text)
    start = text.index("95")
    figure = Figure(
        "d",
        ("一、目标",),
        "合格率",
        "95",
        95.0,
        "%",
        "at_least",
        2020,
        "",
        "合格率达到95%以上",
        (100 + text.index("合格率"), 100 + text.index("以上") + 2),
    )
    start_of = text.index("合格率")
    sentence = AnswerSentence(
        "合格率达到95%以上。",
        (Citation(1, "d", (100 + start_of, 100 + start_of + len("合格率达到95%以上。"))),),
    )
    answer = Answer("q", True, "合格率达到95%以上。[1]", (passage,), sentences=(sentence,))
    card = ui.passage_card(passage, ui.cited_spans(answer, passage), [CitedFigure(figure, 1)])
    assert '<mark class="qa-value">95</mark>' in card and start > 0
    assert '<mark class="qa-sentence">合格率达到</mark>' in card
    assert "前言部分。" in card and '<mark class="qa-sentence">前言' not in card
    assert "&lt;i&gt;" in card and "一、目标" in card
    other = _passage(text, rank=2)
    assert ui.cited_spans(answer, other) == []  # a citation marks only its own passage


def test_answer_renders_from_its_structure_safely() -> None:
    passage = _passage("A<script>x。")
    sentence = AnswerSentence("A<script>x。", (Citation(1, "d", (100, 111)),), label="某<b>市")
    figure = Figure("d", (), "合格率", "95", 95.0, "%", "", None, "", "合格率95%", (0, 6))
    answer = Answer(
        "q", True, "ignored", (passage,), sentences=(sentence,), table=(CitedFigure(figure, 1),)
    )
    html = ui.answer_html(answer)
    assert "<table>" in html and "&lt;script&gt;" in html and "<script" not in html
    assert "某&lt;b&gt;市" in html and 'href="#qa-card-1"' in html
    assert "ignored" not in html  # rendered from the sentences, never from the text

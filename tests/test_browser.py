"""The real page in Debian's Chromium (Playwright), as its users would use it, on a
desktop (1366×900) and a phone (390×844). Each test checks something the page before
the rework (a single answer box, an unfiltered chart, a developer outline…) got wrong.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM, fake_assistant_over
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from qa.assistant import Assistant
from qa.ingest.readers import formats
from qa.ingest.uploads import megabytes
from tests.fakes import NEW_DOC

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
HOSTILE = (
    "某县质量强县工作意见\n一、主要目标\n到2019年，某县产品监督抽查合格率达到93%以上"
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    "，新增名牌产品5个。\n"
)
XIAMEN = "厦门到2018年森林覆盖率要达到多少?"
COMPARE = "各地监督抽查合格率的目标分别是多少?"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install -y chromium, or `make browser`)",
    ),
]
Page = Any  # playwright.sync_api.Page


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, serve_app: Callable[[Assistant], str]) -> str:
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    (root / "corpus" / "hostile-county.txt").write_text(HOSTILE, encoding="utf-8")
    return serve_app(fake_assistant_over(root / "corpus", root / "index"))


def open_page(browser: Any, server: str, viewport: dict[str, int]) -> Page:
    # A civil servant's browser speaks Chinese: Gradio's own labels follow its locale.
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server)
    page.locator("#conversation").wait_for()
    return page


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Page]:
    page = open_page(browser, server, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser: Any, server: str) -> Iterator[Page]:
    page = open_page(browser, server, PHONE)
    yield page
    page.context.close()


def ask(page: Page, question: str, document: str = "") -> Any:
    """Ask and wait for the new turn; returns its locator."""
    turns = page.locator("#conversation .qa-turn").count()
    if document:
        page.get_by_label("限定文件").click()
        page.get_by_role("option", name=document).click()
    box = page.get_by_label("问题")
    box.fill(question)
    turn = page.locator(f'#conversation .qa-turn[data-turn="{turns + 1}"]')
    card = turn.locator(".qa-card").first
    # Gradio ignores a click while the button's previous event is still finishing
    # (trigger_mode "once"): the few milliseconds after the last answer appears and before
    # its completion is processed, which a loaded machine stretches. Such a click leaves
    # the question in its box, so it is clicked again. The previous event's completion can
    # also land after the fill and empty the box (it clears the box it answered), so the
    # click asks nothing (a toast, no turn): then the question is typed again. Neither
    # happens once this question's turn is on the page (a draft or the answer), and clicks
    # while it is being answered are ignored the same way, so it is never asked twice.
    deadline = time.monotonic() + 60
    page.locator("#ask-button").click()
    while True:
        try:
            card.wait_for(timeout=5_000)
            return turn
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise AssertionError(page_state(page, question, turns + 1)) from None
            if turn.count():
                continue
            if box.input_value() != question:
                box.fill(question)
            page.locator("#ask-button").click()


def page_state(page: Page, question: str, turn: int) -> str:
    """What the page shows when a turn never came: enough to tell a refused click, a
    cleared box, an error toast and a turn without sources apart in a CI log."""
    turns = page.locator("#conversation .qa-turn")
    last = turns.last.inner_text()[:200] if turns.count() else ""
    return (
        f"turn {turn} for {question!r} never showed a source card: "
        f"{turns.count()} turns, last turn {last!r}, "
        f"question box {page.get_by_label('问题').input_value()!r}, "
        f"toasts {page.locator('.toast-body').all_inner_texts()!r}"
    )


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def in_viewport(page: Page, locator: Any) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] < height and box["y"] + box["height"] > 0


# -- asking -------------------------------------------------------------------------------


def test_conversation_keeps_past_questions_and_answers_follow_ups(page: Page) -> None:
    first = ask(page, XIAMEN)
    assert "42.9" in first.locator(".qa-answer").inner_text()
    second = ask(page, "阿拉善盟呢?")
    assert (
        "理解为" in second.inner_text() and "阿拉善" in second.locator(".qa-resolved").inner_text()
    )
    assert all(
        "推進質量強盟戰略實施意見" in t for t in second.locator(".qa-card-head").all_inner_texts()
    )
    history = page.locator("#conversation .qa-history").inner_text()
    assert XIAMEN in history and "阿拉善盟呢?" in history
    assert page.locator("#conversation .qa-turn").count() == 2 and first.is_visible()


def test_a_follow_up_opening_the_conversation_asks_for_the_whole_question(page: Page) -> None:
    page.get_by_label("问题").fill("阿拉善盟呢?")
    page.locator("#ask-button").click()
    answer = page.locator("#qa-t1-answer")
    answer.wait_for()
    assert "上一个问题" in answer.inner_text() and "没有找到" not in answer.inner_text()
    assert page.locator("#conversation .qa-card").count() == 0
    # Then asked in full, and followed up, it is answered.
    ask(page, XIAMEN)
    assert "理解为" in ask(page, "阿拉善盟呢?").inner_text()


def test_copy_button_puts_the_answer_and_its_sources_on_the_clipboard(page: Page) -> None:
    turn = ask(page, XIAMEN)
    turn.get_by_role("button", name="复制回答").click()
    turn.get_by_role("button", name="已复制").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "42.9%" in copied and "出处：" in copied and "[1] 《厦门市人民政府" in copied


def test_citations_link_to_cards_and_cards_link_back(page: Page) -> None:
    turn = ask(page, XIAMEN)
    for _ in range(3):  # push the answer off screen first
        ask(page, COMPARE)
    turn.locator(".qa-answer a.qa-cite").first.click()
    card = turn.locator("#qa-t1-card-1")
    page.wait_for_function("document.querySelector('#qa-t1-card-1').classList.contains('qa-flash')")
    assert in_viewport(page, card)
    page.mouse.wheel(0, 4000)
    card.get_by_role("link", name="↑ 回到答案").click()
    assert in_viewport(page, turn.locator("#qa-t1-cite-1"))


def test_view_source_opens_the_document_at_the_passage(page: Page) -> None:
    turn = ask(page, XIAMEN)
    card = turn.locator(".qa-card").first
    card.get_by_role("button", name="查看原文").click()
    mark = page.locator("#source-view mark.qa-passage").first
    mark.wait_for()
    assert in_viewport(page, mark)
    assert mark.inner_text()[:20] in card.locator(".qa-text").inner_text()
    assert "厦府〔2015〕114号" in page.locator("#source-view").inner_text()


def test_not_found_is_said_once(page: Page) -> None:
    turn = ask(page, "上海市的目标是什么?")
    notice = turn.locator(".qa-notfound").inner_text()
    assert notice.count("没有找到") == 1 and "未找到答案" not in turn.inner_text()
    assert "上海市" in notice and "最接近的段落" in turn.inner_text()


def test_comparison_names_who_states_nothing_and_related_rows_link(page: Page) -> None:
    turn = ask(page, COMPARE)
    assert "太原市" in turn.locator(".qa-missing").inner_text()
    assert turn.locator("table.qa-compare th").first.inner_text() == "地区"
    # A comparison's figures are all in its table; 相关数据 of a one-place question:
    turn = ask(page, "东莞国家监督抽查合格率要达到多少?")
    rows = turn.locator("table.qa-figures tbody tr")
    assert (
        rows.count() > 0
        and "制造业质量竞争力指数" not in turn.locator("table.qa-figures").inner_text()
    )
    link = turn.locator("table.qa-figures a.qa-cite").first
    target = link.get_attribute("href")
    link.click()
    assert in_viewport(page, page.locator(target))


def test_a_question_naming_no_place_shows_the_other_documents_stating_it(page: Page) -> None:
    turn = ask(page, "森林覆盖率目标是多少?")
    also = turn.locator(".qa-also")
    assert "其他文件也提出了这一指标" in also.inner_text()
    # 厦门 (42.9%) and 阿拉善 (23%) both state it: one answers, the other is listed.
    targets = ("42.9%", "23%")
    assert sum(t in also.inner_text() for t in targets) == 1
    assert all(t in turn.inner_text() for t in targets)
    link = also.locator("a.qa-cite").first
    target = link.get_attribute("href")
    link.click()
    assert in_viewport(page, page.locator(target))


def test_document_markup_is_shown_as_text_not_run(page: Page) -> None:
    turn = ask(page, "产品监督抽查合格率达到多少?", document="某县质量强县工作意见")
    assert "<script>window.__pwned = 1</script>" in turn.inner_text()
    turn.locator(".qa-open").first.click()
    page.locator("#source-view mark.qa-passage").wait_for()
    assert page.evaluate("window.__pwned === undefined")


def test_errors_are_one_chinese_toast(page: Page) -> None:
    page.get_by_label("问题").fill("?")
    page.locator("#ask-button").click()
    toast = page.locator(".toast-body")
    toast.first.wait_for()
    assert toast.count() == 1
    assert page.locator(".toast-title").inner_text().strip() == "无法完成"
    assert "问题为空" in toast.inner_text() and "Error" not in toast.inner_text()
    assert "(" not in page.locator("[data-testid=toast-text]").inner_text()


# -- figures, documents, duties ---------------------------------------------------------------------


def test_chart_follows_the_filters_and_says_when_nothing_matches(page: Page) -> None:
    tab(page, "数据")
    heading = page.locator("#figures-heading")
    assert "全部数据" in heading.inner_text()
    headers = page.locator("#figures-table thead th").all_inner_texts()
    assert "数值" in "".join(headers) and "数字" not in "".join(headers)
    page.get_by_label("地区").click()
    page.get_by_role("option", name="厦门市").click()
    page.wait_for_function(
        "document.querySelector('#figures-heading').innerText.includes('厦门市')"
    )
    page.locator("#figures-chart img, #figures-chart svg, #figures-chart canvas").first.wait_for()
    assert "全部数据" not in heading.inner_text()
    page.get_by_label("指标关键词").fill("不存在的指标")
    page.wait_for_function("document.querySelector('#figures-heading').innerText.includes('没有')")
    page.locator("#figures-chart").wait_for(state="hidden")
    assert "没有可以画图的数值" in page.locator("#chart-caption").inner_text()
    page.get_by_label("指标关键词").fill("合格率")
    page.get_by_role("button", name="下载 CSV（当前筛选）").click()
    page.locator("#figures-csv a").first.wait_for()
    assert "figures.csv" in page.locator("#figures-csv").inner_text().replace("\n", "")


def test_documents_tab_shows_a_clickable_outline_at_once(page: Page) -> None:
    tab(page, "文件")
    view = page.locator("#document-view")
    links = view.locator("a.qa-outline-link")
    links.first.wait_for()
    assert links.count() > 3 and "chars]" not in view.inner_text()
    assert "发文机关" in view.inner_text()
    last = links.last
    label = last.inner_text()
    last.click()
    target = view.locator(last.get_attribute("href"))
    box, text_box = target.bounding_box(), view.locator(".qa-doc-text").bounding_box()
    assert box and text_box and text_box["y"] - 5 <= box["y"] <= text_box["y"] + text_box["height"]
    assert label.strip()


def test_duty_tab_lists_a_departments_tasks(page: Page) -> None:
    tab(page, "分工")
    before = page.locator("#duties-heading").inner_text()
    page.locator("#duty-department input").fill("市质监局")
    page.locator("#duty-department input").press("Enter")
    page.wait_for_function(
        "() => (document.querySelector('#duties-table')?.innerText || '').includes('质监局')"
    )
    after = page.locator("#duties-heading").inner_text()
    count = lambda heading: int(re.search(r"(\d+) 项任务", heading).group(1))  # noqa: E731
    assert count(after) < count(before)
    page.wait_for_function(
        "() => (document.querySelector('#duties-side')?.innerText || '').includes('[牵头]')"
    )
    side = page.locator("#duties-side").inner_text()
    assert "[牵头]" in side and "太原市" in side and "厦门市" in side  # a column per document


# -- uploads and removal -----------------------------------------------------------------------------


def test_upload_states_limits_and_removal(page: Page, tmp_path: Path) -> None:
    tab(page, "添加文件")
    limits = page.locator("#upload-limits").inner_text()
    for f in formats():
        if not f.refusal:
            assert megabytes(f.max_bytes) in limits
    assert (
        page.locator("#upload-figures").count() == 0
        or not page.locator("#upload-figures").is_visible()
    )
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    page.locator("#upload-file input[type=file]").set_input_files(str(empty))
    page.locator("#upload-status .qa-status-error").wait_for()
    assert page.locator("#upload-status").inner_text().count("文件是空的") == 1
    assert page.locator(".toast-body").count() == 0 and page.get_by_text("错误").count() == 0
    assert page.locator("#add-button").is_disabled()
    # The file box shows no size of its own: the status line gives it, in the limit's units.
    assert "B" not in page.locator("#upload-file .file-preview").inner_text()
    page.locator("#upload-file .icon-button-wrapper button").last.click()  # 清除
    good = tmp_path / "county-plan.txt"
    good.write_text(NEW_DOC, encoding="utf-8")
    page.locator("#upload-file input[type=file]").set_input_files(str(good))
    page.get_by_text("将保存为 county-plan.txt").wait_for()
    page.locator("#add-button").click()
    page.get_by_text("已加入并索引").wait_for()
    assert "将保存为" not in page.locator("#upload-preview").inner_text()

    tab(page, "文件")
    page.get_by_label("选择文件阅读").click()
    page.get_by_role("option", name="丙县人民政府关于推进质量强县的实施方案").click()
    page.locator("#remove-document").wait_for()
    page.get_by_label("确认删除（文件移出文件库，不再被检索）").check()
    page.locator("#remove-document").click()
    page.get_by_text("已删除《丙县人民政府关于推进质量强县的实施方案》").wait_for()
    page.get_by_label("选择文件阅读").click()
    assert page.get_by_role("option", name="丙县人民政府关于推进质量强县的实施方案").count() == 0


# -- briefing and evaluation -------------------------------------------------------------------------


def test_trainer_picks_questions_and_gets_word_and_slides(page: Page) -> None:
    ask(page, XIAMEN)
    ask(page, COMPARE)
    tab(page, "简报")
    first = page.get_by_label(f"1. {XIAMEN}")
    first.uncheck()
    assert not first.is_checked()
    page.locator("#briefing-button").click()
    preview = page.locator("#briefing-preview")
    # The preview comes with the Word and slide files, written first: on a loaded CI
    # machine (the whole suite at once) that once took longer than a minute.
    preview.locator("h2").first.wait_for(timeout=180_000)
    assert (
        preview.locator("table").count() >= 1
        and "地区" in preview.locator("table").first.inner_text()
    )
    assert XIAMEN not in preview.inner_text() and COMPARE in preview.inner_text()
    assert page.locator("#briefing-preview textarea, #briefing-preview .cm-editor").count() == 0
    for box, suffix in (("#briefing-docx", ".docx"), ("#briefing-pptx", ".pptx")):
        page.locator(f"{box} a").first.wait_for()
        assert suffix in page.locator(box).inner_text()


def test_evaluator_runs_a_file_and_sees_labels_misses_and_report(
    page: Page, tmp_path: Path
) -> None:
    rows = [
        {"id": "a", "question": XIAMEN, "answers": ["42.9%"], "doc": "厦门", "type": "数字题"},
        {"id": "b", "question": "上海市的目标是什么?", "answers": [], "doc": "", "type": "无答案"},
        {"id": "c", "question": "太原市质量强市工作由哪个部门牵头?", "answers": ["不会出现的答案"], "doc": "太原", "type": "部门题"},
    ]  # fmt: skip
    qa = tmp_path / "mine.jsonl"
    qa.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    tab(page, "评测")
    page.locator("#eval-file input[type=file]").set_input_files(str(qa))
    page.locator("#eval-run").click()
    page.get_by_text("评测完成").wait_for(timeout=120_000)
    labels = page.locator("#eval-labels").inner_text()
    assert "数字题" in labels and "无答案" in labels and "部门题" in labels
    misses = page.locator("#eval-misses")
    assert "太原市质量强市工作由哪个部门牵头" in misses.inner_text()
    misses.locator("summary").first.click()
    assert "检索到的段落" in misses.inner_text()
    report = page.locator("#eval-report").inner_text().replace("\n", "")
    assert "report.md" in report and "results.jsonl" in report


# -- phone --------------------------------------------------------------------------------------------


def test_phone_reaches_every_tab_and_tables_scroll_instead_of_wrapping(phone: Page) -> None:
    for name in ("提问", "数据", "文件", "分工", "简报", "添加文件", "评测"):
        button = phone.get_by_role("tab", name=name, exact=True)
        assert button.is_visible() and in_viewport(phone, button)
    turn = ask(phone, COMPARE)
    scroller = turn.locator(".qa-scroll").first
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    heights = turn.locator("table.qa-compare th").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().height)"
    )
    line = turn.locator("table.qa-compare td").first.evaluate(
        "c => parseFloat(getComputedStyle(c).lineHeight) || 24"
    )
    assert max(heights) < 2.5 * line  # one line per header, not a character per line
    last = turn.locator("table.qa-compare th").last
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert last.inner_text() == "出处" and last.bounding_box()["x"] < PHONE["width"]
    tab(phone, "数据")
    header = phone.locator("#figures-table thead th").nth(1)
    assert header.bounding_box()["height"] < 80 and header.bounding_box()["width"] > 60

"""The real page in Debian's Chromium (Playwright): ask, see cited cards, nothing executes."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import fake_assistant_over

from qa.assistant import Assistant

CHROMIUM = Path("/usr/bin/chromium")
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HOSTILE = (
    "某县质量强县工作意见\n一、主要目标\n到2019年，某县产品监督抽查合格率达到93%以上"
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    "，新增名牌产品5个。\n"
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install -y chromium, or `make browser`)",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, serve_app: Callable[[Assistant], str]) -> str:
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    (root / "corpus" / "hostile-county.txt").write_text(HOSTILE, encoding="utf-8")
    return serve_app(fake_assistant_over(root / "corpus", root / "index"))


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server)
        yield page
        browser.close()


def ask(page: object, question: str, document: str = "") -> None:
    if document:
        page.get_by_label("限定文件").click()  # type: ignore[attr-defined]
        page.get_by_role("option", name=document).click()  # type: ignore[attr-defined]
    page.get_by_label("问题").fill(question)  # type: ignore[attr-defined]
    page.locator("#ask-button").click()  # type: ignore[attr-defined]
    page.wait_for_selector("#answer .qa-card", timeout=60_000)  # type: ignore[attr-defined]


def test_question_shows_cited_cards(page: object, tmp_path: Path) -> None:
    ask(page, "厦门到2018年森林覆盖率要达到多少?")
    cards = page.locator("#answer .qa-card")  # type: ignore[attr-defined]
    assert cards.count() >= 1
    first = cards.first.inner_text()
    assert "厦门市人民政府关于进一步实施质量强市战略的意见" in first
    assert "二、持续提升四大领域质量水平 › (四)改善环境质量" in first
    assert page.locator("#answer mark.qa-sentence").count() >= 1  # type: ignore[attr-defined]
    assert "森林覆盖率" in page.locator("#answer .qa-figures").inner_text()  # type: ignore[attr-defined]
    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)  # type: ignore[attr-defined]
    assert (tmp_path / "answer.png").stat().st_size > 10_000


def test_document_markup_is_shown_as_text_not_run(page: object) -> None:
    ask(page, "产品监督抽查合格率达到多少?", document="某县质量强县工作意见")
    text = page.locator("#answer").inner_text()  # type: ignore[attr-defined]
    assert "某县质量强县工作意见" in text
    assert "<script>window.__pwned = 1</script>" in text
    assert page.evaluate("window.__pwned === undefined")  # type: ignore[attr-defined]


NEW_DOC = (
    "丙县人民政府关于推进质量强县的实施方案\n一、发展目标\n"
    "到2021年，全县茶叶产品抽检合格率达到99%以上，新增地理标志产品3个。\n"
    "二、重点工作\n(一)发展特色产业。围绕茶叶、竹木加工等特色产业，建设标准化生产基地10个。"
    "(牵头部门:县农业局)\n"
)


def test_uploaded_document_is_previewed_indexed_and_answered(page: object, tmp_path: Path) -> None:
    upload = tmp_path / "county-plan.txt"
    upload.write_text(NEW_DOC, encoding="utf-8")
    page.get_by_role("tab", name="添加文件", exact=True).click()  # type: ignore[attr-defined]
    page.locator("input[type=file][accept*=docx]").set_input_files(str(upload))  # type: ignore[attr-defined]
    page.get_by_text("将保存为 county-plan.txt").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    page.get_by_role("button", name="加入索引").click()  # type: ignore[attr-defined]
    page.get_by_text("已加入并索引").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    page.get_by_role("tab", name="提问", exact=True).click()  # type: ignore[attr-defined]
    ask(page, "茶叶产品抽检合格率要达到多少?")
    answer = page.locator("#answer").inner_text()  # type: ignore[attr-defined]
    assert "丙县人民政府关于推进质量强县的实施方案" in answer
    assert "99%" in page.locator("#answer .qa-answer").inner_text()  # type: ignore[attr-defined]

"""Take the README's screenshots: the app on the real index, as its users see it.

    .venv/bin/python scripts/screenshot.py

Writes docs/screenshot.png (a conversation with a follow-up and 查看原文) and
docs/screenshot-{figures,documents,briefing,phone}.png. Needs Debian's Chromium
(/usr/bin/chromium) and the built index (`make index`). The page is served by
``app.py`` as `make run` serves it, with the real model.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def ask(page: Page, question: str) -> None:
    turns = page.locator("#conversation .qa-turn").count()
    page.get_by_label("问题").fill(question)
    page.locator("#ask-button").click()
    page.locator(f'#conversation .qa-turn[data-turn="{turns + 1}"] .qa-card').first.wait_for()


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    time.sleep(1.5)


def desktop(page: Page) -> None:
    ask(page, "阿拉善盟森林覆盖率要达到多少?")
    ask(page, "厦门呢?")
    turn = page.locator('#conversation .qa-turn[data-turn="2"]')
    turn.locator(".qa-open").first.click()
    page.locator("#source-view mark.qa-passage").wait_for()
    time.sleep(1)
    page.screenshot(path=str(DOCS / "screenshot.png"))
    ask(page, "各地监督抽查合格率的目标分别是多少?")
    time.sleep(1)
    page.screenshot(path=str(DOCS / "screenshot-comparison.png"))
    tab(page, "数据")
    page.get_by_label("指标关键词").fill("监督抽查合格率")
    page.wait_for_function(
        "document.querySelector('#figures-heading').innerText.includes('筛选结果')"
    )
    time.sleep(2)
    page.locator("#chart-caption").scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS / "screenshot-figures.png"))
    tab(page, "文件")
    page.locator("#document-view a.qa-outline-link").nth(3).click()
    page.locator("#document-view").scroll_into_view_if_needed()
    time.sleep(1)
    page.screenshot(path=str(DOCS / "screenshot-documents.png"))
    tab(page, "简报")
    page.locator("#briefing-button").click()
    page.locator("#briefing-preview h2").first.wait_for()
    time.sleep(1)
    page.screenshot(path=str(DOCS / "screenshot-briefing.png"))


def phone(page: Page) -> None:
    ask(page, "各地监督抽查合格率的目标分别是多少?")
    page.evaluate("document.querySelector('#conversation .qa-turn').scrollIntoView()")
    time.sleep(1)
    page.screenshot(path=str(DOCS / "screenshot-phone.png"))


def main() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {**os.environ, "QA_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            sizes: tuple[tuple[ViewportSize, Callable[[Page], None]], ...] = (
                ({"width": 1366, "height": 900}, desktop),
                ({"width": 390, "height": 844}, phone),
            )
            for viewport, take in sizes:
                page = browser.new_page(viewport=viewport, locale="zh-CN")
                page.set_default_timeout(120_000)
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator("#conversation").wait_for()
                take(page)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())

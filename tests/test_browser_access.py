"""Signing in and the roles on the real page (Debian's Chromium, Playwright, zh-CN)."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

import app
from qa.assistant import Assistant
from qa.config import Settings
from qa.users import set_user
from qa.web.access import AccessPolicy
from tests.conftest import CHROMIUM, index_folder
from tests.fakes import FakeEmbedder

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PASSWORDS = {"duzhe": "reader-pass-1", "weihu": "maintainer-pass-1"}
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (make browser)"),
]


@pytest.fixture(scope="module")
def launch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    demos: list[gr.Blocks] = []

    def start(**overrides: Any) -> str:
        home = tmp_path_factory.mktemp("browser-access")
        shutil.copytree(CORPUS, home / "corpus")
        index_folder(home / "corpus", home / "index")
        settings = Settings(corpus_dir=home / "corpus", index_dir=home / "index", **overrides)
        policy = AccessPolicy.from_settings(settings)
        demo = app.build_app(Assistant(settings, FakeEmbedder()), policy)
        demo.queue(default_concurrency_limit=4)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        demo.launch(
            server_name="127.0.0.1",
            server_port=port,
            prevent_thread_lock=True,
            quiet=True,
            **policy.launch_options(max_file_size=5 * 1024 * 1024),
        )
        demos.append(demo)
        return f"http://127.0.0.1:{port}"

    yield start
    for demo in demos:
        demo.close()


def sign_in(browser: Any, url: str, name: str, password: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.locator("input[type=password]").wait_for()
    page.locator("input:not([type=password])").first.fill(name)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="登录").click()
    return page


def tab_names(page: Any) -> list[str]:
    tabs = page.get_by_role("tab")
    return [
        tabs.nth(i).inner_text().strip() for i in range(tabs.count()) if tabs.nth(i).is_visible()
    ]


def test_readers_and_maintainers_see_their_own_page(
    launch: Callable[..., str], browser: Any, tmp_path: Path
) -> None:
    users = tmp_path / "users.txt"
    for name, role in (("duzhe", "reader"), ("weihu", "maintainer")):
        set_user(users, name, role, PASSWORDS[name])
    url = launch(users_file=str(users))

    wrong = sign_in(browser, url, "weihu", "not-the-password")
    message = wrong.locator("p.creds")
    message.wait_for()
    assert "凭据不正确" in message.inner_text()  # not which of the two was wrong
    assert "请用管理员分配的用户名和密码登录" in wrong.content()
    wrong.context.close()

    reader = sign_in(browser, url, "duzhe", PASSWORDS["duzhe"])
    reader.locator("#account .qa-account").wait_for()
    assert "duzhe（读者）" in reader.locator("#account").inner_text()
    assert reader.locator("#account a", has_text="退出登录").count() == 1
    names = tab_names(reader)
    assert "提问" in names and "评测" in names
    assert "添加文件" not in names and "变更记录" not in names
    reader.context.close()

    maintainer = sign_in(browser, url, "weihu", PASSWORDS["weihu"])
    maintainer.locator("#account .qa-account").wait_for()
    assert "weihu（维护人员）" in maintainer.locator("#account").inner_text()
    maintainer.get_by_role("tab", name="变更记录").wait_for()
    assert {"添加文件", "变更记录"} <= set(tab_names(maintainer))
    maintainer.get_by_role("tab", name="变更记录").click()
    maintainer.locator("#audit-refresh").click()
    # The reader's visit changed nothing and was not an attempt: the record is empty so far.
    assert "duzhe" not in maintainer.locator("#audit-table").inner_text()
    maintainer.context.close()


def test_read_only_page_says_so(launch: Callable[..., str], browser: Any) -> None:
    url = launch(host="0.0.0.0")  # decided read-only; served on 127.0.0.1 for the browser
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    banner = page.locator("#account .qa-status-error")
    banner.wait_for()
    assert "只读模式" in banner.inner_text() and "不能添加或删除文件" in banner.inner_text()
    assert "添加文件" not in tab_names(page)
    context.close()

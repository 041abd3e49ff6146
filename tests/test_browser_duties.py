"""A who-does-what question on the page (Debian's Chromium): every row, cited.

The 分工 tab has its own test in test_browser.py; this one asks the matrix through the
conversation (the 提问 tab).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CHROMIUM
from test_browser import ask, page, server  # noqa: F401  (fixtures reused)

SHOT = os.environ.get("DUTY_SHOT", "")  # also save a screenshot here (for a human to look)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install -y chromium, or `make browser`)",
    ),
]


def test_duty_question_lists_every_row_with_cards(page: object, tmp_path: Path) -> None:  # noqa: F811
    turn = ask(page, "东莞市质监局牵头哪些工作?")
    answer = turn.locator(".qa-answer").inner_text()
    assert "合计" in answer and "市质监局牵头的任务共 16 项" in answer
    assert answer.count("东莞市：") == 16
    assert "组织制定各自领域的具体创建方案" in answer  # written only as 质监 there
    links = turn.locator(".qa-answer a.qa-cite")
    assert links.count() >= 16
    cards = turn.locator(".qa-card")
    assert cards.count() >= 16
    assert turn.locator("mark.qa-sentence").count() >= 16
    page.screenshot(path=str(tmp_path / "duties.png"), full_page=True)  # type: ignore[attr-defined]
    if SHOT:
        page.screenshot(path=SHOT, full_page=False)  # type: ignore[attr-defined]
    assert (tmp_path / "duties.png").stat().st_size > 10_000

"""Take docs/screenshot.png: the app on the real index answering a real question.

    .venv/bin/python scripts/screenshot.py ["问题"]

Needs Debian's Chromium (/usr/bin/chromium) and the built index (`make index`).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    question = sys.argv[1] if len(sys.argv) > 1 else "厦门到2018年森林覆盖率要达到多少?"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {"QA_PORT": str(port), "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env)
    try:
        for _ in range(240):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_label("问题").first.fill(question)
            page.get_by_role("button", name="提问").first.click()
            page.wait_for_selector(".qa-card", timeout=60000)
            time.sleep(1)
            page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared fixtures: the real five documents indexed with the fake embedder (fast)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from qa.assistant import Assistant
from qa.config import PROJECT_ROOT, Settings
from qa.indexing import build_corpus_index
from qa.types import Document
from tests.fakes import FakeEmbedder
from tests.formats_support import rendered  # noqa: F401  (a fixture of the format tests)

SHARED = PROJECT_ROOT.parent / "shared"


def make_document(
    text: str = "",
    script: str = "simplified",
    *,
    doc_id: str = "t",
    region: str = "",
    title: str = "",
) -> Document:
    """A Document built in memory, for tests of the pure functions."""
    return Document(
        doc_id=doc_id,
        source_name=f"{doc_id}.txt",
        text=text,
        title=title,
        issuer="",
        doc_number="",
        date="",
        region=region,
        script=script,  # type: ignore[arg-type]
        content_hash=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    )


@pytest.fixture(scope="session")
def fake_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A QA home with a copy of corpus/ and an index built with the FakeEmbedder."""
    home = tmp_path_factory.mktemp("qa-home")
    shutil.copytree(PROJECT_ROOT / "corpus", home / "corpus")
    index_folder(home / "corpus", home / "index")
    return home


@pytest.fixture(scope="session")
def fake_assistant(fake_home: Path) -> Assistant:
    settings = Settings.from_env({}, corpus_dir=fake_home / "corpus", index_dir=fake_home / "index")
    return Assistant(settings, FakeEmbedder())


@pytest.fixture
def fresh_home(tmp_path: Path, fake_home: Path) -> Path:
    """A writable copy of fake_home for tests that change the corpus or the index."""
    shutil.copytree(fake_home, tmp_path / "home")
    return tmp_path / "home"


def index_folder(
    corpus_dir: Path, index_dir: Path, embedder: object = None, **overrides: object
) -> Settings:
    """Index ``corpus_dir`` (default: with the fake embedder); the Settings that name it."""
    settings = Settings.from_env({}, corpus_dir=corpus_dir, index_dir=index_dir, **overrides)
    build_corpus_index(settings, embedder or FakeEmbedder())  # type: ignore[arg-type]
    return settings


def refused_app_start(**settings: str) -> str:
    """Start app.py with these environment variables; it must exit 2 with a message and
    no traceback. Returns what it wrote to stderr."""
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=PROJECT_ROOT,
        env=dict(os.environ, **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "cannot start" in result.stderr and "Traceback" not in result.stderr
    return result.stderr


def fake_assistant_over(corpus_dir: Path, index_dir: Path) -> Assistant:
    """Index ``corpus_dir`` with the fake embedder and open an Assistant over it."""
    return Assistant(index_folder(corpus_dir, index_dir), FakeEmbedder())


def assistant_over_texts(tmp_path: Path, texts: Mapping[str, str]) -> Assistant:
    """An Assistant (fake embedder) over a corpus of these files (name -> text)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return fake_assistant_over(corpus, tmp_path / "index")


@pytest.fixture(scope="session")
def serve_app() -> Iterator[Callable[[Assistant], str]]:
    """Launch the app for an Assistant on a free localhost port; returns its URL."""
    import app

    demos = []

    def serve(assistant: Assistant) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        demo = app.build_app(assistant)
        demo.queue(default_concurrency_limit=4)
        demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
        demos.append(demo)
        return f"http://127.0.0.1:{port}"

    yield serve
    for demo in demos:
        demo.close()


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Milvus Lite server process on a free port (`milvus-lite server`); its URI."""
    import subprocess
    import sys
    import time

    from pymilvus import MilvusClient

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    data_dir = tmp_path_factory.mktemp("milvus-server")
    command = [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir)]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    uri = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            MilvusClient(uri=uri, timeout=2).list_collections()
            break
        except Exception:
            if server.poll() is not None or time.time() > deadline:
                server.kill()
                raise RuntimeError(f"milvus-lite server did not start on port {port}") from None
            time.sleep(0.2)
    yield uri
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# Debian's Chromium, for the Playwright tests (`make browser`).
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")  # one Playwright at a time: each module starts its own
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()

"""Shared fixtures: the real five documents indexed with the fake embedder (fast)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT, Settings
from qa.corpus import load_corpus
from qa.embedding import FakeEmbedder
from qa.indexing import build_index
from qa.pipeline import Assistant
from qa.search_index import open_index

SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def fake_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A QA home with a copy of corpus/ and an index built with the FakeEmbedder."""
    home = tmp_path_factory.mktemp("qa-home")
    shutil.copytree(PROJECT_ROOT / "corpus", home / "corpus")
    build_index(home / "index", FakeEmbedder(), load_corpus(home / "corpus"))
    return home


@pytest.fixture(scope="session")
def fake_assistant(fake_home: Path) -> Assistant:
    settings = Settings.from_env({}, corpus_dir=fake_home / "corpus", index_dir=fake_home / "index")
    embedder = FakeEmbedder()
    return Assistant(settings, embedder, open_index(settings.index_dir, model=embedder.name))


@pytest.fixture
def fresh_home(tmp_path: Path, fake_home: Path) -> Path:
    """A writable copy of fake_home for tests that change the corpus or the index."""
    shutil.copytree(fake_home, tmp_path / "home")
    return tmp_path / "home"

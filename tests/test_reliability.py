"""Bad questions, broken or mismatched indexes, killed builds, concurrent writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import refused_app_start

from qa.assistant import Assistant
from qa.config import PROJECT_ROOT, Settings
from qa.errors import IndexCorruptError, IndexLockedError, IndexMismatchError, InputError
from qa.indexing import build_corpus_index
from qa.ingest.chunking import vector_texts
from qa.ingest.corpus import load_corpus, parse_corpus
from qa.ingest.parse import parse_file
from qa.store.embed_cache import EmbeddingCache, cache_folder, text_key
from qa.store.faiss_backend import FaissBackend
from qa.store.files import build_dir, read_manifest, writer_lock
from tests.fakes import FakeEmbedder


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "为空"),
        ("   \n\t ", "为空"),
        ("质", "太短"),
        ("？？！！。。", "为空"),
        ("😀😀😀", "为空"),
        ("\u0000\u0001\u0007", "为空"),
        ("厦门" * 2500, "太长"),
    ],
)
def test_unanswerable_input_gets_a_clear_message(
    fake_assistant: Assistant, question: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        fake_assistant.ask(question)


@pytest.mark.parametrize(
    "question",
    [
        "厦门\u0000到2018年\u0007森林覆盖率要达到多少?",
        "厦门到2018年森林覆盖率要达到多少?😀",
        "廈門到2018年森林覆盖率要達到多少?",
        "<script>alert('x')</script>厦门森林覆盖率",
        "'; DROP TABLE chunks; -- 厦门森林覆盖率",
        "ＳＥＬＥＣＴ * FROM 质量 WHERE 1=1",
    ],
)
def test_odd_but_real_questions_are_answered_and_change_nothing(
    fake_assistant: Assistant, question: str
) -> None:
    before = read_manifest(fake_assistant.settings.index_dir)
    answer = fake_assistant.ask(question)
    assert answer.passages, "a question with content always shows the nearest passages"
    assert read_manifest(fake_assistant.settings.index_dir) == before


def test_control_characters_do_not_change_the_answer(fake_assistant: Assistant) -> None:
    clean = fake_assistant.ask("厦门到2018年森林覆盖率要达到多少?")
    noisy = fake_assistant.ask("厦门\u0000到2018年\u200b森林覆盖率要达到多少?")
    assert noisy.answer == clean.answer


def test_k_out_of_range_is_refused(fake_assistant: Assistant) -> None:
    with pytest.raises(InputError, match="k must be"):
        fake_assistant.ask("厦门森林覆盖率", k=0)


def test_unknown_document_filter_lists_known_documents(fake_assistant: Assistant) -> None:
    with pytest.raises(InputError, match="Known documents") as err:
        fake_assistant.ask("森林覆盖率", doc_filter="上海")
    assert "厦门市" in str(err.value)


def _settings(home: Path) -> Settings:
    return Settings.from_env({}, corpus_dir=home / "corpus", index_dir=home / "index")


def test_truncated_vector_file_stops_loading_with_rebuild_hint(fresh_home: Path) -> None:
    manifest = read_manifest(fresh_home / "index")
    faiss_file = build_dir(fresh_home / "index", manifest.build_id) / "vectors.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match="python -m qa build --force"):
        Assistant.open(_settings(fresh_home), embedder=FakeEmbedder())


def test_missing_chunks_file_stops_loading(fresh_home: Path) -> None:
    manifest = read_manifest(fresh_home / "index")
    (build_dir(fresh_home / "index", manifest.build_id) / "chunks.jsonl").unlink()
    with pytest.raises(IndexCorruptError, match="missing"):
        Assistant.open(_settings(fresh_home), embedder=FakeEmbedder())


def test_changed_corpus_says_to_rebuild(fresh_home: Path) -> None:
    extra = fresh_home / "corpus" / "extra.txt"
    extra.write_text("一、总则\n到2020年，新增名牌产品10个。\n", encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="python -m qa build"):
        Assistant.open(_settings(fresh_home), embedder=FakeEmbedder())


def test_index_built_with_sentence_vectors_counts_and_checks_them(fresh_home: Path) -> None:
    from dataclasses import replace

    manifest = read_manifest(fresh_home / "index")
    assert manifest.sentence_vectors > 0  # the default: chunks' sentences are vectors too
    assistant = Assistant.open(_settings(fresh_home), embedder=FakeEmbedder())
    vectors = assistant.index.vectors
    assert vectors.count() == manifest.chunk_count + manifest.sentence_vectors
    # An index built one way is not silently searched the other way.
    without = replace(_settings(fresh_home), sentence_vectors=False)
    with pytest.raises(IndexMismatchError, match="QA_SENTENCE_VECTORS"):
        Assistant.open(without, embedder=FakeEmbedder())
    build_corpus_index(without, FakeEmbedder())
    assert read_manifest(fresh_home / "index").sentence_vectors == 0
    assert Assistant.open(without, embedder=FakeEmbedder()).index.vectors.count() == (
        manifest.chunk_count
    )


def test_a_corpus_of_one_sentence_sections_opens_with_sentence_vectors_on(
    tmp_path: Path,
) -> None:
    # No chunk has two sentences, so no sentence vector is built: that is what the
    # setting gives this corpus, not an index built without them.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "law.txt").write_text(
        "某某条例\n\n第一条 为了保障安全，制定本条例。\n\n第二条 本条例自公布之日起施行。\n",
        encoding="utf-8",
    )
    settings = Settings.from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index")
    assert settings.sentence_vectors
    build_corpus_index(settings, FakeEmbedder())
    assert read_manifest(tmp_path / "index").sentence_vectors == 0
    assistant = Assistant.open(settings, embedder=FakeEmbedder())
    assert assistant.index.vectors.count() == read_manifest(tmp_path / "index").chunk_count


def test_other_model_says_what_to_do(fresh_home: Path) -> None:
    with pytest.raises(IndexMismatchError, match="QA_EMBED_MODEL"):
        Assistant.open(_settings(fresh_home), embedder=FakeEmbedder(dimension=32))


def test_build_refused_while_another_process_writes(fresh_home: Path) -> None:
    documents = load_corpus(fresh_home / "corpus")
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from qa.store.files import writer_lock
        with writer_lock(Path({str(fresh_home / "index")!r})):
            print("locked", flush=True)
            time.sleep(30)
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexLockedError):
            build_corpus_index(_settings(fresh_home), FakeEmbedder(), documents)
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(fresh_home / "index"):
        pass


_SLOW_BUILD = """
import sys, time
from pathlib import Path
from qa.config import Settings
from qa.indexing import build_corpus_index
from qa.ingest.parse import parse_file
from qa.store.embed_cache import EmbeddingCache, cache_folder, text_key
from qa.store.faiss_backend import FaissBackend
from tests.fakes import FakeEmbedder

class Slow(FakeEmbedder):
    def embed_passages(self, texts, batch_size=16, progress=False):
        time.sleep(0.4)
        return super().embed_passages(texts)

class SlowOther(Slow):
    @property
    def name(self):
        return "slow-fake"

home = Path(sys.argv[1])
settings = Settings.from_env({}, corpus_dir=home / "corpus", index_dir=home / "index")
if sys.argv[2] == "build":
    build_corpus_index(settings, SlowOther())
else:
    FaissBackend(settings).add([parse_file(Path(sys.argv[3]), settings)], Slow())
"""


def _run_and_kill_when_cache_grows(home: Path, *args: str) -> None:
    """Start a slow build, kill -9 it once it has embedded something, before it publishes."""
    cache_root = home / "index" / "embed-cache"
    sizes_before = {p: p.stat().st_size for p in cache_root.glob("*/keys.txt")}
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_BUILD, str(home), *args], cwd=PROJECT_ROOT)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        grown = [
            p for p in cache_root.glob("*/keys.txt") if p.stat().st_size > sizes_before.get(p, 0)
        ]
        if grown:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _assert_intact(home: Path, build_id: str, chunk_count: int) -> None:
    manifest = read_manifest(home / "index")
    assert manifest.build_id == build_id
    index = FaissBackend(_settings(home)).open(model=FakeEmbedder().name)
    assert len(index.chunks) == chunk_count


def test_killed_rebuild_leaves_previous_index_complete(fresh_home: Path) -> None:
    before = read_manifest(fresh_home / "index")
    _run_and_kill_when_cache_grows(fresh_home, "build")
    _assert_intact(fresh_home, before.build_id, before.chunk_count)
    # The re-run embeds only what the kill left undone, and what it left is intact.
    settings = _settings(fresh_home)
    chunks = [c for p in parse_corpus(settings) for c in p.chunks]
    texts = list(dict.fromkeys(t for _, t in vector_texts(chunks, settings.sentence_vectors)))
    keys = [text_key(t) for t in texts]
    cached = EmbeddingCache(cache_folder(settings.index_dir, "slow-fake"), 64).get(keys)
    assert 0 < len(cached) < len(keys)
    fresh = dict(zip(keys, FakeEmbedder().embed_passages(texts), strict=True))
    assert all(np.allclose(vector, fresh[key], atol=1e-6) for key, vector in cached.items())
    rerun = _CountingSlowFake()
    build_corpus_index(settings, rerun)
    assert rerun.passages == sum(key not in cached for key in keys)


class _CountingSlowFake(FakeEmbedder):
    """The killed build's model ("slow-fake") without the delay, counting what it embeds."""

    passages = 0

    @property
    def name(self) -> str:
        return "slow-fake"

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        self.passages += len(texts)
        return super().embed_passages(texts)


def test_killed_incremental_add_leaves_previous_index_complete(fresh_home: Path) -> None:
    before = read_manifest(fresh_home / "index")
    new_doc = fresh_home / "zz-new.txt"
    body = "".join(
        f"（{n}）第{n}项措施。到2020年，新增名牌产品{n}个，合格率达到9{n % 10}%以上。\n"
        for n in range(1, 400)
    )
    new_doc.write_text("某市质量工作方案\n一、目标\n" + body, encoding="utf-8")
    _run_and_kill_when_cache_grows(fresh_home, "add", str(new_doc))
    _assert_intact(fresh_home, before.build_id, before.chunk_count)


def test_add_with_another_model_is_refused(fresh_home: Path) -> None:
    new_doc = fresh_home / "zz-new.txt"
    new_doc.write_text(
        "某市质量工作方案\n一、目标\n到2020年，新增名牌产品5个。\n", encoding="utf-8"
    )
    settings = _settings(fresh_home)
    with pytest.raises(IndexMismatchError, match="model"):
        FaissBackend(settings).add([parse_file(new_doc, settings)], FakeEmbedder(dimension=32))


def test_app_refuses_to_start_from_a_broken_index(fresh_home: Path) -> None:
    """The app process exits with a message instead of serving a truncated index."""
    manifest = read_manifest(fresh_home / "index")
    chunks = build_dir(fresh_home / "index", manifest.build_id) / "chunks.jsonl"
    chunks.write_bytes(chunks.read_bytes()[:-200])
    assert "truncated" in refused_app_start(QA_HOME=str(fresh_home), QA_PORT="1")


def test_add_on_a_damaged_index_is_refused_and_changes_nothing(fresh_home: Path) -> None:
    manifest = read_manifest(fresh_home / "index")
    chunks = build_dir(fresh_home / "index", manifest.build_id) / "chunks.jsonl"
    chunks.write_bytes(chunks.read_bytes()[:-50])
    new_doc = fresh_home / "zz-new.txt"
    new_doc.write_text(
        "某市质量工作方案\n一、目标\n到2020年，新增名牌产品5个。\n", encoding="utf-8"
    )
    with pytest.raises(IndexCorruptError, match="python -m qa build --force"):
        settings = _settings(fresh_home)
        FaissBackend(settings).add([parse_file(new_doc, settings)], FakeEmbedder())
    assert read_manifest(fresh_home / "index") == manifest

"""The Milvus store on Milvus Lite, as a file and as a server process started here.

Same answers as the FAISS store; build, add, remove and rebuild publish atomically (a
killed write leaves the previous build serving); a second writer is kept out; two
replicas on one server see each other's uploads; every failure is a clear message.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import refused_app_start
from pymilvus import MilvusClient

from qa.assistant import Assistant
from qa.config import PROJECT_ROOT, Settings
from qa.errors import (
    IndexLockedError,
    IndexMismatchError,
    IndexMissingError,
    StoreUnavailableError,
)
from qa.indexing import build_corpus_index
from qa.ingest.chunking import sentence_texts
from qa.ingest.parse import parse_file
from qa.present.records import answer_to_record
from qa.store import milvus_backend
from qa.store.milvus_backend import MilvusBackend
from qa.store.milvus_lease import WriterLease
from qa.store.milvus_schema import build_id_of, meta_name, vectors_name
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.slow

DOC_A = """甲市人民政府关于实施质量强市战略的意见
一、总体目标
到2020年，全市产品质量监督抽查合格率达到95%以上，森林覆盖率达到40%，培育名牌产品30个。
二、工作措施
(一)加强标准建设。推动企业采用国际标准，新增标准化示范企业20家。(牵头部门:市质监局)
"""
DOC_B = """乙市质量发展行动计划
一、主要任务
(一)提升服务质量。到2018年，服务业顾客满意度达到85以上，旅游服务质量投诉处理率达到100%。
"""
NEW_DOC = """丙县人民政府关于推进质量强县的实施方案
一、发展目标
到2021年，全县茶叶产品抽检合格率达到99%以上，新增地理标志产品3个。
"""


def _settings(home: Path, uri: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "corpus_dir": home / "corpus",
        "index_dir": home / "index",
        "store": "milvus",
        "milvus_uri": uri,
        "milvus_prefix": "t" + uuid.uuid4().hex[:10],
        "refresh_seconds": 0.0,
    }
    values.update(overrides)
    return Settings.from_env({}, **values)


@pytest.fixture
def tiny_home(tmp_path: Path) -> Path:
    corpus = tmp_path / "home" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "jia.txt").write_text(DOC_A, encoding="utf-8")
    (corpus / "yi.txt").write_text(DOC_B, encoding="utf-8")
    return tmp_path / "home"


@pytest.fixture(params=["file", "server"])
def uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Milvus Lite as a file in this process, or the server process."""
    if request.param == "file":
        return str(tmp_path / "lite" / "qa.db")
    return str(request.getfixturevalue("milvus_server"))


def _ids(answer: object) -> list[str]:
    return [p.chunk.chunk_id for p in answer.passages]  # type: ignore[attr-defined]


# -- same answers as FAISS ---------------------------------------------------------------
@pytest.fixture(scope="module")
def both_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Assistant]]:
    """The five documents indexed in both stores (fake embedder)."""
    home = tmp_path_factory.mktemp("both")
    shutil.copytree(PROJECT_ROOT / "corpus", home / "corpus")
    # Both at the default: each chunk's vector and its sentences'.
    faiss = Settings.from_env({}, corpus_dir=home / "corpus", index_dir=home / "faiss")
    milvus = _settings(home, str(home / "milvus.db"))
    assistants = {}
    for name, settings in (("faiss", faiss), ("milvus", milvus)):
        build_corpus_index(settings, FakeEmbedder())
        assistants[name] = Assistant.open(settings, embedder=FakeEmbedder())
    yield assistants


def test_every_eval_question_gets_the_same_answer_on_both_stores(
    both_stores: dict[str, Assistant],
) -> None:
    """Same passages, answer, figures and not-found decisions, with and without the
    document filter; so routing, shares and not-found rules behave alike."""
    rows = [json.loads(line) for line in (PROJECT_ROOT / "eval" / "qa.jsonl").open()]
    assert len(rows) > 200
    differing = []
    for row in rows:
        for doc_filter in (None, "厦门"):
            records = [
                answer_to_record(a.ask(row["question"], doc_filter=doc_filter))
                for a in both_stores.values()
            ]
            for record in records:
                record.pop("timings_ms")
            if records[0] != records[1]:
                differing.append((row["question"], doc_filter))
    assert differing == []


def test_traditional_question_finds_the_simplified_text(
    both_stores: dict[str, Assistant],
) -> None:
    index = both_stores["milvus"].index
    simplified = index.keyword.search("厦门森林覆盖率目标", 10)
    traditional = index.keyword.search("廈門森林覆蓋率目標", 10)
    assert simplified and [h.chunk_id for h in simplified] == [h.chunk_id for h in traditional]
    assert any("森林覆盖率" in index.chunks[h.chunk_id].text for h in simplified[:3])


def test_document_filter_keeps_to_the_documents(both_stores: dict[str, Assistant]) -> None:
    index = both_stores["milvus"].index
    doc = next(iter(index.documents))
    vector = FakeEmbedder().embed_queries(["质量"])[0]
    for hits in (index.vectors.search(vector, 20, [doc]), index.keyword.search("质量", 20, [doc])):
        assert hits and {index.chunks[h.chunk_id].doc_id for h in hits} == {doc}
    assert index.keyword.search("质量", 5, []) == []
    assert index.keyword.idf(["质量", "没有的词"])["没有的词"] == 0.0
    assert index.keyword.idf(["质量"]) == both_stores["faiss"].index.keyword.idf(["质量"])


# -- build, add, remove ------------------------------------------------------------------
def test_build_add_remove_each_publish_a_complete_build(tiny_home: Path, uri: str) -> None:
    settings = _settings(tiny_home, uri)
    backend = MilvusBackend(settings)
    with pytest.raises(IndexMissingError, match="qa build"):
        backend.open()
    first = build_corpus_index(settings, FakeEmbedder())
    assert backend.version() == first.build_id
    assistant = Assistant(settings, FakeEmbedder(), backend)
    question = "丙县茶叶产品抽检合格率要达到多少?"
    assert "99%" not in assistant.ask(question).answer

    new = tiny_home / "corpus" / "bing.txt"
    new.write_text(NEW_DOC, encoding="utf-8")
    document = assistant.add_document(new)
    assert backend.version() not in ("", first.build_id)
    answer = assistant.ask(question)
    assert answer.found and "99%" in answer.answer
    assert answer.passages[0].chunk.doc_id == document.doc_id
    assert assistant.index.documents[document.doc_id].text.startswith("丙县")
    assert [s.heading for s in assistant.index.outlines[document.doc_id]] == ["发展目标"]
    assert any(f.value == "99" for f in assistant.figures)

    summary = assistant.remove_documents([document.doc_id])
    assert summary.documents == 2 and summary.chunks == first.chunks
    assert "99%" not in assistant.ask(question).answer
    assert document.doc_id not in assistant.index.documents
    with pytest.raises(IndexMismatchError, match="Nothing was changed"):
        assistant.remove_documents(["no-such-doc"])

    # Only the current and the previous build are kept.
    client = backend.client
    builds = {build_id_of(settings.milvus_prefix, n) for n in client.list_collections()}
    assert builds - {""} == {summary.build_id, _previous(builds, summary.build_id)}


def _previous(builds: set[str], current: str) -> str:
    older = sorted(b for b in builds if b and b != current)
    return older[-1] if older else ""


def test_model_and_dimension_mismatches_say_what_to_do(tiny_home: Path, uri: str) -> None:
    settings = _settings(tiny_home, uri)
    build_corpus_index(settings, FakeEmbedder())
    with pytest.raises(IndexMismatchError, match="QA_EMBED_MODEL"):
        Assistant.open(settings, embedder=FakeEmbedder(dimension=32))
    new = tiny_home / "corpus" / "bing.txt"
    new.write_text(NEW_DOC, encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="dimensions"):
        MilvusBackend(settings).add([parse_file(new, settings)], FakeEmbedder(dimension=32))


def test_a_second_writer_is_refused_while_the_lease_is_held(
    tiny_home: Path, milvus_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tiny_home, milvus_server)
    backend = MilvusBackend(settings)
    monkeypatch.setattr(milvus_backend, "LEASE_WAIT_SECONDS", 0.5)
    other = WriterLease(
        MilvusClient(uri=milvus_server), milvus_server, meta_name(settings.milvus_prefix)
    )
    with other.hold(0), pytest.raises(IndexLockedError, match="Another process"):
        build_corpus_index(settings, FakeEmbedder())
    assert backend.version() == ""
    build_corpus_index(settings, FakeEmbedder())  # free again
    assert backend.version() != ""


# -- two replicas --------------------------------------------------------------------------
def test_two_replicas_answer_alike_and_see_each_others_upload(
    tiny_home: Path, milvus_server: str
) -> None:
    settings = _settings(tiny_home, milvus_server)
    build_corpus_index(settings, FakeEmbedder())
    # Replica two has its own, empty corpus folder: everything it serves is in Milvus.
    other_home = tiny_home.parent / "replica-two"
    (other_home / "corpus").mkdir(parents=True)
    two_settings = Settings.from_env(
        {},
        corpus_dir=other_home / "corpus",
        index_dir=other_home / "index",
        store="milvus",
        milvus_uri=milvus_server,
        milvus_prefix=settings.milvus_prefix,
        refresh_seconds=0.0,
    )
    one = Assistant.open(settings, embedder=FakeEmbedder())
    two = Assistant.open(two_settings, embedder=FakeEmbedder())
    question = "产品质量监督抽查合格率目标是多少?"
    assert answer_to_record(one.ask(question)) | {"timings_ms": 0} == answer_to_record(
        two.ask(question)
    ) | {"timings_ms": 0}

    new = tiny_home / "corpus" / "bing.txt"
    new.write_text(NEW_DOC, encoding="utf-8")
    one.add_document(new)
    answer = two.ask("茶叶产品抽检合格率要达到多少?")
    assert answer.found and "99%" in answer.answer
    assert _ids(answer) == _ids(one.ask("茶叶产品抽检合格率要达到多少?"))
    assert two.index.info.build_id == one.index.info.build_id


def test_an_opened_index_answers_until_replaced_then_asks_to_retry(
    tiny_home: Path, milvus_server: str
) -> None:
    settings = _settings(tiny_home, milvus_server)
    build_corpus_index(settings, FakeEmbedder())
    backend = MilvusBackend(settings)
    old = backend.open()
    build_corpus_index(settings, FakeEmbedder())  # old is now the previous build: kept
    assert old.keyword.search("森林覆盖率", 3)
    build_corpus_index(settings, FakeEmbedder())  # old is dropped
    with pytest.raises(IndexMismatchError, match="Ask again"):
        old.keyword.search("森林覆盖率", 3)


# -- killed writes -------------------------------------------------------------------------
_SLOW_WRITE = """
import sys, time
from pathlib import Path
from qa.config import Settings
from qa.ingest.parse import parse_file
from qa.store import milvus_lease
from qa.store.milvus_backend import MilvusBackend
from tests.fakes import FakeEmbedder

milvus_lease.LEASE_SECONDS = 3.0  # so the test need not wait a minute for expiry

class StopsBeforePublishing(MilvusBackend):
    def _insert(self, collection, rows, total=0, progress=None):
        super()._insert(collection, rows, total, progress)
        if collection.endswith("_chunks"):  # the new build is written, not yet published
            print("inserted", flush=True)
            time.sleep(60)

settings = Settings.from_env(
    {}, corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), store="milvus",
    milvus_uri=sys.argv[3], milvus_prefix=sys.argv[4],
)
backend = StopsBeforePublishing(settings)
if sys.argv[5] == "build":
    from qa.indexing import build_corpus_index
    from qa.ingest.corpus import load_corpus
    from qa.ingest.parse import parse
    backend.build([parse(d, settings) for d in load_corpus(settings.corpus_dir)], FakeEmbedder())
else:
    backend.add([parse_file(Path(sys.argv[6]), settings)], FakeEmbedder())
"""


def _kill_before_publishing(settings: Settings, *args: str) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SLOW_WRITE,
            str(settings.corpus_dir),
            str(settings.index_dir),
            settings.milvus_uri,
            settings.milvus_prefix,
            *args,
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inserted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("write", ["build", "add"])
def test_a_killed_write_leaves_the_previous_build_serving(
    tiny_home: Path, milvus_server: str, write: str
) -> None:
    settings = _settings(tiny_home, milvus_server)
    first = build_corpus_index(settings, FakeEmbedder())
    backend = MilvusBackend(settings)
    before = answer_to_record(Assistant(settings, FakeEmbedder(), backend).ask("森林覆盖率目标"))
    new = tiny_home / "bing.txt"
    new.write_text(NEW_DOC * 3, encoding="utf-8")
    _kill_before_publishing(settings, write, str(new))

    prefix = settings.milvus_prefix
    leftovers = {build_id_of(prefix, n) for n in backend.client.list_collections()} - {""}
    assert leftovers - {first.build_id}, "the killed write had started its new build"
    assert backend.version() == first.build_id
    after = Assistant(settings, FakeEmbedder(), backend).ask("森林覆盖率目标")
    assert answer_to_record(after) | {"timings_ms": 0} == before | {"timings_ms": 0}
    assert len(backend.open().chunks) == first.chunks

    # The next write waits out the dead writer's lease, then drops its leftovers.
    second = backend.add([parse_file(new, settings)], FakeEmbedder())
    kept = {build_id_of(prefix, n) for n in backend.client.list_collections()} - {""}
    assert kept == {first.build_id, second.build_id}


# -- unavailable -----------------------------------------------------------------------------
def test_a_lite_file_open_in_another_process_is_explained(tiny_home: Path) -> None:
    path = tiny_home / "held.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pymilvus import MilvusClient\n"
            f"MilvusClient({str(path)!r}).list_collections()\nprint('held', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreUnavailableError, match="milvus-lite server") as caught:
            MilvusBackend(_settings(tiny_home, str(path))).open()
        assert "另一个进程" in caught.value.message
    finally:
        holder.kill()
        holder.wait()


def test_the_app_refuses_to_start_without_milvus(tiny_home: Path) -> None:
    stderr = refused_app_start(
        QA_HOME=str(tiny_home),
        QA_STORE="milvus",
        QA_MILVUS_URI="http://127.0.0.1:9",
        QA_PORT="1",
    )
    assert "无法连接 Milvus" in stderr


def test_hnsw_build_filtered_to_a_document_returns_its_whole_exact_ranking(
    both_stores: dict[str, Assistant], tmp_path: Path
) -> None:
    """As on the FAISS store: a filter selecting few chunks is scored exactly."""
    home = tmp_path / "hnsw"
    shutil.copytree(PROJECT_ROOT / "corpus", home / "corpus")
    settings = _settings(home, str(home / "milvus.db"), exact_search_limit=10)
    build_corpus_index(settings, FakeEmbedder())
    index = MilvusBackend(settings).open()
    assert index.vectors.kind == "milvus-hnsw"
    doc = next(iter(index.documents))
    chunks = index.document_chunks([doc])
    query = FakeEmbedder().embed_queries(["森林覆盖率目标"])[0]
    # Each chunk at its nearest vector: its own or one of its sentences'.
    embedder = FakeEmbedder()
    best = [
        max(float(v @ query) for v in embedder.embed_passages([c.search_text, *sentence_texts(c)]))
        for c in chunks
    ]
    expected = sorted(range(len(chunks)), key=lambda i: -best[i])
    hits = index.vectors.search(query, 100, [doc])
    assert [h.chunk_id for h in hits] == [chunks[i].chunk_id for i in expected]
    assert [h.chunk_id for h in both_stores["faiss"].index.vectors.search(query, 100, [doc])][
        :5
    ] == [h.chunk_id for h in hits][:5]


class _CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_passages(self, texts, batch_size: int = 32):  # type: ignore[no-untyped-def]
        self.embedded += list(texts)
        return super().embed_passages(texts, batch_size=batch_size)


def test_sentence_vectors_are_stored_copied_and_checked_as_on_faiss(
    both_stores: dict[str, Assistant], tmp_path: Path
) -> None:
    faiss, milvus = both_stores["faiss"].index.vectors, both_stores["milvus"].index.vectors
    assert milvus.count() == faiss.count() > milvus.chunk_count()  # type: ignore[attr-defined]

    home = tmp_path / "sv"
    shutil.copytree(PROJECT_ROOT / "corpus", home / "corpus")
    settings = _settings(home, str(home / "milvus.db"))
    built = build_corpus_index(settings, FakeEmbedder())
    backend = MilvusBackend(settings)
    before = backend.open().vectors.count()
    # A writer that never searched the build finds its vectors collection released.
    backend.client.release_collection(vectors_name(settings.milvus_prefix, built.build_id))
    # An added document's sentences are embedded; the others' vectors are copied from
    # the current build (a fresh embedding cache: nothing could come from it).
    shutil.rmtree(home / "index", ignore_errors=True)
    counting = _CountingEmbedder()
    new = home / "corpus" / "bing.txt"
    new.write_text(NEW_DOC, encoding="utf-8")
    backend.add([parse_file(new, settings)], counting)
    added = parse_file(new, settings).chunks
    expected = {t for c in added for t in (c.search_text, *sentence_texts(c))}
    assert set(counting.embedded) == expected
    assert backend.open().vectors.count() == before + len(
        [t for c in added for t in (c.search_text, *sentence_texts(c))]
    )
    # Searched the way it was built, or told how to rebuild.
    without = dataclasses.replace(settings, sentence_vectors=False)
    with pytest.raises(IndexMismatchError, match="QA_SENTENCE_VECTORS"):
        MilvusBackend(without).open()

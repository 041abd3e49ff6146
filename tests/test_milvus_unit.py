"""The Milvus store's pure parts: record parts, keyword text, filters, error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from milvus_lite.analyzer.factory import create_analyzer

from qa.config import Settings
from qa.errors import IndexCorruptError, StoreUnavailableError
from qa.store.milvus_backend import MilvusBackend
from qa.store.milvus_builds import document_frequency
from qa.store.milvus_client import is_lite_file, milvus_uri, translate
from qa.store.milvus_schema import (
    build_id_of,
    chunks_name,
    join_records,
    record_rows,
    records_name,
    split_payload,
)
from qa.store.milvus_search import doc_filter
from qa.store.milvus_text import (
    ANALYZER,
    BIGRAM_ANALYZER,
    bigram_text,
    bigram_word,
    keyword_text,
)
from qa.tokens import bigrams, tokenize
from tests.conftest import make_document

# Simplified and traditional text, numbers with decimal points, punctuation and symbols:
# what each Milvus analyzer must read exactly as qa.tokens does.
ANALYSED_TEXTS = [
    "厦门市到2018年森林覆盖率达到42.9%，PM2.5年均浓度下降10%以上。",
    "廈門市到2018年森林覆蓋率要達到多少？（牽頭部門：市林業局）",
    "第三条 国家实行质量强国战略；2016-2020年，新增“名牌产品”30个。",
    "第5.2条 版本1.2.3发布……a&b公司_甲方 10%以上 -----",
]


def test_payload_pieces_fit_and_join_back_between_characters() -> None:
    text = "质量强市" * 10 + "A" + "𠀋" * 7  # 3- and 4-byte characters
    pieces = split_payload(text, limit=10)
    assert "".join(pieces) == text
    assert all(len(p.encode("utf-8")) <= 10 for p in pieces)
    assert len(pieces) > 5


def test_records_round_trip_in_any_row_order() -> None:
    value = {"text": "第一条 " * 30000, "n": [1, 2]}
    rows = list(record_rows("document", "d1", value))
    assert len(rows) > 1
    assert join_records(reversed(rows)) == {("document", "d1"): value}


def test_a_record_with_a_missing_part_is_refused() -> None:
    rows = list(record_rows("document", "d1", {"text": "条" * 50000}))
    with pytest.raises(ValueError, match="parts"):
        join_records(rows[1:])


@pytest.mark.parametrize("text", ANALYSED_TEXTS)
def test_the_jieba_analyzer_reads_the_words_qa_tokens_finds(text: str) -> None:
    """Milvus' BM25 sees the same words as the bm25s store, numbers and symbols too."""
    analyzer = create_analyzer(ANALYZER)
    assert analyzer.tokenize(keyword_text(text)) == tokenize(text)


@pytest.mark.parametrize("text", ANALYSED_TEXTS)
def test_the_standard_analyzer_reads_the_bigrams_qa_tokens_finds(text: str) -> None:
    """Milvus' bigram BM25 sees one word per bigram of the bm25s store, in order."""
    analyzer = create_analyzer(BIGRAM_ANALYZER)
    assert analyzer.tokenize(bigram_text(text)) == [bigram_word(b) for b in bigrams(text)]


def test_bigram_text_is_cut_at_a_word_to_fit() -> None:
    whole = bigram_text("质量强市" * 2000).split()
    text = bigram_text("质量强市" * 2000, 1000)
    # Words of 13 characters and a space between: 71 fit in 1000 characters.
    assert len(text) <= 1000 and text.split() == whole[: (1000 + 1) // 14] and len(whole) > 71


def test_keyword_text_is_simplified_whatever_the_script() -> None:
    assert keyword_text("森林覆蓋率") == keyword_text("森林覆盖率") == "森林覆盖率"


def test_document_filter_quotes_every_id() -> None:
    assert doc_filter(None) == ""
    expr = doc_filter(["a", 'b"c', "厦门"])
    assert expr == 'doc_id in ["a", "b\\"c", "厦门"]'
    assert json.loads(expr.removeprefix("doc_id in ")) == ["a", 'b"c', "厦门"]


def test_build_names_carry_the_build_id() -> None:
    assert build_id_of("qa", chunks_name("qa", "20260101T000000_ab")) == "20260101T000000_ab"
    assert build_id_of("qa", records_name("qa", "x1")) == "x1"
    assert build_id_of("qa", "qa_meta") == ""
    assert build_id_of("qa", chunks_name("other", "x1")) == ""


def test_document_frequency_adds_and_removes_chunks() -> None:
    from collections import Counter

    from qa.ingest.parse import parse

    settings = Settings.from_env({})
    doc = make_document("一、目标\n到2020年，森林覆盖率达到40%。\n二、措施\n建设森林公园。\n")
    chunks = parse(doc, settings).chunks
    added = document_frequency(chunks, Counter())
    assert added["森林"] == len([c for c in chunks if "森林" in tokenize(c.search_text)]) > 0
    assert document_frequency(chunks, Counter(added), sign=-1) == {}


def test_default_uri_is_a_lite_file_in_the_index_folder(tmp_path: Path) -> None:
    settings = Settings.from_env({"QA_INDEX_DIR": str(tmp_path)})
    assert milvus_uri(settings) == str(tmp_path / "milvus.db")
    assert is_lite_file(milvus_uri(settings))
    assert not is_lite_file("http://10.0.0.5:19530")
    assert Settings.from_env({"QA_MILVUS_URI": "https://m:443"}).milvus_uri == "https://m:443"


def test_unreachable_server_says_what_to_do() -> None:
    err = translate(RuntimeError("Fail connecting to server on 10.0.0.9:19530"), "http://x:1")
    assert isinstance(err, StoreUnavailableError)
    assert "无法连接 Milvus" in err.message and "cannot be reached" in err.message
    assert "QA_MILVUS_URI" in err.hint and "milvus-lite server" in err.hint


def test_a_lite_file_held_elsewhere_says_use_a_server() -> None:
    err = translate(RuntimeError("Open local milvus failed"), "/data/milvus.db")
    assert "另一个进程" in err.message and "Another process" in err.message
    assert "milvus-lite server --data-dir /data/milvus.db" in err.hint


def test_refused_credentials_name_the_token_setting() -> None:
    err = translate(RuntimeError("authentication failed: invalid token"), "http://m:19530")
    assert "QA_MILVUS_TOKEN" in err.hint


def test_our_own_errors_pass_through_unchanged() -> None:
    mine = IndexCorruptError("x", "y")
    assert translate(mine, "u") is mine


def test_closed_port_is_reported_without_a_traceback(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings.from_env(
        {}, index_dir=tmp_path, store="milvus", milvus_uri=f"http://127.0.0.1:{port}"
    )
    backend = MilvusBackend(settings)
    with pytest.raises(StoreUnavailableError, match="QA_MILVUS_URI") as caught:
        backend.open()
    assert caught.value.__cause__ is None
    assert backend.version() == ""


class _FailingClient:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def search(self, *args: object, **kwargs: object) -> object:
        raise self.error


def test_a_search_against_a_vanished_milvus_says_what_to_do() -> None:
    from qa.store.milvus_search import MilvusKeywordIndex

    index = MilvusKeywordIndex(
        _FailingClient(RuntimeError("Fail connecting to server on m:19530")),
        "http://m:19530",
        "qa_build_x_chunks",
        10,
        {},
    )
    with pytest.raises(StoreUnavailableError, match="QA_MILVUS_URI"):
        index.search("森林覆盖率", 5)


def test_a_search_on_a_dropped_build_asks_to_ask_again() -> None:
    import numpy as np

    from qa.errors import IndexMismatchError
    from qa.store.milvus_search import MilvusVectorStore

    store = MilvusVectorStore(
        _FailingClient(RuntimeError("collection 'qa_build_x_chunks' does not exist")),
        "http://m:19530",
        "qa_build_x_chunks",
        10,
        "milvus-flat",
        512,
    )
    with pytest.raises(IndexMismatchError, match="Ask again"):
        store.search(np.ones(4, dtype=np.float32), 5)

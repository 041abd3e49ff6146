"""The bigram keyword ranking: its tokens, its index, its place in the fusion."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conftest import assistant_over_texts

from qa.config import Settings
from qa.retrieve.retriever import RetrievalConfig, Retriever
from qa.store import layout
from qa.store.keyword import Bm25KeywordIndex
from qa.tokens import bigrams, tokenize
from tests.fakes import FakeEmbedder

# jieba cuts the question's 首负责任 as 首 / 负责 / 任 and the text's as 首负 / 责任 / 责任制:
# no word in common, while the other text shares 负责 with the question.
FIRST_RESPONSIBLE = "实行首负责任制，群众来访由首位接待人员办到底。"
OTHER_DUTY = "各部门负责本部门的质量工作。"


def test_bigrams_are_character_pairs_of_each_chinese_run_and_whole_latin_runs() -> None:
    assert bigrams("森林覆盖率") == ["森林", "林覆", "覆盖", "盖率"]
    assert bigrams("达到42.9%，PM2.5。省") == ["达到", "42.9%", "pm2.5", "省"]
    # An ellipsis is no token; a lone character is itself.
    assert bigrams("发布……a&b") == ["发布", "a", "b"]


def test_bigrams_of_traditional_text_are_the_simplified_ones() -> None:
    assert bigrams("森林覆蓋率要達到") == bigrams("森林覆盖率要达到")


def test_the_bigram_index_finds_a_term_the_word_cut_hides() -> None:
    chunk_ids, doc_ids = ["first", "other"], ["d1", "d2"]
    texts = [FIRST_RESPONSIBLE, OTHER_DUTY]
    assert not set(tokenize("首负责任")) & set(tokenize(FIRST_RESPONSIBLE))
    words = Bm25KeywordIndex.build(chunk_ids, doc_ids, texts)
    pairs = Bm25KeywordIndex.build(chunk_ids, doc_ids, texts, analyzer=bigrams)
    assert [h.chunk_id for h in words.search("什么是首负责任？", 2)] == ["other"]
    assert pairs.search("什么是首负责任？", 2)[0].chunk_id == "first"
    assert pairs.search("什么是首负责任？", 2, ["d2"])[0].chunk_id == "other"


def test_a_saved_bigram_index_loads_with_its_analyzer(tmp_path: Path) -> None:
    pairs = Bm25KeywordIndex.build(
        ["first", "other"], ["d1", "d2"], [FIRST_RESPONSIBLE, OTHER_DUTY], analyzer=bigrams
    )
    pairs.save(tmp_path)
    loaded = Bm25KeywordIndex.load(tmp_path, bigrams)
    assert loaded.search("首负责任", 2) == pairs.search("首负责任", 2)


def test_the_full_mode_splits_the_keyword_weight_between_words_and_bigrams() -> None:
    settings = Settings.from_env({})
    full = Retriever(RetrievalConfig.for_mode("full", settings), FakeEmbedder(), settings)
    weights = dict(
        zip((r.name for r in full.first_pass.rankers), full.first_pass.weights, strict=True)
    )
    assert weights == {"dense": 1.0, "keyword": 1.0, "phrase": 2.0, "bigram": 1.0}
    off = replace(settings, bigram_share=0.0)
    names = [
        r.name
        for r in Retriever(RetrievalConfig.for_mode("full", off), FakeEmbedder()).first_pass.rankers
    ]
    assert "bigram" not in names
    hybrid = Retriever(RetrievalConfig.for_mode("hybrid", settings), FakeEmbedder(), settings)
    assert [r.name for r in hybrid.first_pass.rankers] == ["dense", "keyword"]
    assert hybrid.first_pass.weights == [1.0, 2.0]


def test_a_built_index_keeps_its_bigram_index_and_opens_it(tmp_path: Path) -> None:
    text = "某县服务规定\n一、首问\n" + FIRST_RESPONSIBLE + "\n二、分工\n" + OTHER_DUTY + "\n"
    assistant = assistant_over_texts(tmp_path, {"county-service.txt": text})
    folder = next((tmp_path / "index" / layout.BUILDS).iterdir())
    assert (folder / layout.BIGRAMS / layout.KEYWORD_IDS).is_file()
    index = assistant.index
    best = index.chunks[index.bigrams.search("首负责任", 1)[0].chunk_id]
    assert "首负责任制" in best.text
    assert index.bigrams.count() == len(index.chunks)

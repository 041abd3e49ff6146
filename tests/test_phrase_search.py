"""Quoted terms (“质量月”) are searched verbatim, as a third ranking in full mode."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qa.assistant import Assistant
from qa.retrieve.query import analyse
from tests.conftest import index_folder
from tests.fakes import FakeEmbedder

FILLER = "".join(
    f"（{n}）加强质量工作，推进月度质量分析，提高质量管理水平。\n" for n in "一二三四五六"
)


def _assistant(tmp_path: Path, phrase_matching: bool) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    text = (
        "海川市人民政府关于推进质量强市的意见\n一、主要任务\n"
        f"{FILLER}（七）开展群众性活动。精心组织全国“质量月”活动。\n"
    )
    (corpus / "haichuan.txt").write_text(text, encoding="utf-8")
    settings = index_folder(corpus, tmp_path / "index")
    return Assistant(replace(settings, phrase_matching=phrase_matching), FakeEmbedder())


def test_quoted_terms_are_read_from_the_question_in_search_form() -> None:
    a = analyse("厦门对「質量月」和“三证合一”怎么安排?", [])
    assert a.quoted_phrases == ("质量月", "三证合一")
    assert analyse("《产品质量法》怎么规定?", []).quoted_phrases == ()


def test_phrase_chunks_finds_the_chunks_holding_the_phrase(tmp_path: Path) -> None:
    index = _assistant(tmp_path, True).index
    (chunk_id,) = index.phrase_chunks("质量月")
    assert "“质量月”" in index.chunks[chunk_id].text
    assert index.phrase_chunks("质量月", doc_ids=("elsewhere",)) == []
    assert index.phrase_chunks("没有的词") == []


def test_a_quoted_term_brings_its_passage_to_the_top(tmp_path: Path) -> None:
    question = "海川市的“质量月”怎么安排?"
    for phrase_matching, expected in ((True, True), (False, False)):
        answer = _assistant(tmp_path, phrase_matching).ask(question, k=1)
        assert ("质量月" in answer.passages[0].chunk.text) is expected


def test_a_comparison_asks_every_document_for_its_topic_as_written() -> None:
    from qa.retrieve.stages import asked_phrases

    assert asked_phrases(analyse("关于质量奖，各地有什么规定?", [])) == ("质量奖",)
    assert asked_phrases(analyse("各地对“质量月”怎么安排?", [])) == ("质量月",)
    # One document's question: its topic is left to keyword and dense search.
    assert asked_phrases(analyse("海川市对质量奖有什么规定?", [])) == ()


def test_a_comparison_cites_each_documents_passage_holding_the_topic(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, city in (("haichuan", "海川市"), ("shanlin", "山林市")):
        text = (
            f"{city}人民政府关于推进质量强市的意见\n一、主要任务\n{FILLER}"
            f"（七）完善激励机制。设立{city}政府质量奖。\n"
        )
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    # Chunk vectors only: a sentence vector of 设立…质量奖 would find the passage too,
    # and this is about what phrase matching adds to the rankings.
    settings = index_folder(corpus, tmp_path / "index", sentence_vectors=False)
    for phrase_matching, expected in ((True, True), (False, False)):
        assistant = Assistant(replace(settings, phrase_matching=phrase_matching), FakeEmbedder())
        answer = assistant.ask("关于质量奖，各地有什么规定?", k=2)
        # Each document's first passage (a comparison of few documents reads two each).
        held = [("质量奖" in p.chunk.text) for p in answer.passages[:2]]
        assert (held == [True, True]) is expected


def test_a_comparison_asks_for_the_documents_own_quoted_term_as_written(tmp_path: Path) -> None:
    from qa.retrieve.stages import asked_phrases

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "haichuan.txt").write_text(
        "海川市人民政府关于推进质量强市的意见\n一、主要任务\n"
        f"{FILLER}（七）建立产品、服务质量“首负责任”机制。\n",
        encoding="utf-8",
    )
    index = Assistant(index_folder(corpus, tmp_path / "index"), FakeEmbedder()).index
    assert "首负责任" in index.quoted_terms
    question = analyse("各地对首负责任怎么规定?", [])
    assert "首负责任" not in question.topic_terms  # the premise: the segmenter splits it
    # Written unquoted in a question across documents, it is asked as written.
    assert "首负责任" in asked_phrases(question, index.quoted_terms)
    # A question of one document, or one not writing the term, is not affected.
    assert asked_phrases(analyse("海川市对首负责任怎么规定?", []), index.quoted_terms) == ()
    assert "首负责任" not in asked_phrases(analyse("各地的质量奖怎么评?", []), index.quoted_terms)

"""The article defining an asked term comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeEmbedder, index_folder

from qa.assistant import Assistant
from qa.retrieve.definitions import defines, definition_subject
from qa.textnorm import search_form

RULE = (
    "投诉举报处理办法\n"
    "第一条 为了规范投诉举报处理工作，制定本办法。\n"
    "第二条 本办法所称的举报，是指向主管部门反映经营者涉嫌违法线索的行为。\n"
    "第三条 主管部门应当公开受理举报的电话。\n"
)
LAW = (
    "市场秩序条例\n"
    "第一条 任何单位和个人有权举报违法行为，举报应当实名，举报人的信息应当保密。\n"
    "第二条 对举报属实的，给予举报人奖励；举报的处理结果告知举报人。\n"
    "第三条 本条例自公布之日起施行。\n"
)


def test_what_defines_a_term_strictly() -> None:
    subject = definition_subject(search_form("按规定，举报指的是什么?"))
    assert subject == "举报"
    assert defines(
        search_form("本办法所称的举报，是指反映违法线索的行为。"), subject, loosely=False
    )
    # 举报是… states something about it; only a sentence already close may count it.
    assert defines(search_form("举报是公民的权利。"), subject)
    assert not defines(search_form("举报是公民的权利。"), subject, loosely=False)


@pytest.mark.parametrize("defining_passages", [True, False])
def test_the_defining_article_comes_first(tmp_path: Path, defining_passages: bool) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rule.txt").write_text(RULE, encoding="utf-8")
    (corpus / "law.txt").write_text(LAW, encoding="utf-8")
    settings = index_folder(corpus, tmp_path / "index", defining_passages=defining_passages)
    answer = Assistant(settings, FakeEmbedder()).ask("按规定，举报指的是什么?")
    first = answer.passages[0]
    # Without the stage the article using the word most often leads.
    assert (first.doc_title == "投诉举报处理办法") is defining_passages, first.doc_title
    if defining_passages:
        assert first.chunk.section_path[-1].startswith("第二条")


def test_the_next_terms_definition_is_not_joined(tmp_path: Path) -> None:
    both = (
        "投诉举报处理办法\n"
        "第一条 为了规范投诉举报处理工作，制定本办法。\n"
        "第二条 本办法所称的投诉，是指消费者请求主管部门解决消费争议的行为。\n"
        "本办法所称的举报，是指向主管部门反映经营者涉嫌违法线索的行为。\n"
        "第三条 本办法自公布之日起施行。\n"
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rule.txt").write_text(both, encoding="utf-8")
    assistant = Assistant(index_folder(corpus, tmp_path / "index"), FakeEmbedder())
    answer = assistant.ask("举报和投诉不是一回事吧？举报指的是什么？")
    # 投诉, a word of the question, is in the sentence before: it defines another term.
    assert answer.answer.startswith("本办法所称的举报"), answer.answer

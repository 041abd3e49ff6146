"""An item of a long article, chunked on its own, read under the rule its article's
opening states for the whole list (qa.retrieve.rule_items)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeEmbedder, index_folder

from qa.assistant import Assistant
from qa.retrieve.rule_items import rule_intro, rule_openings
from qa.types import Answer


@pytest.mark.parametrize(
    ("opening", "intro"),
    [
        (
            "第三十四条 禁止生产经营下列食品、食品添加剂、食品相关产品：",
            "第三十四条 禁止生产经营下列食品、食品添加剂、食品相关产品：",
        ),
        (
            "第三十六条 有下列情形之一的农产品，不得销售：",
            "第三十六条 有下列情形之一的农产品，不得销售：",
        ),
        # A list of penalised deeds is read by qa.answer.cases, not as a rule.
        (
            "第三条 违反本条例规定，有下列情形之一的，不得从事经营，处五千元以上五万元以下罚款：",
            None,
        ),
        # No list, or a list under no rule.
        ("第五条 经营者不得销售过期食品。", None),
        ("第六条 本条例所称食品包括下列各类：", None),
    ],
)
def test_the_rule_an_opening_states_for_its_list(opening: str, intro: str | None) -> None:
    assert rule_intro(opening) == intro


def _long_prohibition_article() -> str:
    items = [
        "腐败变质、油脂酸败、霉变生虫的食品",
        "病死、毒死或者死因不明的禽、畜、兽、水产动物肉类及其制品",
        "超过保质期的食品、食品添加剂",
        "无标签的预包装食品、食品添加剂",
    ]
    # Each item is long enough for the article to be chunked item by item.
    listed = "\n".join(
        f"（{n}）{item}；" + "以及与之相关的原料和半成品，" * 30
        for n, item in zip("一二三四", items, strict=True)
    )
    return (
        "食品经营条例\n"
        "第一条 为了保证食品安全，制定本条例。\n"
        "第二条 禁止生产经营下列食品、食品添加剂、食品相关产品：\n" + listed + "\n"
        "第三条 预包装食品的包装上应当有标签，标签应当标明名称和生产日期。\n"
        "第四条 本条例自公布之日起施行。\n"
    )


def _assistant(tmp_path: Path, **settings: object) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rule.txt").write_text(_long_prohibition_article(), encoding="utf-8")
    return Assistant(index_folder(corpus, tmp_path / "index", **settings), FakeEmbedder())


def test_an_item_chunked_on_its_own_finds_its_rule_stating_opening(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    item = next(c for c in assistant.index.chunks.values() if c.text.startswith("（四）"))
    assert item.section_numbers[-2:] == ("第二条", "（四）")  # the item is a chunk of its own
    opening = next(c for c in assistant.index.chunks.values() if c.text.startswith("第二条"))
    assert rule_openings(assistant.index, [item.chunk_id]) == {item.chunk_id: [opening.chunk_id]}
    # The opening itself, and an article of no list, bring nothing.
    rule_3 = next(c for c in assistant.index.chunks.values() if c.text.startswith("第三条"))
    assert rule_openings(assistant.index, [opening.chunk_id, rule_3.chunk_id]) == {}


def _rank_of(answer: Answer, prefix: str) -> int:
    return next(p.rank for p in answer.passages if p.chunk.text.startswith(prefix))


def test_may_i_sell_it_is_answered_by_the_item_under_its_prohibition(tmp_path: Path) -> None:
    answer = _assistant(tmp_path).ask("没有标签的预包装食品能不能卖？")
    assert answer.found, answer.not_found_reason
    # The item alone says nothing of selling; the prohibition comes first, the item after.
    text = answer.answer
    assert "禁止生产经营下列食品" in text and "无标签的预包装食品" in text, text
    assert text.index("禁止生产经营下列食品") < text.index("无标签的预包装食品"), text
    # The stage put the opening right before the item it governs.
    assert _rank_of(answer, "第二条") == _rank_of(answer, "（四）") - 1


def test_without_the_stage_the_opening_keeps_its_own_rank(tmp_path: Path) -> None:
    answer = _assistant(tmp_path, rule_introductions=False).ask("没有标签的预包装食品能不能卖？")
    # In this small corpus the opening is still retrieved, below the item: the answer
    # unit reads the item with it wherever it ranks.
    assert _rank_of(answer, "第二条") > _rank_of(answer, "（四）")
    assert "禁止生产经营下列食品" in answer.answer, answer.answer


def test_a_question_of_what_not_whether_leaves_the_ranking_alone(tmp_path: Path) -> None:
    answer = _assistant(tmp_path).ask("无标签的预包装食品是什么意思？")
    assert _rank_of(answer, "第二条") > _rank_of(answer, "（四）")

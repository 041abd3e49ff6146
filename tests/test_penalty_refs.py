"""A deed's penalty article, found through the article number it cites."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeEmbedder, index_folder

from qa.assistant import Assistant
from qa.retrieve.penalty_refs import (
    article_number,
    asks_about_penalty,
    own_articles_cited,
    penalising,
    with_penalties,
)


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("经营者违反本办法第十二条、第十三条规定的，处以罚款。", {12, 13}),
        ("经营者有本办法第五条至第八条规定的情形之一的，依法处罚。", {5, 6, 7, 8}),
        (
            "本规定第四条、第七条至第九条规定中经营者为个人的，可以处10万元以下的罚款。",
            {4, 7, 8, 9},
        ),
        ("违反本条例第36条第一款第（二）项规定的，责令改正。", {36}),
        ("違反本辦法第十二條規定的，處以罰款。", {12}),  # traditional script
    ],
)
def test_own_articles_cited(text: str, cited: set[int]) -> None:
    assert own_articles_cited(text) == cited


def test_another_laws_article_is_not_cited_as_own() -> None:
    # 第五十六条 here is the consumer law's, not the citing rule's.
    text = "由市场监督管理部门依照《消费者权益保护法》第五十六条予以处罚。"
    assert own_articles_cited(text) == frozenset()


def test_article_number_of_a_chunk() -> None:
    assert article_number(("第二章", "第十二条", "(六)")) == 12
    assert article_number(("第一百零一条",)) == 101
    assert article_number(("二、", "(四)")) is None


def test_penalising_needs_a_penalty_and_a_narrow_citation() -> None:
    chunks = [
        ("a", "本办法第十二条所称格式条款，是指经营者预先拟定的条款。"),  # cites, no penalty
        ("b", "违反本办法第十二条规定的，处以一万元以下罚款。"),
        ("c", "违反本办法第一条至第四十条规定的，处以罚款。"),  # a whole rule: says nothing
    ]
    assert penalising(chunks, 12) == ["b"]
    assert penalising(chunks, 13) == []


def test_penalty_goes_right_before_its_deed_and_only_up() -> None:
    items = [("x", 3.0), ("deed", 2.0), ("y", 1.5), ("pen", 1.0)]
    assert with_penalties(items, {"deed": ["pen"]}) == [
        ("x", 3.0),
        ("pen", 2.0),
        ("deed", 2.0),
        ("y", 1.5),
    ]
    above = [("pen", 3.0), ("x", 2.5), ("deed", 2.0)]
    assert with_penalties(above, {"deed": ["pen"]}) == above


def test_what_asks_about_a_penalty() -> None:
    assert asks_about_penalty(False, "要是它没有违法所得,最多罚多少?")
    assert asks_about_penalty(False, "平台要担什么责任?")
    assert not asks_about_penalty(False, "格式条款里不能写哪些内容?")


RULE = (
    "经营者格式条款管理办法\n"
    "第一条 为了规范经营者使用格式条款，制定本办法。\n"
    "第二条 经营者不得在格式条款中规定经营者单方享有解释权或者最终解释权。\n"
    "第三条 经营者应当以显著方式提请消费者注意商品的数量和质量、价款或者费用。\n"
    "第四条 经营者违反本办法第二条规定的，由市场监督管理部门责令改正，可以处违法所得三倍以下、"
    "但最高不超过三万元的罚款；没有违法所得的，处以一万元以下的罚款。\n"
    "第五条 本办法自公布之日起施行。\n"
)


@pytest.mark.parametrize("penalty_articles", [True, False])
def test_a_follow_up_on_the_deed_is_answered_by_its_penalty_article(
    tmp_path: Path, penalty_articles: bool
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rule.txt").write_text(RULE, encoding="utf-8")
    settings = index_folder(corpus, tmp_path / "index", penalty_articles=penalty_articles)
    assistant = Assistant(settings, FakeEmbedder())
    history = ["商家能在格式条款里写“最终解释权归商家”吗?"]
    answer = assistant.ask("要是真这么写了，会被罚多少钱?", history=history)
    first = answer.passages[0].chunk.section_path[-1]
    # Without the stage the deed's article, which shares the question's words, leads.
    assert first.startswith("第四条" if penalty_articles else "第二条"), first
    if penalty_articles:
        assert answer.found and "三万元" in answer.answer, answer.answer


MARKET_RULE = (
    "交易场所价格行为规定\n"
    "第一条 为了规范交易场所的价格行为，制定本规定。\n"
    "第二条 交易场所提供者应当尊重场所内经营者的经营自主权，不得强制场所内经营者参与价格促销活动。\n"
    "第三条 场所内经营者应当明码标价。\n"
    "第四条 交易场所提供者违反本规定第二条的，由市场监督管理部门责令改正，可以处三万元以下罚款。\n"
)


def test_a_penalty_sharing_no_word_answers_through_its_deed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rule.txt").write_text(MARKET_RULE, encoding="utf-8")
    assistant = Assistant(index_folder(corpus, tmp_path / "index"), FakeEmbedder())
    history = ["商场能不能强迫入驻的商户参加促销活动？"]
    answer = assistant.ask("商场要是真这么干了，会被怎么罚？", history=history)
    # 第四条 shares no word with the conversation; it penalises 第二条, which does.
    assert answer.found, answer.not_found_reason
    assert "三万元以下罚款" in answer.answer, answer.answer


def test_deeds_penalised_among_the_passages() -> None:
    from qa.retrieve.penalty_refs import deeds_penalised
    from qa.types import Chunk, Passage

    def passage(rank: int, article: str, text: str, doc_id: str = "rule") -> Passage:
        chunk = Chunk(f"{doc_id}:{rank}", doc_id, (article,), (article,), text, (0, len(text)))
        return Passage(rank, chunk, "规定", "", 1.0)

    passages = [
        passage(1, "第四条", "违反本规定第二条的，可以处三万元以下罚款。"),
        passage(2, "第二条", "不得强制场所内经营者参与价格促销活动。"),
        passage(3, "第二条", "不得强制经营者参与促销。", doc_id="other"),  # another document's
    ]
    assert deeds_penalised(passages) == {1: {2}}


def test_a_follow_up_takes_the_penalty_anchored_to_its_deed() -> None:
    from qa.answer.asked_sentence import anchored_penalty
    from qa.answer.evidence import Evidence
    from qa.answer.stated import MONEY_STATED

    def said(rank: int, text: str, score: float) -> Evidence:
        return Evidence(rank, "doc", (rank * 100, rank * 100 + len(text)), text, score)

    elsewhere = said(1, "没有违法所得的，处5万元以上50万元以下的罚款。", 0.9)  # another rule's
    anchored = said(2, "违反本办法第十三条规定的，没有违法所得的，处以一万元以下的罚款。", 0.5)
    deed = said(3, "经营者不得谎报用工用料。", 0.4)
    evidence = [elsewhere, anchored, deed]
    assert anchored_penalty(evidence, elsewhere, {2: {3}}, MONEY_STATED) is anchored
    # A deed ranked below the first three was not what the conversation named.
    assert anchored_penalty(evidence, elsewhere, {2: {4}}, MONEY_STATED) is elsewhere
    # The best penalty anchored itself stays.
    assert anchored_penalty(evidence, anchored, {2: {3}}, MONEY_STATED) is anchored


def _long_penalty_article() -> str:
    cases = [
        "生产经营致病性微生物超过食品安全标准限量的食品",
        "用回收食品作为原料生产食品",
        "生产经营超过保质期的食品、食品添加剂",
        "生产经营未按规定注册的保健食品",
        "安排未取得健康证明的人员从事接触直接入口食品的工作",
        "未按规定定期维护、清洗、校验食品设施和设备",
    ]
    items = "\n".join(
        f"（{n}）食品生产经营者{case}，情节较轻，且在当地监管部门首次检查时发现的；"
        + "应当如实记录检查情况并存档备查，" * 6
        for n, case in zip("一二三四五六", cases, strict=True)
    )
    return (
        "食品经营管理条例\n"
        "第一条 为了保证食品安全，制定本条例。\n"
        "第二条 食品经营者应当建立从业人员健康管理制度。从事接触直接入口食品工作的人员应当"
        "每年进行健康检查，取得健康证明后方可上岗工作。\n"
        "第三条 违反本条例规定，有下列情形之一的，由县级以上食品安全监督管理部门责令改正，"
        "给予警告；拒不改正的，处五千元以上五万元以下罚款：\n" + items + "\n"
        "第四条 本条例自公布之日起施行。\n"
    )


def test_a_case_chunked_on_its_own_answers_with_its_articles_opening(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rule.txt").write_text(_long_penalty_article(), encoding="utf-8")
    assistant = Assistant(index_folder(corpus, tmp_path / "index"), FakeEmbedder())
    item = next(c for c in assistant.index.chunks.values() if c.text.startswith("（五）"))
    assert item.section_numbers[-2:] == ("第三条", "（五）")  # the case is a chunk of its own
    from qa.retrieve.penalty_refs import case_introductions

    opening = next(c for c in assistant.index.chunks.values() if c.text.startswith("第三条"))
    found = case_introductions(assistant.index, [item.chunk_id, opening.chunk_id])
    assert found == {item.chunk_id: [opening.chunk_id]}  # the stage puts it before the case
    answer = assistant.ask("食品店安排没有健康证明的人员接触直接入口食品，拒不改正罚多少？")
    # The rule (第二条) shares the question's words; the case states the deed, and the
    # article's opening, found by the penalty stage, what befalls it.
    assert answer.found, answer.not_found_reason
    assert "处五千元以上五万元以下罚款" in answer.answer, answer.answer
    assert "（五）" in answer.answer, answer.answer

"""A comparison of amounts of money compares amounts (各地…奖励金额分别是多少)."""

import pytest
from conftest import make_document

from qa.answer.evidence import Evidence
from qa.answer.extractive import stating_amounts
from qa.ingest.figures import extract_figures
from qa.retrieve.query import analyse


@pytest.mark.parametrize(
    ("question", "money"),
    [
        ("各地对质量奖的奖励金额分别是多少？", True),
        ("违法生产的罚款数额各是多少?", True),
        ("获奖企业奖励多少?", True),
        ("货值金额怎么计算?", False),
        ("各地森林覆盖率的目标分别是多少?", False),
        # a fee or a payment asks an amount of money too
        ("资格考试的报名费是多少?", True),
        ("特种设备责任保险每年的保费要交多少？", True),
        ("修理费和运车的费用由谁承担？", False),
        ("多少天内提出异议？", False),
    ],
)
def test_questions_asking_for_amounts(question: str, money: bool) -> None:
    assert analyse(question, []).asks_money is money


def test_documents_stating_no_amount_are_left_out_of_an_amount_comparison() -> None:
    question = analyse("各地对质量奖的奖励金额分别是多少？", [])
    alxa = "設立實施盟長質量獎,對每家獲獎企業獎勵20萬元。"
    ty = "做好第二届太原市政府质量奖启动评选工作。"
    fj = "到2015年,年销售收入超100亿元的名牌产品生产企业达50家。"  # money, not a reward
    figures = {
        1: extract_figures(make_document(alxa, "traditional", doc_id="alxa")),
        2: extract_figures(make_document(text=ty, doc_id="ty")),
        3: extract_figures(make_document(text=fj, doc_id="fj")),
    }
    chosen = [
        Evidence(1, "alxa", (0, len(alxa)), alxa, 1.0),
        Evidence(2, "ty", (0, len(ty)), ty, 0.9),
        Evidence(3, "fj", (0, len(fj)), fj, 0.8),
    ]
    assert [e.doc_id for e in stating_amounts(chosen, figures, question)] == ["alxa"]
    # When no document states an amount, the choice stands (and not-found decides).
    assert stating_amounts(chosen[1:], figures, question) == chosen[1:]


def test_a_document_is_said_not_to_mention_the_topic_only_when_its_text_does_not() -> None:
    from qa.answer.extractive import silent_notes

    question = analyse("各地对首席质量官有什么规定?", [])
    assert question.topic_terms == ("首席", "质量官")
    forms = {"ty": "推行首席质量官制度。", "dg": "加强计量工作。"}
    labels = {"ty": "太原市", "dg": "东莞市"}
    notes = silent_notes(["ty", "dg"], question, forms, labels)
    assert notes == (
        "以下文件没有提到“首席、质量官”：东莞市。",
        "以下文件提到了“首席、质量官”，但找到的段落没有回答这个问题：太原市。",
    )
    assert silent_notes([], question, forms, labels) == ()

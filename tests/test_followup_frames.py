"""A follow-up that puts a condition on what was just asked (rule 4 of qa.retrieve.followup),
answered as it asks: 逾期不交的话罚多少? after …向哪个部门交报告? wants an amount."""

from pathlib import Path

import pytest
from conftest import fake_assistant_over, make_document

from qa.retrieve.followup import resolve_followup
from qa.retrieve.query import analyse, as_followup
from qa.textnorm import search_form

DOCS = [make_document(doc_id="xm", region="厦门市")]
REPORT = "取得生产许可证的企业要定期向哪个部门交报告?"


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        (REPORT, "逾期一直不交的话罚多少?"),
        ("农民合作社卖农产品要开什么合格证?", "没按规定开的话罚多少?"),
        (
            "电梯的检验合格证快到期了，要提前多久申请定期检验?",
            "要是过期了还没检，电梯还能接着用吗?",
        ),
    ],
)
def test_a_condition_on_what_was_just_asked_is_asked_in_its_frame(
    previous: str, question: str
) -> None:
    resolved = search_form(resolve_followup(question, [previous], DOCS))
    assert resolved.startswith(search_form(previous)) and resolved.endswith(search_form(question))


@pytest.mark.parametrize(
    "question",
    [
        "如果商家不退货怎么办?",  # a condition, but on a new topic: a new question
        "厦门的森林覆盖率目标是多少?",
    ],
)
def test_a_new_question_after_another_is_left_alone(question: str) -> None:
    assert resolve_followup(question, ["东莞的空气质量目标是什么?"], DOCS) == question


def test_a_follow_up_asking_its_own_question_is_answered_as_it_asks() -> None:
    resolved = analyse(resolve_followup("逾期一直不交的话罚多少?", [REPORT], DOCS), DOCS)
    assert resolved.asks_department  # the frame asked which department
    followup = as_followup(resolved, analyse("逾期一直不交的话罚多少?", DOCS))
    assert followup.asks_money and not followup.asks_department
    assert "逾期" in followup.asked_tokens
    # 呢 with no question word of its own keeps the frame's kind (厦门呢? asks the same).
    same = as_followup(resolved, analyse("那东莞呢?", DOCS))
    assert same.asks_department


def test_the_amount_in_the_clause_after_the_best_one_answers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "permit.txt").write_text(
        "工业产品生产许可证管理条例\n\n"
        "第三十八条 企业应当保证产品质量稳定合格，并定期向主管部门提交报告。\n\n"
        "第五十三条 取得生产许可证的企业未依照本条例规定定期向主管部门提交报告的，"
        "由主管部门责令限期改正；逾期未改正的，处5000元以下的罚款。\n\n"
        "第五十四条 企业冒用他人的生产许可证证书的，责令停止生产。\n",
        encoding="utf-8",
    )
    assistant = fake_assistant_over(corpus, tmp_path / "index")
    answer = assistant.ask("逾期一直不交的话罚多少?", history=[REPORT])
    assert answer.found, answer.not_found_reason
    assert "处5000元以下的罚款" in answer.answer

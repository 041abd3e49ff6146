"""Does the answer sentence state what the question asks? Rules 7, 9, 10, 13–19 of
qa.answer.support: a time, a purpose, an outcome, a catalogue's content, a named period,
a penalty, a fee, a responsible body, a count or a number, each asked by its cue
(qa.answer.asked_cues, qa.answer.stated) and looked for in the answer.

Pure function over the question analysis and the answer's text.
"""

from __future__ import annotations

from qa.answer.asked_cues import (
    ASKED_PERIOD,
    CATALOGUE_ASKED,
    FEE,
    OUTCOME_ASKED,
    OUTCOME_STATED,
    PAY,
    PAY_STATED,
    PUNISHMENT_ASKED,
    PURPOSE_STATED,
    RESPONSIBLE,
    TAX,
    WHO_SETS_CATALOGUE,
    WHY_CHANGED,
)
from qa.answer.stated import (
    COUNT_QUESTION,
    MONEY_STATED,
    NUMBER_STATED,
    PENALTY_STATED,
    number_of,
    number_stated,
    time_stated,
)
from qa.retrieve.department_question import asks_which_body
from qa.retrieve.query import QuestionAnalysis, asked_form
from qa.textnorm import search_form


def asked_not_stated(analysis: QuestionAnalysis, answer_text: str, source: str) -> str:
    """Why the answer does not state what is asked, as a message; "" when it does.
    ``source`` is the answer's passages (titles, headings and text) in search form."""
    # What is asked is the follow-up's own question when it asks one (the fee of the
    # question before it is not asked again by 管理办法由谁来定?).
    question = asked_form(analysis.asked_text or analysis.text)
    answer = search_form(answer_text)
    if analysis.asks_when:
        time = time_stated(question)
        if not time.search(answer):
            return "相关段落中没有给出这方面的时间。"
    if WHY_CHANGED.search(question) and not PURPOSE_STATED.search(answer):
        # 为什么把…减为5个 / 为什么取消了…: the documents state what is to be done, not
        # why something was changed (and the change itself is often the asker's premise).
        return "相关段落没有说明这样调整的原因。"
    if OUTCOME_ASKED.search(question) and not OUTCOME_STATED.search(answer):
        # 实际达到了多少 / 最后有没有通过验收: plans and laws state targets and rules, not
        # what came of them (到2014年…创建工作顺利通过验收 is a target).
        return "相关段落只给出了目标或要求，没有说明实际完成情况。"
    if CATALOGUE_ASKED.search(question) and WHO_SETS_CATALOGUE.search(answer):
        # The law says who sets the catalogue (…的目录和管理办法，由国务院制定); what is
        # in it is not in the corpus.
        return "相关段落只说明了目录由谁制定，没有列出其中的内容。"
    period = ASKED_PERIOD.search(question)
    if period:
        named = period.group(1) or period.group(2)
        # In the answer's passage: a list item (供热与供冷系统，为2个采暖期) is the
        # period its introduction names (最低保修期限为：).
        if named not in source:
            return f"相关段落中没有说明{named}。"
    if PUNISHMENT_ASKED.search(question) and not (
        PENALTY_STATED.search(answer) or MONEY_STATED.search(answer)
    ):
        # 逾期的怎么处罚? answered by 在大中型企业逐步推广首席质量官制度: a plan states no
        # sanction, and an article stating none is not the one asked about.
        return "相关段落中没有规定这方面的处罚。"
    for charge, stated, charge_name in (
        (FEE, FEE, "费用"),
        (TAX, TAX, "税"),
        (PAY, PAY_STATED, "款项"),
    ):
        if charge.search(question) and not analysis.asks_penalty and not stated.search(answer):
            # 物业费能不能不交? / 增值税税率是多少? answered by a sentence naming no fee or
            # tax at all: what is asked about is not there (a fee the question only
            # mentions while asking a penalty, 收的仓储费会被怎么罚, is the deed).
            return f"相关段落中没有提到所问的{charge_name}。"
    if asks_which_body(question) and not RESPONSIBLE.search(answer):
        return "相关段落中没有说明由哪个部门负责。"
    counted = COUNT_QUESTION.search(question)
    if counted and not number_of(counted).search(answer):
        return f"相关段落中没有给出这方面的数量（{counted.group(0)}）。"
    # A bare 多少 (最高车速是多少): some number; amounts and times are checked above.
    bare = not (analysis.asks_money or analysis.asks_when) and number_stated(question)
    if bare and not NUMBER_STATED.search(answer):
        return "相关段落中没有给出这方面的数值。"
    return ""

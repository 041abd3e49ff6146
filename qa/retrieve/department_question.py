"""Whether a question asks which department or body is responsible (哪个部门牵头)."""

from __future__ import annotations

import re

# 谁 alone asks for a party as often as for a body (路费谁出: the 经营者; 企业标准由谁
# 制定: 企业 itself), so only 谁牵头 / 由谁负责 ask for a department; 负责人 is a person.
# 主管 asks too, but only in a question that asks no yes/no or how (below).
_RESPONSIBILITY = re.compile(
    r"(哪个|哪些|什么|哪几个|哪一个)(部门|单位|机构)|牵头|负责(?!人)|责任单位|设在"
)
_DEPARTMENT_QUESTION = re.compile(_RESPONSIBILITY.pattern + r"|主管")
# Who is asked for in so many words (哪个部门, 由谁牵头, 牵头单位); a bare 牵头 or 负责 in
# a question asking a number, an amount or a time is what the task says (带动公司牵头
# 编写多少项标准), not what is asked.
_BODY_ASKED = re.compile(
    r"(哪个|哪些|什么|哪几个|哪一个)(部门|单位|机构)|谁(来)?(牵头|负责|主管)"
    r"|(牵头|负责|主管)(部门|单位)|责任单位|设在"
)
# In a question asking a number, an amount or a time, a body named without a question
# word is part of the situation (收到主管部门的召回通知后…多长时间内提出异议), not asked.
_BODY_QUESTION_WORD = re.compile(
    r"(哪个|哪些|什么|哪几个|哪一个)(部门|单位|机构)|谁|(部门|单位)(是|为|有)(谁|哪)|设在(哪|什么)"
)
# A number asked (the amount and the time are the money and when questions' own).
_NUMBER_ASKED = re.compile(
    r"(多少|几)\s*个?\s*(家|件|项|名|座|所|种|批|台|辆|户|条|人|倍)|比例|百分之几"
)


# A department named as the one acting (什么情况下主管部门可以不先通知车企…?, 主管部门
# 去企业检查…): the subject of what is asked, not what is asked.
_ACTING = re.compile(
    r"(?:主管|管理|监管|行政)部门(?=可以|可|应当|应|会|要|去|能|对|在|将|不|先|自己|派|来|收到|发现)"
)


# Asking which body, in so many words (not 谁: 责任人是谁, 找谁赔 ask for a person or
# party): what not-found rule "who is responsible" holds an answer to.
_WHICH_BODY = re.compile(
    r"(哪个|哪些|什么|哪几个|哪一个|哪一级|哪家)(部门|单位|机构|机关)|牵头部门|主管部门|负责部门"
)


def asks_which_body(form: str) -> bool:
    """Whether the question (asked form) asks which body, in so many words; a body
    named as the one acting (主管部门去企业检查…) is not asked for."""
    return bool(_WHICH_BODY.search(_ACTING.sub("", form)))


# A yes/no or how question (主管部门还没出规则，认证机构能自己定规则吗?, 被主管部门选定的
# 机构…会怎么罚?) asks about what is done: the 主管部门 it names without a question word
# (哪个部门, 谁) is part of the case. (由市食药监局牵头吗? still asks who leads.)
_YES_NO_OR_HOW = re.compile(r"吗|能不能|可不可以|是不是|是否|有没有|怎么|如何|怎样|咋")


def asks_department(form: str, asks_money: bool, asks_when: bool) -> bool:
    """``form``: the question's asked form; the other kinds it asks decide whether a
    body it names is what is asked or only its subject."""
    form = _ACTING.sub("", form)
    if not _DEPARTMENT_QUESTION.search(form):
        return False
    only_chief = not (_RESPONSIBILITY.search(form) or _BODY_QUESTION_WORD.search(form))
    if only_chief and _YES_NO_OR_HOW.search(form):
        return False
    other = asks_money or asks_when or bool(_NUMBER_ASKED.search(form))
    if not other:
        return True
    return bool(_BODY_ASKED.search(form)) and bool(_BODY_QUESTION_WORD.search(form))

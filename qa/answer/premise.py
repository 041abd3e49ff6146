"""A question whose premise the document states otherwise.

People ask from what they believe: 盟长质量奖每家奖50万元，这笔钱谁出? The document says
each winner gets 20万元; 50万元 is in the same passage, but for another award. Rule 3 of
qa.answer.support only asks whether the question's figure is written somewhere in the
answer, so the best sentence about the award is shown as if it confirmed the premise.
Here the figure is read with what it is about: the answer sentence sharing most of the
words around the figure in the question (its clause's topic terms) states the same kind
of figure with another value, and no sentence stating the question's value is as close.
The assistant then says what the document states instead of answering.

Conservative by design: only money (元, 万元, 亿元), periods (年, 月, 日, 工作日) and
percentages are compared, and an exact figure only with an exact one, a bound (不得低于
3年, 10万元以上) only with a bound of the same direction: a stated case (货值5万元) may
meet a law's condition (货值金额一万元以上的) and is no contradiction. Pure functions over
search forms (qa.textnorm.search_form).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.ingest.figure_rules import parse_number

_FIGURE = re.compile(
    r"(?<![\d.第每])(?P<number>\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+)\s*"
    r"(?P<unit>万元|万块|亿元|千元|元|块|个工作日|工作日|个月|月|天|日|年|%)"
)
_SCALE = {"元": 1.0, "块": 1.0, "千元": 1e3, "万元": 1e4, "万块": 1e4, "亿元": 1e8}
_KIND = {"个工作日": "工作日", "工作日": "工作日", "个月": "月", "月": "月", "天": "日"}
_KIND.update({"日": "日", "年": "年", "%": "%"})
_BELOW = re.compile(r"(?:不得?|不应)?(?:超过|高于|多于|大于)$|最多$|最高$|^(?:以下|以内|之内|内)")
_ABOVE = re.compile(r"(?:不得?|不应)?(?:低于|少于|小于)$|至少$|最低$|^(?:以上|及以上|起)")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]|\[\d+\]")
_CLAUSE_END = re.compile(r"[，,。；;！!？?、\s]")


@dataclass(frozen=True)
class _Stated:
    text: str  # as written: 50万元, 二十万元, 3年
    kind: str  # 元, 年, 月, 日, 工作日, %
    value: float
    bound: str  # "", "below" (at most), "above" (at least)
    start: int
    end: int


def _stated(text: str) -> list[_Stated]:
    found = []
    for match in _FIGURE.finditer(text):
        unit = match.group("unit")
        number = parse_number(match.group("number"))
        if number is None:
            continue
        if unit == "年" and number >= 1900:  # a year (2018年), not a period
            continue
        if unit == "月" and text[match.end() : match.end() + 1].isdigit():
            continue  # a date (6月30日)
        before = text[max(0, match.start() - 4) : match.start()]
        after = text[match.end() : match.end() + 3]
        if "年" in before[-1:] or "月" in before[-1:]:
            continue  # the day or month of a date (2014年6月)
        bound = ""
        if _BELOW.search(before) or _BELOW.search(after):
            bound = "below"
        elif _ABOVE.search(before) or _ABOVE.search(after):
            bound = "above"
        scale = _SCALE.get(unit, 1.0)
        kind = "元" if unit in _SCALE else _KIND[unit]
        found.append(
            _Stated(match.group(0), kind, number * scale, bound, match.start(), match.end())
        )
    return found


def _clause_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return text[left : right.start() if right else len(text)]


def stated_otherwise(question_form: str, topic_terms: Sequence[str], answer_form: str) -> str:
    """What the answer states instead of a figure the question takes for granted
    (“20万元”, not “50万元”), as a message; "" when no figure of the question is
    contradicted. ``answer_form`` is the answer's text in search form."""
    sentences = [s for s in _SENTENCE_END.split(answer_form) if s.strip()]
    for asked in _stated(question_form):
        clause = _clause_around(question_form, asked.start, asked.end)
        terms = [t for t in topic_terms if t in clause and len(t) >= 2]
        if len(terms) < 2:
            continue
        conflict = _contradicting(asked, terms, sentences)
        if conflict:
            return f"相关段落中说的是“{conflict}”，不是问题中的“{asked.text}”。"
    return ""


def _contradicting(asked: _Stated, terms: Sequence[str], sentences: Sequence[str]) -> str:
    """The other value of the sentence closest to the asked figure's words, when that
    sentence is closer than any stating the asked value; "" otherwise."""
    best_same, best_other, other_text = 0, 0, ""
    for sentence in sentences:
        overlap = sum(t in sentence for t in terms)
        for figure in _stated(sentence):
            if figure.kind != asked.kind:
                continue
            if figure.value == asked.value:
                best_same = max(best_same, overlap)
            elif figure.bound == asked.bound and overlap > best_other:
                best_other, other_text = overlap, figure.text
    if best_other >= 2 and best_other > best_same:
        return other_text
    return ""

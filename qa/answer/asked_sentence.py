"""The answering sentence moved to one that states what is asked.

The best-scored sentence answers unless a near one (same or next passage, among the best
few) states what the question asks for and the best does not: the asked kind (a
department, a time, an amount, a penalty, a count), a word the follow-up adds, every
figure the question states, a threshold on the asked side. Pure functions over evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from qa.answer.evidence import DEPARTMENT_CUE, DOC_NUMBER, Evidence
from qa.answer.evidence_weights import CONTEXT, COVERAGE
from qa.answer.stated import (
    MONEY_STATED,
    NUMBER_STATED,
    PENALTY_STATED,
    amount_condition_met,
    asked_amounts,
    asked_thresholds,
    count_stated,
    figures_missing,
    number_stated,
    side_stated,
    time_stated,
)
from qa.retrieve.query import QuestionAnalysis, asked_form
from qa.retrieve.section_refs import EFFECTIVE_STATED, asks_effective_date
from qa.retrieve.topics import ASKING
from qa.textnorm import search_form

KIND_CANDIDATES = 12  # how far down the evidence a sentence stating the asked kind is sought


def _held(evidence: Evidence) -> float:
    """Share of the asked words' weight the sentence or its passage and heading hold."""
    return evidence.features[COVERAGE] + evidence.features[CONTEXT] if evidence.features else 0.0


def asked_kind(analysis: QuestionAnalysis) -> re.Pattern[str] | None:
    """What the answer must state, when the question asks for a kind of thing."""
    if analysis.asks_department:
        return DEPARTMENT_CUE
    if analysis.asks_doc_number:
        return DOC_NUMBER
    if asks_effective_date(search_form(analysis.text)):
        return EFFECTIVE_STATED  # 本法自1993年9月1日起施行, not the date of an amendment
    if analysis.asks_when:
        return time_stated(asked_form(analysis.text))
    if analysis.asks_money:
        return MONEY_STATED
    if analysis.asks_penalty:
        return PENALTY_STATED
    form = asked_form(analysis.text)
    return count_stated(form) or number_stated(form)


def with_new_words(
    evidence: Sequence[Evidence],
    analysis: QuestionAnalysis,
    best: Evidence,
    kind: re.Pattern[str] | None,
) -> Evidence:
    """In a follow-up, the best sentence holding a word the follow-up adds to the
    conversation (复检报告多久能出来? after …几个工作日内能申请复检?: 报告), when the
    best holds none and one of the same or next passage does; the sentence answering
    the previous question is not the answer to the next."""
    words = [t for t in analysis.added_tokens if len(t) >= 2 and not ASKING.search(t)]
    if not words or any(t in search_form(best.text) for t in words):
        return best
    for other in evidence[:KIND_CANDIDATES]:
        form = search_form(other.text)
        if (
            other.passage_rank <= best.passage_rank + 1
            and any(t in form for t in words)
            and (kind is None or kind.search(form))
        ):
            return other
    return best


def with_stated_figures(
    evidence: Sequence[Evidence], analysis: QuestionAnalysis, best: Evidence
) -> Evidence:
    """The best sentence holding every figure the question states (网购的衣服7天内能退吗?:
    …七日内退货), when the best holds one not and one of the best few holds them all;
    a stated figure no sentence holds is not-found rule 3's."""
    figures = analysis.stated_figures

    def holds_all(e: Evidence) -> bool:
        return not figures_missing(figures, search_form(e.text))

    # In a follow-up the figures are the conversation's (七天 of the question before
    # 寄回去的运费谁出?), not what this question asks about.
    if not figures or analysis.asked_tokens or holds_all(best):
        return best
    return next((e for e in evidence[:KIND_CANDIDATES] if holds_all(e)), best)


def asked_sides(analysis: QuestionAnalysis) -> list[tuple[tuple[str, ...], str]]:
    """The thresholds the question states with their side; none in a follow-up, whose
    figures are the conversation's."""
    return [] if analysis.asked_tokens else asked_thresholds(asked_form(analysis.text))


def on_asked_side(
    evidence: Sequence[Evidence], analysis: QuestionAnalysis, best: Evidence
) -> Evidence:
    """The best sentence stating a figure the question states on the side asked (货值在
    一万元以上的怎么罚?: …货值金额一万元以上的，并处…), when the best states it only on the
    other side (…不足一万元的) and a sentence of the same passage or the next states it
    on the asked side."""
    thresholds = asked_sides(analysis)
    # … or, without a side, an amount stated as the case (货值有5万元): the rule whose
    # condition it meets.
    amounts = (
        [] if thresholds or analysis.asked_tokens else asked_amounts(asked_form(analysis.text))
    )
    if thresholds:
        side: Callable[[str], str | None] = partial(side_stated, thresholds=thresholds)
    elif amounts:
        side = partial(amount_condition_met, amounts=amounts)
    else:
        return best
    if side(search_form(best.text)) != "other":
        return best
    near = [e for e in evidence[:KIND_CANDIDATES] if e.passage_rank <= best.passage_rank + 1]
    return next((e for e in near if side(search_form(e.text)) == "asked"), best)


def with_asked_kind(evidence: Sequence[Evidence], kind: re.Pattern[str] | None) -> Evidence:
    """The best sentence, or the best one that states what is asked (``kind``: a
    department, a document number, a time, an amount of money, a penalty, a number of
    the things counted) when the best does not and one of the same or next passage does."""
    best = evidence[0]
    if kind is None or kind.search(search_form(best.text)):
        return best
    # What is stated is about what is asked: the sentence (with its section) holds at
    # least half the question words the best holds (驰名商标达200件 does not say how many
    # 发明专利 there are to be, though it counts in 件).
    # Any number is stated almost everywhere, so for a bare 多少 only the best's own
    # passage is searched (使用补偿系数n不得高于0.5%, not the next article's 5日).
    reach = 0 if kind is NUMBER_STATED else 1
    for other in evidence[1:KIND_CANDIDATES]:
        if _held(other) < _held(best) / 2:
            continue
        if other.passage_rank <= best.passage_rank + reach and kind.search(search_form(other.text)):
            return other
    return best


def through_penalty(
    evidence: Sequence[Evidence],
    best: Evidence,
    deeds: Mapping[int, set[int]],
    kind: re.Pattern[str],
) -> Evidence:
    """What befalls the deed the best sentence states (会被怎么罚? after 商场能不能强迫
    商户参加促销?): when the best states no penalty (``kind``) and a passage among the
    results penalises its article by number (``deeds``: qa.retrieve.penalty_refs.
    deeds_penalised), that passage's best sentence stating it. The penalty article shares
    none of the question's words, so no score would choose it."""
    if kind.search(search_form(best.text)):
        return best
    penalties = {rank for rank, ranks in deeds.items() if best.passage_rank in ranks}
    return _best_stating(evidence, penalties, kind, best)


# A follow-up's deed is among the first passages: the conversation named it.
ANCHOR_DEPTH = 3


def anchored_penalty(
    evidence: Sequence[Evidence],
    best: Evidence,
    deeds: Mapping[int, set[int]],
    kind: re.Pattern[str],
) -> Evidence:
    """In a follow-up asking what befalls the deed just asked about (要是它没有违法所得，
    最多罚多少? after 装修公司偷换材料，可以这样做吗?): when the best sentence is a penalty
    of a passage penalising no deed among the results, while another passage penalises
    by number a deed among the first ``ANCHOR_DEPTH``, that passage's best sentence
    stating the penalty. The unanchored one matched the follow-up's few words only."""
    if best.passage_rank in deeds:
        return best
    anchored = {rank for rank, ranks in deeds.items() if any(r <= ANCHOR_DEPTH for r in ranks)}
    return _best_stating(evidence, anchored, kind, best)


def _best_stating(
    evidence: Sequence[Evidence], ranks: set[int], kind: re.Pattern[str], otherwise: Evidence
) -> Evidence:
    """The best sentence of the passages ranked ``ranks`` that states ``kind``."""
    return next(
        (e for e in evidence if e.passage_rank in ranks and kind.search(search_form(e.text))),
        otherwise,
    )

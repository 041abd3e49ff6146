"""A list item stating a case (（六）…安排未取得健康证明…的人员从事…工作；) and what
follows from it, stated by the list's introduction (…有下列情形之一的，…处五千元以上五万元
以下罚款…：). A question asking what befalls a deed is answered by the two together.

Pure functions over scored evidence and the passages it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.asked_cues import LIABILITY_ASKED, LIABILITY_STATED
from qa.answer.asked_sentence import KIND_CANDIDATES
from qa.answer.evidence import Evidence
from qa.answer.stated import MONEY_STATED, PENALTY_STATED
from qa.answer.structure import (
    CASE_ITEM_END,
    CASES_LISTED,
    ITEM,
    chunk_of,
    coverage,
    joined,
    list_intro,
    passage_sentences,
)
from qa.retrieve.penalty_refs import article_of_item, penalty_asked
from qa.retrieve.query import QuestionAnalysis, asked_form
from qa.retrieve.rule_items import rule_intro_of
from qa.textnorm import search_form
from qa.types import Chunk, Passage


def consequence_of_case(
    siblings: Sequence[Evidence], at: int, analysis: QuestionAnalysis, chunk: Chunk
) -> Evidence | None:
    """For a question asking what follows (怎么罚, 受什么处分, 承担什么责任), the
    introduction stating it when the best sentence is a list item stating a case
    (（二）…不撤销批准文件的；): a case is what was done, the introduction what follows
    (…有下列行为之一的，给予降级或者撤职的行政处分：). Words of a penalty inside the case
    (不撤销) are what was not done, not what follows."""
    asked = analysis.asks_penalty or analysis.asks_money
    if not (asked or LIABILITY_ASKED.search(asked_form(analysis.text))):
        return None
    end = list_intro(siblings, at)
    if end is None:
        return None
    # The introduction's clauses before the colon (…给予降级或者撤职的行政处分；构成犯罪
    # 的，依法追究刑事责任：) are one sentence to a reader.
    start = end
    while (
        start > 0
        and siblings[start - 1].text.rstrip().endswith(("；", ";"))
        and not ITEM.match(siblings[start - 1].text)
    ):
        start -= 1
    intro = joined(siblings[start], siblings[end], chunk)
    form = search_form(intro.text)
    # An item is a case when it ends like one (…的；) or when the introduction says its
    # items are cases (有下列行为之一的: (一)开展生物等效性试验未备案；, a deed without 的).
    if not (CASE_ITEM_END.search(siblings[at].text) or CASES_LISTED.search(form)):
        return None
    stated = PENALTY_STATED.search(form) or MONEY_STATED.search(form)
    return intro if stated or LIABILITY_STATED.search(form) else None


def penalised_case(
    evidence: Sequence[Evidence],
    analysis: QuestionAnalysis,
    kind: re.Pattern[str] | None,
    passages: Sequence[Passage],
) -> list[Evidence] | None:
    """For a question asking what befalls a deed (罚多少, 怎么处罚) whose best sentence
    states none (the rule broken: 取得健康证明后方可上岗工作), the penalty article's list
    item stating that deed (（六）…安排未取得健康证明…的人员从事接触直接入口食品的工作；)
    with the introduction stating what follows, when the item holds at least as much of
    the question as the best sentence: the rule repeats the deed's words, but only the
    penalty article answers. None otherwise."""
    if not (penalty_asked(analysis) or analysis.asks_money):
        return None
    top = evidence[0]
    if (kind or PENALTY_STATED).search(search_form(top.text)):
        return None
    for case in evidence[1:KIND_CANDIDATES]:
        if ITEM.match(case.text) and coverage(case) >= coverage(top):
            found = with_consequence(case, evidence, analysis, passages)
            if found is not None:
                return found
    return None


def with_consequence(
    case: Evidence,
    evidence: Sequence[Evidence],
    analysis: QuestionAnalysis,
    passages: Sequence[Passage],
) -> list[Evidence] | None:
    """A list item stating a case, after the introduction stating what follows from it:
    in the item's own passage, or, for an item of a long article chunked on its own, in
    the passage opening that article (put among the results by PenaltyArticles)."""
    chunk = chunk_of(case, passages)
    if chunk is None:
        return None
    siblings = passage_sentences(case, evidence)
    at = next(i for i, e in enumerate(siblings) if e is case)
    consequence = consequence_of_case(siblings, at, analysis, chunk)
    if consequence is not None:
        return [consequence, case]
    article = article_of_item(chunk.section_numbers)
    opening = next(
        (
            p
            for p in passages
            if article is not None
            and at == 0
            and p.chunk.doc_id == chunk.doc_id
            and p.chunk.section_numbers == article
        ),
        None,
    )
    if opening is None:
        return None
    lead = sorted((e for e in evidence if e.passage_rank == opening.rank), key=lambda e: e.span)
    consequence = consequence_of_case([*lead, case], len(lead), analysis, opening.chunk)
    return [consequence, case] if consequence is not None else None


def with_rule(item: Evidence, passages: Sequence[Passage]) -> list[Evidence] | None:
    """An item of a long article chunked on its own (（十一）无标签的预包装食品…；) after the
    opening's sentence putting the whole list under a rule (禁止生产经营下列食品…：), when
    that opening is among the passages: the item alone says neither may nor may not.
    The opening shares few of the question's words, so it is read from its passage, not
    from the evidence kept for sharing them."""
    chunk = chunk_of(item, passages)
    if chunk is None or not ITEM.match(item.text):
        return None
    ruled = rule_intro_of(chunk, passages)
    if ruled is None:
        return None
    opening, intro = ruled
    at = opening.chunk.text.rfind(intro)
    if at < 0:
        return None
    start = opening.chunk.span[0] + at
    lead = Evidence(
        opening.rank, opening.chunk.doc_id, (start, start + len(intro)), intro, item.score
    )
    return [lead, item]

"""The unit an answer shows: the best sentence, or each document's best, as a reader
needs it.

Pure functions over scored evidence (qa.answer.evidence): a sentence introducing a list
comes with its items, or the one item asked about; an item stating a case
(（二）…不撤销批准文件的；) with the introduction stating what follows from it, when that
is asked (受什么处分, 罚多少, 承担什么责任); a department note with the task it
closes; an exception with the rule it qualifies; an adjacent sentence holding question
words the best lacks. A question asking for a kind of thing (a department, a document
number, a time, a count) is answered by a sentence stating one when a close one does
(qa.answer.asked_sentence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.asked_sentence import (
    anchored_penalty,
    asked_kind,
    asked_sides,
    on_asked_side,
    through_penalty,
    with_asked_kind,
    with_new_words,
    with_stated_figures,
)
from qa.answer.cases import penalised_case, with_consequence, with_rule
from qa.answer.evidence import (
    MAX_SENTENCE_CHARS,
    Evidence,
    asked_words,
    is_heading,
)
from qa.answer.stated import (
    PENALTY_STATED,
    side_stated,
)
from qa.answer.structure import (
    INTRO_END,
    asked_child_item,
    chunk_of,
    coverage,
    introduces_list,
    is_catch_all,
    is_heading_sentence,
    joined,
    law_paragraph,
    list_intro,
    list_items,
    paragraph_before,
    passage_sentences,
    section_body,
    with_adjoining_paragraphs,
    with_items,
)
from qa.retrieve.definitions import DEFINES_A_TERM, defines, definition_subject
from qa.retrieve.penalty_refs import deeds_penalised, penalty_asked
from qa.retrieve.query import QuestionAnalysis
from qa.textnorm import search_form
from qa.types import Chunk, Passage

# A clause that qualifies the one before it and means little alone.
_EXCEPTION = re.compile(r"^\s*(?:但是|但|然而|否则|除外)")
# A department note closing a task: (牵头部门:…) / （市质监局负责）.
_NOTE = re.compile(r"^[（(].{0,80}(牵头|负责|责任单位|配合)")
# A sentence that itself names who leads: 牵头, or a note (（市质监局负责）).
_NAMES_LEAD = re.compile(r"牵头|[（(][^）)]{0,80}(负责|责任单位)")


def choose_evidence(
    evidence: Sequence[Evidence],
    analysis: QuestionAnalysis,
    per_document: Sequence[str] = (),
    passages: Sequence[Passage] = (),
) -> list[Evidence]:
    """The best sentence; with ``per_document``, the best sentence of each document.

    The unit shown is what a reader needs: a sentence introducing a list (…下列途径解决：)
    comes with its items; a department note (牵头部门:…) with the task it closes; an
    adjacent sentence is added when it holds topic words the best one lacks.
    """
    if not evidence:
        return []
    if per_document:
        # A document whose best sentence names nothing the question asks about has no
        # answer to give; it is left out rather than padded with an unrelated sentence.
        terms = [
            a
            for t in analysis.topic_terms or analysis.content_tokens
            for a in analysis.alternatives(t)
        ] + _modifiers(analysis)
        quoted = analysis.quoted_phrases
        chosen = []
        for doc_id in per_document:
            # A term the question quotes is asked as written: the document's best sentence
            # holding it (“质量月”), not its best sentence about 活动 in general.
            best = next(
                (
                    e
                    for e in evidence
                    if e.doc_id == doc_id
                    and all(q in search_form(e.text) for q in quoted)
                    and not is_heading_sentence(e)  # (一)总体目标 names the topic, answers nothing
                ),
                None,
            )
            if best is None:
                continue
            # What the sentence is about includes its section's heading: 到2018年建设质量
            # 强市取得明显成效 is the 总体目标 its section (二)总体目标 names.
            about = search_form(best.text + _section_of(best, passages))
            if _NOTE.match(best.text):
                # (市食安办牵头,各镇街配合落实) closes the task before it, which says what
                # is led: the two are one answer, judged together. The note closes its
                # whole paragraph, which names the task first (环境质量——…。…。(市环保局
                # 负责牵头落实)).
                about += search_form(paragraph_before(best, passages))
                best = _with_task(best, evidence, passages)
            if not terms or any(t in about for t in terms):
                chosen.append(best)
        return chosen or [evidence[0]]
    kind = asked_kind(analysis)
    if is_heading_sentence(evidence[0]) and not (
        kind is not None and kind.search(search_form(evidence[0].text))
    ):
        # A heading names what its section is about and answers nothing (东莞的总体目标是
        # 什么? is not answered by (一)总体目标): its section's body is the answer, whole
        # when it is short, else its best sentence. A heading stating what is asked
        # answers (规划筹备阶段(2012年10月至12月) for 是哪几个月?).
        body = section_body(evidence[0], evidence, passages)
        if body is not None:
            return [body]
        evidence = [e for e in evidence if not is_heading_sentence(e)] or list(evidence)
    top_chunk = chunk_of(evidence[0], passages)
    if top_chunk is not None:
        # The best sentence is a case of a list whose introduction states what follows
        # (罚多少: (一)超出批准范围从事认证活动的； under …处5万元以上20万元以下的罚款…：):
        # that introduction answers, not another article's sentence stating an amount.
        # So does one of a penalty article's cases holding as much of the question as
        # the best sentence, when that states no penalty (the rule the case breaks).
        case = (
            with_consequence(evidence[0], evidence, analysis, passages)
            or penalised_case(evidence, analysis, kind, passages)
            or with_rule(evidence[0], passages)
        )
        if case is not None:
            return case
    best = with_asked_kind(evidence, kind)
    if penalty_asked(analysis):
        deeds = deeds_penalised(passages)
        hopped = through_penalty(evidence, evidence[0], deeds, kind or PENALTY_STATED)
        if hopped is evidence[0] and analysis.asked_tokens:
            hopped = anchored_penalty(evidence, evidence[0], deeds, kind or PENALTY_STATED)
        best = hopped if hopped is not evidence[0] else best
    best = with_new_words(evidence, analysis, best, kind)
    best = with_stated_figures(evidence, analysis, best)
    best = on_asked_side(evidence, analysis, best)
    chunk = chunk_of(best, passages)
    if chunk is None:
        return [best]
    siblings = passage_sentences(best, evidence)
    units = _unit_of(best, siblings, chunk, evidence, analysis, kind, passages)
    last = units[-1]
    if len(units) == 1 and last.text.rstrip().endswith(INTRO_END):
        # An answer never stops at a colon: an introduction stating the asked kind
        # (…处20万元以上50万元以下的罚款：) still comes with its items, or the asked one
        # (有权采取下列措施： with （七）收缴伪造的农产品质量标志).
        listed = with_items(last, siblings, chunk)
        if listed:
            return listed
    return units


def _unit_of(
    best: Evidence,
    siblings: Sequence[Evidence],
    chunk: Chunk,
    evidence: Sequence[Evidence],
    analysis: QuestionAnalysis,
    kind: re.Pattern[str] | None,
    passages: Sequence[Passage],
) -> list[Evidence]:
    """The unit around ``best``, one of ``siblings`` (the sentences of its passage)."""
    at = next(i for i, e in enumerate(siblings) if e is best)
    intro_at = list_intro(siblings, at) if is_catch_all(siblings, at) else None
    if intro_at is not None:
        # (六)…其他价格违法行为 restates the list's introduction; the list answers.
        return with_items(siblings[intro_at], siblings, chunk) or [best]
    # An introduction ending in ： means nothing without its items (…但下列商品除外:),
    # whatever is asked; a question asking a kind (罚多少: 对农户，并处五百元以上五千元
    # 以下罚款：) may be answered by the introduction stating it, handled below.
    if (analysis.asks_list or kind is None) and best.text.rstrip().endswith(INTRO_END):
        listed = with_items(best, siblings, chunk, item_alone=True)
        if listed is None:
            # A long article's items are chunks of their own (（七）支持受损害的消费者提起
            # 诉讼 under 第三十七条 …履行下列公益性职责:), searched as passages.
            item = asked_child_item(best, evidence, passages)
            if item is not None:
                return [best, item]
        elif listed != [best]:
            return listed
    if kind is not None and introduces_list(best.text) and not kind.search(search_form(best.text)):
        # …依照下列规定处以罚款： states no amount; its items do (（一）发生一般事故，处上一
        # 年年收入百分之三十的罚款): the item stating the asked kind that holds most of
        # the question's words answers, read with the introduction it completes.
        stating = [e for e in list_items(siblings[at + 1 :]) if kind.search(search_form(e.text))]
        if stating:
            return [max(stating, key=coverage)]
    if _NOTE.match(best.text) and at > 0:
        return [joined(siblings[at - 1], best, chunk)]
    if at > 0 and _EXCEPTION.match(best.text):
        # 但是… is the exception to the rule before it; alone it would answer the opposite
        # of the rule (建设工程不适用本法规定；但是，…适用本法规定). After a full stop the
        # rule is shown too when both fit in one answer's length.
        rule = siblings[at - 1]
        if rule.text.rstrip().endswith(("；", ";")) or (
            best.span[1] - rule.span[0] <= MAX_SENTENCE_CHARS
        ):
            return [joined(rule, best, chunk)]
    following = siblings[at + 1] if at + 1 < len(siblings) else None
    if analysis.asks_department and following is not None and _NOTE.match(following.text):
        return [joined(best, following, chunk)]  # the task, then the note naming who leads
    if analysis.asks_department and not _NAMES_LEAD.search(best.text):
        # The note closing the item names who leads it, sentences later (…定期发布全市质
        # 量状况分析报告。(市“两建”工作领导小组牵头,…)); 政府负责 in the task is not it.
        note = next((e for e in siblings[at + 1 :] if _NOTE.match(e.text)), None)
        if note is not None:
            return [best, note]
    paragraph = law_paragraph(siblings, at, chunk)
    if paragraph is not None:
        return with_items(paragraph, siblings, chunk) or [
            with_adjoining_paragraphs(paragraph, siblings, chunk)
        ]
    adjoined = with_adjoining_paragraphs(best, siblings, chunk)
    if adjoined is not best:
        return [adjoined]
    # An adjacent sentence (never a heading) that holds question words the best lacks.
    missing = [t for t in asked_words(analysis) if t not in search_form(best.text)]
    neighbours = [
        siblings[i]
        for i in (at + 1, at - 1)
        if 0 <= i < len(siblings)
        and not is_heading(search_form(siblings[i].text), chunk, siblings[i].span[0])
    ]
    sides = asked_sides(analysis)
    subject = definition_subject(search_form(analysis.text)) if analysis.asks_definition else ""
    defined = bool(subject) and defines(search_form(best.text), subject)
    for other in neighbours:
        if not missing or not any(t in search_form(other.text) for t in missing):
            continue
        if defined and DEFINES_A_TERM.search(search_form(other.text)):
            # The asked term's definition is whole; the next term's (本办法所称的投诉…
            # beside …所称的举报) answers another question.
            continue
        if sides and side_stated(search_form(other.text), sides) == "other":
            continue  # the rule for the other side of the asked threshold (不足一万元的)
        if other.span < best.span and len(other.text) + len(best.text) > MAX_SENTENCE_CHARS:
            continue  # a long sentence before the answer would bury it
        if other.span > best.span:
            unit = joined(best, other, chunk)
            return with_items(unit, siblings, chunk) or [unit]
        return sorted([best, other], key=lambda e: e.span)
    return [best]


def _section_of(evidence: Evidence, passages: Sequence[Passage]) -> str:
    """The section path of the passage ``evidence`` comes from ("" when not given)."""
    chunk = chunk_of(evidence, passages)
    return "".join(chunk.section_path) if chunk is not None else ""


def _with_task(
    note: Evidence, evidence: Sequence[Evidence], passages: Sequence[Passage]
) -> Evidence:
    """A department note joined to the sentence before it in its passage (the task it
    closes), or the note alone when it opens the passage."""
    chunk = chunk_of(note, passages)
    before = [
        e for e in evidence if e.passage_rank == note.passage_rank and e.span[1] <= note.span[0]
    ]
    if chunk is None or not before:
        return note
    return joined(max(before, key=lambda e: e.span), note, chunk)


def _modifiers(analysis: QuestionAnalysis) -> list[str]:
    """The question's words right before a topic term (投诉 of 投诉热线): a document
    saying 质量投诉举报渠道 speaks of what is asked, though not with its head word."""
    form = search_form(analysis.text)
    return [
        t
        for t in analysis.content_tokens
        if len(t) >= 2
        and t not in analysis.topic_terms
        and any(f"{t}{topic}" in form for topic in analysis.topic_terms)
    ]

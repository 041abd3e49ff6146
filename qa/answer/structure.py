"""Where a sentence stands in its passage: a list's introduction and items, a
section's heading and body, a law article's paragraph (款). The answer unit
(qa.answer.answer_unit) widens or narrows the best sentence with these.

Pure functions over scored evidence and the chunks it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.evidence import MAX_SENTENCE_CHARS, Evidence, in_article
from qa.answer.evidence_weights import COVERAGE, HEADING
from qa.types import Chunk, Passage

# A list's items: （一）, (1), 一、, 1. or ① at the start of a sentence.
ITEM = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、]|[①-⑳])"
)
INTRO_END = ("：", ":")
LIST_LIMIT = 400  # characters of a list's items shown with its introducing sentence


def joined(first: Evidence, last: Evidence, chunk: Chunk) -> Evidence:
    """One unit from ``first``'s start to ``last``'s end (contiguous in the passage)."""
    start, end = first.span[0], last.span[1]
    text = chunk.text[start - chunk.span[0] : end - chunk.span[0]]
    return Evidence(
        first.passage_rank, first.doc_id, (start, end), text, max(first.score, last.score)
    )


def chunk_of(evidence: Evidence, passages: Sequence[Passage]) -> Chunk | None:
    """The chunk of the passage ``evidence`` comes from (None when not given)."""
    return next((p.chunk for p in passages if p.rank == evidence.passage_rank), None)


def coverage(evidence: Evidence) -> float:
    """Share of the asked words' weight the sentence holds (0 for a joined unit)."""
    return evidence.features[COVERAGE] if evidence.features else 0.0


def is_heading_sentence(evidence: Evidence) -> bool:
    return bool(evidence.features) and evidence.features[HEADING] > 0


def introduces_list(text: str) -> bool:
    """…下列途径解决： / …依照下列规定处以罚款； (laws end some introductions with ；)."""
    text = text.rstrip()
    return text.endswith(INTRO_END) or ("下列" in text and text.endswith(("；", ";")))


def passage_sentences(best: Evidence, evidence: Sequence[Evidence]) -> list[Evidence]:
    """The sentences of ``best``'s passage, in the passage's order."""
    return sorted(
        (e for e in evidence if e.passage_rank == best.passage_rank), key=lambda e: e.span
    )


def list_items(following: Sequence[Evidence]) -> list[Evidence]:
    """The sentences of the list that starts ``following``: its items, and the sentences
    an item runs on with (an item ends with ；, the last with 。)."""
    items: list[Evidence] = []
    for sentence in following:
        runs_on = bool(items) and items[-1].text.rstrip().endswith(("；", ";"))
        if not (ITEM.match(sentence.text) or runs_on):
            break
        items.append(sentence)
    return items


# A list item stating a case (（二）发现认证机构不再符合…条件，不撤销批准文件的；): what
# follows from it is in the introduction (…有下列行为之一的，给予降级或者撤职的行政处分：).
CASE_ITEM_END = re.compile(r"的\s*[；;。.]?\s*$")
# A list introduction saying its items are cases, whatever they end in: 有下列行为之一的,
# 具有下列情形之一的.
CASES_LISTED = re.compile(r"下列[^，,。：:；;]{0,8}之一的")


def list_intro(siblings: Sequence[Evidence], at: int) -> int | None:
    """Where the introduction of the list whose item is ``siblings[at]`` stands: the
    nearest sentence before it ending in a colon, every sentence between being an item or
    one an item runs on with; None when the item stands in no such list."""
    if not ITEM.match(siblings[at].text):
        return None
    for i in range(at - 1, -1, -1):
        text = siblings[i].text.rstrip()
        if introduces_list(text):
            return i
        if not (ITEM.match(siblings[i].text) or text.endswith(("；", ";"))):
            return None
    return None


# The last item of a list that only points at the rest (（六）应予从重处罚的其他价格违法
# 行为。, （九）法律、法规规定的其他情形): it names no case of its own, so it never
# answers which cases the list holds, however many of the question's words it repeats.
_CATCH_ALL = re.compile(r"其[他它][^，,；;。、]{0,12}[；;。.]?\s*$")


def is_catch_all(siblings: Sequence[Evidence], at: int) -> bool:
    """``siblings[at]`` is a list's last item, and one standing for "the others"."""
    text = siblings[at].text
    if not (ITEM.match(text) and _CATCH_ALL.search(text.rstrip())):
        return False
    return at + 1 == len(siblings) or not ITEM.match(siblings[at + 1].text)


def with_items(
    unit: Evidence, siblings: Sequence[Evidence], chunk: Chunk, *, item_alone: bool = False
) -> list[Evidence] | None:
    """A unit ending in a list's introduction (…标签应当标明下列事项：) with the items it
    introduces: the item holding more asked words than the introduction (（八）生产许可证
    编号；), as the introduction alone is judged — after the unit, or alone with
    ``item_alone`` (限期使用的产品…标明哪些日期 is answered by its item); else the items
    that fit in a list's length, joined to the unit; else the unit. None when the unit
    ends in an introduction whose items are not among ``siblings``. An answer never
    stops at a colon."""
    if not unit.text.rstrip().endswith(INTRO_END):
        return [unit]
    intro = next((e for e in siblings if e.span[1] == unit.span[1]), unit)
    items = list_items([e for e in siblings if e.span[0] >= unit.span[1]])
    if not items:
        return None
    offset = siblings.index(items[0])
    cases = [e for i, e in enumerate(items) if not is_catch_all(siblings, offset + i)]
    asked_item = max(cases or items, key=coverage)
    if cases and coverage(asked_item) > coverage(intro):
        return [asked_item] if item_alone else [unit, asked_item]
    shown = [e for e in items if e.span[1] - unit.span[0] <= LIST_LIMIT]
    return [joined(unit, shown[-1], chunk)] if shown else [unit]


def asked_child_item(
    intro: Evidence, evidence: Sequence[Evidence], passages: Sequence[Passage]
) -> Evidence | None:
    """Among the retrieved passages that are items of ``intro``'s section (chunked on
    their own), the item sentence holding the most asked words; None when none holds any."""
    parent = chunk_of(intro, passages)
    if parent is None:
        return None
    depth = len(parent.section_path)
    children = {
        p.rank
        for p in passages
        if p.chunk.doc_id == parent.doc_id
        and len(p.chunk.section_path) > depth
        and p.chunk.section_path[:depth] == parent.section_path
    }
    items = [e for e in evidence if e.passage_rank in children and ITEM.match(e.text)]
    best = max(items, key=coverage, default=None)
    return best if best is not None and coverage(best) > 0 else None


def section_body(
    heading: Evidence, evidence: Sequence[Evidence], passages: Sequence[Passage]
) -> Evidence | None:
    """The sentences after ``heading`` in its passage as one unit, when they fit in a
    list's length; else None."""
    chunk = chunk_of(heading, passages)
    after = sorted(
        (
            e
            for e in evidence
            if e.passage_rank == heading.passage_rank
            and e.span[0] >= heading.span[1]
            and not is_heading_sentence(e)
        ),
        key=lambda e: e.span,
    )
    if chunk is None or not after or after[-1].span[1] - after[0].span[0] > LIST_LIMIT:
        return None
    return joined(after[0], after[-1], chunk)


def _between(first: Evidence, last: Evidence, chunk: Chunk) -> str:
    """The passage's text from ``first``'s end to ``last``'s start."""
    return chunk.text[first.span[1] - chunk.span[0] : last.span[0] - chunk.span[0]]


def _refers_back(evidence: Evidence) -> bool:
    """Its first clause refers to the 款 before (采取前款规定的…)."""
    return bool(_REFERS_BACK.search(re.split(r"[，,；;。]", evidence.text, maxsplit=1)[0]))


def _same_paragraph(first: Evidence, last: Evidence, chunk: Chunk) -> bool:
    """``last`` (right after ``first``) goes on in ``first``'s 款: no line break between
    them or inside it."""
    return "\n" not in _between(first, last, chunk) and "\n" not in last.text.strip()


def _paragraph_bounds(siblings: Sequence[Evidence], at: int, chunk: Chunk) -> tuple[int, int]:
    """Indices of the first and last sentence of the 款 holding ``siblings[at]``."""
    start = end = at
    while start > 0 and _same_paragraph(siblings[start - 1], siblings[start], chunk):
        start -= 1
    while end + 1 < len(siblings) and _same_paragraph(siblings[end], siblings[end + 1], chunk):
        end += 1
    return start, end


def law_paragraph(siblings: Sequence[Evidence], at: int, chunk: Chunk) -> Evidence | None:
    """The 款 (paragraph) of a law article holding the best sentence, when it has more
    than one sentence and fits in one answer's length; else None (and None outside a law article).

    A 款 is the unit a law states a rule in (三包凭证应当随车转移。三包责任不因…所有权的转
    移而改变。): its sentences qualify one another, and a reader of the law quotes it whole.
    Policy documents are not cut this way: their paragraphs run to many measures.
    """
    # Inside an article, also in the chunk of one of its items: a long article is chunked
    # by item, and the 款 after its last item (违反本法规定，…执业的，处五千元以上五万元以下
    # 罚款；情节严重的，吊销其资格。) is in that item's chunk.
    if not in_article(chunk):
        return None
    start, end = _paragraph_bounds(siblings, at, chunk)
    if start == end or siblings[end].span[1] - siblings[start].span[0] > MAX_SENTENCE_CHARS:
        return None
    return joined(siblings[start], siblings[end], chunk)


# A 款 that refers back to the one before it (采取前款规定的干预措施，应当报国务院备案;
# 有前款所列行为，造成损失的): it has no meaning alone, and it qualifies that 款.
_REFERS_BACK = re.compile(r"前款|前两款|前三款|前述")


def _within_answer(first: Evidence, last: Evidence, chunk: Chunk) -> Evidence | None:
    """``first`` to ``last`` as one unit when it fits in one answer's length."""
    return (
        joined(first, last, chunk) if last.span[1] - first.span[0] <= MAX_SENTENCE_CHARS else None
    )


def with_qualifying_paragraph(
    unit: Evidence, siblings: Sequence[Evidence], chunk: Chunk
) -> Evidence:
    """``unit`` (a 款 of a law article, or its best sentence) with the 款 right after it
    when that one refers back to it in its first clause (省级政府采取前款规定的干预措施，应当
    报国务院备案) and both fit in one answer's length; else ``unit``."""
    if not in_article(chunk):
        return unit
    after = next((i for i, e in enumerate(siblings) if e.span[0] >= unit.span[1]), None)
    if after is None:
        return unit
    following = siblings[after]
    if "\n" not in _between(unit, following, chunk) or not _refers_back(following):
        return unit
    _, end = _paragraph_bounds(siblings, after, chunk)
    return _within_answer(unit, siblings[end], chunk) or unit


def with_referred_paragraph(unit: Evidence, siblings: Sequence[Evidence], chunk: Chunk) -> Evidence:
    """``unit`` (a 款 of a law article, or its first sentence) preceded by the 款 before
    it when ``unit`` opens by referring back to it (采取前款规定的干预措施，应当报国务院备案:
    which measures is said there) and both fit in one answer's length; else ``unit``."""
    if not in_article(chunk):
        return unit
    before = [i for i, e in enumerate(siblings) if e.span[1] <= unit.span[0]]
    if not before:
        return unit
    previous = siblings[before[-1]]
    if "\n" not in _between(previous, unit, chunk) or not _refers_back(unit):
        return unit
    start, _ = _paragraph_bounds(siblings, before[-1], chunk)
    return _within_answer(siblings[start], unit, chunk) or unit


def with_adjoining_paragraphs(
    unit: Evidence, siblings: Sequence[Evidence], chunk: Chunk
) -> Evidence:
    """``unit`` with the 款 it refers back to before it and the 款 referring back to it
    after it (``with_referred_paragraph``, ``with_qualifying_paragraph``)."""
    return with_qualifying_paragraph(
        with_referred_paragraph(unit, siblings, chunk), siblings, chunk
    )


def paragraph_before(evidence: Evidence, passages: Sequence[Passage]) -> str:
    """The text of ``evidence``'s paragraph before it in its passage ("" at a paragraph's
    start or without the passage)."""
    chunk = chunk_of(evidence, passages)
    if chunk is None:
        return ""
    before = chunk.text[: max(evidence.span[0] - chunk.span[0], 0)]
    return before[before.rfind("\n") + 1 :]

"""List items under a rule their article's opening states for the whole list.

A law states a prohibition or a duty once for a list (第三十四条 禁止生产经营下列食品、
食品添加剂、食品相关产品：) and each item only names a case (（十一）无标签的预包装食品、
食品添加剂；). A question whether one may do it (没贴标签的包装食品能不能卖?) shares its
words with the item, which says nothing of may or may not; the opening says it for every
item. When a long article is chunked item by item, the two are different passages.

``RuleIntroductions`` (a retrieval stage) puts the opening of such an article right before
an item of it among the first passages; ``rule_intro_of`` gives the scorer and the answer
the opening's introducing sentence, so the item is read as the rule it is a case of.

Pure functions over chunk text and outline labels; the stage reads only the index.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from qa.retrieve.fusion import Ranked
from qa.retrieve.penalty_refs import (
    article_of_item,
    article_openings,
    penalty_asked,
    states_penalty,
    with_penalties,
)
from qa.retrieve.stages import FirstPass, Query
from qa.store.index import SearchIndex
from qa.textnorm import search_form, split_sentences
from qa.types import Chunk, Passage

DEPTH = 3  # items among the first passages only: a low item is no answer to bring forward
# A rule for the list that follows: what may not, must or may be done with every item
# (禁止生产经营下列食品…：, 下列产品不得销售：, 有下列情形之一的，不予许可：, 应当…下列事项：).
_RULE = re.compile(
    r"禁止|不得|严禁|不准|不允许|应当|必须|可以|不予|不需要|无需|无须|免予|免于|有权|无权"
)
_INTRO_END = ("：", ":")


def rule_intro(opening_text: str) -> str | None:
    """The sentence of an article's opening that introduces its list under a rule
    (…禁止生产经营下列食品…：), or None: an opening that introduces no list, or whose
    list is of penalised deeds (…有下列行为之一的，…处…罚款：, read by qa.answer.cases)."""
    sentences = [opening_text[s:e] for s, e in split_sentences(opening_text)]
    last = next((s for s in reversed(sentences) if s.strip()), "")
    form = search_form(last).rstrip()
    if not form.endswith(_INTRO_END) or "下列" not in form:
        return None
    if not _RULE.search(form) or states_penalty(form):
        return None
    return last


def rule_intro_of(chunk: Chunk, passages: Sequence[Passage]) -> tuple[Passage, str] | None:
    """For an item of a long article chunked on its own, the passage opening that article
    and its rule's introducing sentence, when that passage is among ``passages``."""
    article = article_of_item(chunk.section_numbers)
    if article is None:
        return None
    for p in passages:
        if p.chunk.doc_id == chunk.doc_id and p.chunk.section_numbers == article:
            intro = rule_intro(p.chunk.text)
            return (p, intro) if intro is not None else None
    return None


def rule_openings(index: SearchIndex, chunk_ids: Collection[str]) -> dict[str, list[str]]:
    """For each of ``chunk_ids`` that is an item of a long article whose opening states a
    rule for its list, that opening's chunk."""
    return article_openings(index, chunk_ids, rule_intro)


@dataclass(frozen=True)
class RuleIntroductions:
    """For a question whether one may or must (能不能卖?), the opening stating the rule of
    an item among the first ``depth`` passages comes right before it."""

    depth: int = DEPTH

    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked:
        analysis = query.analysis
        if analysis.across_documents or not analysis.asks_permission or penalty_asked(analysis):
            return items
        openings = rule_openings(query.index, [i for i, _ in items[: self.depth]])
        # The same reordering as a deed's penalty: before the item, at its score.
        return with_penalties(items, openings) if openings else items

"""Penalty articles found through the articles they cite.

A regulation states a duty or a prohibition in one article and its penalty in another,
which names the first by number only: 经营者违反本办法第十二条、第十三条规定…处以违法所得
三倍以下…罚款. A question about what happens after the deed (商家在会员协议里写“解释权归
商家”，会被罚多少钱?) finds the deed's article, whose words it shares, but not the penalty
article, which shares none of them. ``PenaltyArticles`` (a retrieval stage) puts the
articles that penalise a well-ranked deed article right before it.

Pure functions over chunk text and outline labels; the stage reads only the index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from qa.retrieve.fusion import Ranked
from qa.retrieve.query import QuestionAnalysis
from qa.retrieve.stages import FirstPass, Query
from qa.store.index import SearchIndex
from qa.textnorm import search_form
from qa.types import Passage

_NUMBER = r"[零〇一二三四五六七八九十百千\d]+"
# 本法 / 本条例 / 本办法 / 本规定 / 本细则 / 本实施细则 / 本规则: the citing document itself
# (依照《消费者权益保护法》第五十六条 cites another law, whose numbers mean nothing here).
_OWN = r"本(?:实施)?(?:法|条例|办法|规定|细则|规则)"
# What may follow in one run of citations: 第五条至第十一条, 第四条、第七条至第九条,
# 第三十六条第一款第（二）项, 和 / 及 / 或者 between them.
_LINK = r"(?:[、,，]|和|及|以及|或者|或|与|至|到)"
_CLAUSE = rf"第{_NUMBER}条(?:第{_NUMBER}款)?(?:第?[(（]{_NUMBER}[)）]项?)*"
_RUN = re.compile(rf"{_OWN}((?:{_CLAUSE}{_LINK}?)+)")
_ARTICLE = re.compile(rf"第({_NUMBER})条")
_RANGE = re.compile(
    rf"第({_NUMBER})条(?:第{_NUMBER}款)?(?:第?[(（]{_NUMBER}[)）]项?)*(?:至|到)第({_NUMBER})条"
)
_LABEL = re.compile(rf"^第({_NUMBER})条$")
# What a penalty article states (罚款, 警告, 吊销…); 责令改正 alone is a penalty too.
_PENALTY = re.compile(r"罚款|罚金|处罚|警告|吊销|没收|责令|撤销|取消.{0,8}资格|通报批评")
# A question asking what befalls the deed beyond asks_penalty's 怎么罚 / 会被怎么处理:
# 罚多少, 按哪条来罚, 担什么责任, 法律责任.
_ASKS = re.compile(r"罚|(承|担|负)[^?？。]{0,4}责任|处分|后果")
# Deeds looked at: the first few passages (a deed ranked lower is seldom the one asked).
DEPTH = 3
# A penalty article citing more articles than this penalises a whole chapter (违反本法
# 规定的…), which says nothing about one deed.
MAX_CITED = 12


def _number(numeral: str) -> int | None:
    try:
        return int(numeral) if numeral.isdigit() else int(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


# Pure and asked of the same chunks again and again: the stage scans a deed's whole
# document for each penalty question, and the answer reads the same passages up to
# three times (sharing, the answering sentence, not-found rule 8).
@lru_cache(maxsize=65_536)
def own_articles_cited(text: str) -> frozenset[int]:
    """The numbers of the articles of its own document that ``text`` cites
    (本办法第五条至第十一条 -> 5…11; 本规定第四条、第七条至第九条 -> 4, 7, 8, 9)."""
    cited: set[int] = set()
    for run in _RUN.finditer(search_form(text)):
        body = run.group(1)
        for first, last in _RANGE.findall(body):
            a, b = _number(first), _number(last)
            if a is not None and b is not None and 0 < b - a < 200:
                cited.update(range(a, b + 1))
        for numeral in _ARTICLE.findall(body):
            n = _number(numeral)
            if n is not None:
                cited.add(n)
    return frozenset(cited)


def article_number(section_numbers: Sequence[str]) -> int | None:
    """The article a chunk belongs to (("第二章", "第十二条", "(六)") -> 12)."""
    for label in section_numbers:
        m = _LABEL.match(search_form(label))
        if m:
            return _number(m.group(1))
    return None


def states_penalty(text: str) -> bool:
    return bool(_PENALTY.search(text))


def asks_about_penalty(asks_penalty: bool, asked: str) -> bool:
    """Whether a question asks what befalls a deed (its search form ``asked``)."""
    return asks_penalty or bool(_ASKS.search(asked))


def penalty_asked(analysis: QuestionAnalysis) -> bool:
    """Whether the question (a follow-up's own words when it asks its own) asks what
    befalls a deed."""
    return asks_about_penalty(
        analysis.asks_penalty, search_form(analysis.asked_text or analysis.text)
    )


def penalising(chunks: Iterable[tuple[str, str]], article: int) -> list[str]:
    """Of one document's ``chunks`` (id, text), in order, those penalising ``article``."""
    found = []
    for chunk_id, text in chunks:
        if not states_penalty(text):
            continue
        cited = own_articles_cited(text)
        if article in cited and len(cited) <= MAX_CITED:
            found.append(chunk_id)
    return found


def with_penalties(items: Ranked, penalties: dict[str, list[str]]) -> Ranked:
    """``items`` with each deed's penalty chunks put right before it, at its score; a
    chunk moved up is not repeated further down, and one ranked above its deed stays."""
    position = {chunk_id: n for n, (chunk_id, _) in enumerate(items)}
    penalties = {
        deed: [p for p in ps if position.get(p, len(items)) > position.get(deed, -1)]
        for deed, ps in penalties.items()
    }
    moved = {p for ps in penalties.values() for p in ps}
    out: Ranked = []
    seen: set[str] = set()
    for chunk_id, score in items:
        for p in penalties.get(chunk_id, ()):
            if p not in seen:
                seen.add(p)
                out.append((p, score))
        if chunk_id in seen or (chunk_id in moved and chunk_id not in penalties):
            continue
        seen.add(chunk_id)
        out.append((chunk_id, score))
    return out


def deed_penalties(index: SearchIndex, chunk_ids: Collection[str]) -> dict[str, list[str]]:
    """For each of ``chunk_ids`` that is an article stating no penalty, the chunks of its
    document that penalise it."""
    found: dict[str, list[str]] = {}
    for chunk_id in chunk_ids:
        chunk = index.chunks[chunk_id]
        if states_penalty(chunk.text):
            continue
        article = article_number(chunk.section_numbers)
        if article is None:
            continue
        own = [(c.chunk_id, c.text) for c in index.document_chunks([chunk.doc_id])]
        penalties = [p for p in penalising(own, article) if p != chunk_id]
        if penalties:
            found[chunk_id] = penalties
    return found


def article_of_item(section_numbers: Sequence[str]) -> tuple[str, ...] | None:
    """The labels of the article a chunk is an item of (("第九章", "第一百二十六条",
    "（六）") -> ("第九章", "第一百二十六条")); None when it is not inside an article or
    is the article itself."""
    at = next(
        (i for i, label in enumerate(section_numbers) if _LABEL.match(search_form(label))), None
    )
    if at is None or at + 1 == len(section_numbers):
        return None
    return tuple(section_numbers[: at + 1])


def article_openings(
    index: SearchIndex, chunk_ids: Collection[str], opens_with: Callable[[str], object]
) -> dict[str, list[str]]:
    """For each of ``chunk_ids`` that is one item of a long article, chunked on its own,
    the chunk opening that article, when ``opens_with`` holds for its text."""
    found: dict[str, list[str]] = {}
    for chunk_id in chunk_ids:
        chunk = index.chunks[chunk_id]
        article = article_of_item(chunk.section_numbers)
        if article is None:
            continue
        opening = next(
            (c for c in index.document_chunks([chunk.doc_id]) if c.section_numbers == article),
            None,
        )
        if opening is not None and opening.chunk_id != chunk_id and opens_with(opening.text):
            found[chunk_id] = [opening.chunk_id]
    return found


def case_introductions(index: SearchIndex, chunk_ids: Collection[str]) -> dict[str, list[str]]:
    """For each of ``chunk_ids`` that is one item of a long penalty article, chunked on
    its own (（六）…安排未取得健康证明…的人员从事接触直接入口食品的工作；), the chunk
    opening that article when it states the penalty (…有下列情形之一的，…处五千元以上
    五万元以下罚款…：): the item is the deed, the opening what befalls it."""
    return article_openings(index, chunk_ids, states_penalty)


def deeds_penalised(passages: Sequence[Passage]) -> dict[int, set[int]]:
    """For each passage stating a penalty, the ranks of the passages of its document
    whose article it penalises by number (empty when none). The answer reads such a
    penalty through its deed: the deed shares the question's words, the penalty none."""
    deeds: dict[int, set[int]] = {}
    for penalty in passages:
        if not states_penalty(penalty.chunk.text):
            continue
        cited = own_articles_cited(penalty.chunk.text)
        if not cited or len(cited) > MAX_CITED:
            continue
        ranks = {
            p.rank
            for p in passages
            if p.chunk.doc_id == penalty.chunk.doc_id
            and p.rank != penalty.rank
            and not states_penalty(p.chunk.text)
            and article_number(p.chunk.section_numbers) in cited
        }
        if ranks:
            deeds[penalty.rank] = ranks
    return deeds


@dataclass(frozen=True)
class PenaltyArticles:
    """For a question asking what befalls a deed, the articles penalising one of the
    first ``depth`` passages come right before it, and so does the opening of the
    penalty article one of them is an item of."""

    depth: int = DEPTH

    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked:
        if query.analysis.across_documents or not penalty_asked(query.analysis):
            return items
        first = [i for i, _ in items[: self.depth]]
        penalties = {**deed_penalties(query.index, first), **case_introductions(query.index, first)}
        return with_penalties(items, penalties) if penalties else items

"""What a question asks for: places, documents, years, figures, comparisons.

Pure functions over the question text and the corpus metadata. Place names come from
the documents' own metadata (their regions and titles), never from a fixed list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg

from qa.keyword import tokenize
from qa.textnorm import search_form
from qa.types import Document

# Administrative suffixes stripped to get the short name people say (厦门市 -> 厦门).
_REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "盟", "州", "县", "区", "旗")
# Place words that name no particular place in the corpus.
_GENERIC_PLACES = frozenset(
    "中国 全国 我国 国家 国内 国际 全省 全市 本市 本省 各地 各市 地方 城市 中华人民共和国 "
    "全盟 本地 当地 各省 省市 市县".split()
)
_FIGURE_WORDS = ("多少", "几", "比例", "比率", "目标", "百分", "%", "率", "数量", "金额", "多久", "多长", "哪一年", "何时")
_ALL_DOCS_WORDS = ("各地", "各市", "各城市", "哪些城市", "哪些地方", "哪些地区", "哪几个", "各个", "哪些文件", "所有文件", "各文件", "哪个城市", "哪座城市", "哪些省")
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_QUOTED = re.compile(r"[《〈]([^》〉]{2,60})[》〉]")


def place_aliases(region: str) -> set[str]:
    """Search forms under which a region may be named: 厦门市 -> {厦门市, 厦门}."""
    form = search_form(region)
    aliases = {form} if form else set()
    for suffix in _REGION_SUFFIXES:
        if form.endswith(suffix) and len(form) - len(suffix) >= 2:
            aliases.add(form[: -len(suffix)])
            break
    return aliases


@dataclass(frozen=True)
class QuestionAnalysis:
    text: str  # normalised question
    doc_ids: tuple[str, ...]  # documents named by place or title, in order of mention
    unknown_places: tuple[str, ...]  # place names that match no document's region
    years: tuple[str, ...]
    wants_figure: bool
    across_documents: bool  # "各地…分别", "哪些城市…": answer per document
    content_tokens: tuple[str, ...]  # keyword tokens without the place names


@lru_cache(maxsize=4096)
def _place_words(question_form: str) -> tuple[str, ...]:
    return tuple(w.word for w in jieba.posseg.cut(question_form) if w.flag == "ns")


def analyse(question: str, documents: Sequence[Document]) -> QuestionAnalysis:
    form = search_form(question)
    mentions: list[tuple[int, str]] = []
    known_aliases: set[str] = set()
    for document in documents:
        aliases = place_aliases(document.region) if document.region else set()
        known_aliases |= aliases
        positions = [form.find(a) for a in aliases if a and a in form]
        for quoted in _QUOTED.findall(question):
            q = search_form(quoted)
            title = search_form(document.title)
            if q and title and (q in title or title in q):
                positions.append(form.find(q) if q in form else 0)
        if positions:
            mentions.append((min(p for p in positions if p >= 0), document.doc_id))
    doc_ids = tuple(doc_id for _, doc_id in sorted(mentions))
    unknown = tuple(
        word
        for word in dict.fromkeys(_place_words(form))
        if word not in _GENERIC_PLACES and not _covered(word, known_aliases)
    )
    tokens = tuple(t for t in tokenize(question) if not _covered(t, known_aliases | set(unknown)))
    return QuestionAnalysis(
        text=question,
        doc_ids=doc_ids,
        unknown_places=unknown,
        years=tuple(dict.fromkeys(m.group(0) for m in _YEAR.finditer(form))),
        wants_figure=any(w in form for w in _FIGURE_WORDS),
        across_documents=any(w in form for w in _ALL_DOCS_WORDS) and len(doc_ids) != 1,
        content_tokens=tokens,
    )


def _covered(word: str, aliases: Iterable[str]) -> bool:
    return any(word in alias or alias in word for alias in aliases if alias)

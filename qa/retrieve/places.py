"""Places in questions and documents: the names a region goes by, the words that ask
every place (各地, 哪些城市), and the place names a question names.

Place names come from the documents' own regions and from the gazetteer of
administrative divisions (qa.gazetteer), never from the tagger's guesses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.errors import InputError
from qa.gazetteer import gazetteer
from qa.retrieve.topics import tagged_words
from qa.textnorm import search_form
from qa.types import Document

# Administrative suffixes stripped to get the short name people say (厦门市 -> 厦门).
_REGION_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "盟",
    "州",
    "县",
    "区",
    "旗",
)
# Place words that name no particular place in the corpus.
GENERIC_PLACES = frozenset(
    [
        "中国",
        "全国",
        "我国",
        "国家",
        "国内",
        "国际",
        "全省",
        "全市",
        "本市",
        "本省",
        "各地",
        "各市",
        "地方",
        "城市",
        "中华人民共和国",
        "全盟",
        "本地",
        "当地",
        "各省",
        "省市",
        "市县",
    ]
)
_ALL_DOCS_WORDS = (
    "各地",
    "各市",
    "各城市",
    "哪些城市",
    "哪些地方",
    "哪些地区",
    # 哪几个 / 各个 alone count anything (哪几个月, 哪几个环节, 各个镇街); only with a
    # place or a document do they ask the documents one by one.
    "哪几个城市",
    "哪几个地方",
    "哪几个地区",
    "哪几个省",
    "哪几个文件",
    "各个城市",
    "各个地方",
    "各个地区",
    "各个文件",
    "哪些文件",
    "所有文件",
    "各文件",
    "哪个城市",
    "哪座城市",
    "哪些省",
)
# Of these, the words that ask about places: only documents of a place (a region) answer.
PLACE_WORDS = ("各地", "各市", "城市", "地方", "地区", "哪些省")
# 地方 is also "a part, a spot": 检查哪些地方 asks which parts of a car. As localities it
# opens the question or follows 有 / 在 / 是 (哪些地方提出了…, 全国有哪些地方…).
_SPOTS = re.compile(r"(?<=[^有在是的，,、和与对])(?:哪些|哪几个)地方")


def across_cues(form: str) -> list[str]:
    """The words of the question that ask every document (各地, 哪些城市)."""
    localities = _SPOTS.sub(" ", form)
    return [w for w in _ALL_DOCS_WORDS if w in localities]


def place_aliases(region: str) -> set[str]:
    """Search forms under which a region may be named: 厦门市 -> {厦门市, 厦门}."""
    form = search_form(region)
    aliases = {form} if form else set()
    for suffix in _REGION_SUFFIXES:
        if form.endswith(suffix) and len(form) - len(suffix) >= 2:
            aliases.add(form[: -len(suffix)])
            break
    return aliases


def names_document(name: str, document: Document) -> bool:
    """Does ``name`` (a doc id, a region with or without its suffix, or a fragment of
    the title, in either script) designate ``document``? Used by every document filter."""
    form = search_form(name)
    if not form:
        return False
    return (
        name == document.doc_id
        or form in search_form(document.title)
        or any(form == a or form in a for a in place_aliases(document.region))
    )


def place_words(question_form: str) -> tuple[str, ...]:
    """Place names the question names: from the gazetteer of administrative divisions
    (qa.gazetteer), including those inside a government's name (深圳市政府 -> 深圳市).
    The tagger's "ns" guesses are not trusted (it tags 东西 as a place)."""
    words = tuple(word for word, _ in tagged_words(question_form))
    return tuple(gazetteer().names_in(question_form, words))


def documents_named(
    doc_filter: str | Iterable[str] | None, documents: Iterable[Document]
) -> list[str]:
    """doc ids for a filter given as ids, regions or title fragments ("A|B" allowed)."""
    if not doc_filter:
        return []
    documents = list(documents)
    parts = doc_filter.split("|") if isinstance(doc_filter, str) else list(doc_filter)
    out: list[str] = []
    for part in (p.strip() for p in parts if p and p.strip()):
        matches = [d.doc_id for d in documents if names_document(part, d)]
        if not matches:
            known = ", ".join(f"{d.doc_id} ({d.region})" for d in documents)
            raise InputError(
                f"No document matches the filter {part!r}.", f"Known documents: {known}."
            )
        out.extend(m for m in matches if m not in out)
    return out

"""Sections a question cites by number (五、（五）, 第（十五）项, 主要措施第30条, 第六部分)
that the document it names does not have: not-found rule 16, the policy documents'
counterpart of an article a regulation does not have (rule 12).

Pure functions over the question (search form) and the named documents' outlines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import cn2an

from qa.textnorm import search_form
from qa.types import Section

_CN = r"[一二三四五六七八九十]+"
# 五、(五): a section under a top-level one.
_PATH = re.compile(rf"({_CN})、\(({_CN})\)")
# 第(十五)项, (十五)项: a bracketed section anywhere in the outline.
_BRACKETED = re.compile(rf"(?<!、)第?\(({_CN})\)(?:项|条|部分|点)?")
# 第30条, 第三十项, 第30点 of a document without articles: a numbered item (30、 / 30.).
_ITEM = re.compile(r"第(\d+|[一二三四五六七八九十百]+)(?:条|项|点)")
# 第六部分: a top-level section (六、).
_PART = re.compile(rf"第({_CN})部分")
_ARTICLE = re.compile(r"^第.+条$")


def _walk(sections: Sequence[Section], parents: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for section in sections:
        path = (*parents, search_form(section.number).strip())
        yield path
        yield from _walk(section.children, path)


def _digits(number: str) -> str:
    try:
        return number if number.isdigit() else str(cn2an.cn2an(number, "smart"))
    except (ValueError, KeyError, TypeError):
        return ""


def absent_section(question_form: str, outlines: Sequence[Sequence[Section]]) -> str:
    """The first section ``question_form`` cites that none of the named documents'
    ``outlines`` has, as the question writes it; "" when every cited one exists or
    nothing is cited. A regulation's 第X条 is rule 12's (qa.answer.support)."""
    paths = [set(_walk(outline)) for outline in outlines if outline]
    if not paths:
        return ""

    def anywhere(label: str) -> bool:
        return any(label in path for doc in paths for path in doc)

    for m in _PATH.finditer(question_form):
        top, sub = f"{m.group(1)}、", f"({m.group(2)})"
        if not any(p[:2] == (top, sub) for doc in paths for p in doc):
            return m.group(0)
    for m in _BRACKETED.finditer(question_form):
        if not anywhere(f"({m.group(1)})"):
            return m.group(0)
    for m in _PART.finditer(question_form):
        if not any(p[:1] == (f"{m.group(1)}、",) for doc in paths for p in doc):
            return m.group(0)
    with_articles = any(_ARTICLE.match(p[-1]) for doc in paths for p in doc)
    if not with_articles:
        for m in _ITEM.finditer(question_form):
            number = _digits(m.group(1))
            if number and not (anywhere(f"{number}、") or anywhere(f"{number}.")):
                return m.group(0)
    return ""

"""Which documents state an indicator: figures matched by what they measure (pure).

Used to keep every document that states the asked indicator in a comparison, at any
corpus size, and to tell the reader of a question that names no place which other
documents state the same indicator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from qa.textnorm import search_form
from qa.types import Figure

MIN_SHARED = 4  # characters two indicators must share to be "the same indicator"


# An indicator's search form, kept: a place-less answer's figures are compared with every
# figure of the corpus (300,000 comparisons over the 1,566-document index, about one
# second a question when each form was computed anew). Indicators repeat across
# questions; the cache holds the distinct ones of a large corpus.
@lru_cache(maxsize=262_144)
def indicator_form(indicator: str) -> str:
    return search_form(indicator)


def names_every_term(indicator: str, terms: Sequence[str]) -> bool:
    """Whether ``indicator`` names each term, or a term of three or more characters
    without its last or first one: 饮用水源地 is 饮用水源 in another document
    (城市集中式饮用水源水质达标率), 农产品抽检 is 产品抽检."""
    form = indicator_form(indicator)
    return bool(terms) and all(_names(form, t) for t in terms)


def _names(form: str, term: str) -> bool:
    if term in form:
        return True
    return len(term) >= 3 and (term[:-1] in form or term[1:] in form)


def documents_stating(figures: Iterable[Figure], terms: Sequence[str]) -> list[str]:
    """Documents with a figure whose indicator names every term, in corpus order."""
    if not terms:
        return []
    return list(dict.fromkeys(f.doc_id for f in figures if names_every_term(f.indicator, terms)))


def same_indicator(a: str, b: str) -> bool:
    """森林覆盖率 and 全市森林覆盖率 are the same indicator; 合格率 and 抽查合格率 are not
    (too short to tell)."""
    fa, fb = indicator_form(a), indicator_form(b)
    shorter, longer = sorted((fa, fb), key=len)
    return len(shorter) >= MIN_SHARED and shorter in longer


def also_stated(
    stated: Sequence[Figure], figures: Iterable[Figure], limit: int = 5
) -> list[Figure]:
    """For the figures an answer states, one figure of the same indicator per other
    document (in corpus order), at most ``limit`` documents."""
    exclude = {f.doc_id for f in stated}
    out: list[Figure] = []
    seen: set[str] = set()
    for figure in figures:
        if figure.doc_id in exclude or figure.doc_id in seen:
            continue
        if any(same_indicator(figure.indicator, s.indicator) for s in stated):
            out.append(figure)
            seen.add(figure.doc_id)
            if len(out) >= limit:
                break
    return out

"""Sections a question cites by number: 五、（五）, 第（十五）项, 主要措施第30条, 第六部分,
计量法第9条. Retrieval puts a cited section of a named document first
(qa.retrieve.stages.CitedSections); one the named document does not have is not found
(not-found rule 16): an article a regulation lacks or a part a policy document lacks.

Pure functions over the question (search form) and outline labels (search form:
"五、", "(五)", "29、", "第九条").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import cn2an

from qa.textnorm import search_form
from qa.types import Section

_CN = r"[一二三四五六七八九十]+"
# 五、(五): a section under a top-level one.
_PATH = re.compile(rf"({_CN})、\(({_CN})\)")
# 第(十五)项, (十五)项: a bracketed section anywhere in the outline.
_BRACKETED = re.compile(rf"(?<!、)第?\(({_CN})\)(?:项|条|部分|点)?")
# 第30条, 第三十项, 第一百零一条: a numbered item of a plan (30、 / 30.) or a regulation's
# article (第一百零一条).
_ITEM = re.compile(r"第(\d+|[零〇一二三四五六七八九十百千]+)(条|项|点)")
# 第六部分: a top-level section (六、).
_PART = re.compile(rf"第({_CN})部分")
_ARTICLE = re.compile(r"^第.+条$")

Run = tuple[str, ...]  # outline labels in a row, e.g. ("五、", "(五)")


@dataclass(frozen=True)
class CitedSection:
    """A section as the question writes it, and the label runs that are it."""

    cited: str
    runs: tuple[Run, ...]
    item: bool = False  # 第N条 / 第N项: an article of a regulation, or a plan's item


def _digits(number: str) -> str:
    try:
        return number if number.isdigit() else str(cn2an.cn2an(number, "smart"))
    except (ValueError, KeyError, TypeError):
        return ""


def _words(digits: str) -> str:
    try:
        return str(cn2an.an2cn(digits, "low"))
    except (ValueError, KeyError, TypeError):
        return ""


def cited_sections(question_form: str) -> list[CitedSection]:
    """Every section ``question_form`` cites by number, in the order written."""
    found: list[tuple[int, CitedSection]] = []
    for m in _PATH.finditer(question_form):
        found.append(
            (m.start(), CitedSection(m.group(0), ((f"{m.group(1)}、", f"({m.group(2)})"),)))
        )
    for m in _BRACKETED.finditer(question_form):
        found.append((m.start(), CitedSection(m.group(0), ((f"({m.group(1)})",),))))
    for m in _PART.finditer(question_form):
        found.append((m.start(), CitedSection(m.group(0), ((f"{m.group(1)}、",),))))
    for m in _ITEM.finditer(question_form):
        number = _digits(m.group(1))
        if not number:
            continue
        runs: list[Run] = [(f"{number}、",), (f"{number}.",)]
        if m.group(2) == "条" and _words(number):
            runs.append((f"第{_words(number)}条",))
        found.append((m.start(), CitedSection(m.group(0), tuple(runs), item=True)))
    return [ref for _, ref in sorted(found, key=lambda f: f[0])]


def holds(numbers: Sequence[str], run: Run) -> bool:
    """Whether the outline labels ``numbers`` (a chunk's, top first) hold ``run`` in a row."""
    width = len(run)
    return any(tuple(numbers[i : i + width]) == run for i in range(len(numbers) - width + 1))


def _walk(sections: Sequence[Section], parents: Run = ()) -> Iterator[Run]:
    for section in sections:
        path = (*parents, search_form(section.number).strip())
        yield path
        yield from _walk(section.children, path)


def cites(numbers: Sequence[str], refs: Sequence[CitedSection]) -> bool:
    """Whether a chunk with the outline labels ``numbers`` is one of the cited ``refs``."""
    return any(holds(numbers, run) for ref in refs for run in ref.runs)


@dataclass(frozen=True)
class AbsentSection:
    """A cited section the named documents do not have, as the question writes it."""

    cited: str
    article: bool  # 第X条 of a regulation (documents with articles)


def absent_section(
    question_form: str, outlines: Sequence[Sequence[Section]]
) -> AbsentSection | None:
    """The first section ``question_form`` cites that none of the named documents'
    ``outlines`` has; None when every cited one exists or nothing is cited."""
    paths = [path for outline in outlines for path in _walk(outline)]
    if not paths:
        return None
    with_articles = any(_ARTICLE.match(p[-1]) for p in paths)
    for ref in cited_sections(question_form):
        article = ref.item and with_articles
        if article and not ref.cited.endswith("条"):
            continue  # 第三项 of a regulation is an item of an article, not numbered alone
        if not any(holds(p, run) for p in paths for run in ref.runs):
            return AbsentSection(ref.cited, article)
    return None


# When a law takes effect (…是从哪一天开始施行的, 什么时候生效): its closing article says
# (本条例自2003年11月1日起施行), which shares no other word with the question.
_EFFECTIVE_ASKED = re.compile(
    r"(什么时候|何时|哪一天|哪天|哪年|哪一年|几月几日|几号|日期|时间)[^,，]{0,6}(施行|生效)"
    r"|(施行|生效)(的)?(日期|时间)"
)
# A law takes effect (本法自1993年9月1日起施行); a policy document is put into effect
# (本意见自发布之日起实施) — 实施 of a measure (自2015年起实施…制度) is not the document's.
EFFECTIVE_STATED = re.compile(
    r"自[^。，,]{2,30}起(施行|生效)"
    r"|本(?:意见|办法|方案|规定|通知|细则|计划|纲要|决定|规划)自[^。，,]{2,20}起(?:实施|执行)"
)


def asks_effective_date(question_form: str) -> bool:
    """Whether the question asks when a document takes effect."""
    return bool(_EFFECTIVE_ASKED.search(question_form))

"""Figure extraction: every quantitative statement of a document as a ``Figure``.

Pure and linear in the text length: one scan for number candidates, sorted boundary
offsets for clause/sentence/paragraph lookups, small windows around each value.
The word lists and patterns live in ``qa.ingest.figure_rules``.

What counts as a figure: a value with a measure word (92%, 5件, 300余家, 十五日内,
百分之三十), or a bare value with a comparator word (达90以上). Not figures: dates,
years used as time references, document numbers, hotlines and other long codes,
ordinals (第X条/次), outline markers, and Chinese numerals naming concepts (三个转变,
十八大) - a Chinese numeral needs a unit plus a comparator word or 内/以上/以下.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.errors import InputError
from qa.ingest import figure_rules as rules
from qa.ingest.figure_layout import Layout
from qa.types import Document, Figure, Section

_MAX_INDICATOR = 60
_SHORT_INDICATOR = 24
_CUE_WINDOW = 10
# How far a clause or sentence may reach from a value: keeps each figure's work bounded
# on texts with no punctuation, so extraction stays linear.
_REACH = 400


def extract_figures(document: Document, sections: Sequence[Section] = ()) -> list[Figure]:
    """All figures of ``document`` in text order.

    ``sections`` is the document's outline (``qa.ingest.outline.parse_outline``); it gives each
    figure its ``section_path`` and lets a target year stated at the top of a section
    (到2018年……) govern the figures inside it. Pass ``()`` when no outline is known.
    """
    if not isinstance(document, Document) or not isinstance(document.text, str):
        raise InputError(
            "extract_figures needs a qa.types.Document with its text.",
            "Build the document with qa.ingest.parse (or qa.types.Document) before extracting.",
        )
    bad = [s for s in sections if not isinstance(s, Section)]
    if bad:
        raise InputError(
            f"extract_figures got {type(bad[0]).__name__} where a Section was expected.",
            "Pass the tuple returned by qa.ingest.outline.parse_outline(document.text), or ().",
        )
    text = document.text
    view = rules.matching_view(text, document.script == "traditional")
    layout = Layout(view, sections)
    names = _name_spans(text, document)
    figures: list[Figure] = []
    previous_end = 0
    for found in rules.NUMBER_RE.finditer(view):
        at = bisect.bisect_right(names, (found.start(), float("inf"))) - 1
        if at >= 0 and names[at][0] <= found.start() < names[at][1]:
            continue  # a number inside a title or a document number is no figure
        candidate = _candidate(view, found, layout)
        if candidate is None:
            continue
        figure = _build_figure(document, view, layout, candidate, previous_end)
        if figure is not None:
            figures.append(figure)
            previous_end = candidate.end
    return figures


_QUOTED_TITLE = re.compile(r"《[^《》\n]{1,120}》")


def _name_spans(text: str, document: Document) -> list[tuple[int, int]]:
    """Spans of names, not statements: the document's title and number wherever they
    are written, and every title in 《》 (三年行动方案 states no increase of 三 年)."""
    spans = [m.span() for m in _QUOTED_TITLE.finditer(text)]
    for name in (document.title, document.doc_number):
        if len(name) >= 4:
            start = text.find(name)
            while start >= 0:
                spans.append((start, start + len(name)))
                start = text.find(name, start + 1)
    return sorted(spans)


@dataclass(frozen=True)
class _Candidate:
    value_span: tuple[int, int]
    end: int  # after unit and comparator words
    unit: str
    after: str
    approx: bool
    is_range: bool


def _candidate(view: str, found: re.Match[str], layout: Layout) -> _Candidate | None:
    kind = next(name for name in ("pct", "frac", "ar", "cn") if found.group(name) is not None)
    start, stop = found.span(kind)
    if start == stop:
        return None
    unit = found.group("unit") or ""
    after = found.group("after") or ""
    value = view[start:stop]
    # 五万元 is 5 × 万元, as 5万元 is: keep the multiplier in the unit.
    multiplier = value[-1]
    scaled_unit = multiplier + unit
    if kind == "cn" and len(value) > 1 and multiplier in "万亿" and scaled_unit in rules.UNIT_SET:
        unit = scaled_unit
        stop -= 1
        value = value[:-1]
    if kind == "pct":
        unit = "‰" if value.startswith("千") else "%"
    if after == "内" and not unit:
        return None
    is_range = bool(kind in ("ar", "cn") and rules.RANGE_SPLIT_RE.search(value))
    candidate = _Candidate(
        value_span=(start, stop),
        end=found.end(),
        unit=unit,
        after=after,
        approx=found.group("approx") is not None,
        is_range=is_range,
    )
    if kind == "ar" and not _arabic_ok(view, candidate, value, layout):
        return None
    if kind == "cn" and not _chinese_ok(view, candidate, value):
        return None
    return candidate


def _arabic_ok(view: str, c: _Candidate, value: str, layout: Layout) -> bool:
    """Whether an Arabic number is a quantity rather than a date, year, code or marker."""
    start, stop = c.value_span
    if layout.in_date(start, stop):
        return False
    before = view[max(0, start - 3) : start].rstrip()
    if before.endswith(("第", "〔", "[", "【")):
        return False
    nxt = view[stop : stop + 1]
    if nxt.isascii() and nxt.isalpha():
        return False  # part of a code such as 3C, 4A, ISO9001
    parts = rules.RANGE_SPLIT_RE.split(value) if c.is_range else [value]
    years = all(rules.YEAR_LIKE_RE.fullmatch(p.replace(",", "")) for p in parts)
    if years and (c.unit in ("年", "") or view.startswith("年", c.end)):
        return False
    if c.unit == "年" and view[c.end : c.end + 1] in ("度", "级", "代"):
        return False
    if c.unit:
        return True
    integer = value.split(".")[0].replace(",", "")
    if len(integer) > 4:
        return False  # hotlines, codes, registration numbers
    if not c.after and not c.approx and _is_han(view[stop : stop + 1]):
        return False  # followed by a measure word we do not know (为5级, 36磅)
    return bool(c.after) or _cue(view, start) is not None


def _chinese_ok(view: str, c: _Candidate, value: str) -> bool:
    """Chinese numerals are mostly names (三个转变, 十八大): demand unit and comparator."""
    if not c.unit:
        return False
    if c.unit == "年" and ("〇" in value or "零" in value) and len(value) == 4:
        return False  # a year written digit by digit
    if view[c.end : c.end + 1] in ("性", "级", "大", "届"):
        return False
    if c.unit == "批":
        return False  # 一批 / 两批: "a batch of", not a count anyone targets
    if c.unit in ("条", "款") and not c.after:
        return False  # 增加一条 / 删去一款: amendments, not quantities
    return bool(c.after) or _cue(view, c.value_span[0]) is not None


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _cue(view: str, start: int, lo: int = 0) -> re.Match[str] | None:
    """The comparator word right before a value (spaces allowed), if any."""
    lo = max(lo, start - _CUE_WINDOW)
    return rules.CUE_RE.search(view, lo, start)


def _build_figure(
    document: Document, view: str, layout: Layout, c: _Candidate, previous_end: int
) -> Figure | None:
    text = document.text
    start, stop = c.value_span
    clause_start = max(layout.start_of(layout.clause_ends, start), start - _REACH)
    clause_end = _clause_end(view, c.end)
    region_start = max(clause_start, previous_end)
    cue = _cue(view, start, region_start)
    cue_word = view[cue.start() : cue.end()].strip() if cue else ""
    cue_comparator = rules.cue_comparator(cue_word)

    indicator = _indicator(view, c, region_start, cue, cue_word, clause_end)
    comparator = _comparator(view, layout, c, cue_comparator, clause_start, start)
    span = _trimmed(text, clause_start, clause_end)
    if not (span[0] <= start and stop <= span[1]):
        return None
    chain = layout.section_chain(start)
    value = text[start:stop]
    return Figure(
        doc_id=document.doc_id,
        section_path=tuple(section.label for section, _ in chain),
        indicator=text[indicator[0] : indicator[1]],
        value=value,
        number=None if c.is_range else rules.parse_number(view[start:stop]),
        unit=c.unit,
        comparator=comparator,
        target_year=_target_year(layout, start, chain),
        lead_department=_lead_department(text, view, layout, start, c.end),
        text=text[span[0] : span[1]],
        span=span,
    )


def _clause_end(view: str, pos: int) -> int:
    limit = min(len(view), pos + _REACH)
    found = rules.CLAUSE_END_RE.search(view, pos, limit)
    return found.start() if found else limit


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _indicator(
    view: str,
    c: _Candidate,
    region_start: int,
    cue: re.Match[str] | None,
    cue_word: str,
    clause_end: int,
) -> tuple[int, int]:
    if cue_word in rules.NOUN_CUES:
        return cue.start(), cue.start() + len(cue_word)  # type: ignore[union-attr]
    before_end = cue.start() if cue else c.value_span[0]
    b_start, b_end = rules.trim_indicator(view, region_start, before_end)
    if not rules.names_no_indicator(view, b_start, b_end):
        return _shorten(view, b_start, b_end)
    next_value = rules.NUMBER_RE.search(view, c.end, clause_end)
    after_end = next_value.start() if next_value else clause_end
    a_start, a_end = rules.trim_following_noun(view, c.end, after_end)
    if a_end - a_start >= 2:
        return a_start, min(a_end, a_start + _MAX_INDICATOR)
    if b_end - b_start >= 2:
        return _shorten(view, b_start, b_end)
    return c.value_span[0], c.value_span[0]


def _shorten(view: str, start: int, end: int) -> tuple[int, int]:
    """Long noun phrases keep their head: what follows the last 的, else the tail."""
    if end - start <= _SHORT_INDICATOR:
        return start, end
    last_de = view.rfind("的", start, end - 2)
    if last_de >= 0:
        start = last_de + 1
    return max(start, end - _MAX_INDICATOR), end


def _comparator(
    view: str, layout: Layout, c: _Candidate, cue_comparator: str, clause_start: int, start: int
) -> str:
    if cue_comparator in ("increase_by", "decrease_by"):
        return cue_comparator
    if "新增" in view[clause_start:start]:
        return "increase_by"
    if c.after:
        return rules.AFTER_COMPARATORS[c.after]
    if c.approx:
        return "more_than"
    if cue_comparator:
        return cue_comparator
    sentence_start = max(layout.start_of(layout.sentence_ends, start), start - _REACH)
    if "新增" in view[sentence_start:clause_start]:
        return "increase_by"
    return ""


def _target_year(
    layout: Layout, start: int, chain: list[tuple[Section, Sequence[Section]]]
) -> int | None:
    year = layout.targets.last_in(layout.start_of(layout.sentence_ends, start), start)
    if year is not None:
        return year
    year = layout.governing_targets.last_in(layout.start_of(layout.line_ends, start), start)
    if year is not None:
        return year
    for section, _ in reversed(chain):
        body_start, body_end = section.body_span
        year = layout.governing_targets.last_in(body_start, min(body_end, start))
        if year is not None:
            return year
    # A 具体目标 section takes its year from the 总体目标 section before it: both state
    # targets, and plans say the year once.
    for section, siblings in reversed(chain):
        if "目标" not in section.heading:
            continue
        for sibling in reversed(siblings):
            if sibling.span[0] < section.span[0] and "目标" in sibling.heading:
                year = layout.governing_targets.last_in(*sibling.span)
                if year is not None:
                    return year
    return None


def _lead_department(text: str, view: str, layout: Layout, start: int, end: int) -> str:
    line_end = layout.end_of(layout.line_ends, start)
    i = bisect.bisect_left(layout.lead_starts, end)
    if i < len(layout.leads) and layout.leads[i][0] < line_end:
        _, dept_start, dept_end = layout.leads[i]
        return text[dept_start:dept_end].strip()
    sentence_start = max(layout.start_of(layout.sentence_ends, start), start - _REACH)
    sentence_end = min(layout.end_of(layout.sentence_ends, start), end + _REACH)
    found = rules.BY_DEPARTMENT_RE.search(view, sentence_start, sentence_end)
    if found:
        return text[found.start(1) : found.end(1)].strip()
    return ""

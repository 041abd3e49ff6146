"""Where things are in one document's text, for the figure extractor's lookups.

Built once a document (``qa.ingest.figures.extract_figures``): the offsets of clause,
sentence and line breaks, dates, target-year phrases and lead-department notes, and its
sections, so that every figure finds its sentence, target year and lead department by
bisection instead of rescanning the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from qa.ingest import figure_rules as rules
from qa.types import Section


class YearIndex:
    """Target years by offset (added in increasing order)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.years: list[int] = []

    def add(self, start: int, year: int) -> None:
        self.starts.append(start)
        self.years.append(year)

    def last_in(self, lo: int, hi: int) -> int | None:
        """The year of the last phrase starting in [lo, hi)."""
        i = bisect.bisect_left(self.starts, hi) - 1
        return self.years[i] if i >= 0 and self.starts[i] >= lo else None


class Layout:
    """Boundary offsets of one document, for bisect lookups."""

    def __init__(self, view: str, sections: Sequence[Section]) -> None:
        self.view = view
        self.clause_ends = [m.end() for m in rules.CLAUSE_BREAK_RE.finditer(view)]
        self.sentence_ends = [m.end() for m in rules.SENTENCE_BREAK_RE.finditer(view)]
        self.line_ends = [m.end() for m in re.finditer(r"\n", view)]
        self.dates = [m.span() for m in rules.DATE_RE.finditer(view)]
        self.date_starts = [s for s, _ in self.dates]
        # Every target phrase counts inside its sentence; only 到/至20XX年 heads a list
        # of targets that runs on to later sentences ("2014年6月前完成X" is one task).
        self.targets = YearIndex()
        self.governing_targets = YearIndex()
        for m in rules.TARGET_YEAR_RE.finditer(view):
            year = rules.year_number(m.group("y1") or m.group("y2"))
            if year is not None:
                self.targets.add(m.start(), year)
                if m.group("y1"):
                    self.governing_targets.add(m.start(), year)
        self.leads: list[tuple[int, int, int]] = []  # paren start, dept start, dept end
        for m in rules.LEAD_PAREN_RE.finditer(view):
            content = m.group(1)
            if "牵头" not in content and "负责" not in content:
                continue
            span = rules.lead_department_span(content)
            if span is not None:
                self.leads.append((m.start(), m.start(1) + span[0], m.start(1) + span[1]))
        self.lead_starts = [s for s, _, _ in self.leads]
        self.sections = sorted(sections, key=lambda s: s.span[0])
        self._starts: dict[int, list[int]] = {}

    def start_of(self, ends: list[int], pos: int) -> int:
        """Start of the unit (clause, sentence, line) containing ``pos``."""
        i = bisect.bisect_right(ends, pos) - 1
        return ends[i] if i >= 0 else 0

    def end_of(self, ends: list[int], pos: int) -> int:
        """Offset of the break that ends the unit containing ``pos``."""
        i = bisect.bisect_right(ends, pos)
        return ends[i] - 1 if i < len(ends) else len(self.view)

    def in_date(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.date_starts, start) - 1
        return i >= 0 and self.dates[i][1] >= end

    def section_chain(self, pos: int) -> list[tuple[Section, Sequence[Section]]]:
        """Sections containing ``pos`` from the top, each with its sibling list."""
        chain: list[tuple[Section, Sequence[Section]]] = []
        level: Sequence[Section] = self.sections
        while level:
            starts = self._starts.get(id(level))
            if starts is None:
                starts = self._starts[id(level)] = [s.span[0] for s in level]
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0 or not (level[i].span[0] <= pos < level[i].span[1]):
                break
            chain.append((level[i], level))
            level = level[i].children
        return chain

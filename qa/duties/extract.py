"""The duty matrix of one document: pure functions over its text and outline.

A task is what one department note closes (notes.py, running.py):

- a leaf section with one note: the whole leaf (太原's ``(一)…。(牵头部门:…)``);
- a leaf with several notes: the sentence group from the end of the previous note (or
  the leaf's start) to the end of this one (阿拉善's ``…90%以上,(盟市場監管局負責),…``,
  东莞's four ``产品质量——…(市质监局负责牵头落实)`` paragraphs);
- text after a section's numbered children (太原's paragraph after (十四)): from the end
  of the last child or the previous note;
- a note in a parent's own heading or body (``（三）品牌建设（牵头单位：X）`` followed by
  1. 2. 3.) governs each child without a note of its own: one row per child;
- ``以上工作由X牵头`` governs the preceding siblings that have no note of their own;
- a carve-out inside a note (``…工作由Y负责``) is a row of its own, its text the clause;
- an assigning sentence of running text is a row whose text is that sentence.

Deadlines are time words written in the task's own text (or the label 完成时限 of its
note, or the heading of its own leaf section: 规划筹备阶段(2012年10月至12月)); a deadline
stated once for a whole part is not copied to the tasks below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.duties.names import AliasTable, DocumentNames, WrittenName
from qa.duties.notes import Assignment, Note, find_notes
from qa.duties.patterns import DEADLINE, PERIOD, QUOTED_TITLE
from qa.duties.running import find_running
from qa.ingest.outline import walk
from qa.types import DepartmentMention, Document, Duty, Section, Span

_TASK_MAX = 40
_SEPARATORS = " \t\r\n\u3000,，;；。、：:"
_LABEL_DASH = ("——", "—", "--")
_CLAUSE_END = "，,；;。：:！？!?"


@dataclass(frozen=True)
class _Place:
    """Where a note sits in the outline."""

    ancestors: tuple[Section, ...]
    section: Section | None  # innermost section containing the note; None before the outline

    @property
    def is_leaf(self) -> bool:
        return self.section is not None and not self.section.children

    @property
    def path(self) -> tuple[Section, ...]:
        return (*self.ancestors, self.section) if self.section else self.ancestors


def _place(
    text: str, walked: Sequence[tuple[tuple[Section, ...], Section]], position: int
) -> _Place:
    found = _Place((), None)
    for ancestors, section in walked:
        if section.span[0] <= position < section.span[1]:
            found = _Place(ancestors, section)  # later (deeper) sections win
    if found.section is None:
        # A note line right after a section (the last line of a document can be left
        # out of the outline as a footer) still belongs to that section.
        for ancestors, section in walked:
            if section.span[1] <= position and not text[section.span[1] : position].strip():
                found = _Place(ancestors, section)
    return found


def _skip(text: str, start: int, end: int) -> int:
    while start < end and text[start] in _SEPARATORS:
        start += 1
    return start


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _body_start(text: str, section: Section) -> int:
    """Where a section's words start after its marker and inline heading."""
    start = section.span[0] + len(section.number)
    if section.heading and not section.heading.endswith("…"):
        at = text.find(section.heading, start, section.body_span[1])
        if at >= 0:
            start = at + len(section.heading)
    return _skip(text, start, section.span[1])


def _clause_label(words: str) -> str:
    """A task named by its words: 产品质量——… -> 产品质量; else the first clause."""
    words = words.strip(_SEPARATORS)
    for dash in _LABEL_DASH:
        head, found, _ = words.partition(dash)
        if found and 0 < len(head) <= 12:
            return head.strip()
    end = next((i for i, c in enumerate(words) if c in _CLAUSE_END), len(words))
    label = words[:end].strip()
    return label if len(label) <= _TASK_MAX else label[: _TASK_MAX - 1] + "…"


def _deadline(text: str, start: int, end: int) -> tuple[str, Span] | None:
    """The first deadline written in text[start:end], outside titles and plan periods."""
    blocked = [m.span() for m in QUOTED_TITLE.finditer(text, start, end)]
    blocked += [m.span() for m in PERIOD.finditer(text, start, end)]
    for m in DEADLINE.finditer(text, start, end):
        if not any(s < m.end() and m.start() < e for s, e in blocked):
            return m.group(0).strip(), (m.start(), m.end())
    return None


class _Rows:
    """Collects the rows of one document."""

    def __init__(self, document: Document, names: DocumentNames) -> None:
        self.document = document
        self.names = names
        self.rows: list[Duty] = []

    def mentions(self, written: Sequence[WrittenName]) -> tuple[DepartmentMention, ...]:
        return tuple(
            DepartmentMention(n.written, self.names.canonical(n.written, n.shared_prefix), n.span)
            for n in written
        )

    def add(
        self,
        assignment: Assignment,
        path: Sequence[Section],
        task: str,
        span: Span,
        note_span: Span,
        leaf: Section | None,
    ) -> None:
        text = self.document.text
        start, end = span
        while end > start and text[end - 1].isspace():
            end -= 1
        deadline, deadline_span = assignment.deadline, assignment.deadline_span
        if not deadline:
            found = _deadline(text, start, end)
            if not found and leaf is not None:
                found = _deadline(text, leaf.span[0], _body_start(text, leaf))
            if found:
                deadline, deadline_span = found
        task = task or _clause_label(text[start:end])
        # A note written in a heading (（二）品牌建设（牵头单位：X）) is not part of the task's name.
        task = task.replace(text[note_span[0] : note_span[1]], "").strip() or task
        self.rows.append(
            Duty(
                doc_id=self.document.doc_id,
                section_path=tuple(s.label for s in path),
                section_numbers=tuple(s.number for s in path),
                task=task,
                lead_departments=self.mentions(assignment.leads),
                cooperating_departments=self.mentions(assignment.cooperating),
                deadline=deadline,
                text=text[start:end],
                span=(start, end),
                note_span=note_span,
                deadline_span=deadline_span,
            )
        )


def _leaves(section: Section) -> list[tuple[tuple[Section, ...], Section]]:
    return [
        ((section, *ancestors), s)
        for ancestors, s in walk(list(section.children))
        if not s.children
    ]


def extract_duties(
    document: Document, sections: Sequence[Section], aliases: AliasTable
) -> tuple[Duty, ...]:
    """Every task assignment of ``document``, in document order."""
    text = document.text
    bracketed = find_notes(text)
    notes = sorted([*bracketed, *find_running(text, bracketed)], key=lambda n: n.span)
    written = [
        n.written for note in notes for a in note.assignments for n in a.leads + a.cooperating
    ]
    rows = _Rows(document, DocumentNames(document, aliases, written))
    walked = walk(list(sections))
    places = [_place(text, walked, note.span[0]) for note in notes]
    # Bracketed notes per section's own words (a leaf, or a parent's text before its
    # children): a section with one note is one task, whatever its length.
    per_leaf: dict[Span, list[Note]] = {}
    for note, place in zip(notes, places, strict=True):
        if (own := _own_words(place, note)) is not None and not note.running:
            per_leaf.setdefault(own.span, []).append(note)
    governed: set[Span] = set()
    previous_end: dict[Span | None, int] = {}
    for note, place in zip(notes, places, strict=True):
        key = place.section.span if place.section else None
        leaf = _own_words(place, note)
        for assignment in note.assignments:
            if assignment.task_span:  # a carve-out: the clause is its own task
                span = assignment.task_span
                rows.add(assignment, place.path, assignment.task, span, span, leaf)
                continue
            targets = _governed(text, note, place, per_leaf, governed)
            for path, child in targets:
                rows.add(assignment, (*path, child), child.heading, child.span, note.span, child)
            if targets:
                continue
            if note.running:
                rows.add(assignment, place.path, note.task, note.span, note.span, leaf)
                continue
            if closes_siblings := _closes_siblings(text, note, place, per_leaf):
                parent_path, parent = closes_siblings
                whole = (parent.span[0], note.span[1])
                rows.add(assignment, parent_path, parent.heading, whole, note.span, parent)
                continue
            if leaf is not None and len(per_leaf[leaf.span]) == 1:
                whole = (leaf.span[0], max(note.span[1], leaf.span[1]))
                rows.add(assignment, place.path, leaf.heading, whole, note.span, leaf)
                continue
            section = place.section
            if leaf is None and section is not None and key not in previous_end:
                # A note on its own after a section's numbered items closes them all:
                # (1)…(2)…(3)… (责任单位：X) is one task, the section's.
                ends = [c.span[1] for c in section.children if c.span[1] <= note.span[0]]
                if ends and not text[max(ends) : note.span[0]].strip(_SEPARATORS):
                    whole = (section.span[0], note.span[1])
                    rows.add(assignment, place.path, section.heading, whole, note.span, section)
                    continue
            start = _group_start(text, note, place, leaf, previous_end.get(key))
            words_start = start
            if leaf is not None and start == leaf.span[0]:
                words_start = _body_start(text, leaf)
                if words_start >= note.span[0]:  # the note sits in the heading itself
                    words_start = leaf.span[0] + len(leaf.number)
            task = _clause_label(text[words_start : note.span[0]])
            rows.add(assignment, place.path, task, (start, note.span[1]), note.span, leaf)
        if not note.running:
            previous_end[key] = note.span[1]
    return tuple(rows.rows)


def _closes_siblings(
    text: str, note: Note, place: _Place, per_leaf: dict[Span, list[Note]]
) -> tuple[tuple[Section, ...], Section] | None:
    """(path, parent) when a note on a line of its own ends the last of several items,
    none of which has a note: (1)…(2)…(3)…\n(责任单位:X) is the parent's task."""
    leaf = place.section
    if not place.is_leaf or leaf is None or not place.ancestors or note.running:
        return None
    parent = place.ancestors[-1]
    line_start = _line_start(text, note.span[0])
    line_end = text.find("\n", note.span[1])
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if (
        len(parent.children) < 2
        or parent.children[-1] is not leaf
        or line.strip() != text[note.span[0] : note.span[1]]
        or line_start <= leaf.span[0]
        # the item is a statement of its own ((3)加强预案演练。), not a heading over the note
        or not text[leaf.span[0] : line_start].rstrip().endswith(("。", "！", "？", "；", ";"))
        or any(per_leaf.get(c.span) for c in parent.children[:-1])
        or len(per_leaf.get(leaf.span, [])) != 1
    ):
        return None
    return place.ancestors, parent


def _own_words(place: _Place, note: Note) -> Section | None:
    """The section whose own words hold the note: its leaf, or a parent whose text
    before its first child holds it (None: closing paragraphs, or before the outline)."""
    section = place.section
    if section is None:
        return None
    if not section.children or note.span[0] < section.body_span[1]:
        return section
    return None


def _group_start(
    text: str,
    note: Note,
    place: _Place,
    own: Section | None,
    previous_end: int | None,
) -> int:
    """Where the words a note closes begin."""
    section = place.section
    if section is None:
        lower = _line_start(text, note.span[0])
    elif own is not None:
        lower = own.span[0]
    else:
        # After the last child that ends before the note (closing paragraphs).
        ends = [c.span[1] for c in section.children if c.span[1] <= note.span[0]]
        lower = max(ends) if ends else _line_start(text, note.span[0])
    if previous_end is not None and previous_end > lower:
        lower = previous_end
    return _skip(text, lower, note.span[0])


def _governed(
    text: str,
    note: Note,
    place: _Place,
    per_leaf: dict[Span, list[Note]],
    governed: set[Span],
) -> list[tuple[tuple[Section, ...], Section]]:
    """The leaves a note governs beyond its own words, or [] for an ordinary note."""
    section = place.section
    if section is None or (note.running and not note.governs_above):
        return []  # an assigning sentence is its own task
    own_noted = set(per_leaf)
    if (
        section.children
        and note.span[0] < section.body_span[1]
        and not note.governs_above
        and not text[_body_start(text, section) : note.span[0]].strip(_SEPARATORS)
    ):
        # A note right after a parent's heading: each child without a note of its own.
        # (A note closing the parent's own sentences is that text's note, not the children's.)
        leaves = [
            ((*place.ancestors, *path), leaf)
            for path, leaf in _leaves(section)
            if leaf.span not in own_noted and leaf.span not in governed
        ]
        governed.update(leaf.span for _, leaf in leaves)
        return leaves
    if not note.governs_above:
        return []
    parent_path = place.ancestors if place.is_leaf else place.path
    parent = parent_path[-1] if parent_path else None
    if parent is None:
        return []
    earlier = [
        (path, leaf)
        for path, leaf in _leaves(parent)
        if leaf.span[0] < note.span[0]
        and leaf.span not in governed
        and all(n is note for n in per_leaf.get(leaf.span, []))
    ]
    leaves = [((*parent_path[:-1], *path), leaf) for path, leaf in earlier]
    governed.update(leaf.span for _, leaf in leaves)
    return leaves

"""Department notes: the bracketed (or labelled) assignments that close a task.

Forms read (either script, full- or half-width punctuation):

- labelled: ``(牵头部门:市食药监局。责任单位:市农委、市教育局)``, ``（牵头单位：X；配合单位：Y；
  完成时限：2014年底前）``, and the same labels on lines of their own;
- verbs: ``(市质监局负责牵头落实)``, ``(市财政局牵头,市质监局、市科技局及各镇街配合落实)``,
  ``(盟住建局、水務局按各自的職責分工負責)``, ``(X会同Y负责)``;
- a carve-out inside a note: ``…,全國知名品牌創建示范區工作由騰格里…管委會負責`` is a task of
  its own with its own lead;
- ``(以上工作由X牵头)``: the note governs the tasks before it (see extract.py).

责任单位 lists the cooperating units when the note also names a lead, and the
responsible (leading) units when it names none. The shared level prefix of 阿拉善's
lists (盟發改委、市場監管局…) is recorded with each name for canonical naming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from qa.duties.names import WrittenName, level_prefix, split_names
from qa.duties.patterns import (
    ABOVE,
    BY,
    CLAUSE_SEPARATORS,
    CLOSERS,
    COLON,
    COOPERATING_LABELS,
    COOPERATING_VERBS,
    DEADLINE,
    DEADLINE_LABELS,
    EACH_LEADS,
    JOINT,
    LEAD_LABELS,
    LEAD_VERBS,
    OPENERS,
    RESPONSIBLE_LABELS,
    alternatives,
    both,
)
from qa.types import Span

_MAX_NOTE = 400  # characters inside one bracketed note

_DEADLINE_LABEL = re.compile(rf"\s*{alternatives(DEADLINE_LABELS)}\s*{COLON}\s*(?P<value>.+?)\s*$")
_ROLE_LABEL = re.compile(
    rf"\s*(?:(?P<lead>{alternatives(LEAD_LABELS)})|(?P<responsible>{alternatives(RESPONSIBLE_LABELS)})"
    rf"|(?P<coop>{alternatives(COOPERATING_LABELS)}))\s*{COLON}\s*(?P<names>.*?)\s*$"
)
_TAIL = "(?:" + both("落实") + ")?\\s*$"
_VALUE_VERB = re.compile(
    rf"(?:{EACH_LEADS}|{alternatives(LEAD_VERBS)}|{alternatives(COOPERATING_VERBS)}){_TAIL}"
)
_EACH_TAIL = re.compile(rf"{EACH_LEADS}{_TAIL}")
_EACH = re.compile(rf"(?P<names>.+?){EACH_LEADS}{_TAIL}")
_LEAD = re.compile(rf"(?P<names>.+?){alternatives(LEAD_VERBS)}{_TAIL}")
_COOP = re.compile(rf"(?P<names>.+?){alternatives(COOPERATING_VERBS)}{_TAIL}")
_JOINT = re.compile(
    rf"(?P<names>.+?){JOINT}(?P<partners>.+?)(?:{alternatives(LEAD_VERBS)}|{alternatives(('落实', '实施'))})?{_TAIL}"
)
_CARVE_OUT = re.compile(rf"(?P<task>.+?){BY}(?P<names>.+?){alternatives(LEAD_VERBS)}{_TAIL}")
_ABOVE = re.compile(
    rf"\s*{ABOVE}(?:{both('各项')})?(?:{alternatives(('工作', '任务', '事项', '措施'))})?(?:{BY})?"
)
_LABEL_ANYWHERE = re.compile(
    rf"{alternatives(LEAD_LABELS + RESPONSIBLE_LABELS + COOPERATING_LABELS + DEADLINE_LABELS)}\s*{COLON}"
)
_LABEL_LINE = re.compile(
    rf"[ \t\u3000]*(?P<label>{alternatives(LEAD_LABELS + RESPONSIBLE_LABELS + COOPERATING_LABELS + DEADLINE_LABELS)})\s*{COLON}"
)
_LABEL_AFTER_SENTENCE = re.compile(
    rf"(?<=[。；;])[ \t\u3000]*(?P<label>{alternatives(LEAD_LABELS + RESPONSIBLE_LABELS)})\s*{COLON}"
)


@dataclass(frozen=True)
class Assignment:
    """Who is named for one task in a note (or an assigning sentence)."""

    leads: tuple[WrittenName, ...]
    cooperating: tuple[WrittenName, ...] = ()
    deadline: str = ""
    deadline_span: Span | None = None
    task: str = ""  # set for a carve-out (…工作由X负责): the task's own words
    task_span: Span | None = None  # the carve-out clause


@dataclass(frozen=True)
class Note:
    """A department note and the assignments it makes."""

    span: Span  # the whole note, brackets included
    assignments: tuple[Assignment, ...]
    governs_above: bool = False  # 以上工作由…: the tasks before it, not only the last
    running: bool = False  # an assigning sentence of running text (running.py)
    task: str = ""  # running text: the words of the task


@dataclass
class _Clauses:
    leads: list[WrittenName] = field(default_factory=list)
    each: list[WrittenName] = field(default_factory=list)  # 按各自职责分工负责
    responsible: list[WrittenName] = field(default_factory=list)
    cooperating: list[WrittenName] = field(default_factory=list)
    carve_outs: list[Assignment] = field(default_factory=list)
    deadline: str = ""
    deadline_span: Span | None = None
    last_role: str = ""


def _clauses(content: str, start: int) -> list[tuple[str, int]]:
    """Clauses at top-level separators, and before a label (牵头单位：X 配合单位：Y)."""
    labels = {m.start() for m in _LABEL_ANYWHERE.finditer(content) if m.start() > 0}
    depth, out, previous = 0, [], 0
    for i, char in enumerate(content):
        if char in "(（“「《【":
            depth += 1
        elif char in ")）”」》】":
            depth = max(0, depth - 1)
        elif depth == 0 and (char in CLAUSE_SEPARATORS or i in labels):
            out.append((content[previous:i], start + previous))
            previous = i if i in labels else i + 1
    out.append((content[previous:], start + previous))
    return [(c, at) for c, at in out if c.strip()]


def _names(at: int, match: re.Match[str], group: str = "names") -> list[WrittenName]:
    found = split_names(match.group(group), at + match.start(group), allow_bare=True)
    return found or []


def _clause(clause: str, at: int, parsed: _Clauses) -> bool:
    """Read one clause into ``parsed``; False when it says nothing about departments."""
    if m := _DEADLINE_LABEL.fullmatch(clause):
        parsed.deadline = m.group("value")
        parsed.deadline_span = (at + m.start("value"), at + m.end("value"))
        return True
    if m := _ROLE_LABEL.fullmatch(clause):
        role = "lead" if m.group("lead") else "responsible" if m.group("responsible") else "coop"
        # 责任单位：X、Y按职责分工负责 — the list ends where its verb starts.
        verb = _VALUE_VERB.search(m.group("names"))
        if verb and verb.start() > 0:
            value = m.group("names")[: verb.start()]
            names = split_names(value, at + m.start("names"), allow_bare=True) or []
            if role == "responsible" and _EACH_TAIL.fullmatch(verb.group(0)):
                role = "each"
            _add(parsed, role, names)
            parsed.last_role = ""  # the verb closed the list
            return bool(names)
        names = _names(at, m)
        _add(parsed, role, names)
        return bool(names)
    if m := _JOINT.fullmatch(clause):
        leads, partners = _names(at, m), _names(at, m, "partners")
        if leads and partners:
            _add(parsed, "lead", leads)
            _add(parsed, "coop", partners)
            return True
    if m := _CARVE_OUT.fullmatch(clause):
        names = _names(at, m)
        task = m.group("task").strip()
        if names and len(task) >= 2 and not split_names(task, 0, allow_bare=True):
            first = at + m.start("task") + (len(m.group("task")) - len(m.group("task").lstrip()))
            parsed.carve_outs.append(
                Assignment(
                    leads=tuple(names),
                    task=task,
                    task_span=(first, at + m.end("names") + len(clause[m.end("names") :].rstrip())),
                )
            )
            return True
    for pattern, role in ((_EACH, "each"), (_LEAD, "lead"), (_COOP, "coop")):
        if (m := pattern.fullmatch(clause)) and (names := _names(at, m)):
            _add(parsed, role, names)
            return True
    if parsed.last_role and (more := _more_names(clause, at)):
        _add(parsed, parsed.last_role, more)  # 责任单位：市农委，市教育局 — the list goes on
        return True
    if not parsed.deadline and (d := DEADLINE.search(clause)):
        parsed.deadline, parsed.deadline_span = d.group(0), (at + d.start(), at + d.end())
    return False


def _more_names(clause: str, at: int) -> list[WrittenName] | None:
    """A list continuing a labelled one: names, or 各区、县级市 (places under one 各)."""
    names = split_names(clause, at)
    if names is None and clause.strip().startswith("各"):
        names = split_names(clause, at, allow_bare=True)
    return names


def _add(parsed: _Clauses, role: str, names: list[WrittenName]) -> None:
    lists = {
        "lead": parsed.leads,
        "each": parsed.each,
        "responsible": parsed.responsible,
        "coop": parsed.cooperating,
    }
    lists[role].extend(names)
    parsed.last_role = role


def _with_shared_prefixes(names: list[WrittenName]) -> list[WrittenName]:
    """Each name with the level prefix of the nearest prefixed name before it."""
    out, prefix = [], ""
    for name in names:
        own = level_prefix(name.written)
        out.append(name if own else replace(name, shared_prefix=prefix))
        prefix = own or prefix
    return out


def parse_note(content: str, start: int) -> tuple[list[Assignment], bool]:
    """The assignments of a note's inner text at ``start``; and whether it says 以上…."""
    above = _ABOVE.match(content)
    if above:
        content, start = content[above.end() :], start + above.end()
    parsed = _Clauses()
    for clause, at in _clauses(content, start):
        if at > start and content[at - start - 1] in "。；;":
            parsed.last_role = ""  # a list goes on after a comma, not after a full stop
        _clause(clause, at, parsed)
    # 责任单位 and 按职责分工负责 units lead when no one else does, else they cooperate.
    if parsed.leads:
        leads = parsed.leads
        cooperating = parsed.each + parsed.responsible + parsed.cooperating
    elif parsed.each:
        leads, cooperating = parsed.each, parsed.responsible + parsed.cooperating
    else:
        leads, cooperating = parsed.responsible, parsed.cooperating
    cooperating = sorted(cooperating, key=lambda n: n.span)
    order = sorted([*leads, *cooperating], key=lambda n: n.span)
    prefixed = {n.span: n for n in _with_shared_prefixes(order)}
    assignments = []
    if leads or cooperating:
        assignments.append(
            Assignment(
                leads=tuple(prefixed[n.span] for n in leads),
                cooperating=tuple(prefixed[n.span] for n in cooperating),
                deadline=parsed.deadline,
                deadline_span=parsed.deadline_span,
            )
        )
    for carve_out in parsed.carve_outs:
        names = _with_shared_prefixes(list(carve_out.leads))
        assignments.append(replace(carve_out, leads=tuple(names)))
    return assignments, above is not None


def bracket_groups(text: str) -> list[Span]:
    """Top-level bracketed groups on one line: (start of opener, end after closer)."""
    groups: list[Span] = []
    stack: list[int] = []
    for i, char in enumerate(text):
        if char == "\n":
            stack = []
        elif char in OPENERS:
            stack.append(i)
        elif char in CLOSERS and stack:
            opened = stack.pop()
            if not stack and i - opened <= _MAX_NOTE:
                groups.append((opened, i + 1))
    return groups


def labelled_lines(text: str) -> list[Span]:
    """Unbracketed notes: from a label (牵头单位：/责任单位：/完成时限：…) at a line's start
    or after a sentence's end to the end of the line; consecutive such lines are one note."""
    spans: list[Span] = []
    position = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        label = _LABEL_LINE.match(body) or _LABEL_AFTER_SENTENCE.search(body)
        if label:
            lead = label.start("label")
            span = (position + lead, position + len(body))
            if spans and not text[spans[-1][1] : span[0]].strip():
                spans[-1] = (spans[-1][0], span[1])
            else:
                spans.append(span)
        position += len(line)
    return spans


def find_notes(text: str) -> list[Note]:
    """Every department note of ``text``, in document order."""
    notes = []
    for start, end in bracket_groups(text):
        assignments, above = parse_note(text[start + 1 : end - 1], start + 1)
        if assignments:
            notes.append(Note((start, end), tuple(assignments), governs_above=above))
    taken = [n.span for n in notes]
    for start, end in labelled_lines(text):
        if any(s < end and start < e for s, e in taken):
            continue
        # Lines are clauses too: "牵头单位：X\n配合单位：Y".
        content = text[start:end].replace("\n", "；")
        assignments, above = parse_note(content, start)
        if assignments:
            notes.append(Note((start, end), tuple(assignments), governs_above=above))
    return sorted(notes, key=lambda n: n.span)

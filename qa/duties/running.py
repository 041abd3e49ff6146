"""Assignments written in running text, outside any bracketed note.

Read, at the start of a clause (after 。，；： or a line start, or 由):

- ``省质监局会同有关部门建立健全评价指标``: X 会同 Y + what: X leads, Y cooperates;
- ``市质监局牵头组织…，市工商局配合``: X 牵头/负责 + what (+ Y 配合 in the same sentence);
- ``质监、经信、住建、环保等四大质量部门牵头组织制定…``: a list of bare short forms
  counts as departments only with its collective head (等…部门);
- ``质监、发改、建设、环保等四大领域质量工作牵头部门要各司其职``: the list is the lead of
  the field named between 等 and 牵头部门;
- ``以上工作由X牵头，Y配合``: read like a note that governs the tasks before it.

Not assignments: slogans without an object (``政府主抓,质监牵头,部门联动``,
``政府负责、部门监管``), 负责人, 负总责, 全面负责, 首负责任, 负责制, and subjects that are
not departments (企业, 政府 alone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.duties.names import WrittenName, split_names
from qa.duties.notes import Assignment, Note, parse_note
from qa.duties.patterns import (
    ABOVE,
    BY,
    COOPERATING_VERBS,
    JOINT,
    NOT_ASSIGNING_AFTER,
    NOT_ASSIGNING_BEFORE,
    alternatives,
    both,
)
from qa.textnorm import split_sentences
from qa.types import Span

_CLAUSE_END = "。；;，,：:！？!?"
_MODAL = alternatives(("要", "应当", "应", "须", "将", "负责"))
_LEAD_VERB = alternatives(("牵头负责", "负责牵头", "牵头", "负责"))
_HEADED = re.compile(
    rf"(?P<list>.+?){both('等')}(?P<head>[^，,。；;、]{{0,14}}?)"
    rf"(?:{alternatives(('部门', '单位', '机构'))})$"
)
_FIELD_LEADS = re.compile(
    rf"(?P<list>[^，,。；;：:]+?){both('等')}(?P<field>[^，,。；;、]{{2,16}}?){both('牵头')}"
    rf"{alternatives(('部门', '单位'))}"
)
_COOP_AFTER = re.compile(
    rf"(?P<names>[^，,。；;]+?){alternatives(COOPERATING_VERBS)}(?:{both('落实')})?"
)
_ABOVE_BY = re.compile(rf"{ABOVE}[^，,。；;]{{0,10}}?{BY}")
# Verbs that start what is to be done: a name never contains them.
# (Not 建设, 监督, 管理, 保障, 服务: they end names such as 市建设局, 医疗保障局.)
_VERBS = alternatives(
    (
        "建立", "制定", "制订", "拟订", "编制", "开展", "组织", "加强", "推进", "落实", "实施",
        "研究", "做好", "完善", "健全", "发布", "公布", "规定", "确定", "划定", "调整", "指导",
    )
)  # fmt: skip
_TASK_MAX = 40
# An outline marker at the start of a sentence is not part of its subject.
_MARKER = re.compile(
    r"\s*(?:[（(][一二三四五六七八九十百\d]{1,4}[）)]|[一二三四五六七八九十百]{1,4}、|\d{1,3}[、.．](?!\d)"
    r"|第[一二三四五六七八九十百千零〇两\d]{1,8}[条章节款项])\s*"
)
# X对Y负责 is accountability to Y, not a task for X (国务院对外… is a name).
_ACCOUNTABLE = re.compile(both("对") + "(?!" + both("外") + ")")


def _mask(text: str, spans: Sequence[Span], offset: int) -> str:
    """``text`` with the notes blanked out (same length, so offsets hold)."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(start - offset, 0), min(end - offset, len(chars))):
            chars[i] = "\0"
    return "".join(chars)


def _clause_start(sentence: str, position: int) -> int:
    start = position
    while start > 0 and sentence[start - 1] not in _CLAUSE_END and sentence[start - 1] != "\0":
        start -= 1
    return start


def _subject(
    sentence: str, verb_start: int, offset: int, *, allow_headed: bool
) -> list[WrittenName] | None:
    """The department list right before a verb, from the start of its clause."""
    start = _clause_start(sentence, verb_start)
    if marker := _MARKER.match(sentence, start):
        start = marker.end()
    words = sentence[start:verb_start]
    modal = re.search(rf"{_MODAL}$", words)
    if modal and modal.start() > 0:
        words = words[: modal.start()]
    by = re.match(BY, words)
    if by:
        words, start = words[by.end() :], start + by.end()
    if not words.strip():
        return None
    names = split_names(words, offset + start)
    if names:
        return names
    headed = _HEADED.match(words) if allow_headed else None
    if headed:
        return split_names(headed.group("list"), offset + start, allow_bare=True)
    return None


def _partners(rest: str, offset: int) -> tuple[list[WrittenName], int] | None:
    """The longest department list at the start of ``rest`` (after 会同), and its end."""
    clause_end = next((i for i, c in enumerate(rest) if c in _CLAUSE_END or c == "\0"), len(rest))
    verb = re.search(_VERBS, rest[:clause_end])
    limit = verb.start() if verb else clause_end
    for end in range(limit, 1, -1):
        names = split_names(rest[:end], offset)
        if names:
            # 国务院野生动物、植物管理部门: a list cut in the middle is no partner list.
            return (names, end) if "、" not in rest[end:limit] else None
    return None


def _object(sentence: str, start: int) -> str:
    end = start
    while end < len(sentence) and sentence[end] not in _CLAUSE_END and sentence[end] != "\0":
        end += 1
    return sentence[start:end].strip()[:_TASK_MAX]


def _cooperating_after(sentence: str, start: int, offset: int) -> list[WrittenName]:
    out: list[WrittenName] = []
    for m in _COOP_AFTER.finditer(sentence, start):
        clause_start = _clause_start(sentence, m.start("names"))
        if clause_start != m.start("names"):
            continue
        names = split_names(m.group("names"), offset + m.start("names"))
        if names:
            out.extend(names)
    return out


def _assigning(sentence: str, offset: int) -> tuple[Assignment, str] | None:
    """The assignment a sentence makes, with the words of its task."""
    for m in re.finditer(JOINT, sentence):
        leads = _subject(sentence, m.start(), offset, allow_headed=False)
        found = _partners(sentence[m.end() :], offset + m.end())
        if leads and found:
            partners, end = found
            task = _object(sentence, m.end() + end)
            clause_start = _clause_start(sentence, m.start())
            if re.match(BY, sentence[clause_start:]) and len(task) <= 4:
                # 目录，由X会同Y制定: what is made is written before 由.
                task = (task + _clause_label(sentence[:clause_start]))[:_TASK_MAX]
            return Assignment(tuple(leads), tuple(partners)), task
    if headed := _FIELD_LEADS.search(sentence):
        start = _clause_start(sentence, headed.start("list"))
        names = split_names(sentence[start : headed.end("list")], offset + start, allow_bare=True)
        if names and start == headed.start("list"):
            return Assignment(tuple(names)), headed.group("field").strip()
    for m in re.finditer(_LEAD_VERB, sentence):
        before = sentence[max(0, m.start() - 2) : m.start()]
        after = sentence[m.end() : m.end() + 1]
        clause_start = _clause_start(sentence, m.start())
        if before.endswith(NOT_ASSIGNING_BEFORE) or (
            m.group(0).endswith(("负责", "負責"))
            and (
                (after and after in NOT_ASSIGNING_AFTER)
                or _ACCOUNTABLE.search(sentence, clause_start, m.start())
            )
        ):
            continue
        task = _object(sentence, m.end())
        if after == "、":
            continue  # a list of slogans: 政府负责、部门监管、行业自律
        leads = _subject(sentence, m.start(), offset, allow_headed=True)
        if not leads:
            continue
        if len(task) < 2:
            # No object (…，市发改委负责牵头，…配合): only a named department assigns so;
            # a bare short form without its 等…部门 head is a slogan (质监牵头,部门联动).
            if not split_names(sentence[clause_start : m.start()], 0) and not re.match(
                BY, sentence[clause_start:]
            ):
                continue
            task = _clause_label(sentence[:clause_start])
        if leads:
            cooperating = _cooperating_after(sentence, m.end(), offset)
            return Assignment(tuple(leads), tuple(cooperating)), task
    return None


def _clause_label(words: str) -> str:
    """The words before 由: the task of …，由X牵头。"""
    words = words.strip("\0").strip("，,；;：: ")
    if marker := _MARKER.match(words):
        words = words[marker.end() :]
    return words[:_TASK_MAX]


def find_running(text: str, notes: Sequence[Note]) -> list[Note]:
    """Assigning sentences outside the notes, each as a Note with ``running=True``."""
    note_spans = [n.span for n in notes]
    out = []
    for start, end in split_sentences(text):
        sentence = _mask(text[start:end], note_spans, start)
        if not sentence.strip("\0").strip():
            continue
        above = _ABOVE_BY.match(sentence.lstrip())
        if above:
            lead = len(sentence) - len(sentence.lstrip())
            assignments, _ = parse_note(sentence[lead + above.end() :], start + lead + above.end())
            if assignments:
                out.append(Note((start, end), tuple(assignments), governs_above=True, running=True))
            continue
        found = _assigning(sentence, start)
        if found:
            assignment, task = found
            out.append(Note((start, end), (assignment,), running=True, task=task))
    return out

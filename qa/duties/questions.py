"""Questions the duty matrix answers completely: who does what, across documents.

- ``X牵头/负责哪些工作?`` -> every task X leads;
- ``X在这些文件里有哪些任务?``, ``X参与/承担哪些工作?`` -> every task naming X;
- ``X需要配合哪些工作?`` -> every task X cooperates on;
- ``哪些部门参与Y?``, ``Y由哪些部门负责?`` -> every unit of the tasks about Y.

Detection (``parse_duty_question``) is a pure function of the question's wording; the
question is answered from the matrix only when it names a department the matrix knows
(or a topic some task is about), otherwise the retrieval path answers as before. The
answer lists every row, grouped by document, each cited by the chunks that hold it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from qa.duties.matrix import Department, DutyMatrix, Role
from qa.duties.names import AliasTable
from qa.retrieve.places import place_aliases
from qa.retrieve.query import analyse
from qa.textnorm import normalize_question, search_form
from qa.types import Duty

Kind = Literal["lead_tasks", "cooperating_tasks", "all_tasks", "participants"]

_WHICH = r"(?:哪些|什么|哪几项|几项|多少项|那些)"
_WORK = r"(?:工作|任务|事项|职责|事情|分工)"
_DEPT_TASKS = re.compile(
    r"^(?P<subject>.{2,40}?)(?:在(?P<scope>.{1,24}?)(?:里|中|内|当中))?"
    r"(?:需要|要|应当|应|都|主要|一共|共|分别|具体)?"
    rf"(?:(?P<verb>牵头负责|负责牵头|牵头|负责|主抓|主管|配合|协助|参与|承担|有)(?:了|过)?{_WHICH}{_WORK}"
    # 质监局都牵头什么? (not 有什么: 厦门有什么 asks about anything)
    r"|(?P<bare>牵头负责|负责牵头|牵头|负责|主抓|主管|配合|协助|参与|承担)(?:了|过)?(?:哪些|什么))$"
)
_DEPT_OWN = re.compile(rf"^(?P<subject>.{{2,40}}?)的(?P<verb>牵头)?{_WORK}(?:有|是|包括){_WHICH}$")
# 市质监局牵头的工作有哪些: the verb before 的.
_DEPT_OWN_VERB = re.compile(
    rf"^(?P<subject>.{{2,40}}?)(?P<verb>牵头|负责|配合|参与|承担)的{_WORK}(?:有|是|包括){_WHICH}$"
)
_UNITS = r"(?:部门|单位|机构)"
_VERB = r"(?P<verb>参与|负责|牵头|配合|承担|落实)"
_PARTICIPANTS = (
    re.compile(rf"^哪些{_UNITS}(?:共同|需要|要)?{_VERB}(?:了)?(?P<topic>.{{2,60}})$"),
    re.compile(rf"^(?P<topic>.{{2,60}}?)(?:工作)?(?:由|有)哪些{_UNITS}(?:共同|来)?{_VERB}"),
    re.compile(
        rf"^(?P<topic>.{{2,60}}?)的?(?P<verb>牵头|责任|参与|配合){_UNITS}(?:有|是|包括)哪些"
    ),
)
_COMPARES = re.compile(r"分别|各自|各地|哪些地方")
_VERB_ROLE: dict[str, tuple[Kind, Role]] = {
    "牵头负责": ("lead_tasks", "lead"),
    "负责牵头": ("lead_tasks", "lead"),
    "牵头": ("lead_tasks", "lead"),
    "负责": ("lead_tasks", "lead"),
    "主抓": ("lead_tasks", "lead"),
    "主管": ("lead_tasks", "lead"),
    "配合": ("cooperating_tasks", "cooperating"),
    "协助": ("cooperating_tasks", "cooperating"),
    "参与": ("all_tasks", "any"),
    "承担": ("all_tasks", "any"),
    "有": ("all_tasks", "any"),
    "落实": ("all_tasks", "any"),
    "责任": ("all_tasks", "any"),
}
# Words of a topic that say nothing about which task is meant; they split it.
_TOPIC_FILLERS = re.compile(
    r"的|和|与|及|以及|、|,|，|工作|任务|目标|方面|相关|有关|事项|[「」“”《》\"'()（）]"
)
_MIN_OVERLAP = 4  # characters a topic must share with a task's heading


@dataclass(frozen=True)
class DutyQuestion:
    kind: Kind
    subject: str  # the department as asked, or the topic (search form)
    role: Role


@dataclass(frozen=True)
class DutyResult:
    """The matrix's complete answer to a duty question."""

    question: DutyQuestion
    duties: tuple[Duty, ...]  # in corpus order
    departments: tuple[Department, ...] = ()  # the departments asked about
    other_role: tuple[Duty, ...] = ()  # lead asked, none found: the tasks it cooperates on


def parse_duty_question(question: str) -> DutyQuestion | None:
    """What a who-does-what question asks, from its wording alone (None: not one)."""
    form = search_form(normalize_question(question)).rstrip("?？。.!！")
    if _COMPARES.search(form):
        # 厦门和东莞的…分别由哪些部门牵头: a comparison, answered per document with the
        # sentence each states (the retrieval path), not one table of the matrix.
        return None
    for pattern in _PARTICIPANTS:
        if m := pattern.match(form):
            _, role = _VERB_ROLE[m.group("verb")]
            # 生态补偿…这些环境长效机制，由哪些部门牵头: the comma is the asker's pause,
            # not part of the topic the answer names.
            return DutyQuestion("participants", m.group("topic").rstrip(",，、;； "), role)
    for pattern in (_DEPT_OWN_VERB, _DEPT_TASKS, _DEPT_OWN):
        if m := pattern.match(form):
            groups = m.groupdict()
            verb = groups.get("verb") or groups.get("bare") or "有"
            kind, role = _VERB_ROLE[verb]
            subject = m.group("subject")
            if subject.startswith(("哪些", "哪个", "什么", "谁")):
                return None
            return DutyQuestion(kind, subject, role)
    return None


def resolve_duty_question(
    question: str, matrix: DutyMatrix, aliases: AliasTable, doc_ids: Sequence[str] = ()
) -> DutyResult | None:
    """The rows that answer a duty question, or None when the matrix cannot answer it.

    ``doc_ids`` (a document filter) limits the documents; places the question names
    limit them further.
    """
    parsed = parse_duty_question(question)
    if parsed is None:
        return None
    named = analyse(normalize_question(question), list(matrix.documents.values())).doc_ids
    if doc_ids:
        named = tuple(d for d in named if d in doc_ids) or tuple(doc_ids)
    if parsed.kind == "participants":
        duties = topic_duties(parsed.subject, matrix, named)
        return DutyResult(parsed, tuple(duties)) if duties else None
    departments = matrix.find_departments(parsed.subject, aliases, named)
    if not departments:
        return None
    duties = matrix.select(doc_ids=named, departments=departments, role=parsed.role)
    other: list[Duty] = []
    if not duties and parsed.role == "lead":
        other = matrix.select(doc_ids=named, departments=departments, role="any")
    return DutyResult(parsed, tuple(duties), tuple(departments), tuple(other))


def _longest_common(a: str, b: str) -> int:
    best = 0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if char == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _topic_segments(topic: str, matrix: DutyMatrix) -> list[str]:
    form = search_form(topic)
    places = sorted(
        {a for d in matrix.documents.values() if d.region for a in place_aliases(d.region)},
        key=len,
        reverse=True,
    )
    for place in places:
        form = form.replace(place, "|")
    return [s for s in _TOPIC_FILLERS.sub("|", form).split("|") if s]


def topic_duties(topic: str, matrix: DutyMatrix, doc_ids: Sequence[str] = ()) -> list[Duty]:
    """The tasks a topic names: per document, those whose heading shares most with it.

    A task's headings are its own words and the labels of its sections (so a topic
    naming a part, 实施标准化战略, takes every task of that part). A document counts only
    when its best task shares at least four characters (or the whole topic, if shorter)
    and at least half as many as the best document.
    """
    segments = _topic_segments(topic, matrix)
    if not segments:
        return []
    need = min(_MIN_OVERLAP, max(len(s) for s in segments))
    scored: dict[str, list[tuple[int, Duty]]] = {}
    for duty in matrix.select(doc_ids=doc_ids):
        labels = [search_form(x) for x in (duty.task, *duty.section_path)]
        score = max(_longest_common(s, label) for s in segments for label in labels)
        scored.setdefault(duty.doc_id, []).append((score, duty))
    best_overall = max((score for rows in scored.values() for score, _ in rows), default=0)
    out: list[Duty] = []
    for rows in scored.values():
        best = max(score for score, _ in rows)
        if best >= need and best * 2 >= best_overall:
            out.extend(duty for score, duty in rows if score == best)
    order = {id(d): i for i, d in enumerate(matrix.duties)}
    return sorted(out, key=lambda d: order[id(d)])

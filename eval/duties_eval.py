"""Duty matrix against the hand-made gold (eval/duties/): departments and aggregated questions.

    python -m eval.duties_eval [--report eval/duties_report.md] [--json]

The matrix is computed from the corpus folder exactly as the assistant computes it from
its index (parse -> outline -> qa.duties.build_matrix). System rows are matched to gold
rows one to one by the gold ``anchor`` lying inside the row's text (a row whose text
holds two anchors takes the gold row it fits best, the narrowest row first). Per
document and overall:

- lead and cooperating departments: precision and recall of the names as written
  (a multiset per row; unmatched system rows count as false positives, unmatched gold
  rows as misses);
- rows: precision and recall of the matching itself; deadline agreement on matched rows;
- every row's ``text == document.text[span]``.

Aggregated questions (questions.jsonl) go through the question path the assistant
uses (detect -> resolve -> Answer); a question is complete when the rows answered are
exactly the expected rows (and, for 'participants', the departments listed are exactly
the expected ones), and its Answer cites every row with passages that contain the
departments and deadline shown. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.duties.answer import HEADER_LABELS, build_answer
from qa.duties.matrix import DutyMatrix, build_matrix
from qa.duties.names import AliasTable
from qa.duties.questions import resolve_duty_question
from qa.ingest.corpus import load_corpus
from qa.ingest.parse import parse
from qa.present.duties import department_side_by_side, frame_markdown
from qa.retrieve.places import names_document
from qa.textnorm import search_form
from qa.types import Answer, Chunk, Duty

HERE = Path(__file__).resolve().parent
GOLD = HERE / "duties" / "gold.jsonl"
QUESTIONS = HERE / "duties" / "questions.jsonl"
DOC_ORDER = ("厦门", "太原", "阿拉善", "福建", "东莞")
TARGETS = {"lead": 0.95, "cooperating": 0.90}
SHOWN_DEPARTMENT = "市质监局"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, system: Sequence[str], gold: Sequence[str]) -> None:
        s, g = Counter(system), Counter(gold)
        both = sum((s & g).values())
        self.tp += both
        self.fp += sum(s.values()) - both
        self.fn += sum(g.values()) - both

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class DocScore:
    lead: Counts = field(default_factory=Counts)
    cooperating: Counts = field(default_factory=Counts)
    rows: Counts = field(default_factory=Counts)
    deadline_agree: int = 0
    matched: int = 0
    differences: list[str] = field(default_factory=list)


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def match_rows(duties: Sequence[Duty], gold: Sequence[dict[str, Any]]) -> dict[str, int]:
    """gold id -> index into ``duties``: one to one, by the anchor inside the row's text.

    Gold rows with fewer candidate rows choose first; each takes its narrowest free
    candidate (a note's carve-out clause before the paragraph that holds it).
    """
    candidates = {
        g["id"]: sorted(
            (i for i, d in enumerate(duties) if g["anchor"] in d.text),
            key=lambda i: duties[i].span[1] - duties[i].span[0],
        )
        for g in gold
    }
    taken: set[int] = set()
    out: dict[str, int] = {}
    for gold_id in sorted(candidates, key=lambda k: len(candidates[k])):
        free = [i for i in candidates[gold_id] if i not in taken]
        if free:
            out[gold_id] = free[0]
            taken.add(free[0])
    return out


def score_documents(
    matrix: DutyMatrix, gold: Sequence[dict[str, Any]], doc_of: dict[str, str]
) -> tuple[dict[str, DocScore], dict[str, int]]:
    scores: dict[str, DocScore] = {}
    all_matches: dict[str, int] = {}
    duties = list(matrix.duties)
    for name in DOC_ORDER:
        doc_id = doc_of[name]
        rows = [g for g in gold if g["doc"] == name]
        indexes = [i for i, d in enumerate(duties) if d.doc_id == doc_id]
        local = [duties[i] for i in indexes]
        matches = {g: indexes[i] for g, i in match_rows(local, rows).items()}
        all_matches.update(matches)
        score = DocScore()
        for g in rows:
            if g["id"] not in matches:
                score.lead.add([], g["lead_departments"])
                score.cooperating.add([], g["cooperating_departments"])
                score.rows.fn += 1
                score.differences.append(f"{g['id']}: no row holds the anchor {g['anchor']!r}")
                continue
            duty = duties[matches[g["id"]]]
            leads = [m.written for m in duty.lead_departments]
            coops = [m.written for m in duty.cooperating_departments]
            score.lead.add(leads, g["lead_departments"])
            score.cooperating.add(coops, g["cooperating_departments"])
            score.rows.tp += 1
            score.matched += 1
            score.deadline_agree += duty.deadline == g["deadline"]
            if Counter(leads) != Counter(g["lead_departments"]):
                score.differences.append(f"{g['id']}: lead {leads} != gold {g['lead_departments']}")
            if Counter(coops) != Counter(g["cooperating_departments"]):
                score.differences.append(
                    f"{g['id']}: cooperating {coops} != gold {g['cooperating_departments']}"
                )
            if duty.deadline != g["deadline"]:
                score.differences.append(
                    f"{g['id']}: deadline {duty.deadline!r} != gold {g['deadline']!r}"
                )
        used = set(matches.values())
        for i in indexes:
            if i not in used:
                duty = duties[i]
                score.lead.add([m.written for m in duty.lead_departments], [])
                score.cooperating.add([m.written for m in duty.cooperating_departments], [])
                score.rows.fp += 1
                score.differences.append(f"extra row {''.join(duty.section_numbers)} {duty.task}")
        scores[name] = score
    return scores, all_matches


def answer_problems(answer: Answer, duties: Sequence[Duty]) -> list[str]:
    """What in an Answer is not backed by its passages (empty when every row is cited)."""
    problems = []
    by_rank = {p.rank: p for p in answer.passages}
    if sorted(by_rank) != list(range(1, len(by_rank) + 1)):
        problems.append("passage ranks are not 1..n")
    rows = [s for s in answer.sentences if s.label not in HEADER_LABELS]
    if len(rows) != len(duties):
        problems.append(f"{len(rows)} row sentences for {len(duties)} rows")
    for sentence, duty in zip(rows, duties, strict=False):
        if not sentence.citations:
            problems.append(f"uncited row {duty.task}")
            continue
        cited = "".join(by_rank[c.passage_rank].chunk.text for c in sentence.citations)
        shown = [m.written for m in duty.lead_departments + duty.cooperating_departments]
        shown += [duty.deadline] if duty.deadline else []
        problems += [f"{s!r} not in the cited passages" for s in shown if s not in cited]
        for c in sentence.citations:
            chunk = by_rank[c.passage_rank].chunk
            if not (chunk.span[0] <= c.span[0] < c.span[1] <= chunk.span[1]):
                problems.append(f"citation {c.span} outside passage {c.passage_rank}")
    return problems


def score_questions(
    matrix: DutyMatrix,
    aliases: AliasTable,
    chunks: Sequence[Chunk],
    matches: dict[str, int],
) -> list[dict[str, Any]]:
    gold_of = {i: g for g, i in matches.items()}
    out = []
    for q in load_jsonl(QUESTIONS):
        result = resolve_duty_question(q["question"], matrix, aliases)
        record: dict[str, Any] = {"id": q["id"], "question": q["question"], "kind": q["kind"]}
        if result is None:
            record.update(complete=False, detected=False, missing=q["expected_ids"], extra=[])
            out.append(record)
            continue
        duties = list(result.duties)
        index_of = {id(d): i for i, d in enumerate(matrix.duties)}
        got = [gold_of.get(index_of[id(d)], f"(unmatched {d.task})") for d in duties]
        expected = q["expected_ids"]
        record.update(
            detected=True,
            missing=[e for e in expected if e not in got],
            extra=[g for g in got if g not in expected],
        )
        complete = not record["missing"] and not record["extra"]
        if q["kind"] == "participants":
            names = _participants_written(result, matrix)
            wanted = q["expected_departments"]
            record["departments_missing"] = [d for d in wanted if d not in names]
            record["departments_extra"] = [d for d in names if d not in wanted]
            complete &= not record["departments_missing"] and not record["departments_extra"]
            if "expected_departments_canonical" in q:
                canonical = {search_form(n) for n in _participants_canonical(result, matrix)}
                wanted_canonical = {search_form(n) for n in q["expected_departments_canonical"]}
                record["canonical_ok"] = canonical == wanted_canonical
                complete &= record["canonical_ok"]
        answer = build_answer(q["question"], result, matrix, chunks)
        record["answer_problems"] = answer_problems(answer, duties)
        record["complete"] = complete and not record["answer_problems"]
        out.append(record)
    return out


def _participants_written(result: Any, matrix: DutyMatrix) -> list[str]:
    names: list[str] = []
    for duty in result.duties:
        mentions = _mentions(duty, result.question.role)
        names += [m.written for m in mentions if m.written not in names]
    return names


def _participants_canonical(result: Any, matrix: DutyMatrix) -> list[str]:
    return [m.canonical for duty in result.duties for m in _mentions(duty, result.question.role)]


def _mentions(duty: Duty, role: str) -> tuple[Any, ...]:
    out: tuple[Any, ...] = ()
    if role in ("lead", "any"):
        out += duty.lead_departments
    if role in ("cooperating", "any"):
        out += duty.cooperating_departments
    return out


def _scores_json(scores: dict[str, DocScore], questions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "documents": {
            name: {
                part: {
                    "precision": c.precision,
                    "recall": c.recall,
                    "tp": c.tp,
                    "fp": c.fp,
                    "fn": c.fn,
                }
                for part, c in (("lead", s.lead), ("cooperating", s.cooperating), ("rows", s.rows))
            }
            for name, s in scores.items()
        },
        "questions": questions,
    }


def _pct(value: float) -> str:
    return f"{value:.3f}"


def render_report(
    scores: dict[str, DocScore],
    questions: list[dict[str, Any]],
    spans_ok: tuple[int, int],
    side_by_side: str,
    command: str,
) -> str:
    total = DocScore()
    for s in scores.values():
        for part in ("lead", "cooperating", "rows"):
            mine, all_ = getattr(s, part), getattr(total, part)
            all_.tp, all_.fp, all_.fn = all_.tp + mine.tp, all_.fp + mine.fp, all_.fn + mine.fn
        total.matched += s.matched
        total.deadline_agree += s.deadline_agree
    lines = [
        "# Duty matrix (任务分工): evaluation against the hand-made gold",
        "",
        f"Command: `{command}` (gold: `eval/duties/gold.jsonl`, 97 rows; questions: "
        "`eval/duties/questions.jsonl`, 37). The matrix is computed from the corpus folder "
        "with the same functions the assistant applies to its index.",
        "",
        "Departments are compared as written (multisets per row); unmatched system rows are "
        "false positives, unmatched gold rows misses. Rows are matched one to one by the gold "
        "anchor lying inside the row's text.",
        "",
        "| document | gold rows | system rows | matched | lead P | lead R | coop P | coop R | deadline agree |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in [*scores.items(), ("all", total)]:
        system_rows = s.rows.tp + s.rows.fp
        gold_rows = s.rows.tp + s.rows.fn
        lines.append(
            f"| {name} | {gold_rows} | {system_rows} | {s.matched} | {_pct(s.lead.precision)} "
            f"| {_pct(s.lead.recall)} | {_pct(s.cooperating.precision)} "
            f"| {_pct(s.cooperating.recall)} | {s.deadline_agree}/{s.matched} |"
        )
    complete = sum(q["complete"] for q in questions)
    lines += [
        "",
        f"Lead names: {total.lead.tp} right, {total.lead.fp} extra, {total.lead.fn} missed; "
        f"cooperating names: {total.cooperating.tp} right, {total.cooperating.fp} extra, "
        f"{total.cooperating.fn} missed.",
        "",
        f"Text verbatim at its span: {spans_ok[0]} of {spans_ok[1]} rows.",
        "",
        f"## Aggregated questions: {complete} of {len(questions)} complete",
        "",
        "Complete = exactly the expected rows (and for `participants` exactly the expected "
        "departments as written, and canonical where the gold gives them), and an Answer whose "
        "every row is cited by passages containing the names and deadline it shows.",
        "",
        "| id | kind | question | complete | missing | extra |",
        "|---|---|---|---|---|---|",
    ]
    for q in questions:
        missing = q["missing"] + q.get("departments_missing", [])
        extra = q["extra"] + q.get("departments_extra", []) + q.get("answer_problems", [])
        lines.append(
            f"| {q['id']} | {q['kind']} | {q['question']} | {'yes' if q['complete'] else 'NO'} "
            f"| {', '.join(missing)} | {', '.join(map(str, extra))} |"
        )
    lines += ["", "## Differences from the gold", ""]
    for name, s in scores.items():
        for difference in s.differences:
            lines.append(f"- {name} {difference}")
    if not any(s.differences for s in scores.values()):
        lines.append("None.")
    lines += ["", f"## {SHOWN_DEPARTMENT} across the five documents", "", side_by_side, ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="write the Markdown report here")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    documents = load_corpus(settings.corpus_dir)
    parsed = [parse(d, settings) for d in documents]
    aliases = AliasTable.load(settings.duty_aliases)
    matrix = build_matrix(documents, {p.document.doc_id: p.sections for p in parsed}, aliases)
    doc_of = {
        name: next(d.doc_id for d in documents if names_document(name, d)) for name in DOC_ORDER
    }
    gold = load_jsonl(GOLD)
    scores, matches = score_documents(matrix, gold, doc_of)
    spans_ok = (
        sum(
            matrix.documents[d.doc_id].text[d.span[0] : d.span[1]] == d.text for d in matrix.duties
        ),
        len(matrix.duties),
    )
    chunks = [c for p in parsed for c in p.chunks]
    questions = score_questions(matrix, aliases, chunks, matches)
    table = department_side_by_side(matrix, aliases, SHOWN_DEPARTMENT)
    command = "python -m eval.duties_eval" + (f" --report {args.report}" if args.report else "")
    report = render_report(scores, questions, spans_ok, frame_markdown(table), command)
    if args.report:
        args.report.write_text(report, encoding="utf-8")
    if args.json:
        print(json.dumps(_scores_json(scores, questions), ensure_ascii=False, indent=2))
    else:
        print(report)
    lead_ok = all(
        s.lead.precision >= TARGETS["lead"] and s.lead.recall >= TARGETS["lead"]
        for s in scores.values()
    )
    coop_ok = all(
        s.cooperating.precision >= TARGETS["cooperating"]
        and s.cooperating.recall >= TARGETS["cooperating"]
        for s in scores.values()
    )
    ok = (
        lead_ok and coop_ok and spans_ok[0] == spans_ok[1] and all(q["complete"] for q in questions)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

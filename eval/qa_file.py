"""Reading a Q&A file (JSON Lines) into validated ``QAItem`` records.

Evaluators write their own files, so every problem is reported with the file name and
line number instead of a traceback from deep inside the benchmark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import InputError

QUESTION_TYPES = (
    "figure",
    "department",
    "definition",
    "measure",
    "reworded",
    "cross_script",
    "comparison",
    "unanswerable",
)

_REQUIRED_STRINGS = ("id", "question", "doc", "type")
_FORMAT_HINT = (
    'Each line must be one JSON object like {"id": "q001", "question": "…", '
    '"answers": ["…"], "doc": "厦门", "section": "二、（四）", "type": "figure"}; '
    "see eval/README.md, section 'The Q&A file format'."
)


@dataclass(frozen=True)
class QAItem:
    """One evaluation question with what a correct retrieval and answer must contain."""

    id: str
    question: str
    answers: tuple[str, ...]  # all must be retrieved; any one makes an answer correct
    doc: str  # expected document(s) by region name, "A|B" for several, "" if unanswerable
    section: str  # expected section markers, e.g. "二、（四）"; "" when not applicable
    type: str  # one of QUESTION_TYPES

    @property
    def answerable(self) -> bool:
        return bool(self.doc)


def load_qa_file(path: Path | str) -> list[QAItem]:
    """Parse and validate a Q&A file; blank lines are ignored.

    Raises InputError naming the file and line for unreadable files, bad JSON, missing
    fields, wrong field types, unknown question types and duplicate ids.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputError(f"Q&A file not found: {path}", "Check the path.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"Cannot read Q&A file {path}: {err}", "Save it as UTF-8 text.") from None

    items: list[QAItem] = []
    first_line_of: dict[str, int] = {}
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = parse_qa_line(line, where=f"{path}:{line_number}")
        if item.id in first_line_of:
            raise InputError(
                f"{path}:{line_number}: duplicate id {item.id!r} "
                f"(first used on line {first_line_of[item.id]}).",
                "Give every question its own id.",
            )
        first_line_of[item.id] = line_number
        items.append(item)
    if not items:
        raise InputError(f"Q&A file {path} contains no questions.", _FORMAT_HINT)
    return items


def parse_qa_line(line: str, *, where: str) -> QAItem:
    """One JSON line to a QAItem; ``where`` ("file:line") prefixes every error message."""
    try:
        raw: Any = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{where}: not valid JSON ({err.msg} at column {err.colno}).", _FORMAT_HINT
        ) from None
    if not isinstance(raw, dict):
        raise InputError(
            f"{where}: expected a JSON object, got {type(raw).__name__}.", _FORMAT_HINT
        )

    missing = [key for key in (*_REQUIRED_STRINGS, "answers") if key not in raw]
    if missing:
        raise InputError(f"{where}: missing field(s) {', '.join(missing)}.", _FORMAT_HINT)
    for key in (*_REQUIRED_STRINGS, "section"):
        if key in raw and not isinstance(raw[key], str):
            raise InputError(
                f"{where}: field {key!r} must be a string, got {type(raw[key]).__name__}.",
                _FORMAT_HINT,
            )
    answers = raw["answers"]
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise InputError(f"{where}: field 'answers' must be a list of strings.", _FORMAT_HINT)

    item = QAItem(
        id=raw["id"].strip(),
        question=raw["question"].strip(),
        answers=tuple(a.strip() for a in answers),
        doc=raw["doc"].strip(),
        section=str(raw.get("section", "")).strip(),
        type=raw["type"].strip(),
    )
    _check_consistency(item, where)
    return item


def _check_consistency(item: QAItem, where: str) -> None:
    if not item.id:
        raise InputError(f"{where}: 'id' is empty.", "Give every question an id such as q001.")
    if not item.question:
        raise InputError(f"{where}: 'question' is empty.", _FORMAT_HINT)
    if item.type not in QUESTION_TYPES:
        raise InputError(
            f"{where}: unknown type {item.type!r}.",
            f"Use one of: {', '.join(QUESTION_TYPES)}.",
        )
    if any(not answer for answer in item.answers):
        raise InputError(f"{where}: 'answers' contains an empty phrase.", "Remove it.")
    if item.answerable and not item.answers:
        raise InputError(
            f"{where}: question {item.id} names doc {item.doc!r} but has no answer phrases.",
            'Add at least one phrase copied from the document, or set doc to "" '
            "for an unanswerable question.",
        )
    if not item.answerable and item.answers:
        raise InputError(
            f"{where}: question {item.id} has answer phrases but no expected doc.",
            "Name the document(s) in 'doc', or empty 'answers' for an unanswerable question.",
        )
    if item.type == "unanswerable" and item.answerable:
        raise InputError(
            f"{where}: question {item.id} is typed unanswerable but names doc {item.doc!r}.",
            'Set doc to "" and answers to [].',
        )

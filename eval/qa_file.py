"""Reading a Q&A file (JSON Lines, CSV or Excel) into validated ``QAItem`` records.

Evaluators write their own files, so every problem is reported with the file name and
line (or row) number instead of a traceback from deep inside the benchmark. The three
formats have the same columns; in CSV and Excel, list fields (answers, tags, history)
are written as a JSON list or as values separated by "|".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.matching import ANY_DOCUMENT
from qa.errors import InputError

# The labels the shipped sets use; any other label is accepted and reported on its own.
KNOWN_TYPES = (
    "figure",
    "department",
    "definition",
    "measure",
    "reworded",
    "cross_script",
    "comparison",
    "unanswerable",
)
COLUMNS = ("id", "question", "answers", "doc", "section", "type", "tags", "history", "note")
_REQUIRED = ("question", "answers")
# A file that leaves out id, doc or type gets them filled in: the row's number, any
# document (ANY_DOCUMENT) when it has answer phrases, and this label.
UNLABELLED = "unlabelled"
_FORMAT_HINT = (
    'Each question needs question and answers, e.g. {"id": "q001", '
    '"question": "…", "answers": ["…"], "doc": "厦门", "section": "二、（四）", '
    '"type": "figure"} (id, doc and type may be left out); see eval/README.md, '
    'section "The Q&A file format".'
)


@dataclass(frozen=True)
class QAItem:
    """One evaluation question with what a correct retrieval and answer must contain."""

    id: str
    question: str
    answers: tuple[str, ...]  # all must be retrieved; see eval/README.md for correctness
    doc: str  # expected document(s) by region or title fragment, "A|B" for several
    section: str  # expected section markers, e.g. "二、（四）"; "" when not applicable
    type: str  # a free label, reported on its own
    tags: tuple[str, ...] = ()  # more labels: placeless, across, reworded, regulation …
    history: tuple[str, ...] = ()  # earlier questions of the conversation (follow-ups)
    note: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.doc)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label the question is reported under: its type, then its tags."""
        return tuple(dict.fromkeys((self.type, *self.tags)))


def load_qa_file(path: Path | str) -> list[QAItem]:
    """Parse and validate a Q&A file (.jsonl/.json, .csv or .xlsx).

    Raises InputError naming the file and line for unreadable files, bad JSON, missing
    fields, wrong field types and duplicate ids.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Q&A file not found: {path}", "Check the path.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix in (".jsonl", ".json", ".txt", ""):
        rows = _jsonl_rows(path)
    else:
        raise InputError(
            f"Q&A file {path}: unknown format {suffix!r}.", "Use .jsonl, .csv or .xlsx."
        )
    items: list[QAItem] = []
    first_seen: dict[str, str] = {}
    for where, raw in rows:
        item = parse_record(raw, where=where)
        if item.id in first_seen:
            raise InputError(
                f"{where}: duplicate id {item.id!r} (first used on line {first_seen[item.id]}).",
                "Give every question its own id.",
            )
        first_seen[item.id] = where.rsplit(":", 1)[-1]
        items.append(item)
    if not items:
        raise InputError(f"Q&A file {path} contains no questions.", _FORMAT_HINT)
    return items


def _jsonl_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
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
        yield where, raw


def _csv_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(_read_text(path)))
    _check_header(path, reader.fieldnames or [])
    for number, row in enumerate(reader, start=2):
        if any((value or "").strip() for value in row.values() if isinstance(value, str)):
            yield f"{path}:{number}", _table_record(row)


def _xlsx_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises zip, XML and its own errors
        raise InputError(
            f"Cannot read the Excel file {path} ({err}).", "Save it again as .xlsx."
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    _check_header(path, header)
    for number, values in enumerate(rows, start=2):
        row = {h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=False)}
        if any(value.strip() for value in row.values()):
            yield f"{path}:{number}", _table_record(row)
    book.close()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"Cannot read Q&A file {path}: {err}", "Save it as UTF-8.") from None


def _check_header(path: Path, header: Sequence[str]) -> None:
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{path}: the first row lacks the column(s) {', '.join(missing)}.",
            f"Name the columns {', '.join(COLUMNS)} (only question and answers are needed).",
        )


def _table_record(row: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {k: ("" if v is None else str(v)).strip() for k, v in row.items() if k}
    for key in ("answers", "tags", "history"):
        record[key] = split_list(record.get(key, ""), allow_comma=key == "tags")
    return record


def split_list(value: str, allow_comma: bool = False) -> list[str]:
    """A list cell: a JSON list, or values separated by "|" (tags also by commas)."""
    value = value.strip()
    if not value:
        return []
    if value.startswith("["):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v).strip() for v in parsed if str(v).strip()]
    separators = "|,，" if allow_comma else "|"
    parts = [value]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [p.strip() for p in parts if p.strip()]


def parse_record(raw: Mapping[str, Any], *, where: str) -> QAItem:
    """One record to a QAItem; ``where`` ("file:line") prefixes every error message."""
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise InputError(f"{where}: missing field(s) {', '.join(missing)}.", _FORMAT_HINT)
    raw = _with_defaults(raw, where)
    for key in ("id", "question", "doc", "type", "section", "note"):
        if key in raw and not isinstance(raw[key], str):
            raise InputError(
                f"{where}: field {key!r} must be a string, got {type(raw[key]).__name__}.",
                _FORMAT_HINT,
            )
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("answers", "tags", "history"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise InputError(f"{where}: field {key!r} must be a list of strings.", _FORMAT_HINT)
        lists[key] = tuple(a.strip() for a in value)
    item = QAItem(
        id=raw["id"].strip(),
        question=raw["question"].strip(),
        answers=lists["answers"],
        doc=raw["doc"].strip(),
        section=str(raw.get("section", "")).strip(),
        type=raw["type"].strip(),
        tags=tuple(t for t in lists["tags"] if t),
        history=tuple(h for h in lists["history"] if h),
        note=str(raw.get("note", "")).strip(),
    )
    _check_consistency(item, where)
    return item


def _with_defaults(raw: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    """id, doc and type for a record that leaves them out (not for empty values: an
    empty doc still means "unanswerable")."""
    filled = dict(raw)
    if "id" not in filled:
        filled["id"] = f"row{where.rsplit(':', 1)[-1]}"
    if "type" not in filled:
        filled["type"] = UNLABELLED
    if "doc" not in filled:
        answers = filled.get("answers")
        filled["doc"] = ANY_DOCUMENT if isinstance(answers, list) and answers else ""
    return filled


def parse_qa_line(line: str, *, where: str) -> QAItem:
    """One JSON line to a QAItem (kept for callers that read lines themselves)."""
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
    return parse_record(raw, where=where)


def _check_consistency(item: QAItem, where: str) -> None:
    if not item.id:
        raise InputError(f"{where}: 'id' is empty.", "Give every question an id such as q001.")
    if not item.question:
        raise InputError(f"{where}: 'question' is empty.", _FORMAT_HINT)
    if not item.type:
        raise InputError(f"{where}: 'type' is empty.", "Give a label such as figure.")
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
            "Name the document(s) in 'doc' (* for any document), or empty 'answers' for an "
            "unanswerable question.",
        )
    if item.type == "unanswerable" and item.answerable:
        raise InputError(
            f"{where}: question {item.id} is typed unanswerable but names doc {item.doc!r}.",
            'Set doc to "" and answers to [].',
        )

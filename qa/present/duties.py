"""The duty matrix for people: JSON rows, the 分工 table, Excel, side by side, Markdown.

Pure functions from the matrix (qa.duties.matrix) to records and frames; the page
(app.py), the CLI and briefings only wire these in. Names are shown as written with
the canonical name beside them when it differs (水務局（盟水務局）).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qa.duties.answer import mention_text
from qa.duties.matrix import Department, DutyMatrix, Role
from qa.duties.names import AliasTable
from qa.retrieve.places import names_document
from qa.types import Duty

NO_SECTION = "（正文开头）"
DUTY_COLUMNS = [
    "地区", "文件", "章节", "任务", "牵头部门", "配合单位", "时限",
    "牵头部门（统一名称）", "配合单位（统一名称）", "原文", "位置",
]  # fmt: skip
_WIDTHS = {"地区": 10, "文件": 30, "章节": 16, "任务": 30, "牵头部门": 24, "配合单位": 36,
           "时限": 14, "牵头部门（统一名称）": 24, "配合单位（统一名称）": 36, "原文": 80,
           "位置": 12}  # fmt: skip
ROLE_WORDS = {"lead": "牵头", "cooperating": "配合", "any": "全部"}


def duty_record(duty: Duty, matrix: DutyMatrix) -> dict[str, Any]:
    """One row of ``python -m qa duties --json`` (stable; later fields only added)."""
    document = matrix.document_of(duty)
    return {
        "doc_id": duty.doc_id,
        "doc_title": document.title,
        "region": document.region,
        "section_path": list(duty.section_path),
        "task": duty.task,
        "lead_departments": [m.written for m in duty.lead_departments],
        "cooperating_departments": [m.written for m in duty.cooperating_departments],
        "deadline": duty.deadline,
        "text": duty.text,
        "span": list(duty.span),
        "section_numbers": list(duty.section_numbers),
        "lead_departments_canonical": [m.canonical for m in duty.lead_departments],
        "cooperating_departments_canonical": [m.canonical for m in duty.cooperating_departments],
        "departments": [
            {
                "role": role,
                "written": m.written,
                "canonical": m.canonical,
                "qualified": matrix.qualified(duty, m),
                "span": list(m.span),
            }
            for role, mentions in (
                ("lead", duty.lead_departments),
                ("cooperating", duty.cooperating_departments),
            )
            for m in mentions
        ],
        "note_span": list(duty.note_span),
        "deadline_span": list(duty.deadline_span) if duty.deadline_span else None,
    }


def filter_duties(
    matrix: DutyMatrix,
    aliases: AliasTable,
    *,
    document: str = "",
    region: str = "",
    department: str = "",
    role: Role = "any",
) -> list[Duty]:
    """Rows of a document (id, title or place), a region, a department (as people write
    it: 市质监局, 太原市质量技术监督局, 盟市場監管局), in a role; empty filters keep all."""
    doc_ids = [
        d.doc_id
        for d in matrix.documents.values()
        if not document or d.doc_id == document or d.title == document
        or names_document(document, d)
    ]  # fmt: skip
    departments: list[Department] | None = None
    if department and department.strip():
        departments = matrix.find_departments(department, aliases, doc_ids)
    return matrix.select(doc_ids=doc_ids, region=region, departments=departments, role=role)


def _names(mentions: Iterable[Any], canonical: bool) -> str:
    return "、".join(m.canonical if canonical else m.written for m in mentions)


def duties_frame(matrix: DutyMatrix, duties: Sequence[Duty]) -> pd.DataFrame:
    """The 分工 table: one row per task, Chinese headers (DUTY_COLUMNS)."""
    rows = []
    for duty in duties:
        document = matrix.document_of(duty)
        rows.append(
            [
                document.region,
                document.title,
                " › ".join(duty.section_path) or NO_SECTION,
                duty.task,
                _names(duty.lead_departments, False),
                _names(duty.cooperating_departments, False),
                duty.deadline,
                _names(duty.lead_departments, True),
                _names(duty.cooperating_departments, True),
                duty.text,
                f"{duty.span[0]}-{duty.span[1]}",
            ]
        )
    return pd.DataFrame(rows, columns=DUTY_COLUMNS)


def write_duties_excel(
    frame: pd.DataFrame, path: Path, *, sheet: str = "任务分工", extra: pd.DataFrame | None = None
) -> Path:
    """An .xlsx of the table (and, if given, a second sheet 对照 with the side by side)."""
    from openpyxl.styles import Alignment, Font

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        sheets = [(sheet, frame)] + ([("对照", extra)] if extra is not None else [])
        for name, data in sheets:
            data.to_excel(writer, sheet_name=name, index=False)
            worksheet = writer.sheets[name]
            worksheet.freeze_panes = "A2"
            for cell in worksheet[1]:
                cell.font = Font(bold=True)
            for index, column in enumerate(data.columns, 1):
                letter = worksheet.cell(row=1, column=index).column_letter
                worksheet.column_dimensions[letter].width = _WIDTHS.get(str(column), 40)
            for row in worksheet.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return path


def _document_label(matrix: DutyMatrix, doc_id: str) -> str:
    document = matrix.documents[doc_id]
    regions = [d.region for d in matrix.documents.values()]
    return (
        document.region
        if document.region and regions.count(document.region) == 1
        else document.title
    )


def _task_cell(matrix: DutyMatrix, duty: Duty, keys: set[tuple[str, str]]) -> str:
    role = matrix.role_of(duty, keys)
    where = "".join(duty.section_numbers)
    deadline = f"（{duty.deadline}）" if duty.deadline else ""
    return f"[{role}] {where} {duty.task}{deadline}".replace("  ", " ")


def department_side_by_side(
    matrix: DutyMatrix,
    aliases: AliasTable,
    department: str,
    *,
    role: Role = "any",
    documents: Sequence[str] = (),
) -> pd.DataFrame:
    """One department's tasks across documents, one column per document.

    ``department`` as people write it; without a place (市质监局) it is every region's
    body of that name, each in its own document's column. Every document of the corpus
    (or of ``documents``) gets a column, "（无）" when it assigns the department nothing.
    """
    departments = matrix.find_departments(department, aliases)
    keys = {d.key for d in departments}
    doc_ids = list(documents) or list(matrix.documents)
    columns: dict[str, list[str]] = {}
    for doc_id in doc_ids:
        rows = matrix.select(doc_ids=[doc_id], departments=departments, role=role) if keys else []
        columns[_document_label(matrix, doc_id)] = [_task_cell(matrix, d, keys) for d in rows] or [
            "（无）"
        ]
    height = max((len(c) for c in columns.values()), default=0)
    return pd.DataFrame({k: v + [""] * (height - len(v)) for k, v in columns.items()})


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def duties_markdown(
    matrix: DutyMatrix,
    duties: Sequence[Duty],
    *,
    title: str = "任务分工",
    departments: Iterable[Department] = (),
) -> str:
    """A briefing section: per document, a table of tasks with leads, partners, deadlines.

    ``departments`` (e.g. ``matrix.find_departments("市质监局", aliases)``) adds a column
    with their role in each task.
    """
    lines = [f"## {title}", ""]
    keys = {d.key for d in departments}
    if not duties:
        return "\n".join([*lines, "（文件中没有相应的任务分工。）", ""])
    lines += [f"共 {len(duties)} 项任务，{len({d.doc_id for d in duties})} 份文件。", ""]
    head = ["章节", "任务", *(["角色"] if keys else []), "牵头", "配合", "时限"]
    current = ""
    for duty in duties:
        if duty.doc_id != current:
            current = duty.doc_id
            document = matrix.document_of(duty)
            lines += ["", f"### {document.region}　《{document.title}》", ""]
            lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        cells = [
            "".join(duty.section_numbers) or NO_SECTION,
            duty.task,
            *([matrix.role_of(duty, keys)] if keys else []),
            "、".join(mention_text(m) for m in duty.lead_departments),
            "、".join(mention_text(m) for m in duty.cooperating_departments),
            duty.deadline,
        ]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines).rstrip() + "\n"


def department_choices(matrix: DutyMatrix) -> list[str]:
    """Departments for a picker: qualified names (太原市质监局), most tasks first."""
    counts: dict[tuple[str, str], int] = {}
    for duty in matrix.duties:
        for mention in duty.lead_departments + duty.cooperating_departments:
            key = matrix.key(duty, mention)
            counts[key] = counts.get(key, 0) + 1
    departments = matrix.departments
    ordered = sorted(counts, key=lambda k: (-counts[k], departments[k].qualified))
    return [departments[k].qualified for k in ordered]


def duties_table_text(matrix: DutyMatrix, duties: Sequence[Duty]) -> str:
    """The plain table of ``python -m qa duties`` (no --json)."""
    lines = []
    for duty in duties:
        document = matrix.document_of(duty)
        lead = "、".join(mention_text(m) for m in duty.lead_departments)
        coop = "、".join(mention_text(m) for m in duty.cooperating_departments)
        where = "".join(duty.section_numbers) or NO_SECTION
        line = f"{document.region}\t{where}\t{duty.task}\t牵头: {lead}"
        if coop:
            line += f"\t配合: {coop}"
        if duty.deadline:
            line += f"\t时限: {duty.deadline}"
        lines.append(line)
    return "\n".join(lines)


def frame_markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (for briefings and reports)."""
    head = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(_md(h) for h in head) + " |", "|" + "---|" * len(head)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_md("" if v is None else str(v)) for v in row) + " |")
    return "\n".join(lines)

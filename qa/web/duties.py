"""分工: who does what (the duty matrix, qa.duties), filtered, side by side, as Excel."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from qa.assistant import Assistant
from qa.duties.matrix import DutyMatrix, Role, matrix_for_index
from qa.duties.names import AliasTable
from qa.present.duties import (
    department_choices,
    department_side_by_side,
    duties_frame,
    filter_duties,
    write_duties_excel,
)
from qa.present.html import document_label
from qa.web.common import ALL, any_, export_dir, guarded

ROLES = [("全部", "any"), ("牵头", "lead"), ("配合", "cooperating")]
SHOWN = ["地区", "章节", "任务", "牵头部门", "配合单位", "时限", "文件"]
WIDTHS: list[str | int] = ["90px", "140px", "260px", "200px", "240px", "110px", "260px"]


class DutyHandlers:
    assistant: Assistant

    def matrix(self) -> DutyMatrix:
        return matrix_for_index(self.assistant.index, self.assistant.settings.duty_aliases)

    def aliases(self) -> AliasTable:
        return AliasTable.load(self.assistant.settings.duty_aliases)

    def duty_filters(self) -> tuple[list[tuple[str, str]], list[str]]:
        documents = [(ALL, "")] + [(document_label(d), d.doc_id) for d in self.assistant.documents]
        return documents, department_choices(self.matrix())

    @guarded
    def duty_table(self, document: str, department: str, role: str) -> tuple[str, pd.DataFrame]:
        matrix = self.matrix()
        rows = filter_duties(
            matrix, self.aliases(), document=any_(document), department=(department or "").strip(),
            role=role if role in ("lead", "cooperating") else "any",  # type: ignore[arg-type]
        )  # fmt: skip
        frame = duties_frame(matrix, rows)
        if frame.empty:
            return "#### 没有符合条件的任务分工，请换一个部门名称或放宽筛选。", frame[SHOWN]
        documents = frame["文件"].nunique()
        return f"#### {len(frame)} 项任务，{documents} 份文件", frame[SHOWN]

    @guarded
    def duty_excel(self, document: str, department: str, role: str) -> str:
        matrix = self.matrix()
        aliases = self.aliases()
        role_key: Role = role if role in ("lead", "cooperating") else "any"  # type: ignore[assignment]
        rows = filter_duties(
            matrix,
            aliases,
            document=any_(document),
            department=(department or "").strip(),
            role=role_key,
        )
        extra = (
            department_side_by_side(matrix, aliases, department.strip(), role=role_key)
            if department and department.strip()
            else None
        )
        return str(
            write_duties_excel(
                duties_frame(matrix, rows), export_dir() / "任务分工.xlsx", extra=extra
            )
        )

    @guarded
    def side_by_side(self, department: str, role: str) -> pd.DataFrame:
        if not (department or "").strip():
            return pd.DataFrame()
        role_key: Role = role if role in ("lead", "cooperating") else "any"  # type: ignore[assignment]
        return department_side_by_side(
            self.matrix(), self.aliases(), department.strip(), role=role_key
        )

    def side_by_side_view(self, department: str, role: str) -> Any:
        """The side by side, shown only once a department is given (no empty header row)."""
        frame = self.side_by_side(department, role)
        return gr.update(value=frame, visible=not frame.empty)


def build_duties_tab(h: DutyHandlers) -> dict[str, Any]:
    documents, departments = h.duty_filters()
    gr.Markdown(
        "各文件的任务分工：每项任务的牵头部门、配合单位和时限，均摘自原文。输入部门名称（如“市质监局”）可看它在各地文件中的任务。"
    )
    with gr.Row():
        document = gr.Dropdown(documents, value="", label="文件", min_width=160)
        department = gr.Dropdown(
            departments,
            value=None,
            label="部门（可直接输入）",
            allow_custom_value=True,
            min_width=160,
            elem_id="duty-department",
        )
        role = gr.Radio(ROLES, value="any", label="角色", min_width=160)
    head, frame = h.duty_table("", "", "any")
    heading = gr.Markdown(head, elem_id="duties-heading")
    table = gr.Dataframe(
        frame,
        interactive=False,
        wrap=True,
        column_widths=WIDTHS,
        max_height=480,
        elem_id="duties-table",
    )
    side = gr.Dataframe(
        label="该部门在各文件中的任务（对照）",
        interactive=False,
        wrap=True,
        visible=False,
        elem_id="duties-side",
    )
    with gr.Row():
        excel_button = gr.Button("下载 Excel（当前筛选）")
        excel = gr.File(label="Excel", visible=False)
    return {"filters": [document, department, role], "heading": heading, "table": table,
            "side": side, "excel_button": excel_button, "excel": excel, "document": document,
            "department": department}  # fmt: skip


def wire_duties(h: DutyHandlers, c: dict[str, Any], private: dict[str, Any]) -> None:
    _, department, role = c["filters"]
    for component in c["filters"]:
        component.change(
            h.duty_table,
            c["filters"],
            [c["heading"], c["table"]],
            trigger_mode="always_last",
            **private,
        )
    for component in (department, role):
        component.change(
            h.side_by_side_view,
            [department, role],
            c["side"],
            trigger_mode="always_last",
            **private,
        )

    def excel(*filters: str) -> Any:
        return gr.update(value=h.duty_excel(*filters), visible=True)

    c["excel_button"].click(excel, c["filters"], c["excel"], **private)

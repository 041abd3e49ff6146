"""简报: the trainer picks questions of the conversation; Word (公文), slides and Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

from qa.assistant import Assistant
from qa.duties.answer import mention_text
from qa.duties.matrix import matrix_for_index
from qa.duties.names import AliasTable
from qa.present.briefing import briefing_markdown
from qa.present.briefing_docx import briefing_docx
from qa.present.briefing_pptx import briefing_pptx
from qa.present.duties import duties_markdown, filter_duties
from qa.types import Answer
from qa.web.common import error, export_dir, guarded

EMPTY = "本次对话还没有提问。先在“提问”页问几个问题，再回到这里挑选要放进简报的问题。"


class BriefingHandlers:
    assistant: Assistant

    def briefing_choices(self, conversation: list[Answer] | None) -> Any:
        """The questions to pick from (all ticked), newest answers included."""
        answers = list(conversation or [])
        choices = [(f"{i}. {a.question}", i - 1) for i, a in enumerate(answers, 1)]
        return gr.update(choices=choices, value=[i for _, i in choices])

    def duty_section(
        self, department: str
    ) -> tuple[str, list[tuple[str, Sequence[str], list[list[str]]]]]:
        """A department's tasks for the briefing: Markdown, and the Word table."""
        matrix = matrix_for_index(self.assistant.index, self.assistant.settings.duty_aliases)
        aliases = AliasTable.load(self.assistant.settings.duty_aliases)
        duties = filter_duties(matrix, aliases, department=department)
        departments = matrix.find_departments(department, aliases)
        title = f"{department}的任务分工"
        markdown = duties_markdown(matrix, duties, title=title, departments=departments)
        keys = {d.key for d in departments}
        rows = [
            [
                matrix.document_of(d).region,
                "".join(d.section_numbers),
                d.task,
                matrix.role_of(d, keys),
                "、".join(mention_text(m) for m in d.lead_departments),
                d.deadline,
            ]
            for d in duties
        ]
        headers = ("地区", "章节", "任务", "角色", "牵头", "时限")
        return markdown, [(title, headers, rows)] if rows else []

    @guarded
    def briefing(
        self,
        conversation: list[Answer] | None,
        chosen: Sequence[int] | None = None,
        department: str = "",
    ) -> tuple[str, str, str, str]:
        """Markdown (rendered on the page), and the paths of .md, .docx and .pptx."""
        answers = list(conversation or [])
        if not answers:
            raise error(EMPTY)
        picked = (
            sorted({int(i) for i in chosen}) if chosen is not None else list(range(len(answers)))
        )
        selected = [answers[i] for i in picked if 0 <= i < len(answers)]
        if not selected:
            raise error("请至少勾选一个问题。")
        documents = self.assistant.index.documents
        folder = export_dir()
        extra, tables = (
            self.duty_section(department.strip()) if (department or "").strip() else ("", [])
        )
        markdown = briefing_markdown(selected, documents, extra=extra)
        (folder / "简报.md").write_text(markdown, encoding="utf-8")
        docx_path = briefing_docx(selected, documents, folder / "简报.docx", extra_tables=tables)
        pptx_path = briefing_pptx(selected, documents, folder / "简报.pptx")
        return markdown, str(docx_path), str(pptx_path), str(folder / "简报.md")


def build_briefing_tab(h: BriefingHandlers) -> dict[str, Any]:
    gr.Markdown(
        "勾选要放进简报的问题，生成 Word 简报（A4，公文格式：仿宋正文、黑体标题，出处带文号）、"
        "演示文稿（每个问题一页，对比的指标各配一张图）和 Markdown。"
    )
    pick = gr.CheckboxGroup([], label="放进简报的问题", elem_id="briefing-pick")
    department = gr.Textbox(
        label="附上某部门的任务分工（可选，如：市质监局）", elem_id="briefing-department"
    )
    build = gr.Button("生成简报", variant="primary", elem_id="briefing-button")
    with gr.Row():
        word = gr.File(label="Word 简报（.docx）", elem_id="briefing-docx")
        slides = gr.File(label="演示文稿（.pptx）", elem_id="briefing-pptx")
        markdown_file = gr.File(label="Markdown（.md）", elem_id="briefing-md")
    preview = gr.Markdown(EMPTY, elem_id="briefing-preview", label="预览")
    return {
        "pick": pick,
        "department": department,
        "build": build,
        "word": word,
        "slides": slides,
        "markdown_file": markdown_file,
        "preview": preview,
    }


def wire_briefing(
    h: BriefingHandlers, c: dict[str, Any], conversation: gr.State, private: dict[str, Any]
) -> None:
    c["build"].click(
        h.briefing,
        [conversation, c["pick"], c["department"]],
        [c["preview"], c["word"], c["slides"], c["markdown_file"]],
        **private,
    )

"""文件: the documents, each readable with a clickable outline; uploads can be removed."""

from __future__ import annotations

from typing import Any

import gradio as gr

from qa.assistant import Assistant
from qa.ingest.upload_record import is_uploaded, remove_uploaded
from qa.present import html as ui
from qa.present.document_view import document_page_html
from qa.types import Document
from qa.web.common import error, guarded, status_html
from qa.web.gate import maintainer_action, policy_of

DOCUMENT_COLUMNS = [*ui.DOCUMENT_COLUMNS, "来源"]
DOCUMENT_WIDTHS: list[str | int] = ["300px", "160px", "150px", "100px", "90px", "60px", "70px", "70px", "90px"]  # fmt: skip
SHIPPED, UPLOADED = "随系统提供", "上传"

OUTLINE_JS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('a.qa-outline-link');
  if (!link) return;
  const target = element.querySelector(link.getAttribute('href'));
  if (!target) return;
  event.preventDefault();
  element.querySelectorAll('.qa-outline-link.qa-current').forEach(a => a.classList.remove('qa-current'));
  link.classList.add('qa-current');
  target.scrollIntoView({block: 'start', behavior: 'instant'});
});
"""


def removal_subject(
    handlers: DocumentHandlers, doc_id: str = "", *args: object, **kwargs: object
) -> dict[str, str]:
    """The document's file, content hash and id, for the audit log."""
    document = handlers.assistant.index.documents.get(doc_id or "")
    if document is None:
        return {"doc_id": str(doc_id or "")[:200]}
    return {"file": document.source_name, "sha256": document.content_hash, "doc_id": doc_id}


class DocumentHandlers:
    assistant: Assistant

    def _uploaded(self, document: Document) -> bool:
        return is_uploaded(self.assistant.settings.corpus_dir, document)

    def document_table(self) -> list[list[object]]:
        index = self.assistant.index
        documents = list(index.documents.values())
        rows = ui.document_rows(documents, index.chunks.values(), index.figures)
        return [
            [*row, UPLOADED if self._uploaded(d) else SHIPPED]
            for row, d in zip(rows, documents, strict=True)
        ]

    def first_document(self) -> str:
        documents = self.assistant.documents
        return documents[0].doc_id if documents else ""

    def _read(self, doc_id: str) -> Document:
        document = self.assistant.index.documents.get(doc_id or "")
        if document is None:
            raise error("请先选择一个文件。")
        return document

    @guarded
    def document_view(self, doc_id: str, request: gr.Request | None = None) -> tuple[str, Any]:
        """The reading view and the remove button (shown to maintainers, for uploads only)."""
        if not doc_id:
            return '<div class="qa-hint">文件库是空的。</div>', gr.update(visible=False)
        document = self._read(doc_id)
        view = document_page_html(document, self.assistant.index.outlines.get(doc_id, ()))
        removable = self._uploaded(document) and policy_of(self).identify(request).is_maintainer
        return view, gr.update(visible=removable)

    # kept for scripts: the outline view of one document
    @guarded
    def outline(self, doc_id: str) -> str:
        return self.document_view(doc_id)[0]

    @guarded
    @maintainer_action("删除一份上传的文件（从文件库和索引中移除）", removal_subject)
    def remove_document(
        self, doc_id: str, confirmed: bool, request: gr.Request | None = None
    ) -> str:
        document = self._read(doc_id)
        if not confirmed:
            raise error("请先勾选“确认删除”，再点删除。")
        settings = self.assistant.settings
        kept = remove_uploaded(
            settings.corpus_dir,
            document,
            lambda: self.assistant.remove_documents([document.doc_id]),
        )
        return status_html(
            f"已删除《{document.title}》：不再检索它；文件已移到 {kept.parent.name}/{kept.name}，"
            "需要时可由管理员放回。",
            "ok",
        )


def build_documents_tab(h: DocumentHandlers) -> dict[str, Any]:
    table = gr.Dataframe(
        h.document_table(),
        headers=DOCUMENT_COLUMNS,
        interactive=False,
        wrap=True,
        column_widths=DOCUMENT_WIDTHS,
        elem_id="documents-table",
    )
    first = h.first_document()
    choice = gr.Dropdown(
        [(ui.document_label(d), d.doc_id) for d in h.assistant.documents],
        value=first,
        label="选择文件阅读",
        elem_id="document-choice",
    )
    view, remove_update = h.document_view(first)
    status = gr.HTML("", elem_id="document-status")
    with gr.Row(visible=remove_update.get("visible", False)) as remove_row:
        confirm = gr.Checkbox(label="确认删除（文件移出文件库，不再被检索）", value=False)
        remove_button = gr.Button("删除这份上传的文件", variant="stop", elem_id="remove-document")
    reader = gr.HTML(view, elem_id="document-view", js_on_load=OUTLINE_JS)
    return {
        "table": table,
        "choice": choice,
        "status": status,
        "remove_row": remove_row,
        "confirm": confirm,
        "remove_button": remove_button,
        "reader": reader,
    }


def wire_documents(h: DocumentHandlers, c: dict[str, Any], private: dict[str, Any]) -> None:
    c["choice"].change(h.document_view, c["choice"], [c["reader"], c["remove_row"]], **private)

"""The browser page (Gradio): one module per tab, each a mixin of handlers plus the
functions that build and wire its components. ``app.py`` only builds and launches.

Every handler is a plain method of ``Handlers`` (tests call them without a browser).
Handlers for maintainers only go through ``qa.web.gate.maintainer_action`` and are
listed in ``MAINTAINER_ACTIONS``: the corpus changes ``UploadHandlers.add_upload`` and
``DocumentHandlers.remove_document``, and ``UploadHandlers.preview_upload`` and
``AccountHandlers.audit_table``, which change nothing. Everything else only reads.
Who may do what is the ``AccessPolicy`` given to ``build_app`` (default: the laptop's,
everyone maintains).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from qa.assistant import Assistant
from qa.present.html import document_label
from qa.web.access import OPEN, AccessPolicy, Refused
from qa.web.account import AccountHandlers, build_audit_tab, wire_audit
from qa.web.ask import AskHandlers, build_ask_tab, wire_ask
from qa.web.briefing import BriefingHandlers, build_briefing_tab, wire_briefing
from qa.web.common import status_html
from qa.web.documents import DocumentHandlers, build_documents_tab, wire_documents
from qa.web.duties import DutyHandlers, build_duties_tab, wire_duties
from qa.web.evaluation import EvaluationHandlers, build_evaluation_tab, wire_evaluation
from qa.web.figures import FigureHandlers, build_figures_tab, wire_figures
from qa.web.gate import MAINTAINER_ACTIONS, maintainer_action
from qa.web.style import PAGE_CSS, TOAST_TITLES_JS
from qa.web.upload import UploadHandlers, build_upload_tab, wire_upload

__all__ = ["MAINTAINER_ACTIONS", "AccessPolicy", "Handlers", "build_app", "maintainer_action"]
TITLE = "质量强市政策文件问答"


class Handlers(
    AskHandlers,
    FigureHandlers,
    DocumentHandlers,
    DutyHandlers,
    BriefingHandlers,
    UploadHandlers,
    EvaluationHandlers,
    AccountHandlers,
):
    """Every UI action as a plain method."""

    def __init__(self, assistant: Assistant, access: AccessPolicy | None = None) -> None:
        self.assistant = assistant
        self.access = access or AccessPolicy.local(assistant.settings)

    def refresh(self) -> tuple[Any, ...]:
        """After the corpus changed (and on page load): every list of documents, regions
        and years, the documents table and the figures, rebuilt from the current index.

        Order: ask filter, documents table, document choice, figure title/region/year
        choices, duty document choices, duty department choices.
        """
        titles, regions, years = self.filter_choices()
        documents = [(document_label(d), d.doc_id) for d in self.assistant.documents]
        duty_documents, departments = self.duty_filters()
        return (
            gr.update(choices=self.document_choices()),
            self.document_table(),
            gr.update(choices=documents),
            *(gr.update(choices=c) for c in (titles, regions, years)),
            gr.update(choices=duty_documents),
            gr.update(choices=departments),
        )


def build_app(assistant: Assistant, access: AccessPolicy | None = None) -> gr.Blocks:
    h = Handlers(assistant, access)
    private: dict[str, Any] = {"api_visibility": "private"}
    # The laptop shows 添加文件 to everyone at once; elsewhere it appears on load, for
    # maintainers only (qa.web.account.session_view).
    upload_shown = h.access.mode == OPEN
    with gr.Blocks(title="政策文件问答") as demo:
        gr.HTML(f"<style>{PAGE_CSS}</style>", js_on_load=TOAST_TITLES_JS, elem_id="qa-style")
        # Registered first so the public endpoint gets exactly the name "ask".
        gr.api(h.api_ask, api_name="ask")
        conversation = gr.State([])
        gr.Markdown(
            f"## {TITLE}\n答案均摘自文件原文；[n] 对应引用段落，点“查看原文”可打开整份文件。"
        )
        account = gr.HTML("", elem_id="account")
        with gr.Tabs(overflow_behavior="wrap", elem_id="tabs"):
            with gr.Tab("提问", id="ask"):
                ask = build_ask_tab(h)
            with gr.Tab("数据", id="figures"):
                figures = build_figures_tab(h)
            with gr.Tab("文件", id="documents"):
                documents = build_documents_tab(h)
            with gr.Tab("分工", id="duties"):
                duties = build_duties_tab(h)
            with gr.Tab("简报", id="briefing"):
                briefing = build_briefing_tab(h)
            with gr.Tab("添加文件", id="upload", visible=upload_shown) as upload_tab:
                upload = build_upload_tab(h)
            with gr.Tab("评测", id="evaluation"):
                evaluation = build_evaluation_tab(h)
            with gr.Tab("变更记录", id="audit", visible=False) as audit_tab:
                audit = build_audit_tab(h)

        for event in wire_ask(h, ask, conversation, private):
            event.then(h.briefing_choices, conversation, briefing["pick"], **private)
        wire_figures(h, figures, private)
        wire_documents(h, documents, private)
        wire_duties(h, duties, private)
        wire_briefing(h, briefing, conversation, private)
        wire_upload(h, upload, private)
        wire_evaluation(h, evaluation, private)
        wire_audit(h, audit, private)

        refreshed = [
            ask["doc_filter"],
            documents["table"],
            documents["choice"],
            figures["title"],
            figures["region"],
            figures["year"],
            duties["document"],
            duties["department"],
        ]

        def add(
            path: str | None,
            request: gr.Request,
            progress: gr.Progress = gr.Progress(),  # noqa: B008
        ) -> tuple[Any, ...]:
            try:
                message = h.add_upload(path, progress, request=request)
            except Refused:
                raise  # the caller is not a maintainer: an error, not a status line
            except gr.Error as err:
                keep = (gr.update(),) * (3 + len(refreshed))
                return (status_html(err.message, "error"), *keep)
            hidden = gr.update(value=None, visible=False)
            done = gr.update(interactive=False)
            return (status_html(message, "ok"), "", hidden, done, *h.refresh())

        upload["add_button"].click(
            add,
            upload["upload"],
            [
                upload["status"],
                upload["preview"],
                upload["figures"],
                upload["add_button"],
                *refreshed,
            ],
            concurrency_limit=1,
            concurrency_id="corpus",
            **private,
        )

        def remove(doc_id: str, confirmed: bool, request: gr.Request) -> tuple[Any, ...]:
            try:
                message = h.remove_document(doc_id, confirmed, request=request)
            except Refused:
                raise
            except gr.Error as err:
                return (status_html(err.message, "error"), *(gr.update(),) * (3 + len(refreshed)))
            first = h.first_document()
            view, remove_row = h.document_view(first, request)
            refreshed_values = list(h.refresh())
            refreshed_values[2] = gr.update(choices=refreshed_values[2]["choices"], value=first)
            return (message, view, remove_row, False, *refreshed_values)

        documents["remove_button"].click(
            remove,
            [documents["choice"], documents["confirm"]],
            [
                documents["status"],
                documents["reader"],
                documents["remove_row"],
                documents["confirm"],
                *refreshed,
            ],
            concurrency_limit=1,
            concurrency_id="corpus",
            **private,
        )
        demo.load(h.refresh, None, refreshed, **private)
        demo.load(h.session_view, None, [account, upload_tab, audit_tab, audit["table"]], **private)
        # The remove button is for maintainers: decided per visitor, not at build time.
        demo.load(
            h.document_view,
            documents["choice"],
            [documents["reader"], documents["remove_row"]],
            **private,
        )
        figure_outputs = figures["outputs"]
        demo.load(h.figure_view, figures["filters"], figure_outputs, **private)
    return demo

"""Browser UI for the policy-document assistant (Gradio), a thin layer over ``qa``.

Run ``python app.py``: serves http://127.0.0.1:7860 (QA_HOST / QA_PORT override it).
The model and the index load once at start-up; a missing or broken index stops the
app with a message and exit status 2.

API: the endpoint ``/ask`` takes a question and a document filter ("" for all
documents; otherwise a doc id, region or title fragment, "A|B" for several) and returns
the same JSON as ``python -m qa ask --json`` (``qa.records.answer_to_record``: question,
found, answer, passages, figures, timings_ms)::

    from gradio_client import Client
    client = Client("http://127.0.0.1:7860")
    record = client.predict("厦门到2018年森林覆盖率要达到多少?", "", api_name="/ask")
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import gradio as gr
import pandas as pd

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import QAError
from qa.ingest.outline import walk
from qa.ingest.readers import readable_suffixes
from qa.ingest.uploads import commit_upload, staged_upload
from qa.present import html as ui
from qa.present.briefing import briefing_docx, briefing_markdown
from qa.present.records import answer_to_record
from qa.present.views import format_outline
from qa.types import Answer, Document

log = logging.getLogger("qa.app")
EXAMPLES = [
    "厦门到2018年森林覆盖率要达到多少?",
    "阿拉善盟服务业对经济增长的贡献率目标是多少?",
    "太原市质量强市工作由哪个部门牵头?",
    "各地监督抽查合格率的目标分别是多少?",
    "上海市的目标是什么?",
]
ALL = "全部"
STAGES = {"ingest": "解析文件", "embed": "计算向量", "keyword": "关键词索引", "write": "写入索引"}
F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """Readable errors at the handler edge; tracebacks go to the console only."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except QAError as err:
            raise gr.Error(str(err), print_exception=False) from None
        except Exception:
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(
                "服务器内部错误，请稍后再试。(Internal error; see the server log.)"
            ) from None

    return wrapper  # type: ignore[return-value]


def _export_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="qa-export-"))


class Handlers:
    """Every UI action as a plain method, so tests call them without a browser."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    # -- asking ---------------------------------------------------------------------
    @guarded
    def ask(
        self, question: str, doc_id: str, history: list[Answer]
    ) -> tuple[str, list[Answer], str]:
        answer = self.assistant.ask(question or "", doc_filter=doc_id or None)
        history = [*(history or []), answer]
        return ui.answer_html(answer), history, f"本次会话已问 {len(history)} 个问题。"

    @guarded
    def api_ask(
        self, question: str, document: str = "", history: list[str] | None = None
    ) -> dict[str, Any]:
        """Answer a question with citations; document: "" for all, or a doc id / region /
        title; history: the earlier questions of the conversation (oldest first), so a
        follow-up such as "厦门呢?" is understood."""
        answer = self.assistant.ask(
            question or "", doc_filter=document or None, history=history or ()
        )
        return answer_to_record(answer)

    def document_choices(self) -> list[tuple[str, str]]:
        return [(ALL, ""), *((ui.document_label(d), d.doc_id) for d in self.assistant.documents)]

    # -- figures --------------------------------------------------------------------
    def figures(self) -> pd.DataFrame:
        return ui.figures_frame(self.assistant.index.documents, self.assistant.figures)

    @guarded
    def figure_table(self, title: str, region: str, keyword: str, year: str) -> pd.DataFrame:
        return ui.filter_figures(self.figures(), _any(title), _any(region), keyword, _any(year))

    @guarded
    def figure_csv(self, title: str, region: str, keyword: str, year: str) -> str:
        frame = self.figure_table(title, region, keyword, year)
        return str(ui.write_figures_csv(frame, _export_dir() / "figures.csv"))

    @guarded
    def chart(self, keyword: str) -> tuple[pd.DataFrame, str]:
        if not (keyword or "").strip():
            raise gr.Error("请输入一个指标关键词，例如：监督抽查合格率")
        return ui.indicator_chart(self.figures(), keyword)

    def refresh(self) -> tuple[Any, ...]:
        """Updates for: ask filter, documents choice and table, figure filters and table."""
        titles, regions, years = self.filter_choices()
        return (
            gr.update(choices=self.document_choices()),
            gr.update(choices=self.document_choices()[1:]),
            self.document_table(),
            *(gr.update(choices=c) for c in (titles, regions, years)),
            self.figures(),
        )

    def filter_choices(self) -> tuple[list[str], list[str], list[str]]:
        docs = self.assistant.documents
        years = sorted({str(f.target_year) for f in self.assistant.figures if f.target_year})
        regions = sorted({d.region for d in docs if d.region})
        return [ALL, *(d.title for d in docs)], [ALL, *regions], [ALL, *years]

    # -- documents ------------------------------------------------------------------
    def document_table(self) -> list[list[object]]:
        index = self.assistant.index
        return ui.document_rows(
            list(index.documents.values()), index.chunks.values(), index.figures
        )

    def _read(self, doc_id: str) -> Document:
        document = self.assistant.index.documents.get(doc_id or "")
        if document is None:
            raise gr.Error("请先选择一个文件。")
        return document

    @guarded
    def outline(self, doc_id: str) -> tuple[str, Any]:
        document = self._read(doc_id)
        sections = self.assistant.index.outlines.get(document.doc_id, ())
        tree = f'<pre class="qa-section-text">{ui.esc(format_outline(document, sections))}</pre>'
        choices = ui.section_choices(walk(sections))
        return tree, gr.update(choices=choices, value=None)

    @guarded
    def section_text(self, doc_id: str, span: str) -> str:
        if not span:
            return ""
        document = self._read(doc_id)
        start, end = (int(x) for x in span.split("-"))
        sections = self.assistant.index.outlines.get(document.doc_id, ())
        label = next((s.label for _, s in walk(sections) if s.span == (start, end)), "")
        return ui.section_text_html(document.text[start:end], label)

    # -- briefing -------------------------------------------------------------------
    @guarded
    def briefing(self, history: list[Answer]) -> tuple[str, str, str]:
        if not history:
            raise gr.Error("本次会话还没有提问，先在“提问”页问一个问题。")
        folder = _export_dir()
        markdown = briefing_markdown(history)
        (folder / "briefing.md").write_text(markdown, encoding="utf-8")
        docx_path = briefing_docx(history, folder / "briefing.docx")
        return markdown, str(folder / "briefing.md"), str(docx_path)

    # -- adding a document ------------------------------------------------------------
    @guarded
    def preview_upload(self, path: str | None) -> tuple[str, pd.DataFrame]:
        if not path:
            return "", ui.figures_frame({}, [])
        source = Path(path)
        with staged_upload(
            source, source.name, self.assistant.settings, self.assistant.documents
        ) as s:
            parsed = s.parsed
            tree = format_outline(parsed.document, parsed.sections)
            info = f"将保存为 {s.name}：{len(parsed.chunks)} 个段落，{len(parsed.figures)} 个数据。"
            figures = ui.figures_frame({parsed.document.doc_id: parsed.document}, parsed.figures)
        return f'<p>{ui.esc(info)}</p><pre class="qa-section-text">{ui.esc(tree)}</pre>', figures

    @guarded
    def add_upload(self, path: str | None, progress: gr.Progress | None = None) -> str:
        if not path:
            raise gr.Error("请先选择要上传的文件。")
        source = Path(path)

        def report(stage: str, done: int, total: int) -> None:
            if progress is not None:
                progress((done, max(total, 1)), desc=STAGES.get(stage, stage))

        settings = self.assistant.settings
        with staged_upload(source, source.name, settings, self.assistant.documents) as staged:
            document = commit_upload(
                staged,
                settings.corpus_dir,
                lambda p: self.assistant.add_document(p, progress=report),
            )
        return f"已加入并索引：《{document.title}》（{document.source_name}），现在可以提问了。"


def _any(value: str | None) -> str:
    return "" if not value or value == ALL else value


def build_app(assistant: Assistant) -> gr.Blocks:
    h = Handlers(assistant)
    css = ui.CARD_CSS
    with gr.Blocks(title="政策文件问答") as demo:
        history = gr.State([])
        gr.Markdown("## 质量强市政策文件问答\n答案均摘自文件原文，[n] 对应下方的引用段落。")
        with gr.Tab("提问"):
            with gr.Row():
                question = gr.Textbox(label="问题", placeholder=EXAMPLES[0], scale=4, lines=1)
                doc_filter = gr.Dropdown(h.document_choices(), value="", label="限定文件", scale=2)
            ask_button = gr.Button("提问", variant="primary", elem_id="ask-button")
            gr.Examples(EXAMPLES, inputs=[question], label="示例问题")
            session_note = gr.Markdown("")
            result = gr.HTML("", css_template=css, elem_id="answer")
        with gr.Tab("数据"):
            titles, regions, years = h.filter_choices()
            with gr.Row():
                f_title = gr.Dropdown(titles, value=ALL, label="文件")
                f_region = gr.Dropdown(regions, value=ALL, label="地区")
                f_keyword = gr.Textbox(label="指标关键词", placeholder="例如：合格率")
                f_year = gr.Dropdown(years, value=ALL, label="目标年份")
            table = gr.Dataframe(
                h.figures(),
                label="全部数据（点表头排序）",
                wrap=True,
                interactive=False,
                column_widths=ui.FIGURE_WIDTHS,
            )
            with gr.Row():
                csv_button = gr.Button("下载 CSV")
                csv_file = gr.File(label="CSV（UTF-8，Excel 可直接打开）")
            with gr.Row():
                c_keyword = gr.Textbox(value="监督抽查合格率", label="比较指标", scale=3)
                chart_button = gr.Button("画图比较", scale=1)
            chart_note = gr.Markdown("")
            chart = gr.BarPlot(
                x="条目", y="数值", color="地区", label="各文件的数值", x_label_angle=-20
            )
        with gr.Tab("文件"):
            docs = gr.Dataframe(
                h.document_table(), headers=ui.DOCUMENT_COLUMNS, interactive=False, wrap=True
            )
            doc_choice = gr.Dropdown(h.document_choices()[1:], label="选择文件查看目录")
            with gr.Row():
                tree = gr.HTML(css_template=css)
                with gr.Column():
                    section = gr.Dropdown([], label="选择章节查看全文")
                    section_view = gr.HTML(css_template=css)
        with gr.Tab("简报"):
            gr.Markdown("把本次会话中问过的问题、答案、出处和数据导出为 Markdown 或 Word。")
            brief_button = gr.Button("生成简报", variant="primary")
            with gr.Row():
                brief_md = gr.File(label="Markdown")
                brief_docx = gr.File(label="Word (.docx)")
            brief_preview = gr.Code(language="markdown", label="预览", interactive=False)
        with gr.Tab("添加文件"):
            suffixes = list(readable_suffixes())
            upload = gr.File(label=f"上传 {' / '.join(suffixes)}", file_types=suffixes)
            add_button = gr.Button("加入索引", variant="primary")
            add_status = gr.Markdown("")
            preview = gr.HTML(css_template=css)
            preview_figures = gr.Dataframe(label="识别出的数据", interactive=False, wrap=True)

        private: dict[str, Any] = {"api_visibility": "private"}
        # Registered first so the public endpoint gets exactly the name "ask".
        gr.api(h.api_ask, api_name="ask")
        for trigger in (ask_button.click, question.submit):
            trigger(
                h.ask,
                [question, doc_filter, history],
                [result, history, session_note],
                api_name="ask_ui",
                **private,
            )
        filters: list[Any] = [f_title, f_region, f_keyword, f_year]
        for component in filters:
            component.change(h.figure_table, filters, table, **private)
        csv_button.click(h.figure_csv, filters, csv_file, **private)
        chart_button.click(h.chart, c_keyword, [chart, chart_note], **private)
        doc_choice.change(h.outline, doc_choice, [tree, section], **private)
        section.change(h.section_text, [doc_choice, section], section_view, **private)
        brief_button.click(h.briefing, history, [brief_preview, brief_md, brief_docx], **private)
        upload.change(h.preview_upload, upload, [preview, preview_figures], **private)

        # After an upload (and on every page load, for other sessions' uploads) every
        # list of documents, regions and years is rebuilt from the current index.
        refreshed = [doc_filter, doc_choice, docs, f_title, f_region, f_year, table]

        def add(path: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            return (h.add_upload(path, progress), *h.refresh())

        add_button.click(add, upload, [add_status, *refreshed], concurrency_limit=1, **private)
        demo.load(h.refresh, None, refreshed, **private)
    return demo


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        # A server encodes several questions at once: one thread each (see Settings.threads).
        settings = Settings.from_env(threads=int(os.environ.get("QA_THREADS") or 1))
        print(f"loading the model and the index from {settings.index_dir} …", flush=True)
        assistant = Assistant.open(settings)
    except QAError as err:
        print(f"error: the app cannot start: {err}", file=sys.stderr)
        return 2
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=4)
    demo.launch(server_name=settings.host, server_port=settings.port, show_error=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

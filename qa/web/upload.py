"""添加文件: check an upload, preview its outline and figures, then index it.

Formats and their size limits come from the reader registry (``qa.ingest.readers``),
written with ``qa.ingest.uploads.megabytes``, the same function the refusal messages
use: one limit, said one way, wherever it appears. A refused file gets one message in
the tab's status line (no toast, no error badges on the outputs).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from qa.assistant import Assistant
from qa.ingest.readers import formats, readable_suffixes
from qa.ingest.upload_record import record_upload
from qa.ingest.uploads import commit_upload, megabytes, staged_upload
from qa.present import html as ui
from qa.present.document_view import outline_html
from qa.web.access import Refused
from qa.web.common import error, guarded, status_html
from qa.web.gate import maintainer_action

STAGES = {"ingest": "解析文件", "embed": "计算向量", "keyword": "关键词索引", "write": "写入索引"}
WAITING = "选择一个文件后，这里会显示它的目录和识别出的数据；确认无误再点“加入索引”。"


def limits_text() -> str:
    """Every readable format with its size limit, and the refused ones with what to do."""
    read = []
    refused = []
    for f in formats():
        names = " / ".join(f.suffixes)
        if f.refusal:
            refused.append(f"{names}（{f.refusal}）")
        else:
            read.append(f"{f.label}（{names}）不超过 {megabytes(f.max_bytes)}")
    text = "可以上传：" + "；".join(read) + "。"
    if refused:
        text += "不能上传：" + "；".join(refused)
    return text


def upload_subject(
    _: object, path: str | None = None, *args: object, **kwargs: object
) -> dict[str, str]:
    """The uploaded file's name and the sha256 of its bytes, for the audit log."""
    if not path or not Path(path).is_file():
        return {"file": Path(path).name if path else ""}
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"file": Path(path).name, "sha256": digest.hexdigest()}


class UploadHandlers:
    assistant: Assistant

    @guarded
    @maintainer_action(
        "检查要上传的文件（预览，不写入文件库）", upload_subject, changes_corpus=False
    )
    def preview_upload(
        self, path: str | None, request: gr.Request | None = None
    ) -> tuple[str, pd.DataFrame]:
        """Check an upload without keeping it: its outline (HTML) and figures (table)."""
        if not path:
            return "", ui.figures_frame({}, [])
        source = Path(path)
        settings = self.assistant.settings
        with staged_upload(source, source.name, settings, self.assistant.documents) as s:
            parsed = s.parsed
            size = megabytes(source.stat().st_size)
            info = (
                f"将保存为 {s.name}（{size}）：《{parsed.document.title}》，"
                f"{len(parsed.chunks)} 个段落，{len(parsed.figures)} 个数据。"
            )
            outline = outline_html(parsed.sections, "qa-upload")
            figures = ui.figures_frame({parsed.document.doc_id: parsed.document}, parsed.figures)
        return f'<p class="qa-upload-info">{ui.esc(info)}</p>{outline}', figures

    def preview_for_page(
        self, path: str | None, request: gr.Request | None = None
    ) -> tuple[str, str, Any, Any]:
        """Status line, preview, figures table and the add button, for the page."""
        hidden = gr.update(value=None, visible=False)
        if not path:
            return status_html(WAITING), "", hidden, gr.update(interactive=False)
        try:
            preview, figures = self.preview_upload(path, request)
        except Refused:
            raise
        except gr.Error as err:
            return status_html(err.message, "error"), "", hidden, gr.update(interactive=False)
        ready = "文件检查通过。确认下面的目录和数据无误后，点“加入索引”。"
        shown = gr.update(value=figures.drop(columns=["数字"]), visible=not figures.empty)
        return status_html(ready, "ok"), preview, shown, gr.update(interactive=True)

    @guarded
    @maintainer_action("上传文件并加入索引", upload_subject)
    def add_upload(
        self,
        path: str | None,
        progress: gr.Progress | None = None,
        request: gr.Request | None = None,
    ) -> str:
        if not path:
            raise error("请先选择要上传的文件。")
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
        record_upload(settings.corpus_dir, document)
        return (
            f"已加入并索引：《{document.title}》，保存为 {document.source_name}。"
            "现在可以提问了；在“文件”页可以阅读或删除它。"
        )


def build_upload_tab(h: UploadHandlers) -> dict[str, Any]:
    gr.Markdown(limits_text(), elem_id="upload-limits")
    suffixes = list(readable_suffixes())
    upload = gr.File(label="选择文件", file_types=suffixes, elem_id="upload-file")
    status = gr.HTML(status_html(WAITING), elem_id="upload-status")
    add_button = gr.Button("加入索引", variant="primary", interactive=False, elem_id="add-button")
    preview = gr.HTML("", elem_id="upload-preview")
    figures = gr.Dataframe(
        label="识别出的数据",
        interactive=False,
        wrap=True,
        visible=False,
        elem_id="upload-figures",
    )
    return {
        "upload": upload,
        "status": status,
        "add_button": add_button,
        "preview": preview,
        "figures": figures,
    }


def wire_upload(h: UploadHandlers, c: dict[str, Any], private: dict[str, Any]) -> None:
    c["upload"].change(
        h.preview_for_page,
        c["upload"],
        [c["status"], c["preview"], c["figures"], c["add_button"]],
        **private,
    )

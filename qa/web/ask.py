"""提问: a conversation with the assistant, follow-ups in context, 查看原文 beside it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import gradio as gr

from qa.assistant import Assistant
from qa.present.conversation import Turn, conversation_html
from qa.present.document_view import passage_view_html
from qa.present.html import document_label
from qa.present.records import answer_to_record
from qa.types import Answer
from qa.web.common import ALL, error, guarded
from qa.web.gate import policy_of

EXAMPLES = [
    "厦门到2018年森林覆盖率要达到多少?",
    "阿拉善盟呢?",
    "各地监督抽查合格率的目标分别是多少?",
    "太原市质量强市工作由哪个部门牵头?",
    "上海市的目标是什么?",
]
SOURCE_HINT = (
    '<div class="qa-hint">点击引用段落下的“查看原文”，整份文件会在这里打开，并定位到该段。</div>'
)

# Clicks inside the conversation: copy an answer, open a passage in its document, and
# follow [n] / 回到答案 links with a brief highlight of where they land.
CONVERSATION_JS = """
const flash = (target) => {
  target.scrollIntoView({block: 'center', behavior: 'instant'});
  target.classList.add('qa-flash');
  setTimeout(() => target.classList.remove('qa-flash'), 1600);
};
const copyText = (text, done) => {
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); done(); } finally { area.remove(); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, fallback);
  } else { fallback(); }
};
element.addEventListener('click', (event) => {
  const copy = event.target.closest('[data-copy]');
  if (copy) {
    const source = element.querySelector('#' + copy.dataset.copy);
    copyText(source ? source.value : '', () => {
      copy.textContent = '已复制';
      setTimeout(() => { copy.textContent = '复制回答'; }, 2000);
    });
    return;
  }
  const open = event.target.closest('[data-doc]');
  if (open) {
    trigger('click', {doc_id: open.dataset.doc, start: Number(open.dataset.start),
                      end: Number(open.dataset.end)});
    return;
  }
  const link = event.target.closest('a[href^="#qa-"]');
  if (link) {
    const target = element.querySelector(link.getAttribute('href'));
    if (target) { event.preventDefault(); flash(target); }
  }
});
watch('value', () => {
  const turns = element.querySelectorAll('.qa-turn');
  if (turns.length) turns[turns.length - 1].scrollIntoView({block: 'start', behavior: 'instant'});
});
"""

SOURCE_JS = """
watch('value', () => {
  const mark = element.querySelector('mark.qa-passage');
  if (mark) mark.scrollIntoView({block: 'center', behavior: 'instant'});
});
"""


class AskHandlers:
    assistant: Assistant

    def document_choices(self) -> list[tuple[str, str]]:
        return [(ALL, ""), *((document_label(d), d.doc_id) for d in self.assistant.documents)]

    def render(self, answers: Sequence[Answer], pending: Turn | None = None) -> str:
        turns = [Turn(i, a) for i, a in enumerate(answers, 1)]
        return conversation_html(
            [*turns, *([pending] if pending else [])], self.assistant.index.documents
        )

    @guarded
    def ask(
        self,
        question: str,
        doc_id: str,
        conversation: list[Answer] | None,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[str, list[Answer], Any]]:
        """The page's ask: the conversation as HTML while the answer arrives, then with it.

        Yields (conversation HTML, the conversation, the question box's update).
        """
        policy_of(self).check_rate("questions", request)
        answers = list(conversation or [])
        history = [a.resolved_question or a.question for a in answers]
        updates = self.assistant.ask_stream(
            question or "", doc_filter=doc_id or None, history=history
        )
        pending = len(answers) + 1
        for progress in updates:
            if progress.answer is None:
                draft = Turn(pending, None, question=question, draft=progress.draft)
                yield self.render(answers, draft), answers, gr.update()
            else:
                answers = [*answers, progress.answer]
                yield self.render(answers), answers, gr.update(value="")

    def ask_once(
        self, question: str, doc_id: str = "", conversation: list[Answer] | None = None
    ) -> tuple[str, list[Answer]]:
        """``ask`` run to its end (for tests and scripts)."""
        last: tuple[str, list[Answer], Any] = ("", list(conversation or []), None)
        for update in self.ask(question, doc_id, conversation):
            last = update
        return last[0], last[1]

    def new_conversation(self) -> tuple[str, list[Answer], str]:
        return self.render([]), [], SOURCE_HINT

    @guarded
    def api_ask(
        self,
        question: str,
        document: str = "",
        history: list[str] | None = None,
        request: gr.Request | None = None,
    ) -> dict[str, Any]:
        """Answer a question with citations; document: "" for all, or a doc id / region /
        title; history: the earlier questions of the conversation (oldest first), so a
        follow-up such as "厦门呢?" is understood."""
        policy_of(self).check_rate("questions", request)
        answer = self.assistant.ask(
            question or "", doc_filter=document or None, history=history or ()
        )
        return answer_to_record(answer)

    @guarded
    def open_passage(self, doc_id: str, start: int, end: int) -> str:
        """查看原文: the whole document with the passage marked."""
        index = self.assistant.index
        document = index.documents.get(doc_id or "")
        if document is None:
            raise error("这份文件已不在文件库中（可能刚被删除）。请重新提问。")
        if not 0 <= int(start) < int(end) <= len(document.text):
            raise error("段落位置无效。请重新提问后再点“查看原文”。")
        return passage_view_html(document, index.outlines.get(doc_id, ()), (int(start), int(end)))

    def open_source(self, evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        if not isinstance(data, dict) or "doc_id" not in data:
            return gr.skip()  # a click elsewhere in the conversation
        return self.open_passage(str(data["doc_id"]), int(data["start"]), int(data["end"]))


def build_ask_tab(h: AskHandlers) -> dict[str, Any]:
    """The components of the 提问 tab; events are wired by ``wire_ask``."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            conversation_view = gr.HTML(
                h.render([]), elem_id="conversation", js_on_load=CONVERSATION_JS
            )
            with gr.Row():
                question = gr.Textbox(
                    label="问题", placeholder=EXAMPLES[0], scale=4, lines=1, min_width=220
                )
                doc_filter = gr.Dropdown(
                    h.document_choices(), value="", label="限定文件", scale=2, min_width=160
                )
            with gr.Row():
                ask_button = gr.Button("提问", variant="primary", elem_id="ask-button")
                new_button = gr.Button("新对话", elem_id="new-conversation")
            gr.Examples(EXAMPLES, inputs=[question], label="示例问题（第二个是对第一个的追问）")
        with gr.Column(scale=2, min_width=300, elem_id="source-column"):
            gr.Markdown("#### 原文")
            source = gr.HTML(SOURCE_HINT, elem_id="source-view", js_on_load=SOURCE_JS)
    return {
        "conversation_view": conversation_view,
        "question": question,
        "doc_filter": doc_filter,
        "ask_button": ask_button,
        "new_button": new_button,
        "source": source,
    }


def wire_ask(
    h: AskHandlers, c: dict[str, Any], conversation: gr.State, private: dict[str, Any]
) -> list[Any]:
    """Events of the 提问 tab; returns the dependencies that change the conversation."""
    events = []
    for trigger in (c["ask_button"].click, c["question"].submit):
        events.append(
            trigger(
                h.ask,
                [c["question"], c["doc_filter"], conversation],
                [c["conversation_view"], conversation, c["question"]],
                api_name="ask_ui",
                **private,
            )
        )
    events.append(
        c["new_button"].click(
            h.new_conversation, None, [c["conversation_view"], conversation, c["source"]], **private
        )
    )
    c["conversation_view"].click(h.open_source, None, c["source"], **private)
    return events

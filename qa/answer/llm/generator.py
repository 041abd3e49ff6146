"""The "generated" answer mode: a language model writes, the verifier decides what is shown.

1. The extractive engine answers first. Its not-found decision is final: the model is
   never asked when the rules say the corpus does not answer, so it cannot turn "not
   found" into an answer.
2. The model gets the question and the top passages numbered [n] (``prompt``) and
   writes a short answer in the question's script, each sentence ending with its [n].
3. ``qa.answer.verify`` checks every sentence against the passages it cites; those
   that fail are removed (and named in a note).
4. If nothing checked remains, or the model fails (unreachable, 401, timeout,
   unreadable or empty reply, another language), the extractive answer is shown with
   a note saying why. The comparison table and the figures stay the rules' own.

``stream`` gives the model's text as it arrives, for the page to show as a draft, and
ends with the checked answer, which replaces the draft.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from qa.answer.base import GENERATORS, AnswerRequest
from qa.answer.extractive import extractive_for
from qa.answer.llm.client import ChatBackend, ChatClient, GenerationError, note
from qa.answer.llm.prompt import build_messages
from qa.answer.text import answer_text
from qa.answer.verify import SentenceCheck, clean_reply, is_chinese, verify_reply
from qa.config import Settings
from qa.textnorm import detect_script, search_form, to_simplified, to_traditional
from qa.types import Answer, AnswerProgress, AnswerSentence, CitedFigure, Passage, Script

NAME = "generated"
NOT_CONFIGURED = note("未配置生成模型", "No answer model is configured (QA_LLM_URL)")
EMPTY = note("生成模型没有给出回答", "The answer model gave no answer")
WRONG_LANGUAGE = note("生成模型没有用中文作答", "The answer model did not answer in Chinese")
MAX_FIGURES = 12


class GeneratedAnswerGenerator:
    name = NAME

    def __init__(self, settings: Settings, client: ChatBackend | None = None) -> None:
        self.settings = settings
        self.extractive = extractive_for(settings)
        if client is None and settings.llm_url:
            client = ChatClient(settings)
        self.client = client

    def answer(self, request: AnswerRequest) -> Answer:
        base = self.extractive.answer(request)
        if not base.found:
            return base
        if self.client is None:
            return with_note(base, NOT_CONFIGURED)
        passages, script = self._prompt_parts(request)
        try:
            reply = self.client.complete(build_messages(request.question, passages, script))
        except GenerationError as err:
            return with_note(base, err.note)
        return settle(request, base, reply, passages, script)

    def stream(self, request: AnswerRequest) -> Iterator[AnswerProgress]:
        base = self.extractive.answer(request)
        if not base.found or self.client is None:
            yield AnswerProgress(answer=base if not base.found else with_note(base, NOT_CONFIGURED))
            return
        passages, script = self._prompt_parts(request)
        reply = shown = ""
        try:
            for piece in self.client.stream(build_messages(request.question, passages, script)):
                reply += piece
                draft = clean_reply(reply)  # no <think> block or Markdown on the page
                if draft != shown:
                    shown = draft
                    yield AnswerProgress(draft=draft)
        except GenerationError as err:
            yield AnswerProgress(answer=with_note(base, err.note))
            return
        yield AnswerProgress(answer=settle(request, base, reply, passages, script))

    def _prompt_parts(self, request: AnswerRequest) -> tuple[tuple[Passage, ...], Script]:
        script: Script = (
            "traditional" if detect_script(request.question) == "traditional" else "simplified"
        )
        return request.passages[: self.settings.llm_passages], script


def with_note(answer: Answer, text: str) -> Answer:
    return replace(answer, notes=(*answer.notes, text))


def settle(
    request: AnswerRequest,
    base: Answer,
    reply: str,
    passages: Sequence[Passage],
    script: Script,
) -> Answer:
    """The answer to show for a complete reply: its checked sentences, or ``base``."""
    cleaned = clean_reply(reply)
    if not cleaned.strip():
        return with_note(base, EMPTY)
    if not is_chinese(cleaned):
        return with_note(base, WRONG_LANGUAGE)
    verification = verify_reply(reply, passages)
    removed = verification.removed
    if not verification.sentences:
        return with_note(base, nothing_verified(removed))
    convert = to_traditional if script == "traditional" else to_simplified
    sentences = tuple(replace(s, text=convert(s.text)) for s in verification.sentences)
    labels = {d.doc_id: d.region or d.title for d in request.index.documents.values()}
    notes = (*base.notes, removed_note(removed)) if removed else base.notes
    return replace(
        base,
        answer=answer_text(sentences, base.table, labels),
        sentences=sentences,
        figures=shown_figures(request, sentences, base.figures),
        mode=NAME,
        notes=notes,
    )


def shown_figures(
    request: AnswerRequest, sentences: Sequence[AnswerSentence], shown: Sequence[CitedFigure]
) -> tuple[CitedFigure, ...]:
    """The cited passages' figures the sentences state, then the rules' figures."""
    text_of = {p.rank: p.chunk.text for p in request.passages}
    by_rank = {
        p.rank: request.index.chunk_figures.get(p.chunk.chunk_id, []) for p in request.passages
    }
    stated: list[CitedFigure] = []
    for sentence in sentences:
        form = search_form(sentence.text)
        for rank in dict.fromkeys(c.passage_rank for c in sentence.citations):
            for figure in by_rank.get(rank, ()):
                if figure.text not in text_of[rank] or figure.value not in figure.text:
                    continue  # shown figures are verbatim in their passage
                if search_form(figure.value + figure.unit) in form:
                    stated.append(CitedFigure(figure, rank))
    out = list(dict.fromkeys([*stated, *shown]))
    return tuple(out[:MAX_FIGURES])


def _reasons(removed: Sequence[SentenceCheck]) -> str:
    return "；".join(dict.fromkeys(p for check in removed for p in check.problems))


def removed_note(removed: Sequence[SentenceCheck]) -> str:
    return (
        f"模型生成的回答中有 {len(removed)} 句未通过核对，已删除（{_reasons(removed)}）。"
        f"({len(removed)} generated sentence(s) could not be checked against the passages "
        "they cite and were removed.)"
    )


def nothing_verified(removed: Sequence[SentenceCheck]) -> str:
    reasons = f"（{_reasons(removed)}）" if removed else ""
    return note(
        f"模型生成的回答没有一句能与所引段落核对{reasons}",
        "No generated sentence could be checked against the passages it cites",
    )


def _generated(settings: Settings) -> GeneratedAnswerGenerator:
    return GeneratedAnswerGenerator(settings)


GENERATORS.register(NAME, _generated)

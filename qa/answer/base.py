"""The answer-generator interface and its registry.

A generator turns a question and its retrieved passages into a structured ``Answer``:
sentences, each with its citations (passage rank and document span), the figures shown,
a comparison table when the question compares documents, and the not-found reason.
The extractive engine ("extractive") is the default and the fallback; others (a
language model, see issue 14) register themselves here and must return the same
structure, so the page, the CLI and the API render any of them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from qa.config import Settings
from qa.registry import Registry
from qa.retrieve.query import QuestionAnalysis
from qa.store.index import SearchIndex
from qa.types import Answer, AnswerProgress, Passage

# Cosine of each text to the question, by the model that ranked the passages.
Similarity = Callable[[Sequence[str]], Sequence[float]]


@dataclass(frozen=True)
class AnswerRequest:
    question: str
    analysis: QuestionAnalysis
    passages: tuple[Passage, ...]
    index: SearchIndex  # chunk figures, keyword statistics, document labels
    similarity: Similarity | None = None  # None when no dense model ran (keyword mode)
    doc_filter: tuple[str, ...] = ()  # the documents the user restricted the question to
    previous: PreviousAnswer | None = None  # for a follow-up naming a topic of its own


@dataclass(frozen=True)
class PreviousAnswer:
    """What the conversation's previous answer showed, for a follow-up that names a topic
    the previous question did not (那他们把我的手机号卖给别人呢?): a sentence shown then
    that names none of the new topics does not answer it."""

    spans: tuple[tuple[str, tuple[int, int]], ...]  # (document, span) of each sentence shown
    new_topics: tuple[str, ...]


class AnswerGenerator(Protocol):
    name: str

    def answer(self, request: AnswerRequest) -> Answer: ...


GENERATORS: Registry[Callable[[Settings], AnswerGenerator]] = Registry(
    "answer generator", "QA_ANSWER_MODE"
)


def stream_answer(generator: AnswerGenerator, request: AnswerRequest) -> Iterator[AnswerProgress]:
    """Drafts as a generator writes them (if it can stream), ending with the Answer to show.

    A generator streams by having a ``stream(request)`` method yielding
    ``AnswerProgress``; others give their answer as the one and last update.
    """
    stream = getattr(generator, "stream", None)
    if stream is None:
        yield AnswerProgress(answer=generator.answer(request))
        return
    yield from stream(request)

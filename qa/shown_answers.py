"""What each conversation was shown: the cited spans of recent answers.

A follow-up naming a new topic must not be answered with the sentence the previous answer
showed (qa.assistant, ``PreviousAnswer``). That sentence is what the asker saw, so it is
remembered when the answer is given rather than found again by answering the previous
question a second time: the follow-up costs one answer, not two, and in a longer
conversation it is checked against the very answer shown (which was itself given with
its own history in view). Nothing remembered outlives the index build it came from.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from qa.retrieve.query import analyse
from qa.textnorm import normalize_question, search_form
from qa.types import Answer, Document, Span

# Recent answers kept, across every conversation the process serves. A follow-up reads
# the answer just before it, so a few hundred cover many concurrent conversations.
CAPACITY = 512


@dataclass(frozen=True)
class ShownKey:
    """One asked question, as the assistant received it."""

    build_id: str  # the index build it was answered from
    question: str
    history: tuple[str, ...]
    k: int
    doc_ids: tuple[str, ...]  # the user's document filter, resolved
    mode: str


@dataclass(frozen=True)
class Shown:
    """What the answer showed: whether it found one, and the spans it cited."""

    found: bool
    spans: tuple[tuple[str, Span], ...]


def shown(answer: Answer) -> Shown:
    spans = tuple(
        (citation.doc_id, citation.span)
        for sentence in answer.sentences
        for citation in sentence.citations
    )
    return Shown(answer.found, spans)


class ShownAnswers:
    """A bounded, thread-safe memory of the latest answers (least recently used go)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._answers: OrderedDict[ShownKey, Shown] = OrderedDict()

    def remember(self, key: ShownKey, answer: Answer) -> None:
        with self._lock:
            self._answers[key] = shown(answer)
            self._answers.move_to_end(key)
            while len(self._answers) > self._capacity:
                self._answers.popitem(last=False)

    def recall(self, key: ShownKey) -> Shown | None:
        """What was shown for ``key``; None when it was not asked (or is forgotten)."""
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found


def history_key(history: Sequence[str]) -> tuple[str, ...]:
    return tuple(h for h in history if isinstance(h, str))


def history_before(history: Sequence[str], previous: str) -> list[str]:
    """The conversation before the last time ``previous`` was asked in it."""
    return list(history)[: max(i for i, h in enumerate(history) if h == previous)]


def new_topics(question: str, previous: str, documents: Sequence[Document]) -> tuple[str, ...]:
    """The topics a follow-up names that the previous question did not: with none, it
    asks more of the same sentence (报给谁?, 到哪一年?); with some, the sentence the
    previous answer showed is not the answer."""
    asked = analyse(normalize_question(question), documents)
    before_form = search_form(previous)
    return tuple(t for t in asked.topic_terms if len(t) >= 2 and t not in before_form)

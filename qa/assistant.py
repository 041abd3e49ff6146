"""The Assistant: one question in, one cited Answer out; documents in and out.

It holds the parts built once from Settings (embedder, index backend, one retriever
per mode, the answer generator) and the current ``SearchIndex``. ``ask`` is safe to
call from several threads: the index is replaced as a whole when documents are added
or removed (by this process or, through the shared backend, by another), never
mutated in place.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from qa.answer import GENERATORS, AnswerGenerator, AnswerRequest, PreviousAnswer, stream_answer
from qa.answer.document_facts import record_fact_answer
from qa.config import Settings
from qa.duties.answer import duty_answer
from qa.embed import Embedder, load_embedder
from qa.embed.sentence_cache import SentenceVectors
from qa.errors import IndexMismatchError, InputError
from qa.ingest.corpus import corpus_hash, load_corpus
from qa.ingest.parse import parse_file
from qa.question_input import validated_history, validated_question
from qa.retrieve.followup import (
    carried_document,
    last_question,
    missing_context,
    resolve_followup,
)
from qa.retrieve.passages import cited_passages
from qa.retrieve.places import documents_named
from qa.retrieve.query import QuestionAnalysis, analyse, as_followup
from qa.retrieve.retriever import MODES, RetrievalConfig, Retriever
from qa.retrieve.stages import Ranking
from qa.retrieve.thesaurus import load_thesaurus, read_as_terms
from qa.shown_answers import ShownAnswers, ShownKey, history_before, history_key, new_topics
from qa.store import BuildSummary, IndexBackend, Progress, SearchIndex, open_backend
from qa.textnorm import normalize_question
from qa.types import Answer, AnswerProgress, Document, Figure, Passage


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        backend: IndexBackend | None = None,
        index: SearchIndex | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.backend = backend or open_backend(settings)
        self._index = index or self.backend.open(model=embedder.name)
        if self._index.info.model != embedder.name:
            raise IndexMismatchError(
                f"The index at {settings.index_dir} was built with the model "
                f"{self._index.info.model!r}, but the settings use {embedder.name!r}.",
                "Rebuild it with `python -m qa build`, or set QA_EMBED_MODEL (and QA_ENCODER, QA_INT8_WEIGHTS) "
                "back to what the index was built with.",
            )
        self._checked_at = time.monotonic()
        self._write_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        self._sentence_vectors = SentenceVectors(embedder)
        self.retrievers = {
            mode: Retriever(
                RetrievalConfig.for_mode(mode, settings), embedder, settings, self._sentence_vectors
            )
            for mode in MODES
        }
        self.generator: AnswerGenerator = GENERATORS.get(settings.answer_mode)(settings)
        self.thesaurus = load_thesaurus(settings.thesaurus)
        self._shown = ShownAnswers()

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        check_corpus: bool = True,
    ) -> Assistant:
        """Load the model and the index, checking they belong to each other and the corpus."""
        settings = settings or Settings.from_env()
        backend = open_backend(settings)
        check_corpus = check_corpus and not backend.shared
        expected_hash = corpus_hash(load_corpus(settings.corpus_dir)) if check_corpus else None
        # The index first: a broken or stale index is reported before the model loads.
        index = backend.open(corpus_hash=expected_hash)
        embedder = embedder or load_embedder(settings)
        return cls(settings, embedder, backend, index)

    # -- facts about the corpus ---------------------------------------------------
    @property
    def index(self) -> SearchIndex:
        """The current index; reopened when another process changed it."""
        now = time.monotonic()
        if now - self._checked_at >= self.settings.refresh_seconds:
            self._checked_at = now
            if self.backend.version() not in ("", self._index.info.build_id):
                with self._swap_lock:
                    if self.backend.version() != self._index.info.build_id:
                        self._index = self.backend.open(model=self.embedder.name)
        return self._index

    @property
    def documents(self) -> list[Document]:
        return list(self.index.documents.values())

    @property
    def figures(self) -> list[Figure]:
        return list(self.index.figures)

    def resolve_documents(self, doc_filter: str | Sequence[str] | None) -> list[str]:
        """doc ids for a filter given as ids, regions or title fragments ("A|B" allowed)."""
        return documents_named(doc_filter, self.index.documents.values())

    # -- asking -------------------------------------------------------------------
    def resolve(
        self, question: object, history: Sequence[str], documents: Sequence[Document]
    ) -> str:
        """The validated question, completed from ``history`` when it is a follow-up."""
        text = validated_question(question, self.settings.max_question_chars)
        if not history:
            return text
        earlier = validated_history(history)[-5:]
        completed = resolve_followup(text, earlier, documents)
        return validated_question(completed, self.settings.max_question_chars)

    def rank(
        self,
        question: str,
        *,
        mode: str = "full",
        k: int | None = None,
        doc_filter: str | Sequence[str] | None = None,
        index: SearchIndex | None = None,
        history: Sequence[str] = (),
    ) -> tuple[QuestionAnalysis, Ranking, list[Passage]]:
        """Retrieval only (no answer): used by ``ask`` and by the evaluation runner.

        ``history``: the earlier questions of the conversation, oldest first; an
        elliptic follow-up (厦门呢?) is completed from the last one before retrieval.
        """
        k = self.settings.top_k if k is None else k
        retriever = self.retrievers.get(mode)
        if retriever is None:
            raise InputError(f"Unknown retrieval mode {mode!r}.", f"Use one of {', '.join(MODES)}.")
        index = index or self.index
        documents = list(index.documents.values())
        text = self.resolve(question, history, documents)
        analysis = analyse(text, documents, self.thesaurus)
        if history and text != normalize_question(question):
            asked = analyse(normalize_question(question), documents)
            analysis = as_followup(analysis, asked, last_question(history))
        elif history and not doc_filter:
            # Naming no document, in its own words: of the conversation's (rule 7). The
            # previous question is retrieved again only if needed, with at most 4 before it.
            def answered_from() -> str:
                previous = self.rank(
                    last_question(history), k=1, index=index, history=history[-5:-1]
                )
                return previous[2][0].chunk.doc_id if previous[2] else ""

            carried = carried_document(
                analysis,
                history,
                documents,
                index.document_forms,
                answered_from,
                corpus_form=index.corpus_form,
            )
            analysis = replace(analysis, doc_ids=(carried,)) if carried else analysis
        doc_ids = self.resolve_documents(doc_filter)
        ranking = retriever.rank(index, analysis, k=k, doc_filter=doc_ids or None)
        passages = cited_passages(index, ranking, k, analysis.across_documents)
        return analysis, ranking, passages

    def _request(
        self,
        question: str,
        k: int | None,
        doc_filter: str | Sequence[str] | None,
        mode: str,
        history: Sequence[str],
        *,
        recall: bool = True,
    ) -> tuple[AnswerRequest, Ranking]:
        k = self.settings.top_k if k is None else k
        if not 1 <= k <= 50:
            raise InputError(f"k must be between 1 and 50, not {k}.")
        index = self.index  # one snapshot for the whole question
        analysis, ranking, passages = self.rank(
            question, mode=mode, k=k, doc_filter=doc_filter, index=index, history=history
        )
        similarity = None
        if ranking.vector is not None:
            vector = ranking.vector
            similarity = lambda texts: self._sentence_vectors(texts) @ vector  # noqa: E731
        request = AnswerRequest(
            question,
            analysis,
            tuple(passages),
            index,
            similarity,
            tuple(self.resolve_documents(doc_filter)),
        )
        if recall and getattr(self.generator, "avoids_repeats", False):
            previous = self._previous_answer(question, k, doc_filter, mode, history)
            request = replace(request, previous=previous)
        return request, ranking

    def _shown_key(
        self,
        index: SearchIndex,
        question: str,
        k: int | None,
        mode: str,
        history: Sequence[str],
        doc_ids: Sequence[str],
    ) -> ShownKey:
        k = self.settings.top_k if k is None else k
        return ShownKey(
            index.info.build_id, question, history_key(history), k, tuple(doc_ids), mode
        )

    def _previous_answer(
        self,
        question: str,
        k: int,
        doc_filter: str | Sequence[str] | None,
        mode: str,
        history: Sequence[str],
    ) -> PreviousAnswer | None:
        """For a follow-up naming topics the previous question did not (new_topics), the
        sentences the previous answer showed; None otherwise."""
        previous = last_question(history)
        if not previous:
            return None
        topics = new_topics(question, previous, list(self.index.documents.values()))
        if not topics:
            return None
        earlier = history_before(history, previous)
        doc_ids = self.resolve_documents(doc_filter)
        key = self._shown_key(self.index, previous, k, mode, earlier, doc_ids)
        shown = self._shown.recall(key)
        if shown is None:
            # Not asked in this process (an API call passing its own history): answered
            # again in its own conversation, which is not looked into further.
            try:
                if self._direct_answer(previous, doc_filter, earlier) is not None:
                    return None  # a record fact or a duty: no passage sentence was shown
                request, _ = self._request(previous, k, doc_filter, mode, earlier, recall=False)
            except InputError:
                return None
            answer = self.generator.answer(request)
            self._shown.remember(key, answer)
            shown = self._shown.recall(key)
        if shown is None or not shown.found:
            return None
        return PreviousAnswer(shown.spans, topics)

    def _finish(self, answer: Answer, ranking: Ranking, started: float, t: float) -> Answer:
        answer.timings_ms.update(ranking.timings_ms)
        answer.timings_ms["answer"] = (time.perf_counter() - t) * 1000
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    def ask(
        self,
        question: str,
        k: int | None = None,
        doc_filter: str | Sequence[str] | None = None,
        mode: str = "full",
        history: Sequence[str] = (),
    ) -> Answer:
        started = time.perf_counter()
        direct = self._direct_answer(question, doc_filter, history)
        if direct is not None:
            return direct
        request, ranking = self._request(question, k, doc_filter, mode, history)
        t = time.perf_counter()
        answer = self.generator.answer(request)
        # What the asker saw, for the check of a follow-up against it.
        key = self._shown_key(request.index, question, k, mode, history, request.doc_filter)
        self._shown.remember(key, answer)
        return self._finish(_resolved(answer, request), ranking, started, t)

    def answer_request(
        self,
        question: str,
        k: int | None = None,
        mode: str = "full",
        history: Sequence[str] = (),
    ) -> AnswerRequest:
        """What the answer generator receives for a question (for fitting and inspection:
        eval/fit_evidence.py scores its sentences)."""
        return self._request(question, k, None, mode, history)[0]

    def _direct_answer(
        self, question: str, doc_filter: str | Sequence[str] | None, history: Sequence[str]
    ) -> Answer | None:
        """Answers that need no passage retrieval, tried in order on the question as
        completed from the conversation (resolved once): a follow-up with no question
        before it (厦门呢?) is asked back; a document's own date, issuer or number comes
        from its record (qa.answer.document_facts); who-does-what from the duty matrix
        (qa.duties)."""
        index = self.index
        documents = list(index.documents.values())
        text = self.resolve(question, history, documents)
        if not any(isinstance(h, str) and h.strip() for h in history or ()):
            reason = missing_context(text, documents)
            if reason:
                return Answer(question=text, found=False, answer=reason, not_found_reason=reason)
        doc_ids = self.resolve_documents(doc_filter)

        def first_found(question: str) -> str | None:
            passages = self.rank(question, k=1, doc_filter=doc_filter, index=index)[2]
            return passages[0].chunk.doc_id if passages else None

        answer = record_fact_answer(text, doc_ids, index, first_found) or duty_answer(
            text, index, self.settings, doc_ids
        )
        if answer is None or text == normalize_question(question):
            return answer
        return replace(answer, resolved_question=text)

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        doc_filter: str | Sequence[str] | None = None,
        mode: str = "full",
        history: Sequence[str] = (),
    ) -> Iterator[AnswerProgress]:
        """``ask`` for a page that shows a generated answer as it is written.

        Bad input raises ``InputError`` before the first update. Then: drafts (the
        model's text so far, unchecked), and last the checked ``Answer`` to show. No
        lock is held while the model writes.
        """
        started = time.perf_counter()
        direct = self._direct_answer(question, doc_filter, history)
        if direct is not None:
            return iter([AnswerProgress(answer=direct)])
        request, ranking = self._request(question, k, doc_filter, mode, history)
        key = self._shown_key(request.index, question, k, mode, history, request.doc_filter)
        return self._stream(request, ranking, started, key)

    def _stream(
        self, request: AnswerRequest, ranking: Ranking, started: float, key: ShownKey
    ) -> Iterator[AnswerProgress]:
        t = time.perf_counter()
        for progress in stream_answer(self.generator, request):
            if progress.answer is not None:
                self._shown.remember(key, progress.answer)
                answer = self._finish(_resolved(progress.answer, request), ranking, started, t)
                progress = replace(progress, answer=answer)
            yield progress

    # -- changing the corpus ------------------------------------------------------
    def add_document(self, path: Path, progress: Progress | None = None) -> Document:
        """Index a file that is already in the corpus folder, then serve the new index."""
        if progress:
            progress("ingest", 0, 1)
        parsed = parse_file(path, self.settings)
        if progress:
            progress("ingest", 1, 1)
        with self._write_lock:
            self.backend.add([parsed], self.embedder, progress)
            self._reopen()
        return self._index.documents[parsed.document.doc_id]

    def remove_documents(
        self, doc_ids: Collection[str], progress: Progress | None = None
    ) -> BuildSummary:
        """Drop documents from the index (their files are the caller's business)."""
        with self._write_lock:
            summary = self.backend.remove(doc_ids, self.embedder, progress)
            self._reopen()
        return summary

    def _reopen(self) -> None:
        with self._swap_lock:
            self._index = self.backend.open(model=self.embedder.name)
            self._checked_at = time.monotonic()


def _resolved(answer: Answer, request: AnswerRequest) -> Answer:
    """Record how the question was read: completed from the history when it was a
    follow-up; its everyday words read as the terms the cited passages use."""
    text = request.analysis.text
    if text != normalize_question(request.question):
        answer = replace(answer, resolved_question=text)
    read_as = read_as_terms(request.analysis.expansions, answer.passages)
    return replace(answer, read_as=read_as) if read_as else answer

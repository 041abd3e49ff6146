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
from collections.abc import Collection, Sequence
from pathlib import Path

from qa.answer import GENERATORS, AnswerGenerator, AnswerRequest
from qa.config import Settings
from qa.embed import Embedder, load_embedder
from qa.errors import IndexMismatchError, InputError
from qa.ingest.corpus import corpus_hash, load_corpus
from qa.ingest.parse import parse_file
from qa.retrieve.query import QuestionAnalysis, analyse, names_document
from qa.retrieve.retriever import MODES, RetrievalConfig, Retriever
from qa.retrieve.stages import Ranking
from qa.store import BuildSummary, IndexBackend, Progress, SearchIndex, open_backend
from qa.textnorm import normalize_question, search_form
from qa.types import Answer, Document, Figure, Passage


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
                "Rebuild it with `python -m qa build`, or set QA_EMBED_MODEL (and QA_ENCODER) "
                "back to what the index was built with.",
            )
        self._checked_at = time.monotonic()
        self._write_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        self.retrievers = {
            mode: Retriever(RetrievalConfig.for_mode(mode, settings), embedder, settings)
            for mode in MODES
        }
        self.generator: AnswerGenerator = GENERATORS.get(settings.answer_mode)(settings)

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
        if not doc_filter:
            return []
        parts = doc_filter.split("|") if isinstance(doc_filter, str) else list(doc_filter)
        documents = self.index.documents.values()
        out: list[str] = []
        for part in (p.strip() for p in parts if p and p.strip()):
            matches = [d.doc_id for d in documents if names_document(part, d)]
            if not matches:
                known = ", ".join(f"{d.doc_id} ({d.region})" for d in documents)
                raise InputError(
                    f"No document matches the filter {part!r}.", f"Known documents: {known}."
                )
            out.extend(m for m in matches if m not in out)
        return out

    # -- asking -------------------------------------------------------------------
    def validate(self, question: object) -> str:
        if not isinstance(question, str):
            raise InputError("问题必须是文字。(The question must be text.)")
        text = normalize_question(question)
        if len(text) > self.settings.max_question_chars:
            raise InputError(
                f"问题太长（{len(text)} 字）。(The question has {len(text)} characters.)",
                f"请缩短到 {self.settings.max_question_chars} 字以内。",
            )
        if len([c for c in search_form(text) if c.isalnum()]) < 2:
            raise InputError(
                "问题为空或太短，没有可以检索的内容。(The question is empty or too short.)",
                "请输入一个完整的问题，例如：厦门到2018年森林覆盖率要达到多少？",
            )
        return text

    def rank(
        self,
        question: str,
        *,
        mode: str = "full",
        k: int | None = None,
        doc_filter: str | Sequence[str] | None = None,
        index: SearchIndex | None = None,
    ) -> tuple[QuestionAnalysis, Ranking, list[Passage]]:
        """Retrieval only (no answer): used by ``ask`` and by the evaluation runner."""
        k = self.settings.top_k if k is None else k
        retriever = self.retrievers.get(mode)
        if retriever is None:
            raise InputError(f"Unknown retrieval mode {mode!r}.", f"Use one of {', '.join(MODES)}.")
        index = index or self.index
        analysis = analyse(self.validate(question), list(index.documents.values()))
        doc_ids = self.resolve_documents(doc_filter)
        ranking = retriever.rank(index, analysis, k=k, doc_filter=doc_ids or None)
        passages = []
        for rank, (chunk_id, score) in enumerate(ranking.items[:k], 1):
            chunk = index.chunks[chunk_id]
            document = index.documents[chunk.doc_id]
            passages.append(Passage(rank, chunk, document.title, document.region, score))
        return analysis, ranking, passages

    def ask(
        self,
        question: str,
        k: int | None = None,
        doc_filter: str | Sequence[str] | None = None,
        mode: str = "full",
    ) -> Answer:
        started = time.perf_counter()
        k = self.settings.top_k if k is None else k
        if not 1 <= k <= 50:
            raise InputError(f"k must be between 1 and 50, not {k}.")
        index = self.index  # one snapshot for the whole question
        analysis, ranking, passages = self.rank(
            question, mode=mode, k=k, doc_filter=doc_filter, index=index
        )
        timings = dict(ranking.timings_ms)
        t = time.perf_counter()
        answer = self.generator.answer(AnswerRequest(question, analysis, tuple(passages), index))
        timings["answer"] = (time.perf_counter() - t) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        answer.timings_ms.update(timings)
        return answer

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

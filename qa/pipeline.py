"""The Assistant: one question in, one cited Answer out.

Loads the embedder and the index once; ``ask`` is safe to call from several threads
(the index is replaced as a whole when documents are added, never mutated in place).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

from qa.answer import (
    Evidence,
    choose_evidence,
    comparison_table,
    compose,
    on_indicator,
    relevant_figures,
    score_evidence,
    states,
)
from qa.config import Settings
from qa.corpus import load_corpus, load_document
from qa.embedding import Embedder, load_embedder
from qa.errors import InputError
from qa.indexing import Progress, add_documents, corpus_hash
from qa.query import QuestionAnalysis, analyse, names_document
from qa.retrieval import Ranking, Retriever
from qa.search_index import SearchIndex, check_model, open_index
from qa.support import unsupported_reason
from qa.textnorm import normalize_question, search_form
from qa.types import Answer, Document, Figure, Passage

NOT_FOUND = "文件中没有找到这个问题的答案。"


class Assistant:
    def __init__(self, settings: Settings, embedder: Embedder, index: SearchIndex) -> None:
        self.settings = settings
        self.embedder = embedder
        self._index = index
        self._write_lock = threading.Lock()

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
        expected_hash = corpus_hash(load_corpus(settings.corpus_dir)) if check_corpus else None
        # The index first: a broken or stale index is reported before the model loads.
        index = open_index(settings.index_dir, corpus_hash=expected_hash)
        embedder = embedder or load_embedder(settings)
        check_model(settings.index_dir, index.manifest, embedder.name)
        return cls(settings, embedder, index)

    # -- facts about the corpus ---------------------------------------------------
    @property
    def index(self) -> SearchIndex:
        return self._index

    @property
    def documents(self) -> list[Document]:
        return list(self._index.documents.values())

    @property
    def figures(self) -> list[Figure]:
        return list(self._index.figures)

    def resolve_documents(self, doc_filter: str | Sequence[str] | None) -> list[str]:
        """doc ids for a filter given as ids, regions or title fragments ("A|B" allowed)."""
        if not doc_filter:
            return []
        parts = doc_filter.split("|") if isinstance(doc_filter, str) else list(doc_filter)
        out: list[str] = []
        for part in (p.strip() for p in parts if p and p.strip()):
            matches = [d.doc_id for d in self._index.documents.values() if names_document(part, d)]
            if not matches:
                known = ", ".join(
                    f"{d.doc_id} ({d.region})" for d in self._index.documents.values()
                )
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
        k: int = 5,
        doc_filter: str | Sequence[str] | None = None,
    ) -> tuple[QuestionAnalysis, Ranking, list[Passage]]:
        """Retrieval only (no answer): used by ``ask`` and by the evaluation runner."""
        index = self._index
        analysis = analyse(self.validate(question), list(index.documents.values()))
        doc_ids = self.resolve_documents(doc_filter)
        retriever = Retriever(
            index,
            self.embedder,
            rrf_k=self.settings.rrf_k,
            candidates=self.settings.candidates,
            figure_boost=self.settings.figure_boost,
            place_routing=self.settings.place_routing,
            keyword_weight=self.settings.keyword_weight,
        )
        ranking = retriever.rank(analysis, mode=mode, k=k, doc_filter=doc_ids or None)
        passages = [
            Passage(
                rank=rank,
                chunk=index.chunks[chunk_index],
                doc_title=index.documents[index.chunks[chunk_index].doc_id].title,
                region=index.documents[index.chunks[chunk_index].doc_id].region,
                score=score,
            )
            for rank, (chunk_index, score) in enumerate(ranking.items[:k], 1)
        ]
        return analysis, ranking, passages

    def ask(
        self,
        question: str,
        k: int = 5,
        doc_filter: str | Sequence[str] | None = None,
        mode: str = "full",
    ) -> Answer:
        started = time.perf_counter()
        if not 1 <= k <= 50:
            raise InputError(f"k must be between 1 and 50, not {k}.")
        index = self._index
        analysis, ranking, passages = self.rank(question, mode=mode, k=k, doc_filter=doc_filter)
        timings = dict(ranking.timings_ms)
        t = time.perf_counter()
        chunk_of_rank = {p.rank: ranking.items[p.rank - 1][0] for p in passages}
        figures_by_rank = {
            rank: index.chunk_figures.get(ci, []) for rank, ci in chunk_of_rank.items()
        }
        idf = index.keyword.idf(analysis.content_tokens)
        evidence = score_evidence(analysis, passages, figures_by_rank, idf)
        labels = {d.doc_id: d.region or d.title for d in index.documents.values()}
        per_document: list[str] = []
        if analysis.across_documents:
            per_document = list(dict.fromkeys(p.chunk.doc_id for p in passages))
        elif len(analysis.doc_ids) > 1:
            per_document = list(analysis.doc_ids)
        chosen = choose_evidence(evidence, analysis, per_document)
        figures = relevant_figures(chosen, figures_by_rank, analysis, passages)
        # Figures stated by the best answering sentence (of each document when per document).
        leading = chosen if per_document else evidence[:1]
        answer_figures = [
            cited.figure for cited in figures if any(states(e, cited) for e in leading)
        ]
        reason = self._not_found_reason(analysis, passages, chosen, answer_figures)
        if reason:
            figures = []
            text = f"{NOT_FOUND}{reason}以下是最接近的段落，仅供参考。"
        else:
            text = compose(chosen, labels if per_document else None)
            table_figures = on_indicator(figures, analysis) if analysis.across_documents else []
            if table_figures:
                text += "\n\n" + comparison_table(table_figures, labels)
        timings["answer"] = (time.perf_counter() - t) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        return Answer(
            question=question,
            found=not reason,
            answer=text,
            passages=tuple(passages),
            figures=tuple(figures),
            timings_ms=timings,
        )

    def _not_found_reason(
        self,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        chosen: Sequence[Evidence],
        answer_figures: Sequence[Figure],
    ) -> str:
        """Why the corpus does not answer, or "" when it does."""
        if not passages or not chosen:
            return "没有检索到相关段落。"
        return unsupported_reason(analysis, passages, self._index.corpus_form, answer_figures)

    # -- adding documents ---------------------------------------------------------
    def add_document(self, path: Path, progress: Progress | None = None) -> Document:
        """Index a file that is already in the corpus folder, then serve the new index."""
        document = load_document(path)
        with self._write_lock:
            add_documents(
                self.settings.index_dir,
                self.embedder,
                [document],
                batch_size=self.settings.batch_size,
                exact_limit=self.settings.exact_search_limit,
                progress=progress,
            )
            self._index = open_index(self.settings.index_dir, model=self.embedder.name)
        return self._index.documents[document.doc_id]

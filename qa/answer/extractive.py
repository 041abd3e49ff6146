"""The extractive answer engine: the documents' own sentences, each with its citation.

Steps: score every sentence of the passages (evidence), pick the answering sentence (or
one per document for questions across documents), attach the figures they state,
decide whether the corpus answers at all (qa.answer.support), and for comparisons add
the table of the asked indicator.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.answer.base import GENERATORS, AnswerRequest
from qa.answer.cited_figures import on_indicator, relevant_figures
from qa.answer.evidence import Evidence, choose_evidence, score_evidence, states
from qa.answer.support import unsupported_reason
from qa.answer.text import answer_text, not_found_text
from qa.config import Settings
from qa.types import Answer, AnswerSentence, Citation, Figure


class ExtractiveGenerator:
    name = "extractive"

    def answer(self, request: AnswerRequest) -> Answer:
        analysis, passages, index = request.analysis, request.passages, request.index
        figures_by_rank = {p.rank: index.chunk_figures.get(p.chunk.chunk_id, []) for p in passages}
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
        reason = not_found_reason(request, chosen, answer_figures)
        if reason:
            return Answer(
                question=request.question,
                found=False,
                answer=not_found_text(reason),
                passages=passages,
                not_found_reason=reason,
                mode=self.name,
            )
        sentences = tuple(
            AnswerSentence(
                text=e.text,
                citations=(Citation(e.passage_rank, e.doc_id, e.span),),
                label=labels[e.doc_id] if per_document else "",
            )
            for e in chosen
        )
        table = tuple(on_indicator(figures, analysis)) if analysis.across_documents else ()
        return Answer(
            question=request.question,
            found=True,
            answer=answer_text(sentences, table, labels),
            passages=passages,
            figures=tuple(figures),
            sentences=sentences,
            table=table,
            mode=self.name,
        )


def not_found_reason(
    request: AnswerRequest, chosen: Sequence[Evidence], answer_figures: Sequence[Figure]
) -> str:
    """Why the corpus does not answer, or "" when it does."""
    if not request.passages or not chosen:
        return "没有检索到相关段落。"
    return unsupported_reason(
        request.analysis, request.passages, request.index.corpus_form, answer_figures
    )


def _extractive(settings: Settings) -> ExtractiveGenerator:
    return ExtractiveGenerator()


GENERATORS.register("extractive", _extractive)

"""Which figures of an answer belong with it, and who a comparison leaves out.

An answer's passages state many figures; the page's 相关数据 keeps those the answer
rests on (inside a cited sentence, or in the comparison) and that are about what was
asked (their indicator shares words with the question). A comparison across documents
names the documents that state nothing comparable, instead of leaving them out quietly.
"""

from __future__ import annotations

from collections.abc import Mapping

from qa.retrieve.query import analyse
from qa.textnorm import search_form
from qa.types import Answer, CitedFigure, Document


def _bigrams(text: str) -> set[str]:
    form = search_form(text)
    return {form[i : i + 2] for i in range(len(form) - 1)}


def _in_cited_sentence(answer: Answer, cited: CitedFigure) -> bool:
    start, end = cited.figure.span
    return any(
        c.doc_id == cited.figure.doc_id and c.span[0] <= start and end <= c.span[1]
        for s in answer.sentences
        for c in s.citations
    )


def related_figures(answer: Answer) -> list[CitedFigure]:
    """The answer's figures that a reader of this question wants to see beside it."""
    question = _bigrams(answer.resolved_question or answer.question)
    in_table = {(c.figure.doc_id, c.figure.span) for c in answer.table}
    candidates = [
        c
        for c in answer.figures
        if (c.figure.doc_id, c.figure.span) in in_table or _in_cited_sentence(answer, c)
    ]
    overlap = {id(c): len(_bigrams(c.figure.indicator) & question) for c in candidates}
    best = max(overlap.values(), default=0)
    if best == 0:
        return []
    return [c for c in candidates if overlap[id(c)] * 2 >= best]


def compared_documents(answer: Answer, documents: Mapping[str, Document]) -> list[Document]:
    """The documents a comparison question is about: those it names, or all of them."""
    analysis = analyse(answer.resolved_question or answer.question, list(documents.values()))
    if len(analysis.doc_ids) >= 2:
        return [documents[d] for d in analysis.doc_ids if d in documents]
    if analysis.across_documents:
        return list(documents.values())
    return []


def missing_from_comparison(answer: Answer, documents: Mapping[str, Document]) -> list[Document]:
    """Documents the comparison covers that have no row in its table."""
    if not answer.found or not answer.table:
        return []
    present = {c.figure.doc_id for c in answer.table}
    return [d for d in compared_documents(answer, documents) if d.doc_id not in present]


ALSO_STATED = "其他文件也提出了这一指标："


def also_stated_items(answer: Answer) -> list[tuple[str, str, int]]:
    """(region or title, the figure's own words, passage rank) for each other document
    stating the indicator the answer states, for a question naming no place."""
    if not answer.found:
        return []
    label = {p.rank: p.region or p.doc_title for p in answer.passages}
    return [
        (label.get(c.passage_rank, ""), c.figure.text, c.passage_rank) for c in answer.also_stated
    ]


def also_stated_text(answer: Answer) -> str:
    """The same as one line of text ("" when there is none)."""
    items = also_stated_items(answer)
    if not items:
        return ""
    return ALSO_STATED + "；".join(f"{where}：{text}[{rank}]" for where, text, rank in items) + "。"

"""Answer evidence: every sentence of the passages scored against the question.

Pure functions over passages, figures and the question analysis. Evidence is always
the documents' own words: whole sentences, or for very long sentences the run of
clauses that carries the answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.retrieve.query import QuestionAnalysis
from qa.textnorm import search_form, split_sentences
from qa.types import Chunk, CitedFigure, Figure, Passage

MAX_SENTENCE_CHARS = 150
_CLAUSE_END = re.compile(r"[，,、：:]")
# In search form (simplified, NFKC). A sentence naming who leads or answers for a task.
DEPARTMENT_CUE = re.compile(r"牵头|负责|责任单位|主管部门|会同|设在|配合落实")
DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号|\[\d{4}\]\d+号")


@dataclass(frozen=True)
class Evidence:
    """One candidate answer sentence with the facts used to score it."""

    passage_rank: int
    doc_id: str
    span: tuple[int, int]  # in the document
    text: str
    score: float


def _bigrams(form: str) -> set[str]:
    return {form[i : i + 2] for i in range(len(form) - 1)}


def clause_window(
    text: str, weights: Mapping[str, float], limit: int = MAX_SENTENCE_CHARS
) -> tuple[int, int]:
    """The best run of clauses (offsets in ``text``) of at most ``limit`` characters."""
    if len(text) <= limit:
        return 0, len(text)
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(text)] + [len(text)]
    bounds = sorted(set(bounds))
    best, best_score = (0, min(limit, len(text))), -1.0
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            if bounds[j] - bounds[i] > limit:
                break
            form = search_form(text[bounds[i] : bounds[j]])
            score = sum(w for t, w in weights.items() if t in form) - 0.001 * (
                bounds[j] - bounds[i]
            )
            if score > best_score:
                best, best_score = (bounds[i], bounds[j]), score
    return best


def _is_heading(sentence_form: str, chunk: Chunk, start: int) -> bool:
    """The sentence is the section's own heading line (e.g. `(八)落实企业主体责任。`)."""
    if start != chunk.span[0] or not chunk.section_path:
        return False
    label = search_form(chunk.section_path[-1]).rstrip("。.")
    form = sentence_form.rstrip("。.;；:：")
    return bool(form) and (
        form == label
        or label.startswith(form)
        or (form.startswith(label) and len(form) <= len(label) + 2)
    )


def score_evidence(
    analysis: QuestionAnalysis,
    passages: Sequence[Passage],
    figures_by_rank: Mapping[int, Sequence[Figure]],
    idf: Mapping[str, float],
) -> list[Evidence]:
    """All sentences of the passages, scored against the question, best first.

    A sentence scores for the question words it holds, and less for those only its
    passage or heading holds (the year of a target is often stated once, a sentence
    earlier). Headings alone never answer; what the question asks for (a figure, a
    department, a document number) favours sentences that state one.
    """
    weights = {t: max(idf.get(t, 0.0), 0.05) * len(t) for t in analysis.content_tokens}
    total = sum(weights.values()) or 1.0
    q_bigrams = _bigrams("".join(analysis.content_tokens))
    out: list[Evidence] = []
    for passage in passages:
        chunk = passage.chunk
        context_form = search_form(" ".join(chunk.section_path) + chunk.text)
        in_context = {t for t in weights if t in context_form}
        figure_spans = [f.span for f in figures_by_rank.get(passage.rank, ())]
        prior = 1.0 / passage.rank
        for start, end in split_sentences(chunk.text, offset=chunk.span[0]):
            text = chunk.text[start - chunk.span[0] : end - chunk.span[0]]
            lo, hi = clause_window(text, weights)
            start, end, text = start + lo, start + hi, text[lo:hi]
            form = search_form(text)
            if len(form) < 2:
                continue
            held = {t for t in weights if t in form}
            coverage = sum(weights[t] for t in held) / total
            context = sum(weights[t] for t in in_context - held) / total
            bigram = len(q_bigrams & _bigrams(form)) / len(q_bigrams) if q_bigrams else 0.0
            score = 0.55 * coverage + 0.25 * context + 0.2 * bigram + 0.2 * prior
            if analysis.asks_department:
                score += 0.35 if DEPARTMENT_CUE.search(form) else 0.0
            elif analysis.asks_doc_number:
                score += 0.5 if DOC_NUMBER.search(form) else 0.0
            elif analysis.wants_figure and any(
                start <= fs and fe <= end for fs, fe in figure_spans
            ):
                score += 0.15
            if _is_heading(form, chunk, start - lo):
                score -= 0.4
            elif len(form) < 12 and not (analysis.asks_doc_number and DOC_NUMBER.search(form)):
                score -= 0.15
            out.append(Evidence(passage.rank, chunk.doc_id, (start, end), text, score))
    out.sort(key=lambda e: (-e.score, e.passage_rank, e.span))
    return out


def choose_evidence(
    evidence: Sequence[Evidence], analysis: QuestionAnalysis, per_document: Sequence[str] = ()
) -> list[Evidence]:
    """The best sentence; with ``per_document``, the best sentence of each document."""
    if not evidence:
        return []
    if per_document:
        # A document whose best sentence names nothing the question asks about has no
        # answer to give; it is left out rather than padded with an unrelated sentence.
        terms = analysis.topic_terms or analysis.content_tokens
        chosen = []
        for doc_id in per_document:
            best = next((e for e in evidence if e.doc_id == doc_id), None)
            if best is not None and (not terms or any(t in search_form(best.text) for t in terms)):
                chosen.append(best)
        return chosen or [evidence[0]]
    best = evidence[0]
    chosen = [best]
    # A second sentence from the same passage when it adds question words the first lacks.
    missing = [t for t in analysis.content_tokens if t not in search_form(best.text)]
    if missing:
        for other in evidence[1:4]:
            if other.passage_rank == best.passage_rank and any(
                t in search_form(other.text) for t in missing
            ):
                chosen.append(other)
                break
    chosen.sort(key=lambda e: (e.passage_rank, e.span))
    return chosen


def states(evidence: Evidence, cited: CitedFigure) -> bool:
    """The answering sentence states this figure (same passage, figure inside it)."""
    return (
        evidence.passage_rank == cited.passage_rank
        and evidence.span[0] <= cited.figure.span[0]
        and cited.figure.span[1] <= evidence.span[1]
    )

"""Which figures an answer shows: those its sentences state, then on-topic ones.

Pure functions. A figure is shown only if its text is verbatim in the passage it is
cited with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qa.answer.evidence import Evidence, states
from qa.retrieve.query import QuestionAnalysis
from qa.textnorm import search_form
from qa.types import CitedFigure, Figure, Passage


def relevant_figures(
    chosen: Sequence[Evidence],
    figures_by_rank: Mapping[int, Sequence[Figure]],
    analysis: QuestionAnalysis,
    passages: Sequence[Passage],
    limit: int = 12,
) -> list[CitedFigure]:
    """Figures of the cited passages: first those inside the answer, then on-topic ones.

    A figure is shown only if its text is verbatim in its passage.
    """
    cited_ranks = {e.passage_rank for e in chosen}
    text_of = {p.rank: p.chunk.text for p in passages}
    inside: list[CitedFigure] = []
    related: list[CitedFigure] = []
    for rank in sorted(cited_ranks):
        for figure in figures_by_rank.get(rank, ()):
            if figure.text not in text_of[rank] or figure.value not in figure.text:
                continue
            cited = CitedFigure(figure, rank)
            if any(states(e, cited) for e in chosen):
                inside.append(cited)
            elif any(t in search_form(figure.indicator) for t in analysis.content_tokens):
                related.append(cited)
    return (inside + related)[:limit]


def on_indicator(figures: Sequence[CitedFigure], analysis: QuestionAnalysis) -> list[CitedFigure]:
    """The figures whose indicator names what the question asks about.

    Those naming every topic word of the question if there are any (监督抽查合格率 for
    "各地监督抽查合格率…"), else those naming at least half of them.
    """
    terms = analysis.topic_terms or analysis.content_tokens
    if not terms:
        return list(figures)
    total = sum(len(t) for t in terms)

    def share(cited: CitedFigure) -> float:
        indicator = search_form(cited.figure.indicator)
        return sum(len(t) for t in terms if t in indicator) / total

    complete = [c for c in figures if share(c) >= 0.999]
    return complete or [c for c in figures if share(c) >= 0.5]

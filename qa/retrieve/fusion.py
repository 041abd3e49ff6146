"""Pure functions that combine rankings of chunk ids.

Ties are broken by ``order`` (a chunk's position in the corpus), so a ranking never
depends on dictionary or hash order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

Ranked = list[tuple[str, float]]  # (chunk id, score), best first


def rrf_fuse(
    rankings: Sequence[Sequence[str]],
    order: Mapping[str, int],
    k: int = 60,
    weights: Sequence[float] | None = None,
) -> Ranked:
    """Reciprocal-rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], order.get(pair[0], 0)))


def vocabulary_coverage(tokens: Sequence[str], idf: Mapping[str, float]) -> float:
    """Share of the question's words (by characters) the keyword index knows (idf > 0);
    1.0 for a question without words. A question in the documents' own terms scores 1;
    one in everyday words (东西, 看病) lower, and its keyword ranking says less."""
    total = sum(len(t) for t in tokens)
    if not total:
        return 1.0
    return sum(len(t) for t in tokens if idf.get(t, 0.0) > 0) / total


def boost(
    ranked: Sequence[tuple[str, float]],
    favoured: Callable[[str], bool],
    factor: float,
    order: Mapping[str, int],
) -> Ranked:
    """Multiply the score of favoured chunks by ``factor`` and sort again."""
    out = [(i, s * factor if favoured(i) else s) for i, s in ranked]
    return sorted(out, key=lambda pair: (-pair[1], order.get(pair[0], 0)))


def interleave(groups: Sequence[Sequence[tuple[str, float]]], limit: int) -> Ranked:
    """Round-robin over groups so each named document gets a share of the results."""
    out: Ranked = []
    seen: set[str] = set()
    depth = max((len(g) for g in groups), default=0)
    for position in range(depth):
        for group in groups:
            if position < len(group) and group[position][0] not in seen:
                out.append(group[position])
                seen.add(group[position][0])
                if len(out) >= limit:
                    return out
    return out


def sentence_rerank(
    head: Sequence[tuple[str, float]],
    best_sentence: Mapping[str, float],
    weight: float,
    k: int,
    order: Mapping[str, int],
) -> Ranked:
    """``head`` (the top of a ranking) fused by weighted reciprocal rank with its order
    by each passage's best sentence similarity to the question: a long passage whose
    one sentence answers is not outranked by one that is vaguely about everything."""
    by_sentence = sorted(
        (chunk_id for chunk_id, _ in head), key=lambda c: (-best_sentence.get(c, -1.0), order[c])
    )
    return rrf_fuse([[c for c, _ in head], by_sentence], order, k=k, weights=[1.0, weight])

"""When an answer is probably not the answer: a caution shown with it.

An extractive answer is the best-scored sentence of the retrieved passages, and some
sentence always scores best. When even the answering sentences are far from the question
in the embedded model's cosine, the answer was almost never right on the tuning splits
(eval/report.md, stop 47): the reader is told to check the cited passages rather than
the answer being withdrawn, since the passages are often still the nearest the documents
come to the question. Pure functions; the cosines come from the answer's edge.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.config import DEFAULT_MODEL, Settings

# Below it, on the tuning splits, 8 of 52 answers were right (15%); held out, 2 of 22.
# Chosen on the tuning splits as the highest cosine below which at most one answer in
# five is right (0.43: 17 of 78, 22%). u8 int8 vectors are the same on every x86 CPU
# (eval/int8_exactness.py), so the same answers carry the caution everywhere.
DEFAULT_MODEL_CAUTION = 0.40
CAUTION_NOTE = "这一答案与所问的意思相距较远，可能没有直接回答问题，请核对下面引用的段落。"


def caution_threshold(settings: Settings) -> float:
    """The cosine below which an answer carries the caution; 0 when it never does."""
    if settings.answer_caution_similarity is not None:
        return settings.answer_caution_similarity
    return DEFAULT_MODEL_CAUTION if settings.embed_model == DEFAULT_MODEL else 0.0


def answer_similarity(cosines: Sequence[float]) -> float | None:
    """How near the answer comes to the question: its nearest sentence's cosine."""
    return max(cosines) if len(cosines) else None


def needs_caution(similarity: float | None, threshold: float) -> bool:
    return similarity is not None and similarity < threshold

"""The sentence-vector cache and the sentence rerank stage (off by default, measured)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.assistant import Assistant
from qa.embed.sentence_cache import SentenceVectors
from qa.retrieve.fusion import sentence_rerank
from qa.retrieve.query import analyse
from qa.retrieve.stages import Query, Ranking, SentenceRerank
from qa.textnorm import split_sentences
from tests.fakes import FakeEmbedder


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 32, progress: bool = False
    ) -> np.ndarray:
        self.embedded += texts
        return super().embed_passages(texts, batch_size=batch_size, progress=progress)


def test_sentence_vectors_embed_each_sentence_once_and_empty_when_full() -> None:
    embedder = CountingEmbedder()
    vectors = SentenceVectors(embedder, limit=3)
    first = vectors(["甲句。", "乙句。"])
    again = vectors(["乙句。", "甲句。"])
    assert embedder.embedded == ["甲句。", "乙句。"]
    assert np.allclose(first[0], again[1]) and first.shape == (2, embedder.dimension)
    vectors(["丙句。", "丁句。"])  # over the limit: the cache starts again
    vectors(["甲句。"])
    assert embedder.embedded.count("甲句。") == 2
    # The call that fills the cache keeps the vectors it found there: 甲句 was cached,
    # 戊己庚 overflow the cache, and 甲句's row is still its vector, not zeros.
    rows = vectors(["甲句。", "戊句。", "己句。", "庚句。"])
    assert np.allclose(rows[0], first[0]) and np.abs(rows).sum(axis=1).min() > 0
    assert vectors([]).shape == (0, embedder.dimension)


def test_sentence_rerank_lifts_the_passage_with_the_best_sentence() -> None:
    head = [("a", 0.3), ("b", 0.2), ("c", 0.1)]
    order = {"a": 0, "b": 1, "c": 2}
    best = {"a": 0.70, "b": 0.75, "c": 0.95}
    assert sentence_rerank(head, best, 2.0, 10, order)[0][0] == "c"
    assert [c for c, _ in sentence_rerank(head, best, 0.0, 10, order)] == ["a", "b", "c"]


def test_the_stage_reorders_single_document_questions_only(fake_assistant: Assistant) -> None:
    index = fake_assistant.index
    documents = list(index.documents.values())
    chunk_ids = list(index.chunks)[:4]
    target = chunk_ids[3]
    text = index.chunks[target].text
    target_sentences = {text[start:end] for start, end in split_sentences(text)}
    question_vector = np.ones(8, dtype=np.float32)

    def sentence_vectors(texts: Sequence[str]) -> np.ndarray:
        # Only the sentences of the fourth passage point the question's way.
        return np.array(
            [question_vector if t in target_sentences else -question_vector for t in texts]
        )

    def reranked(question: str) -> list[str]:
        query = Query(
            analysis=analyse(question, documents),
            index=index,
            vector=question_vector[None, :],
            depth=10,
            doc_filter=None,
            ranking=Ranking(items=[]),
            sentence_vectors=sentence_vectors,
        )
        items = [(c, 1.0 / (n + 1)) for n, c in enumerate(chunk_ids)]
        return [c for c, _ in SentenceRerank(5.0, 10, 10).apply(query, items, None)]  # type: ignore[arg-type]

    assert reranked("厦门森林覆盖率的目标是多少?")[0] == target
    assert reranked("各地森林覆盖率的目标分别是多少?") == chunk_ids

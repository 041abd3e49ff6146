"""Pure retrieval functions (fusion, boosts, interleaving) and the keyword index's top-k."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from qa.retrieve.fusion import boost, interleave, rrf_fuse, vocabulary_coverage
from qa.store.faiss_vectors import FaissVectorStore
from qa.store.keyword import Bm25KeywordIndex

if TYPE_CHECKING:
    from qa.assistant import Assistant

ORDER = {name: i for i, name in enumerate(["a", "b", "c", "d", "e", "f"])}


def test_rrf_scores_by_hand() -> None:
    fused = dict(rrf_fuse([["a", "b", "c"], ["c", "a"]], ORDER, k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert fused["b"] == pytest.approx(1 / 62)
    assert [i for i, _ in rrf_fuse([["a", "b", "c"], ["c", "a"]], ORDER, k=60)] == ["a", "c", "b"]


def test_rrf_item_in_both_lists_beats_single_list_leader() -> None:
    order = [i for i, _ in rrf_fuse([["d", "e"], ["f", "e"]], ORDER, k=1)]
    assert order[0] == "e"


def test_rrf_weights_change_the_winner() -> None:
    assert rrf_fuse([["a"], ["b"]], ORDER, weights=[2.0, 1.0])[0][0] == "a"
    assert rrf_fuse([["a"], ["b"]], ORDER, weights=[1.0, 2.0])[0][0] == "b"


def test_rrf_ties_follow_corpus_order_not_the_id() -> None:
    order = {"z": 0, "a": 1}
    assert [i for i, _ in rrf_fuse([["a"], ["z"]], order)] == ["z", "a"]


def test_rrf_of_nothing_is_empty() -> None:
    assert rrf_fuse([[], []], ORDER) == []


def test_boost_reorders_only_favoured() -> None:
    ranked = [("a", 1.0), ("b", 0.9), ("c", 0.8)]
    assert [i for i, _ in boost(ranked, lambda i: i == "c", 1.5, ORDER)] == ["c", "a", "b"]
    assert [i for i, _ in boost(ranked, lambda i: i == "c", 1.0, ORDER)] == ["a", "b", "c"]


def test_interleave_gives_each_group_a_share() -> None:
    a = [("a", 0.9), ("b", 0.8), ("c", 0.7)]
    b = [("x", 0.5), ("y", 0.4)]
    assert [i for i, _ in interleave([a, b], limit=4)] == ["a", "x", "b", "y"]
    assert [i for i, _ in interleave([a, [("a", 0.3), ("z", 0.2)]], limit=10)] == [
        "a",
        "b",
        "z",
        "c",
    ]


def test_keyword_top_respects_filter_and_drops_zero_scores() -> None:
    texts = ["无关内容", "森林覆盖率", "森林", "森林覆盖率 森林覆盖率 提高", "覆盖率"]
    index = Bm25KeywordIndex.build(
        [f"c{i}" for i in range(5)], ["d1", "d1", "d2", "d2", "d3"], texts
    )
    hits = index.search("森林覆盖率", 3)
    assert hits[0].chunk_id in {"c1", "c3"}
    assert "c0" not in [h.chunk_id for h in index.search("森林覆盖率", 5)]
    assert {h.chunk_id for h in index.search("森林覆盖率", 5, ["d2"])} <= {"c2", "c3"}
    assert index.search("森林覆盖率", 5, ["unknown"]) == []
    assert index.idf(["森林", "没有的词"])["没有的词"] == 0.0


def test_vector_store_is_keyed_by_chunk_id_and_filters_by_document() -> None:
    store = FaissVectorStore.create(4)
    vectors = np.eye(4, dtype=np.float32)
    store.add(["x:0-1", "x:1-2", "y:0-1", "y:1-2"], ["x", "x", "y", "y"], vectors)
    assert store.count() == 4
    assert store.search(vectors[2], 1)[0].chunk_id == "y:0-1"
    assert [h.chunk_id for h in store.search(vectors[2], 2, ["x"])] != []
    assert all(h.chunk_id.startswith("x") for h in store.search(vectors[2], 4, ["x"]))
    assert store.delete_documents(["x"]) == 2
    assert store.count() == 2
    assert store.search(vectors[3], 1)[0].chunk_id == "y:1-2"
    assert store.search(vectors[0], 4, ["x"]) == []


def test_hnsw_store_filtered_to_a_document_returns_its_whole_exact_ranking() -> None:
    """HNSW with a restrictive filter can miss most of a small document; a filter that
    selects few vectors is searched exactly instead (equal scores in corpus order)."""
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    doc_ids = ["small" if i % 300 == 0 else "big" for i in range(3000)]
    store = FaissVectorStore.create(16, expected=3000, exact_limit=100)
    assert store.kind == "hnsw"
    store.add([f"c{i}" for i in range(3000)], doc_ids, vectors)
    query = vectors[5]
    hits = store.search(query, 50, ["small"])
    small = [i for i, d in enumerate(doc_ids) if d == "small"]
    expected = sorted(small, key=lambda i: -float(vectors[i] @ query))
    assert [h.chunk_id for h in hits] == [f"c{i}" for i in expected]


def test_a_chunk_with_several_vectors_is_one_hit_at_its_nearest_vector() -> None:
    rng = np.random.default_rng(3)
    sentences = rng.normal(size=(12, 8)).astype(np.float32)
    sentences /= np.linalg.norm(sentences, axis=1, keepdims=True)
    # "long" has ten sentence vectors besides its own; "a" and "b" one vector each.
    ids = ["long"] * 11 + ["a", "b"]
    docs = ["x"] * 11 + ["x", "y"]
    own = sentences[:10].mean(axis=0)
    vectors = np.vstack([own / np.linalg.norm(own), sentences[:10], sentences[10:12]])
    for store in (
        FaissVectorStore.create(8),
        FaissVectorStore.create(8, expected=13, exact_limit=5),  # HNSW
    ):
        store.add(ids, docs, vectors)
        assert (store.count(), store.chunk_count()) == (13, 3)
        # A query equal to one of long's sentences finds long first, at that sentence's
        # cosine (1.0), not its averaged vector's.
        hits = store.search(sentences[4], 3)
        assert hits[0].chunk_id == "long"
        assert hits[0].score == pytest.approx(1.0, abs=1e-5)
        # k distinct chunks, though long's ten sentences fill the nearest vectors.
        assert sorted(h.chunk_id for h in hits) == ["a", "b", "long"]
        assert sorted(h.chunk_id for h in store.search(sentences[4], 5, ["x"])) == ["a", "long"]
        assert store.delete_documents(["x"]) == 12
        assert (store.count(), store.chunk_count()) == (1, 1)


def test_vocabulary_coverage_counts_known_words_by_length() -> None:
    idf = {"森林": 1.2, "覆盖率": 0.8, "看病": 0.0}
    assert vocabulary_coverage(["森林", "覆盖率"], idf) == 1.0
    assert vocabulary_coverage(["看病", "森林"], idf) == 0.5
    assert vocabulary_coverage(["看病", "体验"], idf) == 0.0  # unknown to the index
    assert vocabulary_coverage([], idf) == 1.0


def test_the_keyword_weight_follows_the_question_s_known_words(
    fake_assistant: Assistant,
) -> None:
    from qa.config import Settings
    from qa.retrieve.query import analyse
    from qa.retrieve.retriever import RetrievalConfig, Retriever

    index = fake_assistant.index
    documents = list(index.documents.values())
    config = RetrievalConfig.for_mode("full", Settings(vocabulary_weighting=True))
    first_pass = Retriever(config, fake_assistant.embedder).first_pass

    def weights(question: str) -> dict[str, float]:
        given = first_pass.weights_for(analyse(question, documents), index)
        return {r.name: w for r, w in zip(first_pass.rankers, given, strict=True)}

    # The word ranking has half the keyword weight, the bigram ranking the other half.
    known = weights("厦门森林覆盖率目标是多少?")
    assert known == {"dense": 1.0, "keyword": 1.0, "phrase": 2.0, "bigram": 1.0}
    everyday = weights("厦门看病排队咋整?")
    # Only the word ranking follows the known words: bigrams match unknown words' parts.
    assert everyday["dense"] == everyday["bigram"] == 1.0 and everyday["keyword"] < 1.0
    plain = RetrievalConfig.for_mode("hybrid", Settings(vocabulary_weighting=True))
    assert Retriever(plain, fake_assistant.embedder).first_pass.vocabulary_weighting is False

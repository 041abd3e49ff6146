"""The int8-agreement check's pure parts (eval/quant_agreement.py)."""

from __future__ import annotations

import numpy as np

from eval.quant_agreement import agreement, spread_subset


def test_a_subset_is_spread_through_every_document() -> None:
    texts = [f"t{i}" for i in range(10)]
    assert spread_subset(texts, 3) == ["t0", "t3", "t6"]
    assert spread_subset(texts, 0) == texts and spread_subset(texts, 20) == texts


def test_agreement_compares_the_same_texts_and_their_top_passage() -> None:
    passages = np.eye(3, dtype=np.float32)
    questions = np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32)
    same = agreement((passages, questions), (passages, questions))
    assert same["passage_cosine_min"] == 1.0 and same["top1_agreement"] == 1.0
    swapped = agreement((passages, questions), (passages, questions[:, [1, 0, 2]]))
    assert swapped["top1_agreement"] == 0.0 and swapped["query_cosine_mean"] == 0.0

"""Passage-side vectors of sentences, cached between questions.

The answer's sentence similarity and the sentence rerank both embed the sentences of
the top passages; the same passages come back question after question, so each
sentence is embedded once. Thread-safe; the cache is emptied whole when full.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from qa.embed.base import Embedder

SENTENCE_CACHE = 50_000  # sentence vectors kept (~80 MB at 384 floats)


class SentenceVectors:
    def __init__(self, embedder: Embedder, limit: int = SENTENCE_CACHE) -> None:
        self.embedder = embedder
        self.limit = limit
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text (zeros for a text the cache dropped meanwhile)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            # One text a run: the int8 encoder quantises activations per run, so in a
            # batch a sentence's vector moved with its neighbours (cosine ~0.998) and,
            # cached, with whichever question asked first; a near tie between answer
            # sentences then flipped with the order questions came in. Index builds
            # keep their batches (speed; their vectors are cached once).
            vectors = self.embedder.embed_passages(missing, batch_size=1)
            with self._lock:
                if len(self._cache) + len(missing) > self.limit:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
        dimension = self.embedder.dimension
        return np.array([self._cache.get(t, np.zeros(dimension)) for t in texts])

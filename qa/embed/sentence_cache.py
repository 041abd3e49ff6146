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
        """One row per text, each the text's own vector."""
        if not texts:
            return np.zeros((0, self.embedder.dimension))
        unique = list(dict.fromkeys(texts))
        # The cached vectors this call needs are taken before anything is added: emptying
        # the full cache below must not take them away (they used to come back as zeros,
        # a similarity of 0 for a sentence asked about before, once in 50,000 sentences).
        with self._lock:
            found = {t: self._cache[t] for t in unique if t in self._cache}
        missing = [t for t in unique if t not in found]
        if missing:
            # One text a run: the int8 encoder quantises activations per run, so in a
            # batch a sentence's vector moved with its neighbours (cosine ~0.998) and,
            # cached, with whichever question asked first; a near tie between answer
            # sentences then flipped with the order questions came in. Index builds
            # keep their batches (speed; their vectors are cached once).
            vectors = self.embedder.embed_passages(missing, batch_size=1)
            found.update(zip(missing, vectors, strict=True))
            with self._lock:
                if len(self._cache) + len(missing) > self.limit:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
        return np.array([found[t] for t in texts])

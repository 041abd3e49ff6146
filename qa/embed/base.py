"""The embedder interface and its registry (``QA_ENCODER`` names the entry).

An embedder turns questions and passages into L2-normalised float32 vectors. Entries
are factories from Settings; the real ones are registered by their modules (imported
in ``qa/embed/__init__.py``); tests register nothing and pass a fake directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from qa.config import Settings
from qa.registry import Registry


class Embedder(Protocol):
    @property
    def name(self) -> str:
        """Identity recorded in the index manifest (model + encoder + prompts)."""
        ...

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dimension) float32, rows L2-normalised."""
        ...

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        """(n, dimension) float32, rows L2-normalised."""
        ...


EMBEDDERS: Registry[Callable[[Settings], Embedder]] = Registry("encoder", "QA_ENCODER")


def load_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for (model, encoder, prompt overrides)."""
    return EMBEDDERS.get(settings.encoder)(settings)

"""Any sentence-transformers model, fp32 on torch: the default encoder ("torch")."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.embed.base import EMBEDDERS
from qa.embed.common import (
    NETWORK_HINT,
    PromptedEncoder,
    cpu_threads,
    embedder_name,
    local_model_folder,
)
from qa.errors import ModelError


class SentenceTransformerEmbedder(PromptedEncoder):
    """Any sentence-transformers model, fp32 on torch. Offline unless allowed."""

    def __init__(
        self,
        model: str | Path,
        *,
        query_prompt: str = "",
        passage_prompt: str = "",
        allow_network: bool = False,
        device: str = "cpu",
        threads: int = 0,
    ) -> None:
        folder = local_model_folder(model)
        if not allow_network:
            # Belt and braces: local_files_only below is the real guard, the variables
            # also stop anything transformers loads indirectly from reaching the hub.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # The weight-loading progress bar is noise on a CLI's stderr and in app logs.
        transformers_logging.disable_progress_bar()
        torch.set_num_threads(cpu_threads(threads))
        source = str(folder) if folder is not None else str(model)
        try:
            self._model = SentenceTransformer(
                source, device=device, local_files_only=not allow_network
            )
        except Exception as err:  # hub, transformers and torch raise many unrelated kinds
            if folder is None and not allow_network:
                raise ModelError(
                    f"Model {str(model)!r} is not available locally ({type(err).__name__}).",
                    NETWORK_HINT,
                ) from err
            raise ModelError(f"Could not load model {str(model)!r}: {err}", NETWORK_HINT) from err
        configured = dict(self._model.prompts or {})
        self.query_prompt = query_prompt or str(configured.get("query") or "")
        self.passage_prompt = passage_prompt or str(
            configured.get("passage") or configured.get("document") or ""
        )
        dimension = self._model.get_embedding_dimension()
        if not dimension:
            raise ModelError(f"Model {str(model)!r} does not report an embedding size.")
        self._dimension = int(dimension)
        self._name = embedder_name("torch", folder or model, self.query_prompt, self.passage_prompt)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _encode(
        self, texts: Sequence[str], prompt: str, batch_size: int, progress: bool
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        # sentence-transformers already sorts by length before batching.
        vectors = self._model.encode(
            list(texts),
            prompt=prompt or None,
            batch_size=batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


EMBEDDERS.register("torch", SentenceTransformerEmbedder.from_settings)

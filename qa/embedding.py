"""Embedders: turn questions and passages into L2-normalised float32 vectors.

``Embedder`` is the interface the index and retrieval use. ``FakeEmbedder`` is a
deterministic, model-free stand-in for unit tests (hashed character n-grams), so tests
never need the real model; ``load_embedder`` picks the real one from Settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.config import DEFAULT_MODEL, Settings
from qa.errors import InputError, ModelError
from qa.textnorm import search_form


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


class FakeEmbedder:
    """Bag of hashed character uni- and bigrams over the search form of the text.

    Not semantic, but deterministic, fast and script-insensitive, which is what unit
    tests of indexing and fusion need.
    """

    def __init__(self, dimension: int = 64) -> None:
        self._dimension = dimension

    @property
    def name(self) -> str:
        return f"fake-ngram-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            form = search_form(text)
            grams = list(form) + [form[i : i + 2] for i in range(len(form) - 1)]
            for gram in grams:
                h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
                out[row, h % self._dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        return self._embed(texts)


# --- real models -----------------------------------------------------------------

ENCODERS = ("torch", "onnx-int8")
_NETWORK_HINT = (
    "Set QA_ALLOW_NETWORK=1 to let sentence-transformers download it, "
    "or set QA_EMBED_MODEL to a local model folder."
)


def cpu_threads(requested: int = 0) -> int:
    """Threads for one encode call: ``requested`` if positive, else the cores this
    process may use, never more than 8 (beyond that BLAS threads for one small model
    only add contention)."""
    if requested > 0:
        return requested
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def model_prompts(folder: Path) -> dict[str, str]:
    """The "query" / "passage" prompts a sentence-transformers folder configures."""
    prompts = read_json(folder / "config_sentence_transformers.json").get("prompts") or {}
    query = prompts.get("query", "")
    passage = prompts.get("passage") or prompts.get("document", "")
    return {"query": str(query or ""), "passage": str(passage or "")}


def model_identity(model: str | Path) -> str:
    """Stable name of a model: a hub id as given; a local folder by its name plus a
    fingerprint of its config and weight sizes, so a moved folder keeps its identity
    but different weights do not."""
    folder = Path(model).expanduser()
    if not folder.is_dir():
        return str(model)
    digest = hashlib.blake2b(digest_size=6)
    for name in ("config.json", "modules.json", "tokenizer.json"):
        digest.update((folder / name).read_bytes() if (folder / name).is_file() else b"-")
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return f"{folder.name}@{digest.hexdigest()}"


def embedder_name(encoder: str, model: str | Path, query_prompt: str, passage_prompt: str) -> str:
    return f"{encoder}:{model_identity(model)}|query={query_prompt!r}|passage={passage_prompt!r}"


def length_order(texts: Sequence[str]) -> np.ndarray:
    """Indices that sort texts longest first, so each batch pads to similar lengths."""
    return np.argsort([-len(t) for t in texts], kind="stable")


def _local_model_folder(model: str | Path) -> Path | None:
    folder = Path(model).expanduser()
    if folder.is_dir():
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise ModelError(
                f"{folder} is not a sentence-transformers or Hugging Face model folder.",
                "Give a folder with modules.json or config.json, or a model id.",
            )
        return folder
    if folder.exists() or str(model).startswith((".", "/", "~")):
        raise ModelError(f"Model folder {folder} does not exist.", _NETWORK_HINT)
    return None


class SentenceTransformerEmbedder:
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
        folder = _local_model_folder(model)
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
                    _NETWORK_HINT,
                ) from err
            raise ModelError(f"Could not load model {str(model)!r}: {err}", _NETWORK_HINT) from err
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

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt, batch_size=16, progress=False)

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, batch_size, progress)


def resolve_model(settings: Settings) -> str | Path:
    """The model the settings name: the built default folder, a local folder or an id."""
    if settings.embed_model == DEFAULT_MODEL:
        path = settings.default_model_path
        from qa.modelbuild import is_complete

        if not is_complete(path):
            raise ModelError(
                f"The default embedding model is not built yet ({path}).",
                "run `python -m qa model` or `make run`",
            )
        return path
    return _local_model_folder(settings.embed_model) or settings.embed_model


def load_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for (model, encoder, prompt overrides)."""
    if settings.encoder not in ENCODERS:
        raise InputError(
            f"Unknown encoder {settings.encoder!r}.",
            f"Set QA_ENCODER to one of: {', '.join(ENCODERS)}.",
        )
    model = resolve_model(settings)
    if settings.encoder == "onnx-int8":
        from qa.onnx_embedding import OnnxInt8Embedder

        return OnnxInt8Embedder(
            model,
            query_prompt=settings.query_prompt,
            passage_prompt=settings.passage_prompt,
            allow_network=settings.allow_network,
            threads=settings.threads,
        )
    return SentenceTransformerEmbedder(
        model,
        query_prompt=settings.query_prompt,
        passage_prompt=settings.passage_prompt,
        allow_network=settings.allow_network,
        threads=settings.threads,
    )

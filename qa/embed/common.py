"""What every real embedder shares: threads, model identity, prompts, model lookup."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np

from qa.config import BASE_MODEL, DEFAULT_MODEL, Settings
from qa.errors import ModelError

NETWORK_HINT = (
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
    # An adapted model's provenance (qa.embed.adaptation): another delta has weights of
    # the same size. Absent from every other folder, whose identity it leaves as it was.
    if (folder / "qa-adaptation.json").is_file():
        digest.update((folder / "qa-adaptation.json").read_bytes())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return f"{folder.name}@{digest.hexdigest()}"


def embedder_name(encoder: str, model: str | Path, query_prompt: str, passage_prompt: str) -> str:
    return f"{encoder}:{model_identity(model)}|query={query_prompt!r}|passage={passage_prompt!r}"


def length_order(texts: Sequence[str]) -> np.ndarray:
    """Indices that sort texts longest first, so each batch pads to similar lengths."""
    return np.argsort([-len(t) for t in texts], kind="stable")


def local_model_folder(model: str | Path) -> Path | None:
    folder = Path(model).expanduser()
    if folder.is_dir():
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise ModelError(
                f"{folder} is not a sentence-transformers or Hugging Face model folder.",
                "Give a folder with modules.json or config.json, or a model id.",
            )
        return folder
    if folder.exists() or str(model).startswith((".", "/", "~")):
        raise ModelError(f"Model folder {folder} does not exist.", NETWORK_HINT)
    return None


def resolve_model(settings: Settings) -> str | Path:
    """The model the settings name: the built default folder, a local folder or an id."""
    if settings.embed_model in (DEFAULT_MODEL, BASE_MODEL):
        default = settings.embed_model == DEFAULT_MODEL
        path = settings.default_model_path if default else settings.base_model_path
        from qa.embed.modelbuild import is_complete

        if not is_complete(path):
            raise ModelError(
                f"The {'default' if default else 'base'} embedding model is not built yet ({path}).",
                "run `python -m qa model` or `make run`",
            )
        return path
    return local_model_folder(settings.embed_model) or settings.embed_model


class PromptedEncoder:
    """What the real encoders share: the model's query/passage prompts around one
    ``_encode`` of their own, and construction from Settings."""

    query_prompt: str
    passage_prompt: str

    def __init__(
        self,
        model: str | Path,
        *,
        query_prompt: str = "",
        passage_prompt: str = "",
        allow_network: bool = False,
        threads: int = 0,
    ) -> None:
        raise NotImplementedError

    def _encode(
        self, texts: Sequence[str], prompt: str, batch_size: int, progress: bool
    ) -> np.ndarray:
        raise NotImplementedError

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt, batch_size=16, progress=False)

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, batch_size, progress)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(
            resolve_model(settings),
            query_prompt=settings.query_prompt,
            passage_prompt=settings.passage_prompt,
            allow_network=settings.allow_network,
            threads=settings.threads,
            **cls.own_options(settings),
        )

    @classmethod
    def own_options(cls, settings: Settings) -> dict[str, Any]:
        """Keyword arguments only this encoder takes from Settings."""
        return {}

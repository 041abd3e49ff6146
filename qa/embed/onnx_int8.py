"""A faster encoder for the same model: int8 dynamic quantisation through onnxruntime.

On first use the sentence-transformers folder's transformer is exported to ONNX and
quantised (weights int8, activations quantised per batch at run time), then cached
inside the model folder, so rebuilding the model folder drops a stale cache. Encoding
needs only onnxruntime, ``tokenizers`` and numpy: mean pooling and normalisation are
done here, with the same prompts as the torch path.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import Settings
from qa.embed.base import EMBEDDERS
from qa.embed.common import (
    PromptedEncoder,
    cpu_threads,
    embedder_name,
    length_order,
    model_identity,
    model_prompts,
    read_json,
)
from qa.errors import ModelError

CACHE_FOLDER = "qa-onnx-int8"  # the export with signed 8-bit weights ("s8"); see WEIGHTS
_MODEL_FILE = "model.int8.onnx"
_MANIFEST = "manifest.json"  # written last: its presence marks a complete cache
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_TORCH_HINT = "Use QA_ENCODER=torch for this model."

# How the weights are stored (QA_INT8_WEIGHTS). Activations are unsigned 8-bit either way.
# onnxruntime multiplies unsigned activations by signed weights ("s8") with VNNI's exact
# dot product on CPUs that have it, but on AVX2-only CPUs with vpmaddubsw, which saturates
# each pair of products at 16 bits: the same model gives other vectors, and other answers,
# on the two kinds of CPU (eval/report.md, stops 28, 37 and 44). Unsigned weights ("u8",
# the default) are multiplied in 16-bit lanes and 7-bit signed weights ("s7", onnxruntime's
# reduce_range) cannot overflow, so both are exact on every x86 CPU:
# `python -m eval.int8_exactness` checks the kernels of the CPU it runs on.
WEIGHTS = ("u8", "s8", "s7")
DEFAULT_WEIGHTS = "u8"


def cache_folder(weights: str) -> str:
    """The cache of one weight format; "s8" keeps the folder of the exports before it."""
    return CACHE_FOLDER if weights == "s8" else f"{CACHE_FOLDER}-{weights}"


def encoder_kind(weights: str) -> str:
    """The encoder part of the embedder's name; an index built with other weights is
    stale (its vectors differ), and "s8" keeps the name it had."""
    return "onnx-int8" if weights == "s8" else f"onnx-int8-{weights}"


def _check_weights(weights: str) -> str:
    if weights not in WEIGHTS:
        raise ModelError(
            f"Unknown int8 weight format {weights!r}.",
            f"Set QA_INT8_WEIGHTS to one of {', '.join(WEIGHTS)} (default {DEFAULT_WEIGHTS}).",
        )
    return weights


def _transformer_folder(model_dir: Path) -> Path:
    """Folder of the Transformer module (modules.json), checking pooling is mean."""
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    transformer = next((m for m in modules if m.get("type", "").endswith("Transformer")), None)
    if transformer is None or not isinstance(modules, list):
        raise ModelError(f"{model_dir} has no Transformer module in modules.json.", _TORCH_HINT)
    for module in modules:
        if module.get("type", "").endswith("Pooling"):
            pooling = read_json(model_dir / module.get("path", "") / "config.json")
            mode = pooling.get("pooling_mode")  # sentence-transformers 6; older: boolean keys
            legacy = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
            if mode not in (None, "mean", ["mean"]) or legacy not in (
                [],
                ["pooling_mode_mean_tokens"],
            ):
                raise ModelError(
                    f"ONNX encoding supports mean pooling only, not {mode or legacy}.", _TORCH_HINT
                )
            if pooling.get("include_prompt") is False:
                raise ModelError(
                    "ONNX encoding needs a pooling that includes the prompt.", _TORCH_HINT
                )
    return model_dir / transformer.get("path", "")


def _max_length(folder: Path) -> int:
    limits = [
        read_json(folder / "sentence_bert_config.json").get("max_seq_length"),
        read_json(folder / "tokenizer_config.json").get("model_max_length"),
        read_json(folder / "config.json").get("max_position_embeddings"),
    ]
    usable = [int(v) for v in limits if isinstance(v, int | float) and 0 < v < 100_000]
    return min(usable) if usable else 512


def _export_fp32(transformer_dir: Path, path: Path) -> tuple[list[str], Any]:
    """Export the transformer (last hidden state) with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel

    class _LastHiddenState(torch.nn.Module):
        # The exporter passes inputs positionally; transformers' forward wants keywords.
        def __init__(self, model: torch.nn.Module, names: list[str]) -> None:
            super().__init__()
            self.model = model
            self.names = names

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(self.names, inputs, strict=True))).last_hidden_state

    # Eager attention exports the textbook pattern that onnxruntime fuses into one op.
    model = AutoModel.from_pretrained(
        str(transformer_dir), local_files_only=True, attn_implementation="eager"
    )
    names = list(_INPUTS if int(getattr(model.config, "type_vocab_size", 0) or 0) else _INPUTS[:2])
    # eval() on the wrapper too: the exporter restores the wrapper's mode afterwards.
    wrapper = _LastHiddenState(model, names).eval()
    example = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 9, 2, 1]])
    inputs = (example, torch.ones_like(example), torch.zeros_like(example))[: len(names)]
    with torch.no_grad(), warnings.catch_warnings():
        # Tracer warnings about shape checks that are constant for this encoder.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            inputs,
            str(path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in (*names, "last_hidden_state")},
            opset_version=17,
            dynamo=False,  # the torch.export exporter needs onnxscript, which is not installed
        )
    return names, model.config


def _fuse(path: Path, config: Any) -> None:
    """Fuse attention / LayerNorm / GELU for BERT-like models (in place, best effort)."""
    from onnxruntime.transformers.optimizer import optimize_model

    try:
        optimized = optimize_model(
            str(path),
            model_type="bert",
            num_heads=int(getattr(config, "num_attention_heads", 0) or 0),
            hidden_size=int(getattr(config, "hidden_size", 0) or 0),
            opt_level=1,
        )
        optimized.save_model_to_file(str(path))
    except Exception:  # an unfused graph is slower but still correct
        return


def export_int8(model_dir: Path, cache: Path, weights: str = DEFAULT_WEIGHTS) -> None:
    """Export the transformer to ONNX, fuse, quantise to int8, write ``cache`` atomically.

    Weights are quantised per output channel: on e5-small that raised the mean cosine
    to the fp32 vectors from 0.987 (per tensor) to 0.997 at the same speed. ``weights``:
    one of WEIGHTS.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoTokenizer

    transformer_dir = _transformer_folder(model_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{CACHE_FOLDER}.", suffix=".tmp", dir=cache.parent))
    try:
        fp32 = staging / "model.fp32.onnx"
        names, config = _export_fp32(transformer_dir, fp32)
        _fuse(fp32, config)
        quantize_dynamic(
            fp32,
            staging / _MODEL_FILE,
            weight_type=QuantType.QUInt8 if weights == "u8" else QuantType.QInt8,
            reduce_range=weights == "s7",
            per_channel=True,
            # fused ops come from the com.microsoft domain, which shape inference skips
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        fp32.unlink()
        tokenizer = AutoTokenizer.from_pretrained(str(transformer_dir), local_files_only=True)
        tokenizer.backend_tokenizer.save(str(staging / "tokenizer.json"))
        manifest = {
            "source": model_identity(model_dir),
            "weights": weights,
            "inputs": names,
            "max_length": _max_length(transformer_dir),
        }
        (staging / _MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        staging.chmod(0o755)
        if cache.exists():
            shutil.rmtree(cache)
        try:
            os.replace(staging, cache)
        except OSError:
            if not (cache / _MANIFEST).is_file():  # else another process finished first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _snapshot(model: str, allow_network: bool) -> Path:
    """Local folder of a hub model id (the sentence-transformers cache)."""
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model, local_files_only=not allow_network))
    except Exception as err:  # hub raises several unrelated kinds for "not there"
        raise ModelError(
            f"Model {model!r} is not available locally ({type(err).__name__}).",
            "Set QA_ALLOW_NETWORK=1 or set QA_EMBED_MODEL to a local model folder.",
        ) from err


class OnnxInt8Embedder(PromptedEncoder):
    """Same model and prompts as SentenceTransformerEmbedder, int8 on onnxruntime."""

    def __init__(
        self,
        model: str | Path,
        *,
        query_prompt: str = "",
        passage_prompt: str = "",
        allow_network: bool = False,
        sort_by_length: bool = True,
        threads: int = 0,
        weights: str = DEFAULT_WEIGHTS,
    ) -> None:
        weights = _check_weights(weights)
        folder = Path(model).expanduser()
        if not folder.is_dir():
            folder = _snapshot(str(model), allow_network)
        if not (folder / "modules.json").is_file():
            raise ModelError(f"{folder} is not a sentence-transformers folder.", _TORCH_HINT)
        self.cache = folder / cache_folder(weights)
        self._threads = threads
        manifest = read_json(self.cache / _MANIFEST)
        # Caches written before the format was recorded hold "s8".
        if manifest.get("source") != model_identity(folder) or (
            manifest.get("weights", "s8") != weights
        ):
            export_int8(folder, self.cache, weights)
            manifest = read_json(self.cache / _MANIFEST)
        self._session, self._tokenizer = self._open(manifest)
        self._inputs: list[str] = list(manifest["inputs"])
        configured = model_prompts(folder)
        self.query_prompt = query_prompt or configured["query"]
        self.passage_prompt = passage_prompt or configured["passage"]
        self.sort_by_length = sort_by_length
        self._dimension = int(self._session.get_outputs()[0].shape[-1])
        self.weights = weights
        self._name = embedder_name(
            encoder_kind(weights), folder, self.query_prompt, self.passage_prompt
        )

    @classmethod
    def own_options(cls, settings: Settings) -> dict[str, Any]:
        return {"weights": settings.int8_weights}

    def _open(self, manifest: dict[str, Any]) -> tuple[Any, Any]:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        try:
            options = ort.SessionOptions()
            options.intra_op_num_threads = cpu_threads(self._threads)
            # Spinning threads starve each other when other processes share the cores
            # (measured: 2x slower under load); blocking costs little when idle.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(
                str(self.cache / _MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self.cache / "tokenizer.json"))
        except Exception as err:  # onnxruntime raises its own untyped errors
            raise ModelError(
                f"The ONNX cache {self.cache} cannot be loaded: {err}",
                f"Delete {self.cache} to rebuild it, or use QA_ENCODER=torch.",
            ) from err
        tokenizer.enable_truncation(max_length=int(manifest["max_length"]))
        pad_id = tokenizer.token_to_id("<pad>")
        tokenizer.enable_padding(pad_id=pad_id if pad_id is not None else 0)
        return session, tokenizer

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: feeds[k] for k in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _encode(
        self, texts: Sequence[str], prompt: str, batch_size: int, progress: bool
    ) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        order = length_order(texts) if self.sort_by_length else np.arange(len(texts))
        starts = range(0, len(texts), max(1, batch_size))
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="embedding", unit="batch")
        for start in starts:
            rows = order[start : start + batch_size]
            out[rows] = self._batch([prompt + texts[i] for i in rows])
        return out


EMBEDDERS.register("onnx-int8", OnnxInt8Embedder.from_settings)

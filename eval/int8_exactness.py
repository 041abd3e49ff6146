"""Whether this CPU's onnxruntime multiplies int8 exactly, per weight format.

    .venv/bin/python -m eval.int8_exactness

The int8 encoder (qa.embed.onnx_int8) quantises activations to unsigned 8 bits and its
weights to one of three formats. For each, this multiplies random matrices of the
encoder's shape (384 x 384) through onnxruntime's MatMulInteger and counts the outputs
that differ from the exact integer product. A format is CPU-independent when every CPU
counts 0: VNNI's dot product is exact by definition, so an AVX2-only CPU decides.
Measured on an AVX2-only AMD EPYC (stop 44): s8 wrong in 24,553 of 24,576 outputs
(pairs of products saturate at 16 bits), u8 and s7 in none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

ROWS, DEPTH, COLUMNS = 64, 384, 384
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


def main() -> int:
    from qa.embed.onnx_int8 import WEIGHTS

    print(json.dumps({"cpu": cpu_flags(), "formats": [mismatches(w) for w in WEIGHTS]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

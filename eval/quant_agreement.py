"""How close the int8 encoder is to the fp32 model on this CPU.

    .venv/bin/python -m eval.quant_agreement [--weights u8|s8|s7]

Embeds paragraphs of the corpus folder and questions of eval/v2/dev.jsonl with the
sentence-transformers (fp32) model and with the int8 ONNX export, and prints the mean and
minimum cosine between the two vectors of each text and how often both pick the same
top paragraph for a question. onnxruntime runs int8 through different kernels on CPUs
with and without AVX-512 VNNI, so the figures are per CPU (eval/report.md, "Stop 28").
``--weights`` picks the export measured (qa.embed.onnx_int8.WEIGHTS; each is cached in
the model folder): u8 (the default), s8 (signed 8-bit, the default before stop 44) or s7
(7-bit, onnxruntime's ``reduce_range``).

Another CPU can be emulated (``qemu-x86_64 -cpu Haswell`` runs onnxruntime's AVX2
kernels), but torch's fp32 is too slow there; so the fp32 vectors are computed natively
once and saved, and the emulated run embeds with int8 only (stop 40, eval/report.md):

    .venv/bin/python -m eval.quant_agreement --subset 120 --save-reference ref.npz
    qemu-x86_64 -cpu Haswell .venv/bin/python -m eval.quant_agreement --subset 120 \
        --reference ref.npz

(Under qemu-user the printed CPU flags are still the host's /proc/cpuinfo.)
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.config import PROJECT_ROOT, Settings
from qa.embed.onnx_int8 import DEFAULT_WEIGHTS, WEIGHTS

PARAGRAPHS_PER_DOCUMENT = 60
QUESTIONS = 80


def _texts(corpus_dir: Path) -> list[str]:
    paragraphs: list[str] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        paragraphs += [line for line in lines if len(line) > 20][:PARAGRAPHS_PER_DOCUMENT]
    return paragraphs


def _questions(path: Path, limit: int = QUESTIONS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:limit]


def spread_subset(texts: Sequence[str], size: int) -> list[str]:
    """``size`` texts taken evenly through ``texts`` (every document contributes), all of
    them when ``size`` is 0 or not smaller."""
    if size <= 0 or size >= len(texts):
        return list(texts)
    return list(texts[:: len(texts) // size][:size])


def agreement(
    reference: tuple[np.ndarray, np.ndarray], measured: tuple[np.ndarray, np.ndarray]
) -> dict[str, float]:
    """Cosines of the same texts' vectors and top-1 agreement (vectors L2-normalised)."""
    (ref_passages, ref_queries), (passages, queries) = reference, measured
    passage_cos = (passages * ref_passages).sum(axis=1)
    query_cos = (queries * ref_queries).sum(axis=1)
    same_top = np.argmax(queries @ passages.T, axis=1) == np.argmax(
        ref_queries @ ref_passages.T, axis=1
    )
    return {
        "passage_cosine_mean": float(passage_cos.mean()),
        "passage_cosine_min": float(passage_cos.min()),
        "query_cosine_mean": float(query_cos.mean()),
        "query_cosine_min": float(query_cos.min()),
        "top1_agreement": float(same_top.mean()),
    }


def _int8_vectors(
    model_dir: Path, passages: Sequence[str], questions: Sequence[str], weights: str
) -> tuple[np.ndarray, np.ndarray]:
    from qa.embed.onnx_int8 import OnnxInt8Embedder

    # the model's own prompts, as fp32 below
    embedder = OnnxInt8Embedder(model_dir, weights=weights)
    return embedder.embed_passages(list(passages)), embedder.embed_queries(list(questions))


def _fp32_vectors(
    model_dir: Path, passages: Sequence[str], questions: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    from sentence_transformers import SentenceTransformer

    from qa.embed.common import model_prompts

    prompts = model_prompts(model_dir)
    fp32 = SentenceTransformer(str(model_dir), device="cpu")
    return (
        fp32.encode([prompts["passage"] + t for t in passages], normalize_embeddings=True),
        fp32.encode([prompts["query"] + t for t in questions], normalize_embeddings=True),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", choices=WEIGHTS, default=DEFAULT_WEIGHTS)
    parser.add_argument(
        "--subset",
        type=int,
        default=0,
        help="paragraphs to embed, spread evenly, with half the questions (0 = all)",
    )
    parser.add_argument("--save-reference", type=Path, help="write the fp32 vectors here (.npz)")
    parser.add_argument(
        "--reference", type=Path, help="read the fp32 vectors from here instead of torch"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    from qa.embed.common import resolve_model

    model_dir = Path(resolve_model(settings)).expanduser()
    if not model_dir.is_dir():
        print(f"{model_dir} is not a model folder: run `make model` first.")
        return 1
    passages = spread_subset(_texts(settings.corpus_dir), args.subset)
    questions = _questions(
        PROJECT_ROOT / "eval" / "v2" / "dev.jsonl", QUESTIONS // 2 if args.subset else QUESTIONS
    )
    if args.reference:
        saved = np.load(args.reference)
        reference = (saved["passages"], saved["questions"])
        if reference[0].shape[0] != len(passages) or reference[1].shape[0] != len(questions):
            print(f"{args.reference} holds other texts: save it again with the same --subset.")
            return 1
    else:
        reference = _fp32_vectors(model_dir, passages, questions)
    if args.save_reference:
        np.savez(args.save_reference, passages=reference[0], questions=reference[1])
    measured = _int8_vectors(model_dir, passages, questions, args.weights)
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    result = {
        "avx512_vnni": "avx512_vnni" in flags,
        "avx2": "avx2" in flags,
        "weights": args.weights,
        "passages": len(passages),
        "questions": len(questions),
        **agreement(reference, measured),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast each encoder embeds passages and questions on this machine, and which CPU it is.

    python -m eval.encoder_speed [--encoders onnx-int8,torch] [--passages 96] [--rounds 2]

onnxruntime runs int8 through other kernels on CPUs with AVX-512 VNNI than on AVX2-only
ones, so a speed claim holds for one kind of CPU only: this prints the CPU's model and
whether it has VNNI next to the figures. The passages are chunks of the v2 regulations
(eval/v2/corpus.txt, as the index cuts them, taken evenly from the whole list); the
questions are the first 60 of eval/qa.jsonl. Each encoder runs in its own process, in
turns (int8, torch, int8, torch), so neither is measured only warm or only cold. Run it on
idle cores: another process on them halves every figure.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from qa.config import PROJECT_ROOT, Settings

CORPUS_LIST = PROJECT_ROOT / "eval" / "v2" / "corpus.txt"
QUESTIONS = PROJECT_ROOT / "eval" / "qa.jsonl"


def cpu_facts(cpuinfo: Path = Path("/proc/cpuinfo")) -> dict[str, object]:
    """The CPU's model name and the int8-relevant instruction sets, from /proc/cpuinfo."""
    model, flags = platform.processor() or platform.machine(), set[str]()
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    return {
        "cpu": model,
        "avx2": "avx2" in flags,
        "avx512_vnni": "avx512_vnni" in flags or "avx_vnni" in flags,
    }


def sample_passages(count: int) -> list[str]:
    """``count`` chunk texts of the v2 regulations, spread evenly over the list."""
    from eval.eval_corpus import listed_files
    from qa.ingest.parse import load_document, parse

    settings = Settings.from_env()
    texts = [
        chunk.search_text
        for path in listed_files(CORPUS_LIST)
        for chunk in parse(load_document(path), settings).chunks
    ]
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def measure(encoder: str, passages: int) -> dict[str, object]:
    """One encoder's passages per second (batch 8) and query latency, in this process."""
    from qa.embed.base import load_embedder

    texts = sample_passages(passages)
    questions = [json.loads(line)["question"] for line in QUESTIONS.open(encoding="utf-8")][:60]
    embedder = load_embedder(replace(Settings.from_env(), encoder=encoder))
    embedder.embed_passages(texts[:8], batch_size=8)  # load and warm up
    started = time.perf_counter()
    embedder.embed_passages(texts, batch_size=8)
    seconds = time.perf_counter() - started
    latencies = []
    for question in questions:
        started = time.perf_counter()
        embedder.embed_queries([question])
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "encoder": encoder,
        "passages": len(texts),
        "mean_chars": round(statistics.mean(map(len, texts))),
        "passages_per_s": round(len(texts) / seconds, 1),
        "query_p50_ms": round(statistics.median(latencies), 1),
        "query_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.encoder_speed", description=__doc__)
    parser.add_argument("--encoders", default="onnx-int8,torch")
    parser.add_argument("--passages", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child process: one encoder
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.passages)))
        return 0
    print(json.dumps(cpu_facts(), ensure_ascii=False))
    encoders = [e.strip() for e in args.encoders.split(",") if e.strip()]
    for _ in range(args.rounds):
        for encoder in encoders:
            child = [sys.executable, "-m", "eval.encoder_speed", "--one", encoder]
            done = subprocess.run(
                [*child, "--passages", str(args.passages)],
                capture_output=True,
                text=True,
                cwd=PROJECT_ROOT,
                check=False,
            )
            if done.returncode != 0:
                print(f"{encoder}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
                return 1
            print(done.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed of the assistant on the five documents (run by hand; reported, not asserted).

    python -m eval.speed [--encoder torch|onnx-int8] [--out eval/speed_report.md]

Measures, each in a fresh process so nothing is shared between them:
- build: `build_index` of corpus/ into an empty temporary index (no vector cache),
  with the model already loaded (the issue's "once the model exists");
- load: `Assistant.open()` (embedding model + index + corpus check), and the whole
  process from start to ready, imports included;
- warm query: `Assistant.ask` end to end over every question of eval/qa.jsonl after
  three warm-up questions: median, p95, max.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time, tempfile
started = time.perf_counter()
from pathlib import Path
import numpy as np
from qa.config import Settings
from qa.corpus import load_corpus
from qa.embedding import load_embedder
from qa.indexing import build_index
from qa.pipeline import Assistant
what, encoder, index_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
settings = Settings.from_env(encoder=encoder, index_dir=index_dir)
out = {}
if what == "build":
    embedder = load_embedder(settings)
    t = time.perf_counter()
    manifest = build_index(index_dir, embedder, load_corpus(settings.corpus_dir), batch_size=settings.batch_size)
    out["build_s"] = time.perf_counter() - t
    out["chunks"] = manifest.chunk_count
else:
    t = time.perf_counter()
    assistant = Assistant.open(settings)
    out["open_s"] = time.perf_counter() - t
    out["process_ready_s"] = time.perf_counter() - started
    questions = [json.loads(l)["question"] for l in open("eval/qa.jsonl", encoding="utf-8") if l.strip()]
    for q in questions[:3]:
        assistant.ask(q)
    times = []
    for q in questions:
        t = time.perf_counter()
        assistant.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    out.update(queries=len(times), p50_ms=float(np.percentile(times, 50)), p95_ms=float(np.percentile(times, 95)), max_ms=float(np.max(times)))
print(json.dumps(out))
"""


def run(what: str, encoder: str, index_dir: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, what, encoder, str(index_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{what} failed:\n{result.stderr[-2000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--encoder", action="append", help="torch and/or onnx-int8 (default: both)")
    parser.add_argument("--out", default=str(ROOT / "eval" / "speed_report.md"))
    args = parser.parse_args()
    encoders = args.encoder or ["torch", "onnx-int8"]
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for encoder in encoders:
            # A fresh index per encoder: the build starts with no vector cache.
            index_dir = Path(work) / f"index-{encoder}"
            build = run("build", encoder, index_dir)
            query = run("query", encoder, index_dir)
            rows.append({"encoder": encoder, **build, **query})
            print(json.dumps(rows[-1]))
    load = os.getloadavg()
    lines = [
        "# Speed on the five documents",
        "",
        f"Command: `python -m eval.speed` ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}, load average at the end {load[0]:.1f}).",
        "Targets (issue 3): warm query median ≤ 60 ms; loading model and index ≤ 8 s; "
        "building the five-document index ≤ 60 s once the model exists.",
        "",
        "| encoder | chunks | build (s) | open model+index (s) | process start to ready (s) | warm query p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['encoder']} | {r['chunks']} | {r['build_s']:.1f} | {r['open_s']:.2f} | {r['process_ready_s']:.2f} "
            f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} |"
        )
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(
        json.dumps(rows, indent=2) + "\n", encoding="utf-8"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scale benchmark: the five documents, then the five plus growing samples of the laws.

    python -m eval.bench [--work /tmp/qa-bench] [--encoders torch,onnx-int8]

Each size of each encoder is built into its own index folder by ``eval.bench_step`` in
a child process (peak RSS is per step); all sizes of one encoder share one embedding
cache, so every vector is computed once and throughput is measured on the new chunks of
each size. Both encoders are measured on the five documents and the first (smallest)
sample; the faster one is then built at every size. On the 2-core target the full
corpus (~109k chunks) takes well over half an hour to embed; ``--fractions 0.02 0.1``
stops early and the report extrapolates to the full size. Step results are kept under
the work folder, so a re-run only does the steps that are missing (``--fresh`` starts
over). Writes
eval/bench_results.json, eval/bench_report.md and eval/bench_plot.png.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.corpus import make_doc_id
from qa.embedding import ENCODERS

from eval.bench_render import render_plot, render_report
from eval.bench_resume import RESUME_LAW_FILES, resume_demo
from qa.config import PROJECT_ROOT, Settings
from qa.errors import InputError

SHARED = PROJECT_ROOT.parent / "shared"
DEFAULT_LAWS = SHARED / "scale-corpus" / "laws"
DEFAULT_FRACTIONS = (0.02, 0.1, 0.5, 1.0)


# --- the sample ----------------------------------------------------------------------


def law_sample(laws_dir: Path, seed: int) -> tuple[list[Path], int]:
    """All law files in a seeded shuffle of their sorted paths, duplicates dropped.

    Sizes take prefixes of this order, so each sample contains the smaller ones and the
    shared cache only embeds what a size adds. Returns (files, duplicates dropped).
    """
    files = sorted(laws_dir.rglob("*.md"), key=lambda p: p.relative_to(laws_dir).as_posix())
    if not files:
        raise InputError(
            f"No .md files under {laws_dir}.", "Pass --laws with the scale corpus folder."
        )
    unique: list[Path] = []
    seen: set[str] = set()
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        keys = {digest, make_doc_id(path, digest)}
        if keys & seen:
            continue
        seen |= keys
        unique.append(path)
    random.Random(seed).shuffle(unique)
    return unique, len(files) - len(unique)


def sample_count(total: int, fraction: float) -> int:
    return max(1, min(total, round(total * fraction)))


def size_name(fraction: float | None) -> str:
    return "five" if fraction is None else f"laws{round(fraction * 100):03d}"


# --- running steps ---------------------------------------------------------------------


class Runner:
    """Runs bench_step children one at a time and keeps their results under ``work``."""

    def __init__(self, work: Path, fresh: bool, log: Any) -> None:
        self.work = work
        self.fresh = fresh
        self.log = log
        for sub in ("specs", "results", "logs", "indexes", "caches"):
            (work / sub).mkdir(parents=True, exist_ok=True)

    def say(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=self.log, flush=True)

    def paths(self, name: str) -> tuple[Path, Path, Path]:
        return (
            self.work / "specs" / f"{name}.json",
            self.work / "results" / f"{name}.json",
            self.work / "logs" / f"{name}.log",
        )

    def start(self, name: str, spec: dict[str, Any]) -> subprocess.Popen[bytes]:
        spec_path, out_path, log_path = self.paths(name)
        spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False), encoding="utf-8")
        out_path.unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        with log_path.open("wb") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "eval.bench_step", str(spec_path), str(out_path)],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def run(self, name: str, spec: dict[str, Any]) -> dict[str, Any]:
        _, out_path, log_path = self.paths(name)
        if out_path.exists() and not self.fresh:
            self.say(f"{name}: kept from an earlier run")
            return dict(json.loads(out_path.read_text(encoding="utf-8")))
        self.say(f"{name}: running")
        started = time.perf_counter()
        code = self.start(name, spec).wait()
        if code != 0 or not out_path.exists():
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"bench step {name} failed (exit {code}); log {log_path}:\n{tail}")
        result = dict(json.loads(out_path.read_text(encoding="utf-8")))
        self.say(f"{name}: done in {time.perf_counter() - started:.0f} s")
        return result


# --- the plan -----------------------------------------------------------------------------


def base_spec(settings: Settings, encoder: str, index_dir: Path) -> dict[str, Any]:
    return {"index_dir": str(index_dir), "model_dir": str(settings.model_dir), "encoder": encoder}


def measure_size(
    runner: Runner,
    settings: Settings,
    encoder: str,
    fraction: float | None,
    laws: Sequence[Path],
    qa_file: Path,
    *,
    exact_limit: int,
    suffix: str = "",
) -> dict[str, Any]:
    """Build one size (shared cache) and query it; returns the row of the tables."""
    name = f"{encoder}-{size_name(fraction)}{suffix}"
    index_dir = runner.work / "indexes" / name
    files = [] if fraction is None else list(laws[: sample_count(len(laws), fraction)])
    spec = {
        **base_spec(settings, encoder, index_dir),
        "corpus_dir": str(settings.corpus_dir),
        "law_files": [str(p) for p in files],
        "shared_cache": str(runner.work / "caches" / encoder),
        "batch_size": settings.batch_size,
        "exact_limit": exact_limit,
    }
    build = runner.run(f"build-{name}", {**spec, "step": "build"})
    query = runner.run(f"query-{name}", {**spec, "step": "query", "qa_file": str(qa_file)})
    return {
        "name": name,
        "encoder": encoder,
        "size": size_name(fraction),
        "fraction": fraction,
        "law_files": len(files),
        "exact_limit": exact_limit,
        "build": build,
        "query": query,
    }


def machine_facts(argv: Sequence[str]) -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "avx512_vnni": "avx512_vnni" in flags,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": commit,
        "command": " ".join(
            [
                *(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("QA_")),
                "python -m eval.bench",
                *argv,
            ]
        ),
        "load_average_start": list(os.getloadavg()),
    }


def run_bench(args: argparse.Namespace, argv: Sequence[str]) -> dict[str, Any]:
    settings = Settings.from_env()
    work: Path = args.work
    runner = Runner(work, args.fresh, sys.stdout)
    laws, duplicates = law_sample(args.laws, args.seed)
    facts = machine_facts(argv)
    encoders = [e for e in args.encoders.split(",") if e]
    unknown = [e for e in encoders if e not in ENCODERS]
    if unknown:
        raise InputError(f"Unknown encoder(s) {unknown}.", f"Use some of {', '.join(ENCODERS)}.")
    fractions = sorted(args.fractions)
    rows: list[dict[str, Any]] = []
    for encoder in encoders:  # both encoders on the same first sizes
        for fraction in [None, *fractions[:1]]:
            rows.append(
                measure_size(
                    runner,
                    settings,
                    encoder,
                    fraction,
                    laws,
                    args.qa,
                    exact_limit=settings.exact_search_limit,
                )
            )
    side_by_side: dict[str, Any] | None = None
    if len(encoders) > 1:
        side_by_side = runner.run(
            "encoders",
            {
                **base_spec(settings, encoders[0], work / "indexes" / "unused"),
                "step": "encoders",
                "encoders": encoders,
                "law_files": [str(p) for p in laws[: sample_count(len(laws), fractions[0])]],
                "passages": args.side_by_side,
                "batch_size": settings.batch_size,
                "rounds": 3,
            },
        )
        fastest = max(encoders, key=lambda e: side_by_side["encoders"][e]["best"])
    else:
        fastest = encoders[0]
    full_encoders = [fastest] + ([e for e in encoders if e != fastest] if args.all_full else [])
    for encoder in full_encoders:
        for fraction in fractions[1:]:
            rows.append(
                measure_size(
                    runner,
                    settings,
                    encoder,
                    fraction,
                    laws,
                    args.qa,
                    exact_limit=settings.exact_search_limit,
                )
            )
    largest = [r for r in rows if r["encoder"] == fastest][-1]
    recall = runner.run(
        f"recall-{largest['name']}",
        {
            **base_spec(settings, fastest, work / "indexes" / largest["name"]),
            "step": "recall",
            "qa_file": str(args.qa),
            "k": 10,
        },
    )
    # The same size with the other store, so flat and HNSW meet through the whole assistant.
    natively_flat = largest["build"]["store_kind"] == "flat"
    other_store = measure_size(
        runner,
        settings,
        fastest,
        largest["fraction"],
        laws,
        args.qa,
        exact_limit=max(1, largest["build"]["chunks"] // 2) if natively_flat else 10**9,
        suffix="-hnsw" if natively_flat else "-flat",
    )
    full_count = runner.run(
        "count-full",
        {**base_spec(settings, fastest, work / "indexes" / "unused"), "step": "count",
         "corpus_dir": str(settings.corpus_dir), "law_files": [str(p) for p in laws]},
    )  # fmt: skip
    resume = None
    if not args.skip_resume:
        resume_spec = {
            **base_spec(settings, fastest, work / "indexes" / f"resume-{fastest}"),
            "corpus_dir": str(settings.corpus_dir),
            "shared_cache": str(work / "caches" / f"resume-{fastest}"),
            "batch_size": settings.batch_size,
            "exact_limit": settings.exact_search_limit,
            "step": "build",
        }
        resume = resume_demo(runner, resume_spec, fastest, laws[: args.resume_files])
    facts["load_average_end"] = list(os.getloadavg())
    stamps = [f.stat().st_mtime for f in (work / "results").glob("*.json")]
    facts["steps_finished"] = [
        time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t)) for t in (min(stamps), max(stamps))
    ]
    facts["note"] = args.note
    return {
        "machine": facts,
        "settings": {
            "batch_size": settings.batch_size,
            "chunk_size": settings.chunk_size,
            "exact_search_limit": settings.exact_search_limit,
            "model": settings.embed_model,
        },
        "sample": {
            "laws_dir": str(args.laws),
            "law_files": len(laws),
            "duplicates_dropped": duplicates,
            "seed": args.seed,
            "fractions": fractions,
        },
        "fastest_encoder": fastest,
        "encoders_side_by_side": side_by_side,
        "rows": rows,
        "other_store": other_store,
        "full_corpus": full_count,
        "recall": {"index": largest["name"], **recall},
        "resume": resume,
    }


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--work", type=Path, default=Path("/tmp/qa-bench"), help="indexes, caches, logs")
    p.add_argument(
        "--laws", type=Path, default=DEFAULT_LAWS, help="the scale corpus (read in place)"
    )
    p.add_argument(
        "--qa", type=Path, default=PROJECT_ROOT / "eval" / "qa.jsonl", help="question file"
    )
    p.add_argument("--encoders", default=",".join(ENCODERS), help="comma-separated encoders")
    p.add_argument("--fractions", type=float, nargs="+", default=list(DEFAULT_FRACTIONS))
    p.add_argument("--seed", type=int, default=20240)
    p.add_argument(
        "--side-by-side", type=int, default=512, help="passages for the interleaved encoder test"
    )
    p.add_argument("--all-full", action="store_true", help="build every size with every encoder")
    p.add_argument("--skip-resume", action="store_true")
    p.add_argument("--resume-files", type=int, default=RESUME_LAW_FILES)
    p.add_argument("--fresh", action="store_true", help="ignore step results of earlier runs")
    p.add_argument("--note", default="", help="a remark printed in the report (e.g. machine load)")
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "eval", help="where results go")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    if not args.laws.is_dir():
        print(f"error: the scale corpus is not at {args.laws} (pass --laws).", file=sys.stderr)
        return 2
    results = run_bench(args, argv)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (args.out / "bench_report.md").write_text(render_report(results), encoding="utf-8")
    render_plot(results, args.out / "bench_plot.png")
    print(f"wrote {args.out / 'bench_report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

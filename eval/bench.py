"""Performance benchmark: the five documents, then the five plus growing samples of laws.

    python -m eval.bench [--encoders onnx-int8,torch] [--fractions 0.02 0.1 0.5 1.0]
    python -m eval.bench --render eval/bench_results.json   (the reports again, no run)

Each encoder (qa.embed.EMBEDDERS) builds its sizes in turn into one index folder, so its
embedding cache computes each vector once; every question of eval/qa.jsonl is asked after
each build. All encoders run the five documents and the smallest sample, the fastest the
larger ones too. Then: recall against exact search on the largest index, a resume check,
the retrieval ablations on the five documents. QA_STORE picks the store measured; each
step is a fresh process (eval.bench_steps). Writes
bench_results.json, bench_report.md (with the five-document speed table), bench_plot.png
and ablations.md. The full run took 18 minutes of two idle cores (AMD EPYC, 2026-11-30).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from eval import bench_steps as steps
from eval.bench_render import write_reports
from eval.bench_steps import Corpus, Variant
from qa.config import PROJECT_ROOT, Settings
from qa.embed import EMBEDDERS, Embedder
from qa.errors import InputError, QAError
from qa.ingest.parse import make_doc_id
from qa.redact import redact_env, redact_mapping

WORK_MARK = ".qa-bench"  # marks a work folder the benchmark may empty
VARIANTS: tuple[Variant, ...] = (
    ("base: keyword weight 2.0, place routing, no figure boost", {}),
    ("keyword weight 1.0 (plain RRF)", {"keyword_weight": 1.0}),
    ("keyword weight 3.0", {"keyword_weight": 3.0}),
    ("no place routing", {"place_routing": False}),
    ("figure boost 1.2", {"figure_boost": 1.2}),
    ("figure boost 1.5", {"figure_boost": 1.5}),
)
R = TypeVar("R")


# A size's row: name, encoder, size, fraction, law_files, build (record), query (record).
Row = dict[str, Any]


@dataclass(frozen=True)
class Plan:
    work: Path
    laws_dir: Path = PROJECT_ROOT.parent / "shared" / "scale-corpus" / "laws"
    qa_file: Path = PROJECT_ROOT / "eval" / "qa.jsonl"
    encoders: tuple[str, ...] = ("onnx-int8", "torch")  # the first: shipped, ablated
    fractions: tuple[float, ...] = (0.02, 0.1, 0.5, 1.0)
    seed: int = 20240
    all_full: bool = False
    resume_files: int = 10  # law files the resume check adds
    resume: bool = True
    ablations: bool = True
    note: str = ""


def law_sample(laws_dir: Path, seed: int) -> tuple[list[Path], int]:
    """The law files in a seeded shuffle of their sorted paths, duplicates (same content
    or same document id) dropped; sizes are prefixes, so each holds the smaller ones."""
    files = sorted(laws_dir.rglob("*.md"), key=lambda p: p.relative_to(laws_dir).as_posix())
    if not files:
        raise InputError(f"No .md files under {laws_dir}.", "Pass --laws with the scale corpus.")
    unique: list[Path] = []
    seen: set[str] = set()
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if not {digest, make_doc_id(path, digest)} & seen:
            seen |= {digest, make_doc_id(path, digest)}
            unique.append(path)
    random.Random(seed).shuffle(unique)
    return unique, len(files) - len(unique)


def embed_rate(rows: Sequence[Row], encoder: str) -> float:
    """Chunks per second over everything ``encoder`` embedded so far."""
    own = [r["build"] for r in rows if r["encoder"] == encoder]
    return sum(b["embedded_new"] for b in own) / max(1e-9, sum(b["embed_seconds"] for b in own))


def sample_count(total: int, fraction: float) -> int:
    return max(1, min(total, round(total * fraction)))


class Runner:
    """Runs a plan against ``settings`` (store, model, corpus folder, chunking …)."""

    def __init__(
        self,
        plan: Plan,
        settings: Settings,
        embedder: Callable[[Settings], Embedder] | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        self.plan, self.settings, self.embedder, self.log = plan, settings, embedder, log
        unknown = [e for e in plan.encoders if e not in EMBEDDERS]
        if unknown or not plan.encoders:
            raise InputError(f"Unknown or no encoder: {unknown}.", f"Use {', '.join(EMBEDDERS)}.")
        if plan.work.exists() and any(plan.work.iterdir()) and not (plan.work / WORK_MARK).exists():
            raise InputError(f"{plan.work} is not empty.", "Pass --work with a new folder.")
        shutil.rmtree(plan.work, ignore_errors=True)  # every run starts with empty caches
        plan.work.mkdir(parents=True)
        (plan.work / WORK_MARK).touch()

    def step(self, fn: Callable[..., R], settings: Settings, *args: Any) -> R:
        """``fn(settings, *args)`` in a fresh process, or in-process with the injected
        embedder (the only way child processes are started)."""
        self.log(f"[{time.strftime('%H:%M:%S')}] {fn.__name__} {settings.index_dir.name}")
        if self.embedder is not None:
            return fn(settings, *args, embedder=self.embedder(settings))
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            return pool.submit(fn, settings, *args).result()

    def settings_for(self, encoder: str, folder: str = "") -> Settings:
        index_dir = self.plan.work / "indexes" / (folder or encoder)
        return replace(self.settings, encoder=encoder, index_dir=index_dir)

    def size(self, encoder: str, size: tuple[str, list[Path], float | None]) -> Row:
        """Build one size into the encoder's index folder, then ask every question."""
        name, laws, fraction = size
        settings = self.settings_for(encoder)
        corpus = Corpus(self.settings.corpus_dir, tuple(laws))
        return {
            "name": f"{encoder}-{name}",
            "encoder": encoder,
            "size": name,
            "fraction": fraction,
            "law_files": len(laws),
            "build": self.step(steps.build, settings, corpus),
            "query": self.step(steps.query, settings, self.plan.qa_file),
        }

    def run(self) -> dict[str, Any]:
        plan, facts, qa = self.plan, machine_facts(), self.plan.qa_file
        laws, dropped = law_sample(plan.laws_dir, plan.seed)
        sizes: list[tuple[str, list[Path], float | None]] = [("five", [], None)]
        for f in sorted(plan.fractions):
            sizes.append((f"laws{100 * f:03g}", laws[: sample_count(len(laws), f)], f))
        rows: list[Row] = []
        ablations: list[dict[str, Any]] = []
        for number, encoder in enumerate(plan.encoders):
            for size in sizes[:2]:
                rows.append(self.size(encoder, size))
                if size[2] is None and plan.ablations:  # the five documents' index
                    own = VARIANTS if number == 0 else ((f"{encoder} encoder", {}),)
                    variants = [(name, {**changes, "encoder": encoder}) for name, changes in own]
                    ablations += self.step(
                        steps.ablations, self.settings_for(encoder), qa, variants
                    )
        # The encoder fastest on what all embedded (the first two sizes) runs the larger ones.
        fastest = max(plan.encoders, key=lambda e: embed_rate(rows, e))
        for encoder in [fastest, *(e for e in plan.encoders if e != fastest and plan.all_full)]:
            rows += [self.size(encoder, size) for size in sizes[2:]]
        largest = [r for r in rows if r["encoder"] == fastest][-1]
        recall = self.step(steps.recall, self.settings_for(fastest), qa)
        resume = None
        if plan.resume:
            corpus = Corpus(self.settings.corpus_dir, tuple(laws[: plan.resume_files]))
            resume = self.step(steps.resume, self.settings_for(fastest, "resume"), corpus)
        facts |= {"load_average_end": list(os.getloadavg()), "note": plan.note}
        return {
            "machine": facts,
            "plan": asdict(plan),
            "settings": redact_mapping(asdict(self.settings)),
            "sample": {"law_files": len(laws), "duplicates_dropped": dropped},
            "fastest_encoder": fastest,
            "rows": rows,
            "recall": {"index": largest["name"], **recall},
            "resume": resume,
            "ablations": ablations,
        }


def machine_facts() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [line.split(":", 1)[1] for line in cpuinfo.splitlines() if "model name" in line]
    git = ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"]
    # Keys and tokens (QA_LLM_API_KEY, a store's token) never reach the report.
    env = redact_env((k, v) for k, v in sorted(os.environ.items()) if k.startswith("QA_"))
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": models[0].strip() if models else platform.machine(),
        "avx512_vnni": "avx512_vnni" in cpuinfo,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": subprocess.run(git, capture_output=True, text=True).stdout.strip(),
        "command": " ".join([*env, "python -m eval.bench", *sys.argv[1:]]),
        "load_average_start": list(os.getloadavg()),
    }


def parse_plan(argv: Sequence[str] | None) -> tuple[Plan, Path, Path | None]:
    """The plan, the output folder and (``--render``) a results file to render instead."""
    p = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n\n")[0])
    add, default = p.add_argument, Plan(Path())
    add("--work", type=Path, default=Path("/tmp/qa-bench"), help="indexes (emptied first)")
    add("--laws", dest="laws_dir", type=Path, default=default.laws_dir, help="the scale corpus")
    add("--qa", dest="qa_file", type=Path, default=default.qa_file)
    add("--encoders", type=lambda s: tuple(e for e in s.split(",") if e), default=default.encoders)
    add("--fractions", type=float, nargs="*", default=default.fractions)
    add("--seed", type=int, default=default.seed)
    add("--all-full", action="store_true", help="every encoder at every size")
    add("--resume-files", type=int, default=default.resume_files)
    add("--skip-resume", dest="resume", action="store_false")
    add("--skip-ablations", dest="ablations", action="store_false")
    add("--note", default="", help="a remark for the report (e.g. the machine's load)")
    add("--out", type=Path, default=PROJECT_ROOT / "eval", help="where the reports go")
    add("--render", type=Path, help="only render the reports of this results file")
    args = p.parse_args(argv)
    args.fractions = tuple(args.fractions)
    return Plan(**{f.name: getattr(args, f.name) for f in fields(Plan)}), args.out, args.render


def main(argv: Sequence[str] | None = None) -> int:
    plan, out, render = parse_plan(argv)
    try:
        if render:
            results = json.loads(render.read_text(encoding="utf-8"))
        elif not plan.laws_dir.is_dir():
            raise InputError(f"The scale corpus is not at {plan.laws_dir}.", "Pass --laws.")
        else:
            results = Runner(plan, Settings.from_env()).run()
            out.mkdir(parents=True, exist_ok=True)
            text = json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n"
            (out / "bench_results.json").write_text(text, encoding="utf-8")
    except QAError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in write_reports(results, out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

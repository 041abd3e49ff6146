"""The 1,566-document corpus (the five + the laws) in Milvus Lite and in FAISS + bm25s.

    nice -n 10 .venv/bin/python -m eval.milvus_scale --work /work/scale/milvus-run \\
        --cache /work/scale/embed-cache [--steps embed,faiss,milvus,serve-faiss,serve-milvus,add]

Run by hand (not in CI). Every step runs in its own child process, so its peak memory
(ru_maxrss) is its own; results go to ``WORK/results.json`` and are printed as a table.

- ``embed``: parse every document and embed every chunk into the shared embedding cache
  (``--cache``, linked as WORK/index/embed-cache; a run that finds the vectors there
  embeds nothing). QA_ENCODER (onnx-int8 for this corpus) names the model.
- ``faiss`` / ``milvus``: build the store from the cache (nothing left to embed), so the
  time is the store's own: parsing, keywords, vectors, writing.
- ``serve-faiss`` / ``serve-milvus``: open the store (load time), then ask the 222
  questions of eval/qa.jsonl through the full assistant: hit@5, MRR, answer accuracy,
  ask and search latency p50/p95, peak memory.
- ``add``: add one small document to the Milvus build and remove it again (each writes a
  new build: the price of the alias switch at this size).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from qa.config import PROJECT_ROOT, Settings
from qa.ingest.corpus import check_new_documents, load_corpus
from qa.ingest.parse import load_document, parse
from qa.types import Document, ParsedDocument

# ../shared beside the project (or beside the folder of worktrees it lies in).
LAWS = next(
    (
        folder / "shared" / "scale-corpus" / "laws"
        for folder in PROJECT_ROOT.parents
        if (folder / "shared" / "scale-corpus" / "laws").is_dir()
    ),
    PROJECT_ROOT.parent / "shared" / "scale-corpus" / "laws",
)
STEPS = ("embed", "faiss", "milvus", "serve-faiss", "serve-milvus", "add")
EXTRA_DOC = """丁市质量工作补充通知
一、目标
到2025年，全市绿色食品认证数量达到120个，主要农产品抽检合格率达到98.5%以上。
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_documents() -> list[Document]:
    """The five documents, then every law (sorted paths; repeated contents dropped);
    MILVUS_SCALE_LAWS=N keeps the first N laws (a dry run)."""
    documents = load_corpus(PROJECT_ROOT / "corpus")
    paths = sorted(LAWS.rglob("*.md"))
    if not paths:
        raise SystemExit(f"no laws found under {LAWS}")
    limit = int(os.environ.get("MILVUS_SCALE_LAWS") or 0)
    for path in paths[:limit] if limit else paths:
        document = load_document(path)
        try:
            check_new_documents([document], documents)
        except Exception:
            continue  # the same law filed twice
        documents.append(document)
    return documents


def settings_for(work: Path, store: str) -> Settings:
    return Settings.from_env(
        corpus_dir=PROJECT_ROOT / "corpus",
        index_dir=work / "index",
        store=store,
        milvus_uri=str(work / "index" / "milvus.db"),
        milvus_prefix="scale",
    )


def parsed_corpus(settings: Settings) -> tuple[list[ParsedDocument], float]:
    started = time.perf_counter()
    parsed = [parse(d, settings) for d in scale_documents()]
    return parsed, time.perf_counter() - started


# -- steps (each in its own process) ------------------------------------------------------
def step_embed(work: Path) -> dict[str, Any]:
    from qa.embed import load_embedder
    from qa.store.embed_cache import EmbeddingCache, cache_folder, embed_chunks

    settings = settings_for(work, "faiss")
    parsed, ingest_s = parsed_corpus(settings)
    embedder = load_embedder(settings)
    chunks = [c for p in parsed for c in p.chunks]
    cache = EmbeddingCache(cache_folder(settings.index_dir, embedder.name), embedder.dimension)
    cached_before = len(cache)
    started = time.perf_counter()
    embed_chunks(chunks, embedder, cache, settings.batch_size)
    return {
        "documents": len(parsed),
        "chunks": len(chunks),
        "ingest_s": round(ingest_s, 1),
        "embed_s": round(time.perf_counter() - started, 1),
        "cached_before": cached_before,
        "cached_after": len(cache),
        "model": embedder.name,
    }


def step_build(work: Path, store: str) -> dict[str, Any]:
    from qa.embed import load_embedder
    from qa.store import open_backend

    settings = settings_for(work, store)
    embedder = load_embedder(settings)
    started = time.perf_counter()
    parsed, ingest_s = parsed_corpus(settings)
    stages: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + now - last[0]
        last[0] = now

    summary = open_backend(settings).build(parsed, embedder, progress)
    return {
        "store": store,
        "documents": summary.documents,
        "chunks": summary.chunks,
        "store_kind": summary.store_kind,
        "ingest_s": round(ingest_s, 1),
        "build_s": round(time.perf_counter() - started, 1),
        "stage_s": {k: round(v, 1) for k, v in stages.items()},
        "disk_mb": round(folder_mb(work / "index", skip="embed-cache"), 1),
    }


def folder_mb(folder: Path, skip: str = "") -> float:
    """MiB of the files under ``folder``, leaving out any under a folder named ``skip``."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and skip not in path.parts:
            total += path.stat().st_size
    return total / 2**20


def step_serve(work: Path, store: str, qa_file: Path) -> dict[str, Any]:
    from eval.metrics import percentile, summarize
    from eval.qa_file import load_qa_file
    from eval.runner import evaluate
    from qa.assistant import Assistant

    settings = settings_for(work, store)
    started = time.perf_counter()
    assistant = Assistant.open(settings, check_corpus=False)
    load_s = time.perf_counter() - started
    items = load_qa_file(qa_file)
    search_ms: list[float] = []
    for item in items:  # the store's part: both searches, fusion and shares
        _, ranking, _ = assistant.rank(item.question)
        search_ms.append(ranking.timings_ms["search"])
    run = evaluate(assistant, items, modes=["full"], progress=False)
    summary = summarize([r.score for r in run.results], run.ks)
    return {
        "store": store,
        "chunks": len(assistant.index.chunks),
        "load_s": round(load_s, 1),
        **{k: summary[k] for k in ("hit@1", "hit@5", "mrr@10", "answer_accuracy")},
        **{k: summary[k] for k in ("not_found_precision", "not_found_recall")},
        "ask_p50_ms": round(float(summary["latency_p50_ms"] or 0), 1),
        "ask_p95_ms": round(float(summary["latency_p95_ms"] or 0), 1),
        "search_p50_ms": round(percentile(search_ms, 50), 1),
        "search_p95_ms": round(percentile(search_ms, 95), 1),
        "top5": {r.item.id: [p.chunk.chunk_id for p in r.passages[:5]] for r in run.results},
    }


def step_add(work: Path) -> dict[str, Any]:
    from qa.embed import load_embedder
    from qa.ingest.parse import parse_file
    from qa.store.milvus_backend import MilvusBackend

    settings = settings_for(work, "milvus")
    embedder = load_embedder(settings)
    path = work / "extra-ding.txt"
    path.write_text(EXTRA_DOC, encoding="utf-8")
    parsed = parse_file(path, settings)
    backend = MilvusBackend(settings)
    started = time.perf_counter()
    added = backend.add([parsed], embedder)
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    backend.open(model=embedder.name)
    reopen_s = time.perf_counter() - started
    started = time.perf_counter()
    removed = backend.remove([parsed.document.doc_id], embedder)
    remove_s = time.perf_counter() - started
    return {
        "chunks_after_add": added.chunks,
        "add_s": round(add_s, 1),
        "reopen_s": round(reopen_s, 1),
        "chunks_after_remove": removed.chunks,
        "remove_s": round(remove_s, 1),
    }


def run_step(name: str, work: Path, qa_file: Path) -> dict[str, Any]:
    started = time.perf_counter()
    if name == "embed":
        out = step_embed(work)
    elif name in ("faiss", "milvus"):
        out = step_build(work, name)
    elif name.startswith("serve-"):
        out = step_serve(work, name.removeprefix("serve-"), qa_file)
    else:
        out = step_add(work)
    return out | {"step_s": round(time.perf_counter() - started, 1), "peak_rss_mb": peak_rss_mb()}


# -- the parent ------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    cpu = "?"
    vnni = False
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = next(
            line.split(":", 1)[1].strip() for line in info.splitlines() if "model name" in line
        )
        vnni = "avx512_vnni" in info
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "avx512_vnni": vnni,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "encoder": os.environ.get("QA_ENCODER", "torch"),
        "load_average_start": os.getloadavg()[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True, help="the shared embed-cache folder")
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--qa", type=Path, default=PROJECT_ROOT / "eval" / "qa.jsonl")
    parser.add_argument("--step", default="", help=argparse.SUPPRESS)  # a child's one step
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.work, args.qa), ensure_ascii=False))
        return 0
    index = args.work / "index"
    index.mkdir(parents=True, exist_ok=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    link = index / "embed-cache"
    if not link.exists():
        link.symlink_to(args.cache.resolve(), target_is_directory=True)
    results_path = args.work / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["machine"] = machine()
    for step in [s.strip() for s in args.steps.split(",") if s.strip()]:
        if step not in STEPS:
            raise SystemExit(f"unknown step {step!r}; use some of {', '.join(STEPS)}")
        print(f"step {step} …", file=sys.stderr, flush=True)
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "eval.milvus_scale",
                "--work",
                str(args.work),
                "--cache",
                str(args.cache),
                "--qa",
                str(args.qa),
                "--step",
                step,
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            raise SystemExit(f"step {step} failed with status {child.returncode}")
        results[step] = json.loads(child.stdout.strip().splitlines()[-1])
        results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        shown = {k: v for k, v in results[step].items() if k != "top5"}
        print(step, json.dumps(shown, ensure_ascii=False), flush=True)
    if "serve-faiss" in results and "serve-milvus" in results:
        a, b = results["serve-faiss"]["top5"], results["serve-milvus"]["top5"]
        same = sum(a[q] == b.get(q) for q in a)
        print(f"identical top 5 on {same} of {len(a)} questions", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

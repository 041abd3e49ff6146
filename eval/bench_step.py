"""One step of the scale benchmark, run in its own process so peak RSS is per step.

    python -m eval.bench_step SPEC.json OUT.json

``SPEC.json`` names the step (``build``, ``query`` or ``recall``) and its inputs (see
``eval.bench``, which writes the specs); ``OUT.json`` receives the measured numbers.
The step functions take an embedder and plain values, so tests drive them in-process
with the FakeEmbedder.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from qa.corpus import load_corpus, load_document
from qa.embed_cache import EmbeddingCache
from qa.embedding import Embedder, FakeEmbedder, load_embedder

from eval.bench_probes import encoder_step, index_vectors, peak_rss_mb, recall_step
from eval.metrics import percentile
from qa.config import Settings
from qa.errors import QAError
from qa.indexing import build_index, cache_folder
from qa.store import FaissStore
from qa.types import Document

CACHE_LINK = "embed-cache"  # the folder qa.indexing keeps the vector cache in
WARMUP_QUESTIONS = 3


# --- helpers ---------------------------------------------------------------------


def tree_bytes(folder: Path, skip: str | None = None) -> int:
    """Bytes of the files under ``folder``; symlinks are not followed, ``skip`` is left out."""
    total = 0
    if not folder.exists():
        return 0
    for root, dirs, files in os.walk(folder):
        if skip is not None and Path(root) == folder:
            dirs[:] = [d for d in dirs if d != skip]
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def share_cache(index_dir: Path, shared_cache: Path) -> None:
    """Point ``index_dir``'s embedding cache at ``shared_cache`` so every size of one
    encoder computes each vector once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    shared_cache.mkdir(parents=True, exist_ok=True)
    link = index_dir / CACHE_LINK
    if link.is_symlink():
        if link.resolve() == shared_cache.resolve():
            return
        link.unlink()
    elif link.exists():
        raise QAError(
            f"{link} is a real folder, not a link to the shared cache.", f"Delete {index_dir}."
        )
    link.symlink_to(shared_cache.resolve(), target_is_directory=True)


class CountingEmbedder:
    """Wraps an embedder: counts passages embedded and the seconds spent encoding them.

    ``delay`` (seconds per call) slows a fake embedder down so a test can kill a build
    part-way through embedding.
    """

    def __init__(self, inner: Embedder, delay: float = 0.0) -> None:
        self.inner = inner
        self.delay = delay
        self.passages = 0
        self.seconds = 0.0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        started = time.perf_counter()
        if self.delay:
            time.sleep(self.delay)
        vectors = self.inner.embed_passages(texts, batch_size=batch_size)
        self.seconds += time.perf_counter() - started
        self.passages += len(texts)
        return vectors


class StageClock:
    """Turns build_index's progress calls into per-stage seconds."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.marks: dict[str, list[float]] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.marks.setdefault(stage, []).append(time.perf_counter())

    def last(self, stage: str, default: float) -> float:
        marks = self.marks.get(stage)
        return marks[-1] if marks else default

    def first(self, stage: str, default: float) -> float:
        marks = self.marks.get(stage)
        return marks[0] if marks else default


def load_documents(corpus_dir: Path | None, law_files: Sequence[Path]) -> list[Document]:
    """The five documents (with metadata.toml) followed by the sampled law files."""
    documents = load_corpus(corpus_dir) if corpus_dir is not None else []
    documents.extend(load_document(path) for path in law_files)
    return documents


# --- build -------------------------------------------------------------------------


def build_step(
    index_dir: Path,
    embedder: Embedder,
    documents: Sequence[Document],
    *,
    shared_cache: Path | None,
    batch_size: int,
    exact_limit: int,
    load_seconds: float = 0.0,
) -> dict[str, Any]:
    """Build one index and time its stages; vectors come from the shared cache when known."""
    if shared_cache is not None:
        share_cache(index_dir, shared_cache)
    counter = CountingEmbedder(embedder)
    faiss_seconds: list[float] = []
    original_build = FaissStore.build
    original_attr = FaissStore.__dict__["build"]

    def timed_build(vectors: np.ndarray, exact: int) -> FaissStore:
        started = time.perf_counter()
        store = original_build(vectors, exact)
        faiss_seconds.append(time.perf_counter() - started)
        return store

    clock = StageClock()
    # Timed from outside: qa.indexing looks FaissStore.build up at call time.
    FaissStore.build = staticmethod(timed_build)  # type: ignore[method-assign,assignment]
    try:
        manifest = build_index(
            index_dir,
            counter,
            documents,
            batch_size=batch_size,
            exact_limit=exact_limit,
            progress=clock,
        )
    finally:
        setattr(FaissStore, "build", original_attr)  # noqa: B010 - restores the classmethod
    finished = time.perf_counter()
    ingest_end = clock.last("ingest", clock.started)
    embed_end = clock.last("embed", ingest_end)
    keyword_seconds = clock.last("keyword", embed_end) - clock.first("keyword", embed_end)
    embed_seconds = embed_end - ingest_end
    cache_dir = cache_folder(index_dir, embedder)
    return {
        "documents": len(documents),
        "chunks": manifest.chunk_count,
        "load_seconds": load_seconds,
        "parse_seconds": ingest_end - clock.started,
        "ingestion_seconds": load_seconds + ingest_end - clock.started,
        "embedded_new": counter.passages,
        "embed_seconds": embed_seconds,
        "encode_seconds": counter.seconds,
        "embed_throughput": counter.passages / embed_seconds
        if counter.passages and embed_seconds > 0
        else None,
        "keyword_seconds": keyword_seconds,
        "faiss_seconds": sum(faiss_seconds),
        # FAISS build and save, the jsonl files, checksums, fsync and publication
        "write_seconds": clock.last("write", finished) - clock.first("write", finished),
        "build_seconds": finished - clock.started,
        "total_seconds": load_seconds + finished - clock.started,
        "index_mb": tree_bytes(index_dir, skip=CACHE_LINK) / 1e6,
        "cache_mb": tree_bytes(cache_dir.resolve()) / 1e6,
        "cache_rows": len(EmbeddingCache(cache_dir, embedder.dimension)),
        "store_kind": manifest.store_kind,
        "peak_rss_mb": peak_rss_mb(),
    }


# --- query ---------------------------------------------------------------------------


def query_step(
    settings: Settings,
    qa_file: Path,
    embedder: Embedder | None = None,
    *,
    warmup: int = WARMUP_QUESTIONS,
) -> dict[str, Any]:
    """Load the index and model as the app does, then ask every eval question warm.

    Latency is Assistant.ask's wall time; quality is hit@5 and answer accuracy of the
    "full" mode, scored by eval.runner's rules.
    """
    from qa.pipeline import Assistant
    from qa.search_index import open_index

    from eval.metrics import summarize
    from eval.qa_file import load_qa_file
    from eval.runner import ANSWER_K, score_question

    items = load_qa_file(qa_file)
    started = time.perf_counter()
    if embedder is None:
        embedder = load_embedder(settings)
    model_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index = open_index(settings.index_dir, model=embedder.name)
    index_seconds = time.perf_counter() - started
    assistant = Assistant(settings, embedder, index)
    for item in items[:warmup]:
        assistant.ask(item.question, k=ANSWER_K)
    scores = []
    for item in items:
        # One ask per question: its top-5 passages give hit@5, its text the accuracy.
        started = time.perf_counter()
        answer = assistant.ask(item.question, k=ANSWER_K)
        latency_ms = (time.perf_counter() - started) * 1000.0
        score, _ = score_question(
            item,
            answer.passages,
            answer=answer.answer,
            found=answer.found,
            latency_ms=latency_ms,
            ks=(5,),
        )
        scores.append(score)
    overall = summarize(scores, (5,))
    latencies = [s.latency_ms for s in scores]
    return {
        "questions": len(items),
        "answerable": overall["answerable"],
        "model_load_seconds": model_seconds,
        "index_load_seconds": index_seconds,
        "load_seconds": model_seconds + index_seconds,
        "store_kind": index.store.kind,
        "chunks": len(index.chunks),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "latency_max_ms": max(latencies),
        "hit@5": overall["hit@5"],
        "answer_accuracy": overall["answer_accuracy"],
        "not_found_recall": overall["not_found_recall"],
        "false_found": overall["false_found"],
        "peak_rss_mb": peak_rss_mb(),
    }


# --- process entry -----------------------------------------------------------------------


def make_embedder(spec: dict[str, Any], settings: Settings) -> Embedder:
    """The real embedder of the settings, or (tests) a FakeEmbedder, optionally slowed."""
    if spec.get("embedder") == "fake":
        fake = FakeEmbedder(int(spec.get("dimension", 64)))
        delay = float(spec.get("delay", 0.0))
        return CountingEmbedder(fake, delay) if delay else fake
    return load_embedder(settings)


def settings_of(spec: dict[str, Any]) -> Settings:
    overrides: dict[str, Any] = {"index_dir": Path(spec["index_dir"])}
    if spec.get("model_dir"):
        overrides["model_dir"] = Path(spec["model_dir"])
    if spec.get("encoder"):
        overrides["encoder"] = spec["encoder"]
    if spec.get("exact_limit") is not None:
        overrides["exact_search_limit"] = int(spec["exact_limit"])
    return Settings.from_env(**overrides)


def run_spec(spec: dict[str, Any]) -> dict[str, Any]:
    settings = settings_of(spec)
    step = spec["step"]
    if step == "build":
        started = time.perf_counter()
        embedder = make_embedder(spec, settings)
        model_seconds = time.perf_counter() - started
        started = time.perf_counter()
        corpus_dir = Path(spec["corpus_dir"]) if spec.get("corpus_dir") else None
        documents = load_documents(corpus_dir, [Path(p) for p in spec.get("law_files", [])])
        load_seconds = time.perf_counter() - started
        result = build_step(
            settings.index_dir,
            embedder,
            documents,
            shared_cache=Path(spec["shared_cache"]) if spec.get("shared_cache") else None,
            batch_size=int(spec.get("batch_size", settings.batch_size)),
            exact_limit=settings.exact_search_limit,
            load_seconds=load_seconds,
        )
        return {"model_load_seconds": model_seconds, **result}
    if step == "query":
        # The real model is loaded inside query_step, which times it.
        fake = make_embedder(spec, settings) if spec.get("embedder") == "fake" else None
        return query_step(settings, Path(spec["qa_file"]), fake)
    if step == "recall":
        from eval.qa_file import load_qa_file

        embedder = make_embedder(spec, settings)
        vectors = index_vectors(settings.index_dir, embedder)
        questions = [item.question for item in load_qa_file(Path(spec["qa_file"]))]
        queries = embedder.embed_queries(questions)
        return recall_step(vectors, queries, int(spec.get("k", 10)))
    if step == "count":
        # Ingest the whole corpus without embedding: its chunk count and ingestion time.
        from qa.indexing import ingest

        started = time.perf_counter()
        corpus_dir = Path(spec["corpus_dir"]) if spec.get("corpus_dir") else None
        documents = load_documents(corpus_dir, [Path(p) for p in spec.get("law_files", [])])
        loaded = time.perf_counter()
        data = ingest(documents)
        return {
            "documents": len(documents),
            "chunks": len(data.chunks),
            "figures": len(data.figures),
            "load_seconds": loaded - started,
            "ingestion_seconds": time.perf_counter() - started,
            "peak_rss_mb": peak_rss_mb(),
        }
    if step == "encoders":
        from qa.corpus import parse_document

        embedders = {e: load_embedder(replace(settings, encoder=e)) for e in spec["encoders"]}
        texts: list[str] = []
        for document in load_documents(None, [Path(p) for p in spec["law_files"]]):
            texts.extend(c.search_text for c in parse_document(document)[1])
            if len(texts) >= int(spec["passages"]):
                break
        return encoder_step(
            embedders,
            texts[: int(spec["passages"])],
            batch_size=int(spec.get("batch_size", settings.batch_size)),
            rounds=int(spec.get("rounds", 3)),
        )
    raise QAError(f"Unknown bench step {step!r}.", "Use build, query, recall or encoders.")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m eval.bench_step SPEC.json OUT.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    try:
        result = run_spec(spec)
    except QAError as err:
        print(f"error: {err.message}\n{err.hint or ''}", file=sys.stderr)
        return 1
    out = Path(args[1])
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

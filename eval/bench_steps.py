"""The measurements of the benchmark (``python -m eval.bench``), one function per step.

A step takes the Settings of its index (encoder, store, index folder) and plain values
and returns a JSON-ready record. ``eval.bench`` runs each in a fresh process (the
embedder is loaded there from the Settings; peak RSS is the step's) or in-process with an
injected embedder (tests). Builds go through ``build_corpus_index`` and everything else
through ``open_backend``, so another ``QA_STORE`` is measured by the same steps.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from eval.metrics import percentile
from eval.qa_file import load_qa_file
from eval.runner import evaluate
from qa.assistant import Assistant
from qa.config import Settings
from qa.embed import Embedder, load_embedder
from qa.indexing import build_corpus_index
from qa.ingest.chunking import vector_texts
from qa.ingest.corpus import load_corpus
from qa.ingest.parse import load_document, parse
from qa.store import Hit, layout, open_backend
from qa.store.embed_cache import EmbeddingCache, cache_folder, text_key
from qa.store.faiss_vectors import HNSW_EF_SEARCH, FaissVectorStore
from qa.types import Document

Variant = tuple[str, Mapping[str, Any]]  # a name and the Settings fields it changes
Search = Callable[[np.ndarray, int], list[Hit]]


@dataclass(frozen=True)
class Corpus:
    """The documents of one size: the corpus folder's (metadata.toml applied), then laws."""

    corpus_dir: Path | None
    law_files: tuple[Path, ...] = ()

    def load(self) -> list[Document]:
        documents = load_corpus(self.corpus_dir) if self.corpus_dir else []
        return documents + [load_document(path) for path in self.law_files]


# Records are JSON-ready dicts (a results file renders again); their columns are
# explained in the report (eval.bench_render).
Record = dict[str, Any]


class StoppedError(Exception):
    """A build stopped on purpose part-way through embedding."""


class BuildWatch:
    """The build's progress callback: seconds per stage (each from the previous stage's
    last call to its own last call), passages embedded, and an optional stop after
    ``stop_after`` embedding steps."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.started, self.stop_after = time.perf_counter(), stop_after
        self.last: dict[str, float] = {}
        self.embedded: list[int] = []  # "done" of every embed call; the first is the cached

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.last[stage] = time.perf_counter()
        if stage == "embed":
            self.embedded.append(done)
            if self.stop_after is not None and len(self.embedded) > self.stop_after:
                raise StoppedError

    def seconds(self) -> dict[str, float]:
        out, previous = {}, self.started
        for stage, at in self.last.items():
            out[stage], previous = at - previous, at
        return out

    @property
    def passages(self) -> int:
        return self.embedded[-1] - self.embedded[0] if self.embedded else 0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def folder_mb(folder: Path, skip: str = "") -> float:
    """MB of the files under ``folder`` (links not followed), top-level ``skip`` left out."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files if p.relative_to(folder).parts[0] != skip) / 1e6


def _cache(settings: Settings, embedder: Embedder) -> EmbeddingCache:
    return EmbeddingCache(cache_folder(settings.index_dir, embedder.name), embedder.dimension)


def _embedder(settings: Settings, embedder: Embedder | None) -> tuple[Embedder, float]:
    started = time.perf_counter()
    return embedder or load_embedder(settings), time.perf_counter() - started


def build(settings: Settings, corpus: Corpus, embedder: Embedder | None = None) -> Record:
    """(Re)build the index of ``corpus``; vectors in its embedding cache are reused."""
    embedder, model_seconds = _embedder(settings, embedder)
    started = time.perf_counter()
    documents = corpus.load()
    load_seconds = time.perf_counter() - started
    watch = BuildWatch()
    summary = build_corpus_index(settings, embedder, documents, watch)
    build_seconds, stages = time.perf_counter() - watch.started, watch.seconds()
    cache = cache_folder(settings.index_dir, embedder.name)
    embed = stages.get("embed", 0.0)
    return {
        "documents": summary.documents,
        "chunks": summary.chunks,
        # What is embedded: the chunks and, with sentence vectors, their sentences.
        "vectors": summary.vectors or summary.chunks,
        "model_load_seconds": model_seconds,
        "load_seconds": load_seconds,
        "ingestion_seconds": load_seconds + stages.get("ingest", 0.0),
        "embedded_new": watch.passages,
        "embed_seconds": embed,
        "embed_throughput": watch.passages / embed if watch.passages and embed else None,
        "keyword_seconds": stages.get("keyword", 0.0),
        "write_seconds": stages.get("write", 0.0),
        "total_seconds": load_seconds + build_seconds,
        "index_mb": folder_mb(settings.index_dir, skip=layout.EMBED_CACHE),
        "cache_mb": folder_mb(cache),
        "cache_rows": len(EmbeddingCache(cache, embedder.dimension)) if cache.exists() else 0,
        "store_kind": summary.store_kind,
        "peak_rss_mb": peak_rss_mb(),
    }


def _open(settings: Settings, embedder: Embedder | None) -> tuple[Assistant, float, float]:
    """An assistant opened as the app opens one (model, then index); both load times."""
    embedder, model_seconds = _embedder(settings, embedder)
    started = time.perf_counter()
    backend = open_backend(settings)
    assistant = Assistant(settings, embedder, backend, backend.open(model=embedder.name))
    return assistant, model_seconds, time.perf_counter() - started


def _full_mode(assistant: Assistant, qa_file: Path) -> tuple[dict[str, Any], float]:
    """eval.runner's "full" mode over ``qa_file``: its metrics and the slowest answer."""
    run = evaluate(assistant, load_qa_file(qa_file), modes=("full",), ks=(1, 5), progress=False)
    return run.summary()["full"]["overall"], max(r.score.latency_ms for r in run.results)


def query(settings: Settings, qa_file: Path, embedder: Embedder | None = None) -> Record:
    """Open the index as the app does, then ask every question (warm, one at a time)."""
    assistant, model_seconds, index_seconds = _open(settings, embedder)
    ready = time.time() - psutil.Process().create_time()
    metrics, slowest = _full_mode(assistant, qa_file)
    return metrics | {
        "model_load_seconds": model_seconds,
        "index_load_seconds": index_seconds,
        "load_seconds": model_seconds + index_seconds,
        "ready_seconds": ready,
        "store_kind": assistant.index.info.store_kind,
        "chunks": len(assistant.index.chunks),
        "latency_max_ms": slowest,
        "peak_rss_mb": peak_rss_mb(),
    }


def ablations(
    settings: Settings, qa_file: Path, variants: Sequence[Variant], embedder: Embedder | None = None
) -> list[dict[str, Any]]:
    """The "full" mode once per variant of the Settings, over the same index and model."""
    base, _, _ = _open(settings, embedder)
    rows = []
    for name, changes in variants:
        variant = Assistant(replace(settings, **changes), base.embedder, base.backend, base.index)
        rows.append({"name": name, "settings": dict(changes), **_full_mode(variant, qa_file)[0]})
    return rows


def recall(
    settings: Settings, qa_file: Path, embedder: Embedder | None = None, k: int = 10
) -> dict[str, Any]:
    """recall@k against exact search (numpy) of the index's own vector store and of FAISS
    flat and HNSW built over the same vectors (from the embedding cache, else embedded).
    A chunk with sentence vectors scores by its nearest vector, as the store scores it."""
    embedder, _ = _embedder(settings, embedder)
    index = open_backend(settings).open(model=embedder.name)
    chunks = list(index.chunks.values())
    ids = [c.chunk_id for c in chunks]
    owners = vector_texts(chunks, settings.sentence_vectors)
    keys = [text_key(t) for _, t in owners]
    known = _cache(settings, embedder).get(keys)
    missing = list(
        dict.fromkeys(t for (_, t), key in zip(owners, keys, strict=True) if key not in known)
    )
    known |= dict(zip(map(text_key, missing), embedder.embed_passages(missing), strict=True))
    vectors = np.stack([known[key] for key in keys]).astype(np.float32)
    position = {chunk_id: i for i, chunk_id in enumerate(ids)}
    owner = np.array([position[c.chunk_id] for c, _ in owners])
    queries = embedder.embed_queries([item.question for item in load_qa_file(qa_file)])
    k = min(k, len(ids))
    truth = []
    for query in queries:
        scores = np.full(len(ids), -np.inf, dtype=np.float32)
        np.maximum.at(scores, owner, vectors @ query)
        row = np.argsort(-scores, kind="stable")[:k]
        truth.append(({ids[i] for i in row}, float(scores[row[-1]])))

    def measure(name: str, build_s: float | None, search: Search) -> dict[str, Any]:
        millis, by_id, ties = [], [], []
        for vector, (want, kth) in zip(queries, truth, strict=True):
            started = time.perf_counter()
            hits = search(vector, k)
            millis.append((time.perf_counter() - started) * 1000.0)
            by_id.append(len(want & {h.chunk_id for h in hits}) / k)
            # identical texts (repeated clauses) tie: a hit scoring the k-th score is right
            ties.append(sum(h.score >= kth - 1e-5 for h in hits) / k)
        return {
            "name": name,
            "build_seconds": build_s,
            "recall": float(np.mean(by_id)),
            "min_recall": min(by_id),
            "recall_ties": float(np.mean(ties)),
            "min_recall_ties": min(ties),
            "queries_with_no_true_neighbour": by_id.count(0.0),
            "p50_ms": percentile(millis, 50),
            "p95_ms": percentile(millis, 95),
        }

    rows = [measure(f"this index's store ({index.info.store_kind})", None, index.vectors.search)]
    for name, exact_limit in (("exact (FAISS flat)", len(owners)), ("HNSW (FAISS)", 0)):
        started = time.perf_counter()
        store = FaissVectorStore.create(vectors.shape[1], len(owners), exact_limit)
        store.add([c.chunk_id for c, _ in owners], [c.doc_id for c, _ in owners], vectors)
        rows.append(measure(name, time.perf_counter() - started, store.search))
    return {
        "chunks": len(ids),
        "vectors": len(owners),
        "queries": len(queries),
        "k": k,
        "searchers": rows,
        "ef_search": HNSW_EF_SEARCH,
        "peak_rss_mb": peak_rss_mb(),
    }


def resume(
    settings: Settings, corpus: Corpus, embedder: Embedder | None = None, stop_after: int = 3
) -> dict[str, Any]:
    """Index the corpus folder, then rebuild with the law files added but stop after
    ``stop_after`` embedding steps, then rebuild again; counts from the embedding cache.
    (A SIGKILL mid-build is tests/test_reliability.py's.)"""
    embedder, _ = _embedder(settings, embedder)
    first = build_corpus_index(settings, embedder, Corpus(corpus.corpus_dir).load())
    documents, stop, stopped = corpus.load(), BuildWatch(stop_after), False
    try:
        build_corpus_index(settings, embedder, documents, stop)
    except StoppedError:
        stopped = True
    after_stop = len(open_backend(settings).open(model=embedder.name).chunks)
    chunks = [c for d in documents for c in parse(d, settings).chunks]
    keys = {text_key(t) for _, t in vector_texts(chunks, settings.sentence_vectors)}
    known = _cache(settings, embedder).get(list(keys))
    expected = sum(key not in known for key in keys)
    rerun = BuildWatch()
    summary = build_corpus_index(settings, embedder, documents, rerun)
    return {
        "encoder": settings.encoder,
        "method": f"stopped after {stop_after} embedding steps" if stopped else "not stopped",
        "first_build_chunks": first.chunks,
        "embedded_before_stop": stop.passages,
        "index_chunks_after_stop": after_stop,
        "total_chunks": summary.chunks,
        "embedded_on_rerun": rerun.passages,
        "expected_on_rerun": expected,
        "resumed_without_reembedding": stopped and rerun.passages == expected,
    }

"""Measurements of the scale benchmark that need no index build: HNSW recall against
exact search over the same vectors, and the encoders side by side on the same passages.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from qa.embed_cache import EmbeddingCache, text_key
from qa.embedding import Embedder
from qa.index_io import load_records

from eval.metrics import percentile
from qa.errors import QAError
from qa.indexing import cache_folder
from qa.store import HNSW_EF_SEARCH, FaissStore


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --- HNSW recall ----------------------------------------------------------------------


def index_vectors(index_dir: Path, embedder: Embedder) -> np.ndarray:
    """The vectors of the current build, in chunk order, read back from the cache."""
    chunks = load_records(index_dir).chunks
    cache = EmbeddingCache(cache_folder(index_dir, embedder), embedder.dimension)
    keys = [text_key(c.search_text) for c in chunks]
    known = cache.get(keys)
    missing = sum(key not in known for key in keys)
    if missing:
        raise QAError(
            f"{missing} chunk vectors of {index_dir} are not in its cache.", "Rebuild the index."
        )
    return np.stack([known[key] for key in keys]).astype(np.float32)


def _timed_search(store: FaissStore, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    ids = np.zeros((len(queries), k), dtype=np.int64)
    millis: list[float] = []
    for row in range(len(queries)):
        started = time.perf_counter()
        _, found = store.search(queries[row : row + 1], k)
        millis.append((time.perf_counter() - started) * 1000.0)
        ids[row] = found[0]
    return ids, millis


def recall_step(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> dict[str, Any]:
    """recall@k of HNSW against exact search over the same vectors, and both latencies."""
    started = time.perf_counter()
    exact = FaissStore.build(vectors, exact_limit=len(vectors))
    exact_build = time.perf_counter() - started
    started = time.perf_counter()
    hnsw = FaissStore.build(vectors, exact_limit=0)
    hnsw_build = time.perf_counter() - started
    exact_ids, exact_ms = _timed_search(exact, queries, k)
    hnsw_ids, hnsw_ms = _timed_search(hnsw, queries, k)
    overlaps = [
        len(set(e[e >= 0].tolist()) & set(h[h >= 0].tolist())) / max(1, int((e >= 0).sum()))
        for e, h in zip(exact_ids, hnsw_ids, strict=True)
    ]
    # Identical chunk texts (repeated clauses) have identical vectors, and which of the tied
    # ids exact search returns is arbitrary: a HNSW hit scoring at least the exact k-th
    # score is as good as the id exact search happened to pick.
    tie_aware = []
    for row in range(len(queries)):
        exact_found = exact_ids[row][exact_ids[row] >= 0]
        kth = float(np.min(vectors[exact_found] @ queries[row]))
        found = hnsw_ids[row][hnsw_ids[row] >= 0]
        good = int(np.sum(vectors[found] @ queries[row] >= kth - 1e-5))
        tie_aware.append(good / max(1, len(exact_found)))
    return {
        "vectors": len(vectors),
        "queries": len(queries),
        "k": k,
        "recall": float(np.mean(overlaps)) if overlaps else None,
        "min_recall": float(np.min(overlaps)) if overlaps else None,
        "queries_with_no_true_neighbour": int(sum(o == 0 for o in overlaps)),
        "recall_ties": float(np.mean(tie_aware)) if tie_aware else None,
        "min_recall_ties": float(np.min(tie_aware)) if tie_aware else None,
        "exact_kind": exact.kind,
        "hnsw_kind": hnsw.kind,
        "exact_build_seconds": exact_build,
        "hnsw_build_seconds": hnsw_build,
        "exact_p50_ms": percentile(exact_ms, 50),
        "exact_p95_ms": percentile(exact_ms, 95),
        "hnsw_p50_ms": percentile(hnsw_ms, 50),
        "hnsw_p95_ms": percentile(hnsw_ms, 95),
        "ef_search_used": HNSW_EF_SEARCH,
        "ef_sweep": ef_sweep(vectors, queries, exact_ids, k),
        "peak_rss_mb": peak_rss_mb(),
    }


def ef_sweep(
    vectors: np.ndarray,
    queries: np.ndarray,
    exact_ids: np.ndarray,
    k: int,
    ef_values: Sequence[int] = (64, 128, 256, 512),
) -> list[dict[str, Any]]:
    """recall@k and single-query latency of HNSW (qa.store's M and efConstruction) at
    several efSearch values: what raising qa.store.HNSW_EF_SEARCH would buy."""
    import faiss

    from qa.store import HNSW_EF_CONSTRUCTION, HNSW_M

    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    out = []
    for ef in ef_values:
        index.hnsw.efSearch = ef
        millis: list[float] = []
        overlaps: list[float] = []
        for row in range(len(queries)):
            started = time.perf_counter()
            _, found = index.search(np.ascontiguousarray(queries[row : row + 1]), k)
            millis.append((time.perf_counter() - started) * 1000.0)
            truth = set(exact_ids[row][exact_ids[row] >= 0].tolist())
            overlaps.append(len(truth & set(found[0].tolist())) / max(1, len(truth)))
        out.append({
            "ef_search": ef,
            "recall": float(np.mean(overlaps)),
            "queries_with_no_true_neighbour": int(sum(o == 0 for o in overlaps)),
            "p50_ms": percentile(millis, 50),
            "p95_ms": percentile(millis, 95),
        })  # fmt: skip
    return out


# --- encoders side by side -------------------------------------------------------------


def encoder_step(
    embedders: dict[str, Embedder], texts: Sequence[str], *, batch_size: int, rounds: int = 3
) -> dict[str, Any]:
    """Throughput of each encoder on the same passages, interleaved round by round so
    load from other processes hits every encoder alike; the best round is the least
    disturbed. Also the mean cosine between the encoders' vectors of each passage."""
    rates: dict[str, list[float]] = {name: [] for name in embedders}
    vectors: dict[str, np.ndarray] = {}
    names = list(embedders)
    for round_no in range(rounds):
        order = names if round_no % 2 == 0 else names[::-1]
        for name in order:
            started = time.perf_counter()
            vectors[name] = embedders[name].embed_passages(texts, batch_size=batch_size)
            rates[name].append(len(texts) / (time.perf_counter() - started))
    out: dict[str, Any] = {
        "passages": len(texts),
        "mean_chars": float(np.mean([len(t) for t in texts])) if texts else 0.0,
        "rounds": rounds,
        "encoders": {
            name: {"rates": r, "best": max(r), "median": float(np.median(r))}
            for name, r in rates.items()
        },
    }
    if len(names) == 2 and texts:
        first, second = vectors[names[0]], vectors[names[1]]
        cosines = np.sum(first * second, axis=1)
        out["cosine_mean"] = float(cosines.mean())
        out["cosine_min"] = float(cosines.min())
    out["peak_rss_mb"] = peak_rss_mb()
    return out

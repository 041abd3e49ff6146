"""Fusion on the Milvus store: our weighted RRF over two searches, or Milvus' hybrid_search.

    QA_STORE=milvus .venv/bin/python -m eval.milvus_fusion [--qa eval/qa.jsonl] [--out FILE]

Variants, each run through the whole "full" assistant (routing, shares, answers and
not-found rules unchanged; only the first pass differs):

- ``ours``: a dense search and a BM25 search, fused by qa.retrieve's weighted reciprocal
  rank (keyword weight ``QA_KEYWORD_WEIGHT``, k ``QA_RRF_K``): what the store ships.
- ``milvus-rrf``: one ``hybrid_search`` with ``RRFRanker(k)`` (Milvus' RRF has no
  per-list weight).
- ``milvus-weighted``: one ``hybrid_search`` with ``WeightedRanker(1, keyword weight)``
  (Milvus weighs normalised scores, not ranks).

Reports the benchmark metrics of each and the time of one first pass (the search calls
and the fusion; the question is embedded once and reused by every variant).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile, summarize
from eval.qa_file import load_qa_file
from eval.runner import evaluate
from qa.assistant import Assistant
from qa.config import Settings
from qa.retrieve.fusion import Ranked
from qa.retrieve.stages import Query
from qa.store.milvus_search import MilvusVectorStore, doc_filter
from qa.store.milvus_text import keyword_text

HERE = Path(__file__).resolve().parent
METRICS = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "answer_accuracy",
    "not_found_precision",
    "not_found_recall",
)


class HybridFirstPass:
    """The first pass as one Milvus hybrid_search (dense + BM25, fused by Milvus)."""

    def __init__(self, ranker: Any) -> None:
        self.ranker = ranker

    def __call__(self, query: Query, doc_ids: Collection[str] | None) -> Ranked:
        from pymilvus import AnnSearchRequest

        store = query.index.vectors
        assert isinstance(store, MilvusVectorStore), "run with QA_STORE=milvus"
        assert query.vector is not None
        expr = doc_filter(doc_ids)
        requests = [
            AnnSearchRequest(
                data=[np.asarray(query.vector, dtype=np.float32).reshape(-1).tolist()],
                anns_field="dense",
                param={"metric_type": "COSINE"},
                limit=query.depth,
                expr=expr,
            )
        ]
        text = keyword_text(query.analysis.text)
        if text:
            requests.append(
                AnnSearchRequest(
                    data=[text],
                    anns_field="sparse",
                    param={"metric_type": "BM25"},
                    limit=query.depth,
                    expr=expr,
                )
            )
        result = store._client.hybrid_search(
            store.collection, requests, self.ranker, limit=query.depth, output_fields=["position"]
        )
        hits = sorted(
            result[0], key=lambda h: (-float(h["distance"]), int(h["entity"]["position"]))
        )
        return [(str(h["id"]), float(h["distance"])) for h in hits]


class Timed:
    """Wraps a first pass; keeps the duration of every call."""

    def __init__(self, inner: Callable[[Query, Collection[str] | None], Ranked]) -> None:
        self.inner = inner
        self.ms: list[float] = []

    def __call__(self, query: Query, doc_ids: Collection[str] | None) -> Ranked:
        started = time.perf_counter()
        try:
            return self.inner(query, doc_ids)
        finally:
            self.ms.append((time.perf_counter() - started) * 1000)


class MemoQueries:
    """The embedder with query vectors remembered: every variant sees the same vectors."""

    def __init__(self, embedder: Any) -> None:
        self._embedder = embedder
        self._memo: dict[str, np.ndarray] = {}
        self.name = embedder.name
        self.dimension = embedder.dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._memo]
        if missing:
            for text, vector in zip(missing, self._embedder.embed_queries(missing), strict=True):
                self._memo[text] = vector
        return np.stack([self._memo[t] for t in texts])

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        return self._embedder.embed_passages(texts, batch_size=batch_size, progress=progress)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qa", type=Path, default=HERE / "qa.jsonl")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args()
    from pymilvus import RRFRanker, WeightedRanker

    settings = Settings.from_env()
    assistant = Assistant.open(settings)
    memo = MemoQueries(assistant.embedder)
    for retriever in assistant.retrievers.values():
        retriever.embedder = memo
    full = assistant.retrievers["full"]
    ours = full.first_pass
    variants: dict[str, Callable[[Query, Collection[str] | None], Ranked]] = {
        "ours": ours,
        "milvus-rrf": HybridFirstPass(RRFRanker(settings.rrf_k)),
        "milvus-weighted": HybridFirstPass(WeightedRanker(1.0, settings.keyword_weight)),
    }
    items = load_qa_file(args.qa)
    evaluate(assistant, items[:5], modes=["full"], progress=False)  # warm-up: vectors, caches
    report: dict[str, Any] = {}
    for name, first_pass in variants.items():
        timed = Timed(first_pass)
        full.first_pass = timed  # type: ignore[assignment]
        run = evaluate(assistant, items, modes=["full"], progress=False)
        summary = summarize([r.score for r in run.results], run.ks)
        report[name] = {m: summary[m] for m in METRICS} | {
            "first_pass_calls": len(timed.ms),
            "first_pass_ms_p50": round(percentile(timed.ms, 50), 2),
            "first_pass_ms_p95": round(percentile(timed.ms, 95), 2),
            "results": {
                r.item.id: {
                    "cover_rank": r.cover_rank,
                    "found": r.score.found,
                    "answer_correct": r.score.answer_correct,
                    "top5": [p.chunk.chunk_id for p in r.passages[:5]],
                }
                for r in run.results
            },
        }
    full.first_pass = ours
    for name, row in report.items():
        figures = {k: v for k, v in row.items() if k != "results"}
        print(name, json.dumps(figures, ensure_ascii=False))
    for name in list(variants)[1:]:  # each question whose outcome differs from ours
        for qid, mine in report["ours"]["results"].items():
            theirs = report[name]["results"][qid]
            changed = {
                k: (mine[k], theirs[k])
                for k in ("cover_rank", "found", "answer_correct")
                if mine[k] != theirs[k]
            }
            if changed:
                print(f"  {name} {qid}: {changed}")
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The store's share of a question's time, FAISS + bm25s against Milvus, interleaved.

    QA_MILVUS_URI=... .venv/bin/python -m eval.milvus_latency [--qa eval/qa.jsonl] [--rounds 3]

Both assistants answer every question of the file in turn (same process, same embedded
question vector, so the model's time is left out and other jobs' load hits both alike);
reported: the retrieval time (both searches, fusion, per-document shares) and the whole
``ask`` without the query embedding, p50/p95 over rounds × questions.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from eval.metrics import percentile
from eval.milvus_fusion import MemoQueries
from eval.qa_file import load_qa_file
from qa.assistant import Assistant
from qa.config import Settings
from qa.embed import load_embedder

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qa", type=Path, default=HERE / "qa.jsonl")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.from_env()
    embedder = MemoQueries(load_embedder(settings))
    assistants = {
        store: Assistant.open(replace(settings, store=store), embedder=embedder)
        for store in ("faiss", "milvus")
    }
    questions = [item.question for item in load_qa_file(args.qa)]
    for question in questions:  # embed once, warm both stores
        for assistant in assistants.values():
            assistant.ask(question)
    search: dict[str, list[float]] = {store: [] for store in assistants}
    ask: dict[str, list[float]] = {store: [] for store in assistants}
    for _ in range(args.rounds):
        for question in questions:
            for store, assistant in assistants.items():
                started = time.perf_counter()
                answer = assistant.ask(question)
                ask[store].append((time.perf_counter() - started) * 1000)
                # An answer from the document's own record (its date, its number) or a
                # refusal before retrieval searches nothing and has no search time.
                if "search" in answer.timings_ms:
                    search[store].append(answer.timings_ms["search"])
    for store in assistants:
        figures = {
            "search_p50_ms": round(percentile(search[store], 50), 2),
            "search_p95_ms": round(percentile(search[store], 95), 2),
            "ask_p50_ms": round(percentile(ask[store], 50), 2),
            "ask_p95_ms": round(percentile(ask[store], 95), 2),
            "questions": len(ask[store]),
        }
        print(store, json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

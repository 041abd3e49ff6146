"""What each keyword index costs over the scale corpus: build time, size on disk, load
time (what opening the index adds to the app's start), search time, the process's peak
memory. Nothing is embedded, so it runs in minutes.

    .venv/bin/python -m eval.keyword_scale [--questions eval/v2/dev.jsonl]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from eval.milvus_scale import folder_mb, peak_rss_mb, scale_documents
from eval.qa_file import load_qa_file
from qa.config import Settings
from qa.ingest.parse import parse
from qa.store.keyword import Analyzer, Bm25KeywordIndex
from qa.tokens import bigrams, tokenize

ANALYZERS: dict[str, Analyzer] = {"words": tokenize, "bigrams": bigrams}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path("eval/v2/dev.jsonl"))
    parser.add_argument("--depth", type=int, default=50)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    started = time.perf_counter()
    # The scale benchmark's corpus: the five documents and every law, each once.
    documents = scale_documents()
    chunks = [c for d in documents for c in parse(d, settings).chunks]
    print(
        f"{len(documents)} documents, {len(chunks)} chunks, "
        f"parsed in {time.perf_counter() - started:.1f} s"
    )
    questions = [item.question for item in load_qa_file(args.questions)]
    chunk_ids = [c.chunk_id for c in chunks]
    doc_ids = [c.doc_id for c in chunks]
    texts = [c.search_text for c in chunks]
    for name, analyzer in ANALYZERS.items():
        started = time.perf_counter()
        index = Bm25KeywordIndex.build(chunk_ids, doc_ids, texts, analyzer=analyzer)
        built = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            index.save(Path(folder))
            size = folder_mb(Path(folder))
            started = time.perf_counter()
            Bm25KeywordIndex.load(Path(folder), analyzer=analyzer)
            loaded = time.perf_counter() - started
        started = time.perf_counter()
        for question in questions:
            index.search(question, args.depth)
        per_search = (time.perf_counter() - started) / max(1, len(questions)) * 1000
        print(
            f"{name}: built in {built:.1f} s, {size:.1f} MiB on disk, loaded in {loaded:.2f} s, "
            f"{per_search:.2f} ms a search ({len(questions)} questions, depth {args.depth}), "
            f"peak memory so far {peak_rss_mb():.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

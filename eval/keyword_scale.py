"""What each keyword index costs over the scale corpus: build time, size on disk, search
time, the process's peak memory. Nothing is embedded, so it runs in minutes.

    .venv/bin/python -m eval.keyword_scale [--questions eval/v2/dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from eval.eval_corpus import LAWS_DIR
from qa.config import Settings
from qa.ingest.corpus import load_corpus
from qa.ingest.parse import load_document, parse
from qa.store.keyword import Analyzer, Bm25KeywordIndex
from qa.tokens import bigrams, tokenize

ANALYZERS: dict[str, Analyzer] = {"words": tokenize, "bigrams": bigrams}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laws", type=Path, default=LAWS_DIR)
    parser.add_argument("--questions", type=Path, default=Path("eval/v2/dev.jsonl"))
    parser.add_argument("--depth", type=int, default=50)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    started = time.perf_counter()
    files = sorted(p for p in args.laws.rglob("*.md") if p.is_file())
    documents = load_corpus(settings.corpus_dir) + [load_document(p) for p in files]
    chunks = [c for d in documents for c in parse(d, settings).chunks]
    print(
        f"{len(documents)} documents, {len(chunks)} chunks, "
        f"parsed in {time.perf_counter() - started:.1f} s"
    )
    questions = [
        str(json.loads(line)["question"])
        for line in args.questions.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    chunk_ids = [c.chunk_id for c in chunks]
    doc_ids = [c.doc_id for c in chunks]
    texts = [c.search_text for c in chunks]
    for name, analyzer in ANALYZERS.items():
        started = time.perf_counter()
        index = Bm25KeywordIndex.build(chunk_ids, doc_ids, texts, analyzer=analyzer)
        built = time.perf_counter() - started
        folder = Path(tempfile.mkdtemp())
        try:
            index.save(folder)
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        finally:
            shutil.rmtree(folder)
        started = time.perf_counter()
        for question in questions:
            index.search(question, args.depth)
        per_search = (time.perf_counter() - started) / max(1, len(questions)) * 1000
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f"{name}: built in {built:.1f} s, {size / 1e6:.1f} MB on disk, "
            f"{per_search:.2f} ms a search ({len(questions)} questions, depth {args.depth}), "
            f"peak memory so far {peak} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

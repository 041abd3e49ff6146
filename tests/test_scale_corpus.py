"""Ingestion of the 1,564 real legal texts: no crash, chunks everywhere, 条/章 in paths."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from qa.ingest.parse import load_document, parse_document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LAWS = SHARED / "scale-corpus" / "laws"
ARTICLE_LINE = re.compile(
    r"^(?:#+\s*)?第[一二三四五六七八九十百千零〇两]+条(?:之[一二三四五六七八九十]+)?[ \u3000]", re.M
)
CHAPTER_LINE = re.compile(r"^(?:#+\s*)?第[一二三四五六七八九十百千零〇两]+章", re.M)
ARTICLE_LABEL = re.compile(r"第[一二三四五六七八九十百千零〇两]+条(?:之[一二三四五六七八九十]+)?")
CHAPTER_LABEL = re.compile(r"第[一二三四五六七八九十百千零〇两]+章")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LAWS.is_dir(), reason=f"scale corpus not found at {LAWS}"),
]


def test_every_law_ingests_with_article_paths() -> None:
    files = sorted(LAWS.rglob("*.md"))
    assert len(files) == 1564
    started = time.perf_counter()
    failures: list[str] = []
    total_chunks = 0
    for path in files:
        try:
            document = load_document(path)
            chunks = parse_document(document, chunk_size=400, chunk_min=80).chunks
        except Exception as err:  # collect every failure, then report them together
            failures.append(f"{path.name}: {err!r}")
            continue
        total_chunks += len(chunks)
        name = path.relative_to(LAWS)
        if not chunks:
            failures.append(f"{name}: no chunks")
            continue
        labels = {label for c in chunks for label in c.section_path}
        if ARTICLE_LINE.search(document.text) and not any(
            ARTICLE_LABEL.fullmatch(x) for x in labels
        ):
            failures.append(f"{name}: articles but no 第X条 in any section_path")
        if CHAPTER_LINE.search(document.text) and not any(CHAPTER_LABEL.match(x) for x in labels):
            failures.append(f"{name}: chapters but no 第X章 in any section_path")
        for chunk in chunks:
            if chunk.text != document.text[chunk.span[0] : chunk.span[1]]:
                failures.append(f"{name}: chunk {chunk.chunk_id} does not index the text")
                break
    seconds = time.perf_counter() - started
    summary = (
        f"{len(files)} files, {total_chunks} chunks, {seconds:.1f} s, {len(failures)} failures"
    )
    print(f"\nscale corpus: {summary}")
    assert not failures, "\n".join(failures[:20])

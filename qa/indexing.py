"""Building the index: ingest documents, embed chunks, write the index files.

``build_index`` rebuilds from a list of documents; ``add_documents`` adds documents to
the current index without re-embedding what is already there. Both hold the writer
lock, embed through the resumable cache, and publish atomically (see qa.index_io).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from qa import __version__
from qa.corpus import parse_document
from qa.embed_cache import EmbeddingCache, text_key
from qa.embedding import Embedder
from qa.errors import DuplicateDocumentError, IndexMismatchError
from qa.figures import extract_figures
from qa.index_io import (
    Ingested,
    Manifest,
    build_dir,
    describe_files,
    load_records,
    publish,
    read_manifest,
    verify,
    writer_lock,
)
from qa.keyword import KeywordIndex
from qa.records import chunk_to_record, document_to_record, figure_to_record
from qa.store import FaissStore
from qa.types import Chunk, Document, Figure

# progress(stage, done, total): stages are "ingest", "embed", "keyword", "write".
Progress = Callable[[str, int, int], None]
EMBED_STEP = 64  # chunks per cache write: the most work a kill can lose


def ingest(documents: Sequence[Document], progress: Progress | None = None) -> Ingested:
    chunks: list[Chunk] = []
    figures: list[Figure] = []
    for done, document in enumerate(documents, 1):
        sections, doc_chunks = parse_document(document)
        chunks.extend(doc_chunks)
        figures.extend(extract_figures(document, sections))
        if progress:
            progress("ingest", done, len(documents))
    return Ingested(tuple(documents), tuple(chunks), tuple(figures))


def corpus_hash(documents: Iterable[Document]) -> str:
    """Identity of a corpus: each document's content and the metadata shown for it."""
    lines = sorted(
        "\t".join(
            (d.source_name, d.content_hash, d.title, d.region, d.issuer, d.doc_number, d.date)
        )
        for d in documents
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def embed_chunks(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    cache: EmbeddingCache,
    batch_size: int,
    progress: Progress | None = None,
) -> np.ndarray:
    keys = [text_key(c.search_text) for c in chunks]
    known = cache.get(keys)
    missing = [i for i, key in enumerate(keys) if key not in known]
    done = len(chunks) - len(missing)
    if progress:
        progress("embed", done, len(chunks))
    for start in range(0, len(missing), EMBED_STEP):
        step = missing[start : start + EMBED_STEP]
        vectors = embedder.embed_passages(
            [chunks[i].search_text for i in step], batch_size=batch_size
        )
        step_keys = [keys[i] for i in step]
        cache.add(step_keys, vectors)
        known.update(zip(step_keys, vectors, strict=True))
        done += len(step)
        if progress:
            progress("embed", done, len(chunks))
    if not chunks:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.stack([known[key] for key in keys]).astype(np.float32)


def cache_folder(index_dir: Path, embedder: Embedder) -> Path:
    model_key = hashlib.sha1(embedder.name.encode("utf-8")).hexdigest()[:12]
    return index_dir / "embed-cache" / model_key


def _write_jsonl(path: Path, records: Iterable[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _write_build(
    index_dir: Path,
    embedder: Embedder,
    data: Ingested,
    *,
    batch_size: int,
    exact_limit: int,
    progress: Progress | None,
) -> Manifest:
    cache = EmbeddingCache(cache_folder(index_dir, embedder), embedder.dimension)
    vectors = embed_chunks(data.chunks, embedder, cache, batch_size, progress)
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    folder = build_dir(index_dir, build_id)
    folder.mkdir(parents=True)
    if progress:
        progress("keyword", 0, 1)
    keyword = KeywordIndex.build([c.search_text for c in data.chunks])
    keyword.save(folder / "keyword")
    if progress:
        progress("keyword", 1, 1)
        progress("write", 0, 1)
    store = FaissStore.build(vectors, exact_limit)
    store.save(folder / "vectors.faiss")
    _write_jsonl(folder / "documents.jsonl", (document_to_record(d) for d in data.documents))
    _write_jsonl(folder / "chunks.jsonl", (chunk_to_record(c) for c in data.chunks))
    _write_jsonl(folder / "figures.jsonl", (figure_to_record(f) for f in data.figures))
    manifest = Manifest(
        build_id=build_id,
        model=embedder.name,
        dimension=embedder.dimension,
        chunk_count=len(data.chunks),
        corpus_hash=corpus_hash(data.documents),
        store_kind=store.kind,
        code_version=__version__,
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        files=describe_files(folder),
    )
    publish(index_dir, manifest)
    if progress:
        progress("write", 1, 1)
    return manifest


def build_index(
    index_dir: Path,
    embedder: Embedder,
    documents: Sequence[Document],
    *,
    batch_size: int = 16,
    exact_limit: int = 20000,
    progress: Progress | None = None,
) -> Manifest:
    """Rebuild the whole index from ``documents`` (vectors reused from the cache)."""
    _refuse_duplicates(documents)
    with writer_lock(index_dir):
        data = ingest(documents, progress)
        return _write_build(
            index_dir,
            embedder,
            data,
            batch_size=batch_size,
            exact_limit=exact_limit,
            progress=progress,
        )


def add_documents(
    index_dir: Path,
    embedder: Embedder,
    new_documents: Sequence[Document],
    *,
    batch_size: int = 16,
    exact_limit: int = 20000,
    progress: Progress | None = None,
) -> Manifest:
    """Add documents to the current index; only their chunks are embedded."""
    with writer_lock(index_dir):
        manifest = read_manifest(index_dir)
        if manifest.model != embedder.name:
            raise IndexMismatchError(
                f"The index was built with the model {manifest.model!r}; documents cannot be "
                f"added with {embedder.name!r}.",
                "Use the same QA_EMBED_MODEL/QA_ENCODER, or rebuild with `python -m qa build`.",
            )
        verify(index_dir, manifest)  # never build on top of a damaged index
        current = load_records(index_dir)
        _refuse_duplicates([*current.documents, *new_documents])
        fresh = ingest(new_documents, progress)
        data = Ingested(
            current.documents + fresh.documents,
            current.chunks + fresh.chunks,
            current.figures + fresh.figures,
        )
        return _write_build(
            index_dir,
            embedder,
            data,
            batch_size=batch_size,
            exact_limit=exact_limit,
            progress=progress,
        )


def _refuse_duplicates(documents: Sequence[Document]) -> None:
    seen: dict[str, str] = {}
    ids: set[str] = set()
    for document in documents:
        other = seen.get(document.content_hash)
        if other is not None:
            raise DuplicateDocumentError(
                f"{document.source_name} has the same content as {other}, which is already indexed.",
                "Nothing was changed; remove one of the two copies.",
            )
        if document.doc_id in ids:
            raise DuplicateDocumentError(
                f"A document with id {document.doc_id!r} ({document.source_name}) is already indexed.",
                "Rename the file and try again.",
            )
        seen[document.content_hash] = document.source_name
        ids.add(document.doc_id)

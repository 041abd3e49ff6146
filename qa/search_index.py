"""The loaded index: chunks, figures, document metadata, vector and keyword search."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.errors import IndexCorruptError, IndexMismatchError
from qa.index_io import Manifest, build_dir, load_records, read_manifest, verify
from qa.keyword import KeywordIndex
from qa.store import FaissStore, VectorStore
from qa.textnorm import search_form
from qa.types import Chunk, Document, Figure


@dataclass
class SearchIndex:
    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[Chunk]
    figures: list[Figure]
    store: VectorStore
    keyword: KeywordIndex
    chunk_doc: np.ndarray = field(init=False)  # document ordinal of each chunk
    doc_order: list[str] = field(init=False)
    chunk_figures: dict[int, list[Figure]] = field(init=False)
    has_figure: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.doc_order = list(self.documents)
        position = {doc_id: i for i, doc_id in enumerate(self.doc_order)}
        self.chunk_doc = np.array([position[c.doc_id] for c in self.chunks], dtype=np.int32)
        self.chunk_figures = _figures_by_chunk(self.chunks, self.figures)
        self.has_figure = np.zeros(len(self.chunks), dtype=bool)
        for index in self.chunk_figures:
            self.has_figure[index] = True

    @cached_property
    def corpus_form(self) -> str:
        """All chunk text in search form: tells whether the corpus uses a term at all."""
        return "\n".join(search_form(c.text) for c in self.chunks)

    def chunk_ids_of(self, doc_ids: set[str]) -> np.ndarray:
        wanted = [i for i, d in enumerate(self.doc_order) if d in doc_ids]
        return np.flatnonzero(np.isin(self.chunk_doc, wanted))


def _figures_by_chunk(chunks: list[Chunk], figures: list[Figure]) -> dict[int, list[Figure]]:
    """Each figure goes to the chunk whose span contains it (and only if verbatim there)."""
    by_doc: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for index, chunk in enumerate(chunks):
        by_doc[chunk.doc_id].append((chunk.span[0], chunk.span[1], index))
    for spans in by_doc.values():
        spans.sort()
    out: dict[int, list[Figure]] = defaultdict(list)
    for figure in figures:
        spans = by_doc.get(figure.doc_id, [])
        at = bisect.bisect_right(spans, (figure.span[0], float("inf"), 0)) - 1
        if at < 0:
            continue
        start, end, index = spans[at]
        if start <= figure.span[0] and figure.span[1] <= end and figure.text in chunks[index].text:
            out[index].append(figure)
    return dict(out)


def check_model(index_dir: Path, manifest: Manifest, model: str) -> None:
    if manifest.model != model:
        raise IndexMismatchError(
            f"The index at {index_dir} was built with the model {manifest.model!r}, "
            f"but the settings use {model!r}.",
            "Rebuild it with `python -m qa build`, or set QA_EMBED_MODEL (and QA_ENCODER) "
            "back to what the index was built with.",
        )


def open_index(
    index_dir: Path,
    *,
    model: str | None = None,
    corpus_hash: str | None = None,
    check_hashes: bool = True,
) -> SearchIndex:
    """Load and check the current index. Mismatches say exactly what to run."""
    manifest = read_manifest(index_dir)
    if model is not None:
        check_model(index_dir, manifest, model)
    if corpus_hash is not None and manifest.corpus_hash != corpus_hash:
        raise IndexMismatchError(
            f"The documents in the corpus folder have changed since the index at {index_dir} "
            "was built.",
            "Update it with `python -m qa build`.",
        )
    verify(index_dir, manifest, check_hashes=check_hashes)
    folder = build_dir(index_dir, manifest.build_id)
    try:
        records = load_records(index_dir)
        store = FaissStore.load(folder / "vectors.faiss")
        keyword = KeywordIndex.load(folder / "keyword", size=len(records.chunks))
    except (OSError, ValueError, KeyError) as err:
        raise IndexCorruptError(
            f"The index at {index_dir} cannot be loaded ({err}).",
            "Rebuild it with `python -m qa build --force`.",
        ) from None
    if store.size != len(records.chunks) or manifest.chunk_count != len(records.chunks):
        raise IndexCorruptError(
            f"The index at {index_dir} is inconsistent: {store.size} vectors for "
            f"{len(records.chunks)} chunks.",
            "Rebuild it with `python -m qa build --force`.",
        )
    return SearchIndex(
        manifest=manifest,
        documents={d.doc_id: d for d in records.documents},
        chunks=list(records.chunks),
        figures=list(records.figures),
        store=store,
        keyword=keyword,
    )

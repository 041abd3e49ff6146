"""The default backend: an index folder of plain files (FAISS vectors, bm25s keywords).

``build`` rebuilds from parsed documents; ``add`` and ``remove`` write a new build from
the current one without re-embedding what is already there (vectors come from the
embedding cache). All three hold the writer lock and publish atomically (qa.store.files),
so a reader always opens a complete build.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa import __version__
from qa.config import Settings
from qa.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from qa.ingest.chunking import expects_sentence_vectors, vector_texts
from qa.ingest.corpus import check_new_documents, corpus_hash
from qa.store import layout
from qa.store.base import STORES, BuildSummary, Progress
from qa.store.embed_cache import EmbeddingCache, cache_folder, embed_texts
from qa.store.faiss_vectors import FaissVectorStore
from qa.store.files import (
    REBUILD_HINT,
    Manifest,
    build_dir,
    describe_files,
    publish,
    read_jsonl,
    read_manifest,
    verify,
    write_jsonl,
    writer_lock,
)
from qa.store.index import SearchIndex
from qa.store.keyword import Bm25KeywordIndex
from qa.store.records import (
    chunk_from_record,
    chunk_to_record,
    document_from_record,
    document_to_record,
    figure_from_record,
    figure_to_record,
    outline_to_record,
    section_from_record,
)
from qa.tokens import bigrams, tokenize
from qa.types import ParsedDocument

if TYPE_CHECKING:
    from qa.embed.base import Embedder


def model_mismatch(where: object, built_with: str, wanted: str) -> IndexMismatchError:
    return IndexMismatchError(
        f"The index at {where} was built with the model {built_with!r}, "
        f"but the settings use {wanted!r}.",
        "Rebuild it with `python -m qa build`, or set QA_EMBED_MODEL (and QA_ENCODER, QA_INT8_WEIGHTS) "
        "back to what the index was built with.",
    )


class FaissBackend:
    shared = False

    def __init__(self, settings: Settings, check_hashes: bool = True) -> None:
        self.settings = settings
        self.index_dir = settings.index_dir
        self.check_hashes = check_hashes
        self.location = str(settings.index_dir)

    # -- reading -----------------------------------------------------------------------
    def version(self) -> str:
        try:
            return read_manifest(self.index_dir).build_id
        except IndexMissingError:
            return ""

    def open(self, *, model: str | None = None, corpus_hash: str | None = None) -> SearchIndex:
        """Load and check the current build. Mismatches say exactly what to run."""
        manifest = read_manifest(self.index_dir)
        if model is not None and manifest.model != model:
            raise model_mismatch(self.index_dir, manifest.model, model)
        if corpus_hash is not None and manifest.corpus_hash != corpus_hash:
            raise IndexMismatchError(
                "The documents in the corpus folder have changed since the index at "
                f"{self.index_dir} was built.",
                "Update it with `python -m qa build`.",
            )
        verify(self.index_dir, manifest, check_hashes=self.check_hashes)
        folder = build_dir(self.index_dir, manifest.build_id)
        try:
            parsed = read_build(folder)
            vectors = FaissVectorStore.load(folder, self.settings.exact_search_limit)
            keyword = Bm25KeywordIndex.load(folder / layout.KEYWORD)
            bigram_index = Bm25KeywordIndex.load(folder / layout.BIGRAMS, bigrams)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise IndexCorruptError(
                f"The index at {self.index_dir} cannot be loaded ({err}).", REBUILD_HINT
            ) from None
        chunks = {c.chunk_id: c for p in parsed for c in p.chunks}
        wanted = expects_sentence_vectors(chunks.values(), self.settings.sentence_vectors)
        if (manifest.sentence_vectors > 0) != wanted:
            built = "with" if manifest.sentence_vectors else "without"
            raise IndexMismatchError(
                f"The index at {self.index_dir} was built {built} sentence vectors; "
                f"QA_SENTENCE_VECTORS is {'on' if self.settings.sentence_vectors else 'off'}.",
                "Rebuild it with `python -m qa build --force`, or set QA_SENTENCE_VECTORS "
                "back to what the index was built with.",
            )
        expected_vectors = len(chunks) + manifest.sentence_vectors
        if (
            vectors.count() != expected_vectors
            or vectors.chunk_count() != len(chunks)
            or manifest.chunk_count != len(chunks)
        ):
            raise IndexCorruptError(
                f"The index at {self.index_dir} is inconsistent: {vectors.count()} vectors "
                f"of {vectors.chunk_count()} chunks for {len(chunks)} chunks "
                f"and {manifest.sentence_vectors} sentence vectors.",
                REBUILD_HINT,
            )
        return SearchIndex(
            info=manifest.index_info("faiss"),
            documents={p.document.doc_id: p.document for p in parsed},
            chunks=chunks,
            figures=[f for p in parsed for f in p.figures],
            outlines={p.document.doc_id: p.sections for p in parsed},
            vectors=vectors,
            keyword=keyword,
            bigrams=bigram_index,
        )

    # -- writing -----------------------------------------------------------------------
    def build(
        self,
        parsed: Sequence[ParsedDocument],
        embedder: Embedder,
        progress: Progress | None = None,
    ) -> BuildSummary:
        """Rebuild the whole index (vectors reused from the cache)."""
        check_new_documents([p.document for p in parsed], ())
        with writer_lock(self.index_dir):
            return self._write(list(parsed), embedder, progress)

    def add(
        self,
        parsed: Sequence[ParsedDocument],
        embedder: Embedder,
        progress: Progress | None = None,
    ) -> BuildSummary:
        """Add documents to the current index; only their chunks are embedded."""
        with writer_lock(self.index_dir):
            current = self._current(embedder)
            check_new_documents([p.document for p in parsed], [p.document for p in current])
            return self._write([*current, *parsed], embedder, progress)

    def remove(
        self, doc_ids: Collection[str], embedder: Embedder, progress: Progress | None = None
    ) -> BuildSummary:
        """Write a build without these documents (nothing is embedded again)."""
        with writer_lock(self.index_dir):
            current = self._current(embedder)
            unknown = set(doc_ids) - {p.document.doc_id for p in current}
            if unknown:
                raise IndexMismatchError(
                    f"No document {', '.join(sorted(unknown))} in the index.",
                    "Nothing was changed.",
                )
            kept = [p for p in current if p.document.doc_id not in doc_ids]
            return self._write(kept, embedder, progress)

    def _current(self, embedder: Embedder) -> list[ParsedDocument]:
        manifest = read_manifest(self.index_dir)
        if manifest.model != embedder.name:
            raise IndexMismatchError(
                f"The index was built with the model {manifest.model!r}; it cannot be "
                f"changed with {embedder.name!r}.",
                "Use the same QA_EMBED_MODEL/QA_ENCODER, or rebuild with `python -m qa build`.",
            )
        verify(self.index_dir, manifest)  # never build on top of a damaged index
        return read_build(build_dir(self.index_dir, manifest.build_id))

    def _write(
        self, parsed: list[ParsedDocument], embedder: Embedder, progress: Progress | None
    ) -> BuildSummary:
        chunks = [c for p in parsed for c in p.chunks]
        cache = EmbeddingCache(cache_folder(self.index_dir, embedder.name), embedder.dimension)
        # Each chunk's own vector, then (Settings.sentence_vectors) its sentences', under
        # the same chunk id.
        owners = vector_texts(chunks, self.settings.sentence_vectors)
        texts = [text for _, text in owners]
        vectors = embed_texts(texts, embedder, cache, self.settings.batch_size, progress)
        build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        folder = build_dir(self.index_dir, build_id)
        folder.mkdir(parents=True)
        chunk_ids = [c.chunk_id for c in chunks]
        doc_ids = [c.doc_id for c in chunks]
        if progress:
            progress("keyword", 0, 1)
        search_texts = [c.search_text for c in chunks]
        for name, analyzer in ((layout.KEYWORD, tokenize), (layout.BIGRAMS, bigrams)):
            (folder / name).mkdir()
            Bm25KeywordIndex.build(chunk_ids, doc_ids, search_texts, analyzer=analyzer).save(
                folder / name
            )
        if progress:
            progress("keyword", 1, 1)
            progress("write", 0, 1)
        store = FaissVectorStore.create(
            embedder.dimension, len(owners), self.settings.exact_search_limit
        )
        store.add([c.chunk_id for c, _ in owners], [c.doc_id for c, _ in owners], vectors)
        store.save(folder)
        write_build(folder, parsed)
        documents = [p.document for p in parsed]
        manifest = Manifest(
            build_id=build_id,
            model=embedder.name,
            dimension=embedder.dimension,
            chunk_count=len(chunks),
            corpus_hash=corpus_hash(documents),
            store_kind=store.kind,
            code_version=__version__,
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            files=describe_files(folder),
            sentence_vectors=len(owners) - len(chunks),
        )
        publish(self.index_dir, manifest)
        if progress:
            progress("write", 1, 1)
        return BuildSummary(
            build_id,
            len(documents),
            len(chunks),
            store.kind,
            embedder.name,
            self.location,
            vectors=len(owners),
        )


def write_build(folder: Path, parsed: Sequence[ParsedDocument]) -> None:
    """The records of a build: documents, outlines, chunks, figures (JSON Lines)."""
    write_jsonl(folder / layout.DOCUMENTS, (document_to_record(p.document) for p in parsed))
    write_jsonl(
        folder / layout.OUTLINES,
        (outline_to_record(p.document.doc_id, p.sections) for p in parsed),
    )
    write_jsonl(folder / layout.CHUNKS, (chunk_to_record(c) for p in parsed for c in p.chunks))
    write_jsonl(folder / layout.FIGURES, (figure_to_record(f) for p in parsed for f in p.figures))


def read_build(folder: Path) -> list[ParsedDocument]:
    """The records of a build, grouped back into parsed documents in corpus order."""
    documents = [document_from_record(r) for r in read_jsonl(folder / layout.DOCUMENTS)]
    outlines = {
        str(r["doc_id"]): tuple(section_from_record(s) for s in r["sections"])
        for r in read_jsonl(folder / layout.OUTLINES)
    }
    chunks: dict[str, list] = {d.doc_id: [] for d in documents}
    for record in read_jsonl(folder / layout.CHUNKS):
        chunks[record["doc_id"]].append(chunk_from_record(record))
    figures: dict[str, list] = {d.doc_id: [] for d in documents}
    for record in read_jsonl(folder / layout.FIGURES):
        figures[record["doc_id"]].append(figure_from_record(record))
    return [
        ParsedDocument(
            d, outlines.get(d.doc_id, ()), tuple(chunks[d.doc_id]), tuple(figures[d.doc_id])
        )
        for d in documents
    ]


STORES.register("faiss", FaissBackend)

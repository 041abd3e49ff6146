"""The Milvus backend (``QA_STORE=milvus``): one shared store for any number of app
replicas, on a Milvus Lite file or a Milvus server (``QA_MILVUS_URI``).

Everything a replica serves lives in Milvus (qa.store.milvus_schema): chunks with their
vectors and BM25 field, and the documents with their text, outlines and figures, so a
replica needs no local index. ``build``, ``add`` and ``remove`` each write a complete
new build (two collections) and then switch the ``{prefix}_current`` alias to it: the
switch is the one atomic step, so a killed write leaves the previous build serving,
exactly as the FAISS backend's manifest does. ``add`` and ``remove`` copy the current
build's vectors and embed only new chunks. A lease keeps a second writer out, on any
machine (qa.store.milvus_lease). Replicas notice a new build through ``version()``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from qa import __version__
from qa.config import Settings
from qa.errors import (
    DocumentError,
    IndexCorruptError,
    IndexMismatchError,
)
from qa.ingest.corpus import check_new_documents, corpus_hash
from qa.store.base import STORES, BuildSummary, Progress
from qa.store.embed_cache import EmbeddingCache, cache_folder
from qa.store.faiss_vectors import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M
from qa.store.index import SearchIndex
from qa.store.milvus_builds import (
    create_collection,
    current_collection,
    document_frequency,
    drop_quietly,
    drop_stale,
    insert_rows,
    publish,
)
from qa.store.milvus_client import connect, milvus_errors, milvus_uri
from qa.store.milvus_lease import WriterLease
from qa.store.milvus_read import (
    CurrentBuild,
    by_document,
    check_sentence_vectors,
    model_mismatch,
    read_chunks,
    read_records,
    read_sentence_vectors,
    read_vectors,
    where,
)
from qa.store.milvus_schema import (
    BuildInfo,
    alias_name,
    build_id_of,
    build_record_rows,
    chunk_index_params,
    chunk_row,
    chunk_schema,
    chunks_name,
    meta_name,
    oversized,
    placeholder_index_params,
    records_name,
    records_schema,
    vector_index_params,
    vector_schema,
    vector_seqs,
    vectors_name,
)
from qa.store.milvus_search import MilvusBigramIndex, MilvusKeywordIndex, MilvusVectorStore
from qa.store.milvus_sentences import MilvusSentenceVectors
from qa.store.milvus_vectors import chunk_vectors, sentence_vectors, vector_rows
from qa.types import Chunk, ParsedDocument

if TYPE_CHECKING:
    from qa.embed.base import Embedder

LEASE_WAIT_SECONDS = 30.0  # an upload waits this long for another replica's write


class MilvusBackend:
    # The store, not a replica's corpus folder, holds the corpus of record: uploads
    # through any replica land here, so replicas do not compare it with their folder.
    shared = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.uri = milvus_uri(settings)
        self.prefix = settings.milvus_prefix
        self.location = f"Milvus {self.uri}, alias {alias_name(self.prefix)}"
        self._client: Any = None
        self._connect_lock = threading.Lock()

    @property
    def client(self) -> Any:
        with self._connect_lock:
            if self._client is None:
                self._client = connect(self.settings)
            return self._client

    def _where(self) -> str:
        return where(self.uri)

    # -- reading -----------------------------------------------------------------------
    def version(self) -> str:
        """The current build id ("" when there is none or Milvus cannot be asked)."""
        try:
            with milvus_errors(self.uri):
                return build_id_of(
                    self.prefix, current_collection(self.client, self.uri, self.prefix)
                )
        except Exception:
            return ""

    def open(self, *, model: str | None = None, corpus_hash: str | None = None) -> SearchIndex:
        with milvus_errors(self.uri):
            collection = current_collection(self.client, self.uri, self.prefix)
            build_id = build_id_of(self.prefix, collection)
            records = read_records(self.client, self.uri, self.prefix, build_id)
            info = records.info
            if model is not None and info.model != model:
                raise model_mismatch(self.uri, info.model, model)
            if corpus_hash is not None and info.corpus_hash != corpus_hash:
                raise IndexMismatchError(
                    f"语料文件夹中的文件在{self._where()}的索引建好之后改变了。"
                    "(The documents in the corpus folder have changed since the index in "
                    f"Milvus at {self.uri} was built.)",
                    "请运行 `python -m qa build` 更新。(Update it with `python -m qa build`.)",
                )
            chunks = read_chunks(self.client, self.uri, collection, records)
            check_sentence_vectors(self.uri, records, chunks, self.settings.sentence_vectors)
            vectors: MilvusVectorStore | MilvusSentenceVectors
            if info.sentence_vectors:
                name = vectors_name(self.prefix, build_id)
                self.client.load_collection(name)
                vectors = MilvusSentenceVectors(
                    self.client,
                    self.uri,
                    name,
                    info.store_kind,
                    HNSW_EF_SEARCH,
                    vector_seqs(chunks, records.sentence_counts),
                    by_document(chunks),
                )
            else:
                vectors = MilvusVectorStore(
                    self.client,
                    self.uri,
                    collection,
                    len(chunks),
                    info.store_kind,
                    HNSW_EF_SEARCH,
                    by_document(chunks),
                )
            keyword = MilvusKeywordIndex(
                self.client, self.uri, collection, len(chunks), records.document_frequency
            )
            bigram_index = MilvusBigramIndex(self.client, self.uri, collection, len(chunks))
        return SearchIndex(
            info=info.index_info("milvus"),
            documents=records.documents,
            chunks={c.chunk_id: c for c in chunks},
            figures=[f for doc_id in records.documents for f in records.figures[doc_id]],
            outlines=records.outlines,
            vectors=vectors,
            keyword=keyword,
            bigrams=bigram_index,
        )

    def _read_current(self, embedder: Embedder) -> CurrentBuild:
        """The published build, checked against the embedder, with its vectors."""
        collection = current_collection(self.client, self.uri, self.prefix)
        records = read_records(
            self.client, self.uri, self.prefix, build_id_of(self.prefix, collection)
        )
        if records.info.model != embedder.name or records.info.dimension != embedder.dimension:
            raise IndexMismatchError(
                f"{self._where()}中的索引是用模型 {records.info.model!r}（"
                f"{records.info.dimension} 维）建的，不能用 {embedder.name!r}（"
                f"{embedder.dimension} 维）添加或删除文件。(The index was built with the model "
                f"{records.info.model!r}, {records.info.dimension} dimensions; it cannot be "
                f"changed with {embedder.name!r}, {embedder.dimension} dimensions.)",
                "请使用相同的 QA_EMBED_MODEL/QA_ENCODER/QA_INT8_WEIGHTS，或用 `python -m qa build` 重建。"
                "(Use the same QA_EMBED_MODEL/QA_ENCODER/QA_INT8_WEIGHTS, or rebuild with `python -m qa build`.)",
            )
        chunks = read_chunks(self.client, self.uri, collection, records)
        by_doc: dict[str, list[Chunk]] = {d: [] for d in records.documents}
        for chunk in chunks:
            by_doc[chunk.doc_id].append(chunk)
        parsed = [
            ParsedDocument(
                document,
                records.outlines[doc_id],
                tuple(by_doc[doc_id]),
                records.figures[doc_id],
            )
            for doc_id, document in records.documents.items()
        ]
        sentences: dict[str, list[np.ndarray]] = {}
        if records.info.sentence_vectors:
            sentences = read_sentence_vectors(
                self.client,
                vectors_name(self.prefix, build_id_of(self.prefix, collection)),
                vector_seqs(chunks, records.sentence_counts),
            )
        return CurrentBuild(records, parsed, read_vectors(self.client, collection), sentences)

    # -- writing -----------------------------------------------------------------------
    def _lease(self) -> WriterLease:
        return WriterLease(self.client, self.uri, meta_name(self.prefix))

    def build(
        self,
        parsed: Sequence[ParsedDocument],
        embedder: Embedder,
        progress: Progress | None = None,
    ) -> BuildSummary:
        """A new build of these documents (vectors from the local embedding cache)."""
        check_new_documents([p.document for p in parsed], ())
        with milvus_errors(self.uri), self._lease().hold(LEASE_WAIT_SECONDS):
            chunks = [c for p in parsed for c in p.chunks]
            frequency = document_frequency(chunks, Counter(), progress)
            return self._write(list(parsed), embedder, {}, {}, frequency, progress)

    def add(
        self,
        parsed: Sequence[ParsedDocument],
        embedder: Embedder,
        progress: Progress | None = None,
    ) -> BuildSummary:
        """The current build plus these documents; only their chunks are embedded."""
        with milvus_errors(self.uri), self._lease().hold(LEASE_WAIT_SECONDS):
            current = self._read_current(embedder)
            check_new_documents([p.document for p in parsed], [p.document for p in current.parsed])
            added = [c for p in parsed for c in p.chunks]
            base = Counter(current.records.document_frequency)
            frequency = document_frequency(added, base, progress)
            return self._write(
                [*current.parsed, *parsed],
                embedder,
                current.vectors,
                current.sentence_vectors,
                frequency,
                progress,
            )

    def remove(
        self, doc_ids: Collection[str], embedder: Embedder, progress: Progress | None = None
    ) -> BuildSummary:
        """The current build without these documents (nothing is embedded)."""
        with milvus_errors(self.uri), self._lease().hold(LEASE_WAIT_SECONDS):
            current = self._read_current(embedder)
            unknown = set(doc_ids) - {p.document.doc_id for p in current.parsed}
            if unknown:
                raise IndexMismatchError(
                    f"索引中没有文件 {', '.join(sorted(unknown))}。"
                    f"(No document {', '.join(sorted(unknown))} in the index.)",
                    "没有做任何改动。(Nothing was changed.)",
                )
            kept = [p for p in current.parsed if p.document.doc_id not in doc_ids]
            removed = [c for p in current.parsed if p.document.doc_id in doc_ids for c in p.chunks]
            base = Counter(current.records.document_frequency)
            frequency = document_frequency(removed, base, progress, sign=-1)
            return self._write(
                kept, embedder, current.vectors, current.sentence_vectors, frequency, progress
            )

    def _write(
        self,
        parsed: list[ParsedDocument],
        embedder: Embedder,
        known: dict[str, np.ndarray],
        known_sentences: dict[str, list[np.ndarray]],
        frequency: dict[str, int],
        progress: Progress | None,
    ) -> BuildSummary:
        chunks = [c for p in parsed for c in p.chunks]
        for chunk in chunks:
            if field := oversized(chunk):
                raise DocumentError(
                    f"段落 {chunk.chunk_id} 的 {field} 超过 Milvus 的长度上限（65,535 字节）。"
                    f"(The {field} of chunk {chunk.chunk_id} exceeds Milvus' 65,535-byte limit.)",
                    "请减小 QA_CHUNK_SIZE 后重建。(Lower QA_CHUNK_SIZE and rebuild.)",
                )
        cache = EmbeddingCache(
            cache_folder(self.settings.index_dir, embedder.name), embedder.dimension
        )
        batch = self.settings.batch_size
        vectors = chunk_vectors(chunks, embedder, known, cache, batch, progress)
        sentences = (
            sentence_vectors(chunks, embedder, known_sentences, cache, batch, progress)
            if self.settings.sentence_vectors
            else {}
        )
        sentence_counts = [len(sentences.get(c.chunk_id, ())) for c in chunks]
        build_id = time.strftime("%Y%m%dT%H%M%S") + "_" + uuid.uuid4().hex[:8]
        hnsw = len(chunks) > self.settings.exact_search_limit
        info = BuildInfo(
            build_id=build_id,
            model=embedder.name,
            dimension=embedder.dimension,
            chunk_count=len(chunks),
            corpus_hash=corpus_hash([p.document for p in parsed]),
            store_kind="milvus-hnsw" if hnsw else "milvus-flat",
            code_version=__version__,
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            doc_order=[p.document.doc_id for p in parsed],
            sentence_vectors=sum(sentence_counts),
        )
        chunk_collection = chunks_name(self.prefix, build_id)
        record_collection = records_name(self.prefix, build_id)
        vector_collection = vectors_name(self.prefix, build_id)
        client = self.client
        try:
            create_collection(
                client, record_collection, records_schema(client), placeholder_index_params(client)
            )
            self._insert(
                record_collection,
                list(build_record_rows(parsed, frequency, info, sentence_counts)),
            )
            create_collection(
                client,
                chunk_collection,
                chunk_schema(client, embedder.dimension),
                chunk_index_params(client, hnsw, HNSW_M, HNSW_EF_CONSTRUCTION),
            )
            rows = (chunk_row(c, i, vectors[i]) for i, c in enumerate(chunks))
            self._insert(chunk_collection, rows, len(chunks), progress)
            written = [record_collection, chunk_collection]
            if info.sentence_vectors:
                create_collection(
                    client,
                    vector_collection,
                    vector_schema(client, embedder.dimension),
                    vector_index_params(client, hnsw, HNSW_M, HNSW_EF_CONSTRUCTION),
                )
                self._insert(vector_collection, vector_rows(chunks, vectors, sentences))
                written.append(vector_collection)
            for name in written:
                client.flush(name)
                client.load_collection(name)
            stats = client.get_collection_stats(chunk_collection)
            if int(stats.get("row_count", -1)) != len(chunks):
                raise IndexCorruptError(
                    f"新索引 {build_id} 写入了 {stats.get('row_count')} 个段落，应为 "
                    f"{len(chunks)} 个。(The new build holds {stats.get('row_count')} of "
                    f"{len(chunks)} chunks.)",
                    "之前的索引保持不变；请重试。(The previous index is unchanged; try again.)",
                )
            previous = publish(client, self.uri, self.prefix, chunk_collection)
        except BaseException:
            drop_quietly(client, [chunk_collection, record_collection, vector_collection])
            raise
        drop_stale(client, self.prefix, keep={build_id, previous})
        if progress:
            progress("write", len(chunks), max(len(chunks), 1))
        return BuildSummary(
            build_id,
            len(parsed),
            len(chunks),
            info.store_kind,
            embedder.name,
            self.location,
            vectors=len(chunks) + info.sentence_vectors,
        )

    def _insert(
        self, collection: str, rows: Any, total: int = 0, progress: Progress | None = None
    ) -> None:
        insert_rows(self.client, collection, rows, total, progress)


STORES.register("milvus", MilvusBackend)

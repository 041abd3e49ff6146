"""Reading a published Milvus build back: its records, chunks and vectors, checked.

A build is two collections (qa.store.milvus_schema); a reader that finds them
inconsistent (a killed write, another version's format) says how to rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.errors import IndexCorruptError, IndexMismatchError
from qa.ingest.chunking import expects_sentence_vectors
from qa.store.milvus_builds import read_pages
from qa.store.milvus_schema import (
    CHUNK_FIELDS,
    FORMAT_VERSION,
    StoredRecords,
    chunk_from_row,
    records_from_rows,
    records_name,
)
from qa.types import Chunk, ParsedDocument

READ_BATCH = {"chunks": 2000, "records": 100}
REBUILD = "请用 `python -m qa build --force` 重建。(Rebuild it with `python -m qa build --force`.)"


@dataclass(frozen=True)
class CurrentBuild:
    """The published build as a writer reads it back: parsed documents, vectors, df."""

    records: StoredRecords
    parsed: list[ParsedDocument]
    vectors: dict[str, np.ndarray]
    # chunk id -> its sentences' vectors, in order (empty for a build without them)
    sentence_vectors: dict[str, list[np.ndarray]]


def where(uri: str) -> str:
    return f"Milvus（{uri}）"


def read_records(client: Any, uri: str, prefix: str, build_id: str) -> StoredRecords:
    name = records_name(prefix, build_id)
    try:
        client.load_collection(name)
        rows = read_pages(
            client, name, "seq", ["kind", "key", "part", "payload"], READ_BATCH["records"]
        )
        records = records_from_rows(rows)
    except (KeyError, ValueError, TypeError) as err:
        raise IndexCorruptError(
            f"{where(uri)}中的索引 {build_id} 不完整（{err}）。"
            f"(The index {build_id} in Milvus at {uri} is incomplete: {err}.)",
            REBUILD,
        ) from None
    if records.info.format_version != FORMAT_VERSION:
        raise IndexCorruptError(
            f"{where(uri)}中的索引格式是 {records.info.format_version}，本版本读取格式 "
            f"{FORMAT_VERSION}。(The index format is {records.info.format_version}; this "
            f"version reads format {FORMAT_VERSION}.)",
            REBUILD,
        )
    return records


def read_chunks(client: Any, uri: str, collection: str, records: StoredRecords) -> list[Chunk]:
    client.load_collection(collection)
    rows = list(read_pages(client, collection, "position", CHUNK_FIELDS, READ_BATCH["chunks"]))
    rows.sort(key=lambda r: int(r["position"]))
    chunks = [chunk_from_row(r) for r in rows]
    unknown = {c.doc_id for c in chunks} - set(records.documents)
    if len(chunks) != records.info.chunk_count or unknown:
        raise IndexCorruptError(
            f"{where(uri)}中的索引不一致：{len(chunks)} 个段落，记录为 "
            f"{records.info.chunk_count} 个。(The index in Milvus at {uri} is "
            f"inconsistent: {len(chunks)} chunks, its record says "
            f"{records.info.chunk_count}.)",
            REBUILD,
        )
    return chunks


def read_vectors(client: Any, collection: str) -> dict[str, np.ndarray]:
    """Chunk id -> its vector, for a writer that copies them into the next build."""
    return {
        str(r["id"]): np.asarray(r["dense"], dtype=np.float32)
        for r in read_pages(client, collection, "position", ["id", "dense"], READ_BATCH["chunks"])
    }


def read_sentence_vectors(
    client: Any, collection: str, seqs: dict[str, tuple[int, ...]]
) -> dict[str, list[np.ndarray]]:
    """Chunk id -> its sentences' vectors in order, read from a build's vectors
    collection, for a writer that copies them into the next build."""
    client.load_collection(collection)  # a replica that never searched it has it released
    owner = {seq: (chunk_id, n) for chunk_id, row in seqs.items() for n, seq in enumerate(row)}
    found: dict[str, dict[int, np.ndarray]] = {}
    # Rows from seq = chunk count on are the sentences' (each chunk's own vector comes
    # before them and is read with the chunks).
    rows = read_pages(
        client, collection, "seq", ["seq", "dense"], READ_BATCH["chunks"], start=len(seqs)
    )
    for r in rows:
        chunk_id, n = owner.get(int(r["seq"]), ("", 0))
        if chunk_id:  # a row no chunk claims is left out; the chunk is embedded again
            found.setdefault(chunk_id, {})[n] = np.asarray(r["dense"], dtype=np.float32)
    return {c: [row[n] for n in sorted(row)] for c, row in found.items()}


def by_document(chunks: list[Chunk]) -> dict[str, list[str]]:
    """Doc id -> its chunk ids, in corpus order."""
    out: dict[str, list[str]] = {}
    for chunk in chunks:
        out.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
    return out


def check_sentence_vectors(
    uri: str, records: StoredRecords, chunks: list[Chunk], setting: bool
) -> None:
    """A build is searched the way it was built: with sentence vectors or without (a
    corpus whose chunks are all single sentences has none either way)."""
    built = records.info.sentence_vectors > 0
    wanted = expects_sentence_vectors(chunks, setting)
    if built != wanted:
        state = "on" if setting else "off"
        raise IndexMismatchError(
            f"{where(uri)}中的索引{'有' if built else '没有'}句子向量，而 "
            f"QA_SENTENCE_VECTORS 为 {state}。(The index in Milvus at {uri} was built "
            f"{'with' if built else 'without'} sentence vectors; QA_SENTENCE_VECTORS is "
            f"{state}.)",
            "请用 `python -m qa build --force` 重建，或把 QA_SENTENCE_VECTORS 改回建索引时的"
            "设置。(Rebuild it with `python -m qa build --force`, or set "
            "QA_SENTENCE_VECTORS back to what the index was built with.)",
        )


def model_mismatch(uri: str, built_with: str, wanted: str) -> IndexMismatchError:
    return IndexMismatchError(
        f"{where(uri)}中的索引是用模型 {built_with!r} 建的，当前设置用的是 {wanted!r}。"
        f"(The index in Milvus at {uri} was built with the model {built_with!r}, "
        f"but the settings use {wanted!r}.)",
        "请用 `python -m qa build` 重建，或把 QA_EMBED_MODEL（和 QA_ENCODER、QA_INT8_WEIGHTS）改回建索引时的"
        "设置。(Rebuild it with `python -m qa build`, or set QA_EMBED_MODEL (and "
        "QA_ENCODER, QA_INT8_WEIGHTS) back to what the index was built with.)",
    )

"""Reading a published Milvus build back: its records, chunks and vectors, checked.

A build is two collections (qa.store.milvus_schema); a reader that finds them
inconsistent (a killed write, another version's format) says how to rebuild.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qa.errors import IndexCorruptError
from qa.store.milvus_builds import read_pages
from qa.store.milvus_schema import (
    CHUNK_FIELDS,
    FORMAT_VERSION,
    StoredRecords,
    chunk_from_row,
    records_from_rows,
    records_name,
)
from qa.types import Chunk

READ_BATCH = {"chunks": 2000, "records": 100}
REBUILD = "请用 `python -m qa build --force` 重建。(Rebuild it with `python -m qa build --force`.)"


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


def by_document(chunks: list[Chunk]) -> dict[str, list[str]]:
    """Doc id -> its chunk ids, in corpus order."""
    out: dict[str, list[str]] = {}
    for chunk in chunks:
        out.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
    return out

"""The builds in Milvus: finding the current one, reading one page by page, creating,
filling and publishing a new one, dropping stale ones (names: qa.store.milvus_schema).

Publishing is one alias switch; everything before it writes collections no reader
looks at, so a write that fails or is killed changes nothing anyone sees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from qa.errors import IndexMissingError
from qa.store.base import Progress
from qa.store.milvus_schema import alias_name, build_id_of
from qa.tokens import tokenize
from qa.types import Chunk

INSERT_BATCH = 256


def current_collection(client: Any, uri: str, prefix: str) -> str:
    """The chunks collection the alias names; IndexMissingError when there is none."""
    alias = alias_name(prefix)
    try:
        described = client.describe_alias(alias)
    except Exception as err:
        if "not exist" in str(err) or "not found" in str(err):
            raise IndexMissingError(
                f"Milvus（{uri}）中还没有索引（别名 {alias}）。"
                f"(No index in Milvus at {uri}: the alias {alias} does not exist.)",
                "请运行 `QA_STORE=milvus python -m qa build`。"
                "(Build it with `QA_STORE=milvus python -m qa build`.)",
            ) from None
        raise
    return str(described["collection_name"])


def read_pages(
    client: Any, collection: str, order: str, fields: list[str], page: int, start: int = 0
) -> Iterator[dict]:
    """Every row from ``start`` on, a page at a time by ranges of ``order`` (0..n-1 in
    every build). (Not query_iterator: Milvus Lite lacks the timestamp call it makes
    first.)"""
    while True:
        rows = client.query(
            collection,
            filter=f"{order} >= {start} and {order} < {start + page}",
            output_fields=fields,
            limit=page,
            consistency_level="Strong",
        )
        yield from rows
        if len(rows) < page:
            return
        start += page


def create_collection(client: Any, name: str, schema: Any, index_params: Any) -> None:
    """An empty, loaded collection. Its indexes are declared before any row is in, so
    there is nothing to wait for (pymilvus would poll every 0.5 s per index)."""
    client.create_collection(name, schema=schema)
    client.create_index(name, index_params, sync=False)
    client.load_collection(name)


def insert_rows(
    client: Any,
    collection: str,
    rows: Iterable[dict],
    total: int = 0,
    progress: Progress | None = None,
) -> None:
    batch: list[dict] = []
    done = 0
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            client.insert(collection, batch)
            done += len(batch)
            batch = []
            if progress:
                progress("write", done, max(total, 1))
    if batch:
        client.insert(collection, batch)


def publish(client: Any, uri: str, prefix: str, chunk_collection: str) -> str:
    """Point the alias at the new build (the one atomic step); the previous build id."""
    alias = alias_name(prefix)
    try:
        previous = current_collection(client, uri, prefix)
    except IndexMissingError:
        client.create_alias(chunk_collection, alias)
        return ""
    client.alter_alias(chunk_collection, alias)
    return build_id_of(prefix, previous)


def drop_stale(client: Any, prefix: str, keep: set[str]) -> None:
    """Drop builds other than ``keep`` (the current and the previous one: a replica may
    still be answering from the previous build until it notices the switch), and what
    killed writes left behind."""
    try:
        names = client.list_collections()
    except Exception:
        return
    drop_quietly(client, [n for n in names if build_id_of(prefix, n) not in ("", *keep)])


def drop_quietly(client: Any, names: list[str]) -> None:
    for name in names:
        try:
            client.drop_collection(name)
        except Exception:  # best effort: the next write tries again
            continue


def document_frequency(
    chunks: Sequence[Chunk],
    base: Counter[str],
    progress: Progress | None = None,
    sign: int = 1,
) -> dict[str, int]:
    """Chunks using each qa.tokens word (for idf), ``base`` changed by these chunks."""
    if progress:
        progress("keyword", 0, 1)
    for chunk in chunks:
        for token in set(tokenize(chunk.search_text)):
            base[token] += sign
    if progress:
        progress("keyword", 1, 1)
    return {token: n for token, n in base.items() if n > 0}

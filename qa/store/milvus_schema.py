"""What the Milvus store keeps, and how domain objects become Milvus rows and back.

Every build is two collections, named after the build id, and one alias:

    {prefix}_current                       alias -> the current build's chunks collection
    {prefix}_build_{build_id}_chunks       one row per chunk (below)
    {prefix}_build_{build_id}_records      documents (metadata + text), outlines, figures,
                                           keyword document frequencies, the build info
    {prefix}_build_{build_id}_vectors      with sentence vectors (Settings.sentence_vectors):
                                           every vector, the chunks' own then their
                                           sentences', each naming its chunk
    {prefix}_meta                          the writer lease (qa.store.milvus_lease)

Chunk rows: ``id`` (the chunk id, primary key), ``doc_id``, ``position`` (corpus
order), ``section_path`` and ``section_numbers`` (JSON lists), ``span_start``,
``span_end``, ``text`` (verbatim), ``search_text`` (what was embedded), ``keyword_text``
(the simplified search form with punctuation blanked, read by the jieba analyzer),
``dense`` (the passage vector, COSINE) and ``sparse`` (BM25, filled by Milvus from
``keyword_text``), ``bigram_text`` and ``bigram_sparse`` (the same over character
bigrams, qa.store.milvus_text). Records are JSON split into parts that fit a VARCHAR;
Milvus wants a vector field in every collection, so records carry a constant 2-d
placeholder.

Vector rows: ``seq`` (primary key: the vector's place in qa.ingest.chunking.vector_texts
order, as the FAISS store labels them), ``chunk_id``, ``doc_id``, ``dense``. The
records keep each chunk's number of sentence vectors, from which a chunk's rows follow.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from qa.store.index import BuildRecord
from qa.store.milvus_text import ANALYZER, BIGRAM_ANALYZER, BM25_PARAMS, bigram_text, keyword_text
from qa.store.records import (
    chunk_from_record,
    document_from_record,
    document_to_record,
    figure_from_record,
    figure_to_record,
    section_from_record,
    section_to_record,
)
from qa.types import Chunk, Document, Figure, ParsedDocument, Section

# 1: chunks + records collections per build, switched by one alias. 2: a second BM25
# field over character bigrams (bigram_text, bigram_sparse).
FORMAT_VERSION = 2
VARCHAR_BYTES = 65535
PAYLOAD_BYTES = 60000  # one record part, safely under a VARCHAR
ID_BYTES = 1024
PLACEHOLDER = [1.0, 0.0]

CHUNK_FIELDS = [
    "id",
    "doc_id",
    "position",
    "section_path",
    "section_numbers",
    "span_start",
    "span_end",
    "text",
    "search_text",
]


# -- names ---------------------------------------------------------------------------
def alias_name(prefix: str) -> str:
    return f"{prefix}_current"


def meta_name(prefix: str) -> str:
    return f"{prefix}_meta"


def build_prefix(prefix: str) -> str:
    return f"{prefix}_build_"


def chunks_name(prefix: str, build_id: str) -> str:
    return f"{build_prefix(prefix)}{build_id}_chunks"


def records_name(prefix: str, build_id: str) -> str:
    return f"{build_prefix(prefix)}{build_id}_records"


def vectors_name(prefix: str, build_id: str) -> str:
    return f"{build_prefix(prefix)}{build_id}_vectors"


def build_id_of(prefix: str, collection: str) -> str:
    """The build id in a build collection's name ("" when it is not one)."""
    head = build_prefix(prefix)
    for tail in ("_chunks", "_records", "_vectors"):
        if collection.startswith(head) and collection.endswith(tail):
            return collection[len(head) : -len(tail)]
    return ""


# -- schemas -------------------------------------------------------------------------
def chunk_schema(client: Any, dimension: int) -> Any:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=ID_BYTES)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("position", DataType.INT64)
    schema.add_field("section_path", DataType.JSON)
    schema.add_field("section_numbers", DataType.JSON)
    schema.add_field("span_start", DataType.INT64)
    schema.add_field("span_end", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=VARCHAR_BYTES)
    schema.add_field("search_text", DataType.VARCHAR, max_length=VARCHAR_BYTES)
    schema.add_field(
        "keyword_text",
        DataType.VARCHAR,
        max_length=VARCHAR_BYTES,
        enable_analyzer=True,
        analyzer_params=ANALYZER,
    )
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field(
        "bigram_text",
        DataType.VARCHAR,
        max_length=VARCHAR_BYTES,
        enable_analyzer=True,
        analyzer_params=BIGRAM_ANALYZER,
    )
    schema.add_field("bigram_sparse", DataType.SPARSE_FLOAT_VECTOR)
    for name, source, target in (
        ("keyword_bm25", "keyword_text", "sparse"),
        ("bigram_bm25", "bigram_text", "bigram_sparse"),
    ):
        schema.add_function(
            Function(
                name=name,
                function_type=FunctionType.BM25,
                input_field_names=[source],
                output_field_names=[target],
            )
        )
    return schema


def _dense_index_params(client: Any, hnsw: bool, m: int, ef_construction: int) -> Any:
    """The ``dense`` field's index (HNSW past the exact-search limit, else FLAT; COSINE)
    and the ``doc_id`` filter's."""
    params = client.prepare_index_params()
    if hnsw:
        params.add_index(
            "dense",
            index_type="HNSW",
            metric_type="COSINE",
            params={"M": m, "efConstruction": ef_construction},
        )
    else:
        params.add_index("dense", index_type="FLAT", metric_type="COSINE")
    params.add_index("doc_id", index_type="INVERTED")
    return params


def chunk_index_params(client: Any, hnsw: bool, m: int, ef_construction: int) -> Any:
    params = _dense_index_params(client, hnsw, m, ef_construction)
    for field in ("sparse", "bigram_sparse"):
        params.add_index(
            field, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=BM25_PARAMS
        )
    return params


def vector_schema(client: Any, dimension: int) -> Any:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("seq", DataType.INT64, is_primary=True)
    schema.add_field("chunk_id", DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    return schema


def vector_index_params(client: Any, hnsw: bool, m: int, ef_construction: int) -> Any:
    return _dense_index_params(client, hnsw, m, ef_construction)


def vector_row(seq: int, chunk: Chunk, vector: Iterable[float]) -> dict[str, Any]:
    return {
        "seq": seq,
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "dense": [float(x) for x in vector],
    }


def vector_seqs(
    chunks: Sequence[Chunk], sentence_counts: Sequence[int]
) -> dict[str, tuple[int, ...]]:
    """Chunk id -> the seqs of its vector rows: its own (its corpus position), then its
    sentences' (after every chunk's own, in corpus order)."""
    if len(sentence_counts) != len(chunks):
        raise ValueError(f"{len(sentence_counts)} sentence counts for {len(chunks)} chunks")
    out: dict[str, tuple[int, ...]] = {}
    next_seq = len(chunks)
    for position, (chunk, count) in enumerate(zip(chunks, sentence_counts, strict=True)):
        out[chunk.chunk_id] = (position, *range(next_seq, next_seq + count))
        next_seq += count
    return out


def records_schema(client: Any) -> Any:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=ID_BYTES)
    schema.add_field("kind", DataType.VARCHAR, max_length=64)
    schema.add_field("key", DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("part", DataType.INT64)
    schema.add_field("seq", DataType.INT64)  # 0..n-1: pages are read by seq ranges
    schema.add_field("payload", DataType.VARCHAR, max_length=VARCHAR_BYTES)
    schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
    return schema


def placeholder_index_params(client: Any) -> Any:
    params = client.prepare_index_params()
    params.add_index("placeholder", index_type="FLAT", metric_type="L2")
    return params


# -- chunk rows ----------------------------------------------------------------------
def chunk_row(chunk: Chunk, position: int, vector: Sequence[float]) -> dict[str, Any]:
    return {
        "id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "position": position,
        "section_path": list(chunk.section_path),
        "section_numbers": list(chunk.section_numbers),
        "span_start": chunk.span[0],
        "span_end": chunk.span[1],
        "text": chunk.text,
        "search_text": chunk.search_text,
        "keyword_text": keyword_text(chunk.search_text),
        "bigram_text": bigram_text(chunk.search_text, VARCHAR_BYTES),
        "dense": [float(x) for x in vector],
    }


def chunk_from_row(row: dict[str, Any]) -> Chunk:
    return chunk_from_record(
        {
            "id": row["id"],
            "doc_id": row["doc_id"],
            "section_path": row["section_path"],
            "section_numbers": row["section_numbers"],
            "text": row["text"],
            "span": [row["span_start"], row["span_end"]],
            "search_text": row["search_text"],
        }
    )


def oversized(chunk: Chunk) -> str:
    """The field of a chunk too long for a VARCHAR ("" when it fits)."""
    for name, value in (
        ("id", chunk.chunk_id),
        ("text", chunk.text),
        ("search_text", chunk.search_text),
    ):
        limit = ID_BYTES if name == "id" else VARCHAR_BYTES
        if len(value.encode("utf-8")) > limit:
            return name
    return ""


# -- records -------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildInfo(BuildRecord):
    """The build's own record: what it was built from (the FAISS manifest's role)."""

    doc_order: list[str]
    format_version: int = FORMAT_VERSION
    # Vectors of chunks' sentences in the build's vectors collection (0: none, and no
    # such collection; a build written before they existed has none).
    sentence_vectors: int = 0


def split_payload(text: str, limit: int = PAYLOAD_BYTES) -> list[str]:
    """Pieces of ``text`` of at most ``limit`` UTF-8 bytes, cut between characters."""
    data = text.encode("utf-8")
    pieces: list[str] = []
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    return pieces or [""]


def record_rows(kind: str, key: str, value: Any) -> Iterator[dict[str, Any]]:
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for part, piece in enumerate(split_payload(payload)):
        yield {
            "id": f"{kind}:{key}:{part}",
            "kind": kind,
            "key": key,
            "part": part,
            "payload": piece,
            "placeholder": PLACEHOLDER,
        }


def build_record_rows(
    parsed: Sequence[ParsedDocument],
    document_frequency: dict[str, int],
    info: BuildInfo,
    sentence_counts: Sequence[int] = (),
) -> Iterator[dict[str, Any]]:
    def rows() -> Iterator[dict[str, Any]]:
        for p in parsed:
            doc_id = p.document.doc_id
            yield from record_rows("document", doc_id, document_to_record(p.document))
            yield from record_rows("outline", doc_id, [section_to_record(s) for s in p.sections])
            yield from record_rows("figures", doc_id, [figure_to_record(f) for f in p.figures])
        yield from record_rows("keyword_df", "", document_frequency)
        if info.sentence_vectors:
            yield from record_rows("sentence_counts", "", list(sentence_counts))
        yield from record_rows("info", "", asdict(info))

    for seq, row in enumerate(rows()):
        yield {**row, "seq": seq}


def join_records(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    """(kind, key) -> the JSON value, its parts put back together in order."""
    parts: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for row in rows:
        parts.setdefault((row["kind"], row["key"]), []).append((int(row["part"]), row["payload"]))
    out: dict[tuple[str, str], Any] = {}
    for key, pieces in parts.items():
        pieces.sort()
        if [p for p, _ in pieces] != list(range(len(pieces))):
            raise ValueError(f"record {key} has parts {[p for p, _ in pieces]}")
        out[key] = json.loads("".join(text for _, text in pieces))
    return out


@dataclass(frozen=True)
class StoredRecords:
    info: BuildInfo
    documents: dict[str, Document]  # in corpus order
    outlines: dict[str, tuple[Section, ...]]
    figures: dict[str, tuple[Figure, ...]]
    document_frequency: dict[str, int]
    sentence_counts: tuple[int, ...] = ()  # per chunk, in corpus order


def records_from_rows(rows: Iterable[dict[str, Any]]) -> StoredRecords:
    values = join_records(rows)
    raw_info = values[("info", "")]
    info = BuildInfo(**raw_info)
    documents = {
        doc_id: document_from_record(values[("document", doc_id)]) for doc_id in info.doc_order
    }
    return StoredRecords(
        info=info,
        documents=documents,
        outlines={
            doc_id: tuple(section_from_record(s) for s in values[("outline", doc_id)])
            for doc_id in info.doc_order
        },
        figures={
            doc_id: tuple(figure_from_record(f) for f in values[("figures", doc_id)])
            for doc_id in info.doc_order
        },
        document_frequency={str(k): int(v) for k, v in values[("keyword_df", "")].items()},
        sentence_counts=tuple(int(n) for n in values.get(("sentence_counts", ""), ())),
    )

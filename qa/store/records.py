"""JSON records of the domain types as the index stores them (any backend)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qa.types import Chunk, Document, Figure, Section


def chunk_to_record(chunk: Chunk) -> dict[str, Any]:
    return {
        "id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "section_path": list(chunk.section_path),
        "section_numbers": list(chunk.section_numbers),
        "text": chunk.text,
        "span": list(chunk.span),
        "search_text": chunk.search_text,
    }


def chunk_from_record(record: dict[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=record["id"],
        doc_id=record["doc_id"],
        section_path=tuple(record["section_path"]),
        section_numbers=tuple(record["section_numbers"]),
        text=record["text"],
        span=(int(record["span"][0]), int(record["span"][1])),
        search_text=record["search_text"],
    )


def figure_to_record(figure: Figure) -> dict[str, Any]:
    record = asdict(figure)
    record["section_path"] = list(figure.section_path)
    record["span"] = list(figure.span)
    return record


def figure_from_record(record: dict[str, Any]) -> Figure:
    values = dict(record)
    values["section_path"] = tuple(values["section_path"])
    values["span"] = (int(values["span"][0]), int(values["span"][1]))
    return Figure(**values)


def document_to_record(document: Document) -> dict[str, Any]:
    """Metadata and text: a replica serves 查看原文 and outlines from the index alone."""
    return asdict(document)


def document_from_record(record: dict[str, Any]) -> Document:
    record = dict(record)
    # JSON has no tuples; page fields are absent from indexes built before pages existed.
    record["page_starts"] = tuple(record.get("page_starts", ()))
    record["ocr_pages"] = tuple((int(p), float(c)) for p, c in record.get("ocr_pages", ()))
    return Document(**record)


def section_to_record(section: Section) -> dict[str, Any]:
    return {
        "level": section.level,
        "kind": section.kind,
        "number": section.number,
        "heading": section.heading,
        "span": list(section.span),
        "body_span": list(section.body_span),
        "children": [section_to_record(c) for c in section.children],
    }


def section_from_record(record: dict[str, Any]) -> Section:
    return Section(
        level=int(record["level"]),
        kind=str(record["kind"]),
        number=str(record["number"]),
        heading=str(record["heading"]),
        span=(int(record["span"][0]), int(record["span"][1])),
        body_span=(int(record["body_span"][0]), int(record["body_span"][1])),
        children=tuple(section_from_record(c) for c in record["children"]),
    )


def outline_to_record(doc_id: str, sections: tuple[Section, ...]) -> dict[str, Any]:
    return {"doc_id": doc_id, "sections": [section_to_record(s) for s in sections]}

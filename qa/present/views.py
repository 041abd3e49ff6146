"""Outline and chunk views of a parsed document for the command line and the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qa.store.records import section_to_record
from qa.types import Chunk, Document, Section


def metadata_dict(document: Document) -> dict[str, Any]:
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "issuer": document.issuer,
        "doc_number": document.doc_number,
        "date": document.date,
        "region": document.region,
        "script": document.script,
    }


def outline_to_dict(document: Document, sections: Sequence[Section]) -> dict[str, Any]:
    def node(section: Section) -> dict[str, Any]:
        return {
            "level": section.level,
            "number": section.number,
            "heading": section.heading,
            "children": [node(c) for c in section.children],
        }

    return {**metadata_dict(document), "sections": [node(s) for s in sections]}


def outline_golden_dict(document: Document, sections: Sequence[Section]) -> dict[str, Any]:
    """Everything about an outline, spans included (the golden-file form)."""
    return {**metadata_dict(document), "sections": [section_to_record(s) for s in sections]}


def chunks_to_list(chunks: Sequence[Chunk]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.chunk_id,
            "section_path": list(c.section_path),
            "text": c.text,
            "span": list(c.span),
        }
        for c in chunks
    ]


def format_outline(document: Document, sections: Sequence[Section]) -> str:
    """A readable indented tree headed by the document's metadata."""
    lines = [f"《{document.title}》"]
    facts = [
        ("issuer", document.issuer),
        ("number", document.doc_number),
        ("date", document.date),
        ("region", document.region),
        ("script", document.script),
    ]
    lines.append("  ".join(f"{k}: {v or '-'}" for k, v in facts))

    def visit(section: Section) -> None:
        start, end = section.span
        lines.append(f"{'  ' * section.level}{section.label}  [{start}-{end}, {end - start} chars]")
        for child in section.children:
            visit(child)

    for section in sections:
        visit(section)
    if not sections:
        lines.append("  (no numbered headings found)")
    return "\n".join(lines)

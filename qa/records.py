"""JSON records for the domain types: the index files and the stable CLI/API schemas."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qa.types import Answer, Chunk, Document, Figure, Passage


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
    """Document metadata without its text (the text stays in the corpus folder)."""
    record = asdict(document)
    record.pop("text")
    return record


def document_from_record(record: dict[str, Any]) -> Document:
    return Document(text="", **record)


def passage_to_record(passage: Passage) -> dict[str, Any]:
    chunk = passage.chunk
    return {
        "rank": passage.rank,
        "doc_id": chunk.doc_id,
        "doc_title": passage.doc_title,
        "region": passage.region,
        "section_path": list(chunk.section_path),
        "text": chunk.text,
        "span": list(chunk.span),
        "score": round(float(passage.score), 6),
    }


def answer_to_record(answer: Answer) -> dict[str, Any]:
    """The stable JSON schema of `python -m qa ask --json` and the app's API."""
    return {
        "question": answer.question,
        "found": answer.found,
        "answer": answer.answer,
        "passages": [passage_to_record(p) for p in answer.passages],
        "figures": [
            {
                "indicator": cited.figure.indicator,
                "value": cited.figure.value,
                "unit": cited.figure.unit,
                "comparator": cited.figure.comparator,
                "target_year": cited.figure.target_year,
                "lead_department": cited.figure.lead_department,
                "text": cited.figure.text,
                "passage_rank": cited.passage_rank,
            }
            for cited in answer.figures
        ],
        "timings_ms": {name: round(ms, 2) for name, ms in answer.timings_ms.items()},
    }

"""The stable JSON of the command line and the API (`qa ask --json`, `/ask`, `qa figures`).

Fields of the first version never change meaning; later fields are only added
(``answer_mode``, ``sentences``, ``not_found_reason``, ``table``, ``notes``,
``resolved_question``, ``also_stated``).
"""

from __future__ import annotations

from typing import Any

from qa.store.records import figure_to_record
from qa.types import Answer, AnswerSentence, CitedFigure, Document, Figure, Passage


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
        # Added with paged formats: 1-based pages of a PDF/OFD/scan ([] for text files),
        # and whether the text was recognised by OCR, with the lowest page confidence.
        "pages": list(passage.pages),
        "ocr": passage.ocr_confidence is not None,
        "ocr_confidence": passage.ocr_confidence,
    }


def cited_figure_to_record(cited: CitedFigure) -> dict[str, Any]:
    figure = cited.figure
    return {
        "indicator": figure.indicator,
        "value": figure.value,
        "unit": figure.unit,
        "comparator": figure.comparator,
        "target_year": figure.target_year,
        "lead_department": figure.lead_department,
        "text": figure.text,
        "passage_rank": cited.passage_rank,
    }


def sentence_to_record(sentence: AnswerSentence) -> dict[str, Any]:
    return {
        "text": sentence.text,
        "label": sentence.label,
        "citations": [
            {"passage_rank": c.passage_rank, "doc_id": c.doc_id, "span": list(c.span)}
            for c in sentence.citations
        ],
        "generated": sentence.generated,
        "verified": sentence.verified,
    }


def answer_to_record(answer: Answer) -> dict[str, Any]:
    """The stable JSON schema of `python -m qa ask --json` and the app's API."""
    return {
        "question": answer.question,
        "found": answer.found,
        "answer": answer.answer,
        "passages": [passage_to_record(p) for p in answer.passages],
        "figures": [cited_figure_to_record(c) for c in answer.figures],
        "timings_ms": {name: round(ms, 2) for name, ms in answer.timings_ms.items()},
        "answer_mode": answer.mode,
        "sentences": [sentence_to_record(s) for s in answer.sentences],
        "table": [cited_figure_to_record(c) for c in answer.table],
        "not_found_reason": answer.not_found_reason,
        "notes": list(answer.notes),
        "resolved_question": answer.resolved_question,
        "also_stated": [cited_figure_to_record(c) for c in answer.also_stated],
        "read_as": [{"asked": asked, "means": list(means)} for asked, means in answer.read_as],
        "answer_similarity": (None if answer.similarity is None else round(answer.similarity, 4)),
        "uncertain": answer.uncertain,
    }


def figure_row(figure: Figure, document: Document) -> dict[str, Any]:
    """One row of `python -m qa figures --json`."""
    record = figure_to_record(figure)
    del record["number"]  # the JSON interface gives the value as written
    return {**record, "doc_title": document.title, "region": document.region}

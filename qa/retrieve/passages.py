"""The passages a ranking cites: its best chunks with their document, pages and OCR
confidence, as many as the question needs."""

from __future__ import annotations

from qa.ingest.pages import ocr_confidence, span_pages
from qa.retrieve.stages import Ranking
from qa.store import SearchIndex
from qa.types import Passage

# Passages a comparison of a few documents takes from each (interleaved, so the first k
# are unchanged).
PER_DOCUMENT = 2


def citation_depth(ranking: Ranking, k: int, across_documents: bool) -> int:
    """How many ranked chunks to cite: ``k``, except that a comparison cites one passage
    per document it compares, however many, and each document's best ones when few."""
    if not across_documents:
        return k
    routed = len(ranking.routed)
    return max(k, routed * (PER_DOCUMENT if routed <= k else 1))


def cited_passages(
    index: SearchIndex, ranking: Ranking, k: int, across_documents: bool
) -> list[Passage]:
    passages = []
    depth = citation_depth(ranking, k, across_documents)
    for rank, (chunk_id, score) in enumerate(ranking.items[:depth], 1):
        chunk = index.chunks[chunk_id]
        document = index.documents[chunk.doc_id]
        pages = span_pages(document, chunk.span)
        passages.append(
            Passage(
                rank,
                chunk,
                document.title,
                document.region,
                score,
                pages=pages,
                ocr_confidence=ocr_confidence(document, pages),
            )
        )
    return passages

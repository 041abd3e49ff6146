"""The naive baseline: what a user gets from the usual recipe without any domain sense.

Fixed-size character chunks (LangChain's RecursiveCharacterTextSplitter, 500 characters,
50 overlap, default separators) over each document's full text, embedded with the same
model as the assistant, searched with an exact inner-product FAISS index. No outline (so
no section path), no keyword search, no not-found logic: its "answer" is the text of the
top passage and it always claims to have found one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.embed import Embedder
from qa.types import Chunk, Document, Passage

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50


def naive_chunks(document: Document) -> list[Chunk]:
    """The document cut into overlapping character windows, each with its exact span."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks: list[Chunk] = []
    for piece in splitter.create_documents([document.text]):
        start = int(piece.metadata["start_index"])
        end = start + len(piece.page_content)
        chunks.append(
            Chunk(
                chunk_id=f"{document.doc_id}:{start}-{end}",
                doc_id=document.doc_id,
                section_path=(),
                section_numbers=(),
                text=piece.page_content,
                span=(start, end),
                search_text=piece.page_content,
            )
        )
    return chunks


@dataclass(frozen=True)
class NaiveResult:
    passages: list[Passage]
    answer: str  # the top passage's text
    found: bool  # always True: the baseline has no way to say "not in the documents"
    latency_ms: float  # query embedding + search


class NaiveBaseline:
    def __init__(
        self, documents: Sequence[Document], embedder: Embedder, batch_size: int = 16
    ) -> None:
        self.embedder = embedder
        self.documents = {d.doc_id: d for d in documents}
        self.chunks = [chunk for document in documents for chunk in naive_chunks(document)]
        vectors = embedder.embed_passages([c.text for c in self.chunks], batch_size=batch_size)
        self._index = faiss.IndexFlatIP(embedder.dimension)
        if len(self.chunks):
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, question: str, k: int) -> NaiveResult:
        started = time.perf_counter()
        query = np.ascontiguousarray(self.embedder.embed_queries([question]), dtype=np.float32)
        depth = min(k, len(self.chunks))
        scores, ids = (
            self._index.search(query, depth) if depth else (np.zeros((1, 0)), np.zeros((1, 0)))
        )
        latency_ms = (time.perf_counter() - started) * 1000.0
        passages = []
        for rank, (chunk_index, score) in enumerate(zip(ids[0], scores[0], strict=True), 1):
            if chunk_index < 0:
                continue
            chunk = self.chunks[int(chunk_index)]
            document = self.documents[chunk.doc_id]
            passages.append(
                Passage(
                    rank=rank,
                    chunk=chunk,
                    doc_title=document.title,
                    region=document.region,
                    score=float(score),
                )
            )
        answer = passages[0].chunk.text if passages else ""
        return NaiveResult(passages=passages, answer=answer, found=True, latency_ms=latency_ms)

"""The vectors a Milvus write stores: copied from the current build where it has them,
the rest embedded through this machine's embedding cache (so a killed build resumes
without re-embedding). Pure but for the embedder and the cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.ingest.chunking import sentence_texts
from qa.store.base import Progress
from qa.store.embed_cache import EmbeddingCache, embed_chunks, embed_texts
from qa.store.milvus_schema import vector_row
from qa.types import Chunk

if TYPE_CHECKING:
    from qa.embed.base import Embedder


def chunk_vectors(
    chunks: list[Chunk],
    embedder: Embedder,
    known: dict[str, np.ndarray],
    cache: EmbeddingCache,
    batch_size: int,
    progress: Progress | None,
) -> np.ndarray:
    """Each chunk's own vector, in order."""
    missing = [c for c in chunks if c.chunk_id not in known]
    fresh = embed_chunks(missing, embedder, cache, batch_size, progress)
    if not chunks:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    vectors = {**{c.chunk_id: fresh[i] for i, c in enumerate(missing)}, **known}
    return np.stack([vectors[c.chunk_id] for c in chunks])


def sentence_vectors(
    chunks: list[Chunk],
    embedder: Embedder,
    known: dict[str, list[np.ndarray]],
    cache: EmbeddingCache,
    batch_size: int,
    progress: Progress | None,
) -> dict[str, list[np.ndarray]]:
    """Chunk id -> its sentences' vectors (qa.ingest.chunking.sentence_texts); a chunk's
    are copied when the current build has as many as it has sentences."""
    out: dict[str, list[np.ndarray]] = {}
    missing: list[tuple[Chunk, str]] = []
    for chunk in chunks:
        texts = sentence_texts(chunk)
        copied = known.get(chunk.chunk_id, [])
        if texts and len(copied) == len(texts):
            out[chunk.chunk_id] = list(copied)
        else:
            missing += [(chunk, text) for text in texts]
    if missing:
        fresh = embed_texts([text for _, text in missing], embedder, cache, batch_size, progress)
        for (chunk, _), vector in zip(missing, fresh, strict=True):
            out.setdefault(chunk.chunk_id, []).append(vector)
    return out


def vector_rows(
    chunks: list[Chunk], vectors: np.ndarray, sentences: dict[str, list[np.ndarray]]
) -> Iterator[dict[str, Any]]:
    """Every chunk's own vector at its position, then the sentences' in corpus order
    (qa.store.milvus_schema.vector_seqs)."""
    for position, chunk in enumerate(chunks):
        yield vector_row(position, chunk, vectors[position])
    seq = len(chunks)
    for chunk in chunks:
        for vector in sentences.get(chunk.chunk_id, ()):
            yield vector_row(seq, chunk, vector)
            seq += 1

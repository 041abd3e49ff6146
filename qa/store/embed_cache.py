"""Append-only cache of passage vectors, keyed by the text that was embedded.

It lets a killed build resume without re-embedding what is done, and lets an
incremental add embed only the new chunks. Two plain files per model:
``keys.txt`` (one sha1 per line) and ``vectors.f32`` (raw float32 rows). Vectors are
written before their keys, and on open both are cut back to the rows that have a
complete key line, so a crash mid-write never misaligns them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa.store import layout
from qa.store.base import Progress
from qa.types import Chunk

if TYPE_CHECKING:
    from qa.embed.base import Embedder

import numpy as np


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, folder: Path, dimension: int) -> None:
        self.folder = folder
        self.dimension = dimension
        folder.mkdir(parents=True, exist_ok=True)
        self._keys_path = folder / layout.EMBED_KEYS
        self._vectors_path = folder / layout.EMBED_VECTORS
        self._rows: dict[str, int] = {}
        self._count = 0  # rows on disk; may exceed len(_rows) if a key was added twice
        self._load()

    def _load(self) -> None:
        raw = self._keys_path.read_bytes() if self._keys_path.exists() else b""
        complete = raw[: raw.rfind(b"\n") + 1] if b"\n" in raw else b""
        keys = complete.decode("ascii", errors="replace").splitlines()
        row_bytes = 4 * self.dimension
        rows_on_disk = (
            self._vectors_path.stat().st_size // row_bytes if self._vectors_path.exists() else 0
        )
        count = min(len(keys), rows_on_disk)
        # Cut both files back to the consistent prefix before anything is appended.
        with self._keys_path.open("ab") as handle:
            handle.truncate(sum(len(k) + 1 for k in keys[:count]))
        with self._vectors_path.open("ab") as handle:
            handle.truncate(count * row_bytes)
        self._rows = {key: row for row, key in enumerate(keys[:count])}
        self._count = count

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        wanted = [(k, self._rows[k]) for k in keys if k in self._rows]
        if not wanted:
            return {}
        matrix = np.memmap(
            self._vectors_path, dtype=np.float32, mode="r", shape=(self._count, self.dimension)
        )
        return {key: np.array(matrix[row]) for key, row in wanted}

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._vectors_path.open("ab") as handle:
            handle.write(vectors.tobytes())
            handle.flush()
            os.fsync(handle.fileno())
        with self._keys_path.open("ab") as handle:
            handle.write("".join(f"{k}\n" for k in keys).encode("ascii"))
            handle.flush()
            os.fsync(handle.fileno())
        for offset, key in enumerate(keys):
            self._rows.setdefault(key, self._count + offset)
        self._count += len(keys)


EMBED_STEP = 64  # chunks per cache write: the most work a kill can lose


def cache_folder(index_dir: Path, embedder_name: str) -> Path:
    model_key = hashlib.sha1(embedder_name.encode("utf-8")).hexdigest()[:12]
    return index_dir / layout.EMBED_CACHE / model_key


def embed_chunks(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    cache: EmbeddingCache,
    batch_size: int,
    progress: Progress | None = None,
) -> np.ndarray:
    """Vectors of the chunks' search texts, taken from the cache or embedded and cached."""
    return embed_texts([c.search_text for c in chunks], embedder, cache, batch_size, progress)


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    cache: EmbeddingCache,
    batch_size: int,
    progress: Progress | None = None,
) -> np.ndarray:
    """Passage vectors of ``texts``, taken from the cache or embedded and cached; a text
    that occurs more than once (本法自公布之日起施行。) is embedded once. Progress counts
    distinct texts."""
    keys = [text_key(t) for t in texts]
    known = cache.get(keys)
    first = {key: i for i, key in reversed(list(enumerate(keys)))}
    missing = sorted(i for key, i in first.items() if key not in known)
    done = len(first) - len(missing)
    if progress:
        progress("embed", done, len(first))
    for start in range(0, len(missing), EMBED_STEP):
        step = missing[start : start + EMBED_STEP]
        vectors = embedder.embed_passages([texts[i] for i in step], batch_size=batch_size)
        step_keys = [keys[i] for i in step]
        cache.add(step_keys, vectors)
        known.update(zip(step_keys, vectors, strict=True))
        done += len(step)
        if progress:
            progress("embed", done, len(first))
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.stack([known[key] for key in keys]).astype(np.float32)

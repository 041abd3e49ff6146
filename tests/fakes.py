"""Test doubles: a model-free embedder (the real ones need the e5 weights)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from qa.textnorm import search_form


class FakeEmbedder:
    """Bag of hashed character uni- and bigrams over the search form of the text.

    Not semantic, but deterministic, fast and script-insensitive, which is what unit
    tests of indexing and fusion need.
    """

    def __init__(self, dimension: int = 64) -> None:
        self._dimension = dimension

    @property
    def name(self) -> str:
        return f"fake-ngram-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            form = search_form(text)
            grams = list(form) + [form[i : i + 2] for i in range(len(form) - 1)]
            for gram in grams:
                h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
                out[row, h % self._dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        return self._embed(texts)


# A county plan that is not in the corpus: what the upload tests add.
NEW_DOC = (
    "丙县人民政府关于推进质量强县的实施方案\n一、发展目标\n"
    "到2021年，全县茶叶产品抽检合格率达到99%以上，新增地理标志产品3个。\n"
    "二、重点工作\n(一)发展特色产业。围绕茶叶、竹木加工等特色产业，建设标准化生产基地10个。"
    "(牵头部门:县农业局)\n"
)

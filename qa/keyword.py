"""Keyword search: jieba tokens over simplified-script text, scored with BM25 (bm25s).

Tokens are produced from ``search_form`` text (NFKC, traditional to simplified, lower
case), so a traditional question matches a simplified document and vice versa.
jieba's search-mode segmentation also emits the shorter words inside long compounds
(质量强市 -> 质量, 强市, 质量强市), which helps reworded questions.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import jieba
import numpy as np

from qa.textnorm import search_form

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[\w%]+")
# Function words that carry no topic; kept tiny on purpose: BM25's idf handles the rest.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "等",
        "在",
        "是",
        "为",
        "对",
        "将",
        "要",
        "把",
        "被",
        "由",
        "从",
        "以",
        "于",
        "并",
        "或",
        "其",
        "之",
        "也",
        "都",
        "而",
        "什么",
        "哪些",
        "哪个",
        "哪",
        "多少",
        "几",
        "怎么",
        "如何",
        "吗",
        "呢",
        "吧",
        "啊",
        "有",
        "是否",
        "请问",
        "一下",
        "关于",
        "到",
        "要",
        "年",
        "月",
    ]
)


@lru_cache(maxsize=1)
def _jieba_ready() -> bool:
    jieba.initialize()
    return True


def tokenize(text: str) -> list[str]:
    _jieba_ready()
    form = search_form(text)
    tokens = [t for t in jieba.cut_for_search(form) if _WORD.fullmatch(t)]
    return [t for t in tokens if t not in STOPWORDS]


class KeywordIndex:
    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self._size = size

    @classmethod
    def build(cls, texts: Sequence[str], show_progress: bool = False) -> KeywordIndex:
        corpus_tokens = [tokenize(t) or [""] for t in texts]
        retriever = bm25s.BM25()
        retriever.index(corpus_tokens, show_progress=show_progress)
        return cls(retriever, len(texts))

    @classmethod
    def load(cls, directory: Path, size: int) -> KeywordIndex:
        retriever = bm25s.BM25.load(str(directory), show_progress=False)
        return cls(retriever, size)

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory), show_progress=False)

    @property
    def size(self) -> int:
        return self._size

    def idf(self, tokens: Sequence[str]) -> dict[str, float]:
        """BM25 idf of each token (0 for tokens the corpus never uses)."""
        vocab = self._retriever.vocab_dict
        indptr = np.asarray(self._retriever.scores["indptr"])
        out: dict[str, float] = {}
        for token in tokens:
            column = vocab.get(token)
            if column is None or column + 1 >= len(indptr):
                out[token] = 0.0
                continue
            df = float(indptr[column + 1] - indptr[column])
            out[token] = float(np.log(1.0 + (self._size - df + 0.5) / (df + 0.5)))
        return out

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no token is known)."""
        tokens = [t for t in tokenize(query) if t in self._retriever.vocab_dict]
        if not tokens:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

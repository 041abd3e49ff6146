"""Keyword tokens: jieba words over the simplified-script search form.

Tokens are produced from ``search_form`` text (NFKC, traditional to simplified, lower
case), so a traditional question matches a simplified document and vice versa.
jieba's search-mode segmentation also emits the shorter words inside long compounds
(质量强市 -> 质量, 强市, 质量强市), which helps reworded questions.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

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

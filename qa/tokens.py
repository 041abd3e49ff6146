"""Keyword tokens over the simplified-script search form: jieba words, and character
bigrams (a second keyword ranking that no segmentation choice can miss).

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
# A run of Chinese characters, or a Latin letter or digit and the letters, digits, dots
# and % after it ("42.9%", "pm2.5"; not an ellipsis's dots).
_BIGRAM_RUN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9][a-z0-9.%]*")
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


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters (a lone character as
    itself), and each run of letters and digits whole, over the search form.

    Why: jieba cuts the same words differently in a question and in a document (首负责任
    as 首 / 负责 / 任 in a question, 首负 / 责任 / 责任制 in the text) and BM25 over its words
    then misses them; pairs of characters match whatever the cut. Fused with the word
    ranking (Settings.bigram_share), measured in eval/report.md (stop 32).
    """
    pairs: list[str] = []
    for run in _BIGRAM_RUN.findall(search_form(text)):
        if len(run) == 1 or not "\u4e00" <= run[0] <= "\u9fff":
            pairs.append(run)
        else:
            pairs.extend(run[i : i + 2] for i in range(len(run) - 1))
    return pairs

"""What a question is about: its topic terms, from jieba's part-of-speech tags (pure,
cached per question form).

Topic terms are the nouns that name what is asked, without places, document names,
generic words (目标, 工作) or asking words (哪, 多少); qa.retrieve.query uses them to
route, to compare, and to tell a rewording from a topic the corpus lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import jieba.posseg

from qa.textnorm import search_form

# Words that ask rather than name (哪些地方, 怎么办, 什么样).
ASKING = re.compile(r"哪|什么|怎么|怎样|多少|多长|多久|多大|多高|几|谁|吗|是否|如何|为何|为什么")

# Part-of-speech tags (jieba) of words that name what a question is about.
_TOPIC_FLAGS = frozenset(
    ["n", "nz", "nt", "nl", "ng", "vn", "an", "eng", "nr", "ns", "l", "i", "j"]
)
# Nouns every question or policy text uses; they say nothing about the topic.
_GENERIC_TOPICS = frozenset(
    [
        "目标",
        "工作",
        "方面",
        "问题",
        "情况",
        "内容",
        "措施",
        "规定",
        "要求",
        "方案",
        "意见",
        "文件",
        "政策",
        "办法",
        "安排",
        "部门",
        "单位",
        "时候",
        "时间",
        "多少",
        "数量",
        "比例",
        "标准",
        "哪些",
        "什么",
        "方式",
        "计划",
        "行动",
        "意思",
        "部分",
        "级别",
        "质量",
    ]
)
_GOVERNMENT = re.compile(r"(人民政府|政府|特区政府|行政公署|行署)$")


@lru_cache(maxsize=4096)
def tagged_words(question_form: str) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech flag) of the question, by jieba's tagger."""
    return tuple((w.word, w.flag) for w in jieba.posseg.cut(question_form))


def _compounds(tagged: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The tagged words, with a one-character noun joined to the word before it
    (充电 + 桩 -> 充电桩, a thing the tagger splits)."""
    out: list[tuple[str, str]] = []
    for word, flag in tagged:
        if (
            out
            and len(word) == 1
            and flag in ("n", "ng", "q")
            and len(out[-1][0]) >= 2
            and out[-1][1] in ("n", "nz", "vn", "v")
        ):
            out[-1] = (out[-1][0] + word, "n")
        else:
            out.append((word, flag))
    return out


_NOUN_FLAGS = frozenset(["n", "nz", "nt", "nl", "ng", "eng", "j"])
# A fixed expression (jieba "l") ending in a complement is a verb phrase: 买回来, 完工后.
_COMPLEMENT_END = "来去后前上下里完了着过起回开到"


def _is_noun(word: str, flag: str) -> bool:
    return flag in _NOUN_FLAGS or (flag == "l" and word[-1] not in _COMPLEMENT_END)


def topic_terms(
    question: str, places: Iterable[str], titles: Iterable[str] = (), nouns_only: bool = False
) -> tuple[str, ...]:
    """The nouns that say what the question is about (no places, no document names, no
    generic or asking words)."""
    places = [p for p in places if p]
    titles = [t for t in titles if t]
    return tuple(
        dict.fromkeys(
            word
            for word, flag in _compounds(tagged_words(search_form(question)))
            if (_is_noun(word, flag) if nouns_only else flag in _TOPIC_FLAGS)
            and len(word) >= 2
            and word not in _GENERIC_TOPICS
            and not ASKING.search(word)
            and not covered(word, places)
            and not any(title in word for title in titles)
            and not _GOVERNMENT.search(word)
        )
    )


def covered(word: str, aliases: Iterable[str]) -> bool:
    """The word is one of the aliases, inside one, or holds one (厦门市 covers 厦门)."""
    return any(word in alias or alias in word for alias in aliases if alias)

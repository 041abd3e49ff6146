"""Text normalisation shared by indexing, retrieval, answers and evaluation.

Pure functions. ``search_form`` is the one canonical comparison form: NFKC (full/half
width), traditional to simplified (OpenCC t2s), lower case, no whitespace.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]"
)
_SPACES = re.compile(r"\s+")
# A term in quotation marks (“质量月”, 「三证合一」; search form keeps “” or makes them
# ASCII), within one line: asked verbatim in a question, a term of art in a document.
QUOTED_TERM = re.compile(r"[“\"「『]([^”\"」』\n]{2,30})[”\"」』]")
# Sentence ends for Chinese prose; a line break ends a sentence too because headings
# and list items sit on their own lines.
_STOPS = frozenset("。！？!?；;")
_TRAILERS = frozenset("”’」』")
_OPENERS = frozenset("(（[【〔")
_CLOSERS = frozenset(")）]】〕")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t() -> OpenCC:
    return OpenCC("s2t")


def to_simplified(text: str) -> str:
    """Traditional to simplified (OpenCC t2s).

    The official OpenCC bindings (C++) convert ~70x faster than the pure-Python
    reimplementation and gave identical output on the corpus and 300 laws, so the
    question path can afford to convert passages on every question.
    """
    return str(_t2s().convert(text)) if text else text


def to_traditional(text: str) -> str:
    return str(_s2t().convert(text)) if text else text


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def search_form(text: str) -> str:
    """Canonical comparison form: NFKC, simplified script, lower case, no whitespace."""
    # NFKC, then lower case (NFKC can produce capitals: 𝓐 -> A), then NFKC once more at
    # the end: removing a space can bring a combining mark next to a letter.
    form = to_simplified(nfkc(strip_controls(text)).lower())
    return nfkc(_SPACES.sub("", form))


def normalize_question(question: str) -> str:
    """A question as the retrieval layer sees it: NFKC, no controls, single spaces.

    The script is kept: dense retrieval matches across scripts by itself, and keyword
    search converts to simplified on its own.
    """
    text = nfkc(strip_controls(question))
    return _SPACES.sub(" ", text).strip()


def detect_script(text: str) -> str:
    """ "traditional" when t2s conversion changes a noticeable share of Han characters."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return "simplified"
    sample = "".join(han[:5000])
    changed = sum(1 for a, b in zip(sample, to_simplified(sample), strict=False) if a != b)
    return "traditional" if changed / len(sample) > 0.05 else "simplified"


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of sentences in ``text`` (shifted by ``offset``), trimmed of whitespace.

    A sentence ends at 。！？；, at a line break, or at the end of the text. A stop
    inside brackets does not end it: `(牵头部门:市发改委。责任单位:市环保局)` is one
    unit a reader cites whole.
    """
    spans: list[tuple[int, int]] = []
    start = depth = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        if char == "\n":
            _append_trimmed(text, start, i, offset, spans)
            start, depth = i + 1, 0
        elif char in _STOPS and depth == 0:
            j = i + 1
            while j < n and (text[j] in _STOPS or text[j] in _TRAILERS):
                j += 1
            _append_trimmed(text, start, j, offset, spans)
            start = i = j
            continue
        i += 1
    _append_trimmed(text, start, n, offset, spans)
    return spans


def _append_trimmed(
    text: str, start: int, end: int, offset: int, out: list[tuple[int, int]]
) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start + offset, end + offset))

"""What Milvus's analyzers read, so that its BM25 scores the tokens qa.tokens finds and
both stores rank keywords alike: jieba words (``keyword_text``) and character bigrams
(``bigram_text``)."""

from __future__ import annotations

import hashlib
import re

from qa.textnorm import search_form
from qa.tokens import STOPWORDS, bigrams

# jieba in search mode with qa.tokens' stop words: the analyzer then reads exactly the
# words qa.tokens finds (checked on 7,284 chunks of the five documents and 200 laws),
# given keyword_text below.
ANALYZER = {
    "tokenizer": {"type": "jieba", "mode": "search", "hmm": True},
    "filter": [{"type": "stop", "stop_words": sorted(STOPWORDS)}],
}
# Milvus Lite has no whitespace tokenizer (only "standard" and "jieba"), and "standard"
# cuts Chinese into single characters: each bigram is therefore written as one ASCII
# word that "standard" keeps whole (a hash of the bigram, so "42.9%" and "pm2.5" are
# one word too).
BIGRAM_ANALYZER = {"tokenizer": "standard"}
# bm25s' defaults, so both stores rank keywords alike.
BM25_PARAMS = {"bm25_k1": 1.5, "bm25_b": 0.75}
# jieba keeps a number with a decimal point whole ("42.9%", "pm2.5", "5.2"), and
# qa.tokens drops such words; everything else that is not a word character or % is
# punctuation, which jieba would emit as tokens (Milvus Lite keeps them; a server's
# "cnalphanumonly" filter would drop them): blanked, so no store depends on either.
_DOTTED_NUMBER = re.compile(r"[a-z0-9]+\.\d+%?")
_NOT_WORD = re.compile(r"[^\w%]+")


def keyword_text(text: str) -> str:
    """What the jieba analyzer reads: the search form without the words qa.tokens drops
    (jieba splits at a space as at punctuation, so the other words stay the same)."""
    return _NOT_WORD.sub(" ", _DOTTED_NUMBER.sub(" ", search_form(text))).strip()


def bigram_word(bigram: str) -> str:
    """One bigram as the ASCII word the standard analyzer reads: "b" and 12 hex digits
    of its hash (a collision among a corpus's bigrams is about 1 in 10^7)."""
    return "b" + hashlib.blake2b(bigram.encode("utf-8"), digest_size=6).hexdigest()


def bigram_text(text: str, max_bytes: int | None = None) -> str:
    """The text's bigrams (qa.tokens.bigrams) as space-separated words; cut to
    ``max_bytes`` at a word (a chunk past ~4,600 characters, far above any chunk size
    in use, would otherwise not fit a Milvus VARCHAR)."""
    words = " ".join(bigram_word(b) for b in bigrams(text))
    if max_bytes is not None and len(words) > max_bytes:
        words = words[: words.rfind(" ", 0, max_bytes + 1)].rstrip()
    return words

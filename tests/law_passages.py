"""Helpers of the not-found rule tests: a law's passage, and the reason a question is
refused when answered from given passages."""

from qa.answer.support import unsupported_reason
from qa.retrieve.query import analyse
from qa.textnorm import search_form
from qa.types import Chunk, Passage


def law_passage(title: str, text: str, rank: int = 1) -> Passage:
    """A retrieved passage of one article of the law ``title``."""
    chunk = Chunk(f"c{rank}", f"d{rank}", ("第四章",), ("第四章",), text, (0, len(text)))
    return Passage(rank, chunk, title, "", 1.0)


def refusal(question: str, *passages: Passage, corpus_extra: str = "") -> str:
    """Why ``question`` answered from the first passage is refused ("" when it is not);
    the corpus is the passages' text and ``corpus_extra``."""
    corpus = search_form("".join(p.chunk.text for p in passages) + corpus_extra)
    return unsupported_reason(
        analyse(question, []),
        list(passages),
        corpus,
        answer_text=passages[0].chunk.text,
        answer_passages=list(passages),
    )

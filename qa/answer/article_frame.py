"""A later sentence of a law article read with the article's subject.

Pure function over evidence and passages; the assistant embeds what it returns
(qa.answer.extractive).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.evidence import Evidence, in_article
from qa.retrieve.definitions import ARTICLE_LABEL
from qa.textnorm import split_sentences
from qa.types import Passage

_OPENING_CLAUSE_END = re.compile(r"[，,：:]")


def framed_by_article(evidence: Evidence, passages: Sequence[Passage]) -> str:
    """A sentence after the opening one of a law article's passage, read after the
    opening's first clause (食品检验由食品检验机构指定的检验人独立进行，检验人应当依照…):
    alone a later 款 often lacks whom or what it is about. '' for the opening itself,
    for passages of policy documents, and when the clause is under four characters."""
    passage = next((p for p in passages if p.rank == evidence.passage_rank), None)
    if passage is None or not in_article(passage.chunk):
        return ""
    chunk = passage.chunk
    spans = split_sentences(chunk.text, offset=chunk.span[0])
    if not spans or evidence.span[0] < spans[0][1]:
        return ""
    opening = chunk.text[spans[0][0] - chunk.span[0] : spans[0][1] - chunk.span[0]]
    subject = _OPENING_CLAUSE_END.split(ARTICLE_LABEL.sub("", opening.strip()))[0]
    subject = subject.rstrip("。；;")
    return f"{subject}，{evidence.text}" if len(subject) >= 4 else ""

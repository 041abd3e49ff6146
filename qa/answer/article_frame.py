"""A later sentence of a law article read with the article's subject.

Pure functions over passages and evidence; the assistant embeds what they return
(qa.answer.extractive).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qa.answer.evidence import CLAUSE_END, Evidence, in_article
from qa.retrieve.definitions import ARTICLE_LABEL
from qa.textnorm import split_sentences
from qa.types import Passage


def article_subjects(passages: Sequence[Passage]) -> dict[int, tuple[int, str]]:
    """For each passage of a law article, by rank: where its opening sentence ends (in
    the document) and the opening's first clause, the article's subject
    (食品检验由食品检验机构指定的检验人独立进行). Passages of policy documents, and those
    whose clause is under four characters (a bare 本法:), have none."""
    subjects: dict[int, tuple[int, str]] = {}
    for passage in passages:
        chunk = passage.chunk
        if not in_article(chunk):
            continue
        spans = split_sentences(chunk.text, offset=chunk.span[0])
        if not spans:
            continue
        opening = chunk.text[spans[0][0] - chunk.span[0] : spans[0][1] - chunk.span[0]]
        subject = CLAUSE_END.split(ARTICLE_LABEL.sub("", opening.strip()))[0].rstrip("。；;")
        if len(subject) >= 4:
            subjects[passage.rank] = (spans[0][1], subject)
    return subjects


def framed_by_article(evidence: Evidence, subjects: Mapping[int, tuple[int, str]]) -> str:
    """A sentence after its article's opening one, read after the article's subject
    (食品检验由…检验人独立进行，检验人应当依照…): alone a later 款 often lacks whom or what
    it is about. '' for the opening itself and for passages without a subject."""
    found = subjects.get(evidence.passage_rank)
    if found is None or evidence.span[0] < found[0]:
        return ""
    return f"{found[1]}，{evidence.text}"

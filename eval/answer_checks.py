"""Strict judgements of one answer and its citations (pure, hand-checkable).

- strict answer correct: the answer says found and
  * for a question on one document: an expected phrase lies in the answer's first
    sentence, or anywhere in an answer of at most ``SHORT_ANSWER`` characters;
  * for a comparison (several expected documents): every document's phrase lies in
    one of the answer's sentences (each is the lead sentence of one document's line).
  A system that pastes its top passages as the answer fails this rule (see the
  ``passages5`` row of the report).
- lenient answer correct (the first version's rule): any phrase anywhere in the text.
- citation correct: for each phrase found in a sentence, one of the passages that
  sentence cites contains the phrase.
- section hit@k: the expected section (markers such as 二、（四） or 第三章 第二十六条) is
  among the section paths of the top k passages from the expected document (for a
  comparison, every document's section).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eval.matching import expected_docs, normalize_for_match

SHORT_ANSWER = 150
_MARKER = re.compile(
    r"第[一二三四五六七八九十百千零〇两0-9]+[编章节条款项]"
    r"|[一二三四五六七八九十百千]+、"
    r"|[（(][一二三四五六七八九十百千0-9]+[）)]"
    r"|[0-9]+[.．、]"
    r"|[①-⑳]"
)


@dataclass(frozen=True)
class SentenceView:
    text: str
    cited_ranks: tuple[int, ...]


@dataclass(frozen=True)
class AnswerView:
    """What the judgements need of an answer, whatever produced it."""

    found: bool
    text: str
    sentences: tuple[SentenceView, ...]
    passage_texts: Mapping[int, str]  # rank -> passage text
    uncertain: bool = False  # shown with a caution to check its passages (qa.answer.caution)


@dataclass(frozen=True)
class Judgement:
    strict: bool
    lenient: bool
    citation_ok: bool | None  # None when no phrase was found in a sentence


def _in(phrase: str, text: str) -> bool:
    needle = normalize_for_match(phrase)
    return bool(needle) and needle in normalize_for_match(text)


def answer_length(view: AnswerView) -> int:
    """Characters of the answer's sentences (a comparison table is not counted)."""
    return sum(len(s.text) for s in view.sentences) if view.sentences else len(view.text)


def judge(answers: Sequence[str], doc: str, view: AnswerView) -> Judgement:
    if not answers:  # unanswerable: correct when the system says so
        return Judgement(not view.found, not view.found, None)
    lenient = view.found and any(_in(p, view.text) for p in answers)
    if not view.found:
        return Judgement(False, False, None)
    comparison = len(expected_docs(doc)) > 1
    holding: dict[str, SentenceView] = {}
    for phrase in answers:
        for sentence in view.sentences:
            if _in(phrase, sentence.text):
                holding[phrase] = sentence
                break
    if comparison:
        strict = all(p in holding for p in answers)
    else:
        first = view.sentences[0].text if view.sentences else view.text
        short = answer_length(view) <= SHORT_ANSWER
        strict = any(_in(p, first) or (short and _in(p, view.text)) for p in answers)
    citation_ok: bool | None = None
    if holding:
        citation_ok = all(
            any(_in(phrase, view.passage_texts.get(rank, "")) for rank in sentence.cited_ranks)
            for phrase, sentence in holding.items()
        )
    return Judgement(strict, lenient, citation_ok)


def section_markers(text: str) -> list[str]:
    """The outline markers in a section path, normalised: 二、（四）2. -> [二、, (四), 2.]."""
    form = normalize_for_match(text).replace("．", ".")
    # 17、 and 17. are the same level-3 marker written two ways.
    return [re.sub(r"^([0-9]+)、$", r"\1.", m.group(0)) for m in _MARKER.finditer(form)]


def _subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    it = iter(haystack)
    return all(any(h == n for h in it) for n in needle)


def section_rank(
    section: str, doc: str, retrieved: Sequence[tuple[str, tuple[str, ...]]]
) -> int | None:
    """Smallest k such that the top k passages hold every expected document's section.

    ``retrieved``: (the expected document name a passage matches, or "", its section
    markers) per passage in rank order. None when the section is never reached or none
    is given.
    """
    names = expected_docs(doc)
    wanted = [s.strip() for s in section.split("|")] if section else []
    if not wanted or len(wanted) != len(names) or not all(wanted):
        return None
    missing = {name: section_markers(part) for name, part in zip(names, wanted, strict=True)}
    if any(not markers for markers in missing.values()):
        return None
    for rank, (name, markers) in enumerate(retrieved, 1):
        target = missing.get(name)
        if target is not None:
            have = [m for part in markers for m in section_markers(part)]
            if _subsequence(target, have):
                del missing[name]
        if not missing:
            return rank
    return None

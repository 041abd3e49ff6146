"""Pure matching rules shared by the benchmark runner and the tests.

Everything is compared in one canonical form (``qa.textnorm.search_form``: NFKC,
traditional to simplified, lower case, no whitespace), so an expected phrase written in
either script, with or without the spaces some web copies put around numbers
("到 2020 年"), matches the document text.
"""

from __future__ import annotations

from qa.textnorm import search_form

# The ``doc`` of a question whose file names no document: any document may answer it.
ANY_DOCUMENT = "*"

# Several expected documents are written "厦门|阿拉善" in the Q&A file.
DOC_SEPARATOR = "|"


def normalize_for_match(text: str) -> str:
    """The canonical comparison form: NFKC + traditional-to-simplified + no whitespace."""
    return search_form(text)


def phrase_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` once both are normalised.

    An empty phrase never matches: it would make every answer look correct.
    """
    needle = normalize_for_match(phrase)
    return bool(needle) and needle in normalize_for_match(text)


def expected_docs(expected: str) -> list[str]:
    """The document names in a ``doc`` field, in order, without blanks."""
    return [part.strip() for part in expected.split(DOC_SEPARATOR) if part.strip()]


def doc_matches(expected: str, *, doc_id: str, title: str, region: str) -> bool:
    """Whether a document is one of those named by ``expected`` ("厦门", "厦门|阿拉善").

    A name matches when its normalised form is a substring of the document's normalised
    region, title or doc_id; an empty ``expected`` matches nothing, ``*`` any document
    (a question whose file names no document).
    """
    if expected.strip() == ANY_DOCUMENT:
        return True
    haystacks = [normalize_for_match(value) for value in (region, title, doc_id) if value]
    for name in expected_docs(expected):
        needle = normalize_for_match(name)
        if needle and any(needle in haystack for haystack in haystacks):
            return True
    return False


def any_phrase_in(phrases: tuple[str, ...] | list[str], text: str) -> bool:
    """Answer correctness: the answer text contains at least one expected phrase."""
    return any(phrase_in(phrase, text) for phrase in phrases)


def all_phrases_found(phrases: tuple[str, ...] | list[str], passages: list[str]) -> bool:
    """hit@k: every expected phrase occurs in at least one of the given passage texts."""
    if not phrases:
        return False
    normalised = [normalize_for_match(text) for text in passages]
    return all(
        bool(needle := normalize_for_match(phrase)) and any(needle in text for text in normalised)
        for phrase in phrases
    )

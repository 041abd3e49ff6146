"""Everyday words and the documents' words for them (thesaurus.toml).

People ask "商家不给退钱怎么办"; the law says 经营者 … 返还价款. A question's everyday
words are found in its search form (longest first, never overlapping) and each brings
the terms the documents use for it. Keyword search adds those terms to the query, the
answer scorer counts a sentence holding any of them as holding the asked word, and the
not-found rules do not call a word unknown when the corpus uses its terms.

The expansion is one-way and only adds: a question that already uses the documents'
words is searched exactly as before.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.errors import InputError
from qa.textnorm import search_form
from qa.types import Passage

DEFAULT_THESAURUS = Path(__file__).with_name("thesaurus.toml")


class ThesaurusError(InputError):
    """A thesaurus file that cannot be used; the message says which and how to fix it."""


@dataclass(frozen=True)
class Expansion:
    """One everyday word of a question and the documents' terms for it (search forms)."""

    asked: str
    means: tuple[str, ...]


@dataclass(frozen=True)
class Thesaurus:
    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (asked, means), longest first

    @classmethod
    def load(cls, path: Path = DEFAULT_THESAURUS) -> Thesaurus:
        return _load(path.resolve())

    def expand(self, question_form: str, words: Sequence[str] = ()) -> tuple[Expansion, ...]:
        """The everyday words of a question (search form), in order of mention, each
        with the terms the question does not already use. ``words``: the question's
        segmentation, when known; an everyday word inside a longer word of it is not
        that word (商户 in 个体工商户, 物业 in 物业费)."""
        taken = [False] * len(question_form)
        inside = _inside_longer_word(question_form, words)
        found: list[tuple[int, Expansion]] = []
        for asked, means in self.entries:
            start = question_form.find(asked)
            while start >= 0:
                end = start + len(asked)
                if not any(taken[start:end]) and not inside(start, end):
                    taken[start:end] = [True] * len(asked)
                    new = tuple(m for m in means if m not in question_form)
                    if new:
                        found.append((start, Expansion(asked, new)))
                    break
                start = question_form.find(asked, start + 1)
        return tuple(e for _, e in sorted(found, key=lambda pair: pair[0]))


EMPTY = Thesaurus()


def _inside_longer_word(form: str, words: Sequence[str]) -> Callable[[int, int], bool]:
    """Whether a span of ``form`` lies inside one longer word of its segmentation."""
    spans: list[tuple[int, int]] = []
    if "".join(words) == form:
        at = 0
        for word in words:
            spans.append((at, at + len(word)))
            at += len(word)

    def inside(start: int, end: int) -> bool:
        return any(s <= start and end <= e and e - s > end - start for s, e in spans)

    return inside


def load_thesaurus(setting: str) -> Thesaurus:
    """The thesaurus QA_THESAURUS names: "default" (the bundled file), "none", or a path."""
    if setting.strip().lower() in ("", "default"):
        return Thesaurus.load()
    if setting.strip().lower() in ("none", "off", "0"):
        return EMPTY
    return Thesaurus.load(Path(setting).expanduser())


def alternatives(word: str, expansions: Iterable[Expansion]) -> tuple[str, ...]:
    """``word`` and the documents' terms for it: those of every everyday word that
    overlaps it (the tokenizer may cut 修车厂 as 修车 + 厂, or join 买的东西)."""
    out = [word]
    for e in expansions:
        if word in e.asked or e.asked in word:
            out.extend(m for m in e.means if m not in out)
    return tuple(out)


def read_as_terms(
    expansions: Iterable[Expansion], passages: Iterable[Passage]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each everyday word with those of its terms that the passages use, to tell the
    reader how the question was read (商家 -> 经营者); words none of whose terms they
    use are left out."""
    cited = search_form("".join(p.chunk.text for p in passages))
    out = []
    for e in expansions:
        used = tuple(m for m in e.means if m in cited)
        if used:
            out.append((e.asked, used))
    return tuple(out)


@lru_cache(maxsize=8)
def _load(path: Path) -> Thesaurus:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ThesaurusError(
            f"thesaurus file {path} does not exist",
            "Set QA_THESAURUS to an existing file, to 'default' for the bundled one, "
            "or to 'none' to search without one.",
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ThesaurusError(
            f"thesaurus file {path} is not valid UTF-8 TOML: {exc}",
            "Fix the file (see qa/retrieve/thesaurus.toml for the layout).",
        ) from exc
    means_of: dict[str, list[str]] = {}
    for number, group in enumerate(data.get("group", []), start=1):
        asked, means = group.get("asked"), group.get("means")
        if not _words(asked) or not _words(means):
            raise ThesaurusError(
                f"thesaurus file {path}, group {number}: needs `asked` and `means`, "
                'each a list of words, e.g. asked = ["商家"] and means = ["经营者"]'
            )
        for word in asked:
            form = search_form(word).strip()
            if len(form) < 2:
                raise ThesaurusError(
                    f"thesaurus file {path}, group {number}: {word!r} is shorter than two "
                    "characters; one character is inside too many other words"
                )
            bucket = means_of.setdefault(form, [])
            bucket.extend(m for m in map(search_form, means) if m != form and m not in bucket)
    entries = tuple(
        sorted(((a, tuple(m)) for a, m in means_of.items() if m), key=lambda e: (-len(e[0]), e[0]))
    )
    return Thesaurus(entries)


def _words(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and v.strip() for v in value)
    )

"""Checking a generated answer against the passages it cites, sentence by sentence.

Pure functions. A language model's reply is split into sentences, each with the [n]
markers it carries, and a sentence is kept only if all of these hold:

1. it is written in Chinese (a reply in English is not shown);
2. it cites at least one passage that exists: markers outside 1..len(passages) are
   dropped, and a sentence left without any is removed;
3. each cited passage shares content with it: the passage holds at least half of the
   sentence's words that occur in any passage, longer words and words found in fewer
   of the passages counting more. A citation that fails is dropped (an off-by-one [2]
   for [1]); a sentence left without citations is removed;
4. every number and figure it states appears verbatim in one of its remaining cited
   passages (title, section path or text, the three things the passage card shows),
   after ``search_form`` (full/half width, traditional/simplified, spaces). Numbers
   are whole tokens (42 is not in 42.9; thousands commas are ignored); a figure (a
   number with its unit, 百分之三十, 300余家, 三年) must appear as written, so 42%
   does not pass for 42个百分点 and 五年 does not pass for 三年. The candidates are
   found with the figure extractor's own number pattern (qa.ingest.figure_rules);
5. each figure belongs to what the sentence says it measures: the figure extractor
   (qa.ingest.figures) reads the figures of the sentence and of its cited passages
   with their indicators; if another figure of those passages names the sentence's
   indicator clearly better (its indicator's character pairs cover at least 60% of
   the sentence's clause, and 20 points more than any passage figure with the stated
   value does), the figure was moved from one indicator to another (森林覆盖率 is
   42.9%, not the 42% of 建成区绿化覆盖率) and the sentence is removed.

What this does not check: the words between the figures (a sentence that names a
wrong department or adds a third item to a list passes if its passage shares enough
of its words), and a moved figure whose passage does not name the indicator clearly.
Those limits are stated in README and measured in eval/generated_report.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from qa.ingest.figure_rules import NUMBER_RE
from qa.ingest.figures import extract_figures
from qa.textnorm import detect_script, search_form, split_sentences
from qa.tokens import tokenize
from qa.types import AnswerSentence, Citation, Document, Figure, Passage

SUPPORT_THRESHOLD = 0.5
# Check 5: how well another indicator must name the sentence's clause, and by how much
# better than the indicators of the stated value, before the figure counts as moved.
ATTRIBUTION_MIN = 0.6
ATTRIBUTION_MARGIN = 0.2

# [1] [1][2] [1,2] [1、3] [1-3], in ASCII or full-width brackets, or 【1】. Two digits at
# most, so 厦府[2015]114号 is never taken for a citation.
_MARKER = re.compile(r"[\[［【]\s*(\d{1,2}(?:\s*[,，、;；\-–~]\s*\d{1,2})*)\s*[\]］】]")
_MARKERS = rf"(?:\s*{_MARKER.pattern})+"
# Markers written after the full stop (…42.9%。[1]) belong to the sentence before it.
_MARKERS_AFTER_STOP = re.compile(rf"([。！？!?；;])({_MARKERS})")
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·]\s+|\d{1,2}(?:[.．](?!\d)|[、)）])\s*|#+\s*|>\s*)")
_LEAD_IN = re.compile(r"^\s*(?:答案?|回答)\s*[:：]\s*")
_EMPHASIS = re.compile(r"\*\*|__|`")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A Chinese numeral with these is a word, not a quantity (十分重要, 一个, 一次性).
_WORDLIKE = frozenset({"一", "十分", "万分", "百分"})


@dataclass(frozen=True)
class DraftSentence:
    """A sentence of the model's reply: its text without markers and the ranks it cites."""

    text: str
    ranks: tuple[int, ...]


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one sentence."""

    draft: DraftSentence
    kept: tuple[int, ...]  # cited ranks that survived (existing, sharing content)
    problems: tuple[str, ...]  # why it is removed, in Chinese; () when it is kept
    dropped: tuple[str, ...] = ()  # citations dropped from a sentence that is kept
    unsupported: tuple[str, ...] = ()  # numbers/figures found in no cited passage
    sentence: AnswerSentence | None = None  # the verified sentence, when kept

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Verification:
    checks: tuple[SentenceCheck, ...] = field(default_factory=tuple)

    @property
    def sentences(self) -> tuple[AnswerSentence, ...]:
        return tuple(c.sentence for c in self.checks if c.sentence is not None)

    @property
    def removed(self) -> tuple[SentenceCheck, ...]:
        return tuple(c for c in self.checks if not c.ok)


# -- reading the reply ----------------------------------------------------------------


def _ranks(markers: str) -> list[int]:
    out: list[int] = []
    for found in _MARKER.finditer(markers):
        for part in re.split(r"\s*[,，、;；]\s*", found.group(1)):
            bounds = [int(n) for n in re.split(r"\s*[\-–~]\s*", part) if n]
            if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 10:
                out.extend(range(bounds[0], bounds[1] + 1))
            else:
                out.extend(bounds)
    return list(dict.fromkeys(out))


def clean_reply(reply: str) -> str:
    """The reply without reasoning blocks, Markdown emphasis and list markers."""
    text = _THINK.sub("", reply)
    text = _EMPHASIS.sub("", text)
    lines = [_LEAD_IN.sub("", _LIST_MARKER.sub("", line)) for line in text.splitlines()]
    return "\n".join(line for line in lines if line.strip())


def parse_reply(reply: str) -> list[DraftSentence]:
    """The reply's sentences with the passage ranks each cites, in order."""
    text = _MARKERS_AFTER_STOP.sub(lambda m: m.group(2).strip() + m.group(1), clean_reply(reply))
    drafts: list[DraftSentence] = []
    for start, end in split_sentences(text):
        piece = text[start:end]
        ranks = _ranks(piece)
        body = _MARKER.sub("", piece).strip()
        if not any(c.isalnum() for c in body):
            # Markers on their own (a line "[1][2]"): they belong to the sentence before.
            if drafts and ranks:
                last = drafts[-1]
                drafts[-1] = DraftSentence(
                    last.text, tuple(dict.fromkeys(last.ranks + tuple(ranks)))
                )
            continue
        drafts.append(DraftSentence(body, tuple(ranks)))
    return drafts


# -- what a sentence states -------------------------------------------------------------


def is_chinese(text: str) -> bool:
    """Mostly Han characters (a few Latin acronyms such as ISO or PM2.5 are fine)."""
    han = len(_HAN.findall(text))
    return han >= 2 and han >= 2 * len(_LATIN_WORD.findall(text))


def number_tokens(form: str) -> set[str]:
    """Arabic numbers of a search-form text, as whole tokens, thousands commas removed."""
    return set(_NUMBER_TOKEN.findall(_THOUSANDS.sub("", form)))


def stated_figures(form: str) -> list[str]:
    """Figures (numbers with their unit, Chinese percentages and quantities) as written."""
    claims: list[str] = []
    for found in NUMBER_RE.finditer(_THOUSANDS.sub("", form)):
        kind = next(k for k in ("pct", "frac", "ar", "cn") if found.group(k) is not None)
        value = found.group(kind)
        unit = found.group("unit") or ""
        if kind in ("pct", "frac"):
            claims.append(value)
        elif unit and not (kind == "cn" and (value in _WORDLIKE or value + unit in _WORDLIKE)):
            claims.append(value + (found.group("approx") or "") + unit)
    return claims


def _content_words(text: str) -> set[str]:
    return {
        t
        for t in tokenize(text)
        if len(t) >= 2 and _HAN.search(t) and not any(c.isdigit() for c in t)
    }


def passage_form(passage: Passage) -> str:
    """What a citation can be checked against: what the passage card shows."""
    chunk = passage.chunk
    return search_form(passage.doc_title + "".join(chunk.section_path) + "\n" + chunk.text)


# -- the checks -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Passages:
    """The passages as the checks need them, computed once per reply."""

    by_rank: dict[int, Passage]
    forms: dict[int, str]
    numbers: dict[int, set[str]]
    figures: dict[int, list[Figure]]

    @classmethod
    def of(cls, passages: Sequence[Passage]) -> _Passages:
        forms = {p.rank: _THOUSANDS.sub("", passage_form(p)) for p in passages}
        return cls(
            by_rank={p.rank: p for p in passages},
            forms=forms,
            numbers={rank: number_tokens(form) for rank, form in forms.items()},
            figures={p.rank: figures_in(p.chunk.text) for p in passages},
        )

    def weights(self, words: set[str]) -> dict[str, float]:
        """Words found in some passage, weighted by length and rarity among the passages."""
        n = len(self.forms)
        out = {}
        for word in words:
            df = sum(1 for form in self.forms.values() if word in form)
            if df:
                out[word] = len(word) * math.log(1 + n / df)
        return out


def support(words: dict[str, float], form: str) -> float:
    """Share of the sentence's weighted words that the passage holds."""
    total = sum(words.values())
    return sum(w for word, w in words.items() if word in form) / total if total else 0.0


def check_sentence(draft: DraftSentence, passages: _Passages) -> SentenceCheck:
    problems: list[str] = []
    dropped: list[str] = []
    if not is_chinese(draft.text):
        return SentenceCheck(draft, (), ("不是中文",))
    if not draft.ranks:
        return SentenceCheck(draft, (), ("没有标注出处",))
    existing = [r for r in draft.ranks if r in passages.by_rank]
    dropped += [f"[{r}]不存在" for r in draft.ranks if r not in passages.by_rank]
    words = passages.weights(_content_words(draft.text))
    kept = [r for r in existing if support(words, passages.forms[r]) >= SUPPORT_THRESHOLD]
    dropped += [f"[{r}]与句子内容无关" for r in existing if r not in kept]
    if not kept:
        problems.append(dropped[0] if len(dropped) == 1 else "所引段落都不支持这句话")
        return SentenceCheck(draft, (), tuple(problems), tuple(dropped))
    form = search_form(draft.text)
    cited_numbers = set().union(*(passages.numbers[r] for r in kept))
    unsupported = sorted(number_tokens(form) - cited_numbers)
    unsupported += [
        claim
        for claim in dict.fromkeys(stated_figures(form))
        if not any(claim in passages.forms[r] for r in kept)
        and not any(n in claim for n in unsupported)
    ]
    if unsupported:
        shown = "、".join(f"“{u}”" for u in unsupported)
        problems.append(f"数字{shown}不在所引段落中")
        return SentenceCheck(
            draft, tuple(kept), tuple(problems), tuple(dropped), tuple(unsupported)
        )
    moved = moved_figures(draft.text, [f for r in kept for f in passages.figures[r]])
    if moved:
        return SentenceCheck(draft, tuple(kept), tuple(moved), tuple(dropped), ())
    citations = tuple(_citation(passages.by_rank[r], words, form) for r in kept)
    sentence = AnswerSentence(text=draft.text, citations=citations, generated=True, verified=True)
    return SentenceCheck(draft, tuple(kept), (), tuple(dropped), (), sentence)


def figures_in(text: str) -> list[Figure]:
    """The figure extractor's figures of a piece of text (a sentence or a passage)."""
    script = detect_script(text)
    document = Document("text", "", text, "", "", "", "", "", script, "")  # type: ignore[arg-type]
    return extract_figures(document)


def _figure_key(figure: Figure) -> tuple[str, str]:
    return search_form(figure.value), figure.unit


def _pairs(text: str) -> set[str]:
    form = "".join(c for c in search_form(text) if _HAN.match(c) or c.isalpha())
    return {form[i : i + 2] for i in range(len(form) - 1)}


def names(indicator: str, clause: str) -> float:
    """Share of the indicator's character pairs found in the clause (0 for short ones)."""
    pairs = _pairs(indicator)
    return len(pairs & _pairs(clause)) / len(pairs) if len(pairs) >= 3 else 0.0


def moved_figures(sentence: str, cited: Sequence[Figure]) -> list[str]:
    """Figures of ``sentence`` that the cited passages give for another indicator."""
    problems = []
    for stated in figures_in(sentence):
        key = _figure_key(stated)
        same = [f for f in cited if _figure_key(f) == key]
        if not same:
            continue  # the verbatim check (4) has the last word on figures it cannot pair
        best_same = max(names(f.indicator, stated.text) for f in same)
        others = [(names(f.indicator, stated.text), f) for f in cited if _figure_key(f) != key]
        if not others:
            continue
        score, other = max(others, key=lambda pair: pair[0])
        if score >= ATTRIBUTION_MIN and score - best_same >= ATTRIBUTION_MARGIN - 1e-9:
            problems.append(
                f"所引段落中“{other.indicator}”是{other.value}{other.unit}，"
                f"不是{stated.value}{stated.unit}"
            )
    return problems


def _citation(passage: Passage, words: dict[str, float], form: str) -> Citation:
    """The passage's sentence this one rests on (most figures, then most words)."""
    chunk = passage.chunk
    figures = stated_figures(form)
    best, best_key = chunk.span, (-1, -1.0)
    for start, end in split_sentences(chunk.text, offset=chunk.span[0]):
        source = search_form(chunk.text[start - chunk.span[0] : end - chunk.span[0]])
        key = (sum(1 for f in figures if f in source), support(words, source))
        if key > best_key:
            best, best_key = (start, end), key
    return Citation(passage.rank, chunk.doc_id, best)


def verify_reply(reply: str, passages: Sequence[Passage]) -> Verification:
    """Every sentence of ``reply`` checked against ``passages`` (numbered by rank)."""
    prepared = _Passages.of(passages)
    return Verification(tuple(check_sentence(d, prepared) for d in parse_reply(reply)))

"""Compare a document parsed from another format with the same document from .txt.

Used by tests/test_format_invariance.py and eval/formats_bench.py. What must match:
the outline (headings and how many sections each level has), the chunk texts with
whitespace ignored, and the figures (indicator, value, unit, comparator, target year,
lead department and the stating clause, whitespace ignored). For OCR the character
error rate of the whole text is measured as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from qa.types import Figure, ParsedDocument, Section

_WHITESPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


def unify_width(text: str) -> str:
    """Full- and half-width forms as one (NFKC): OCR reads "，" where a file has ","."""
    return unicodedata.normalize("NFKC", text)


def outline_rows(sections: tuple[Section, ...]) -> list[tuple[int, str]]:
    rows: list[tuple[int, str]] = []

    def walk(nodes: tuple[Section, ...]) -> None:
        for node in nodes:
            rows.append((node.level, squeeze(node.label)))
            walk(node.children)

    walk(sections)
    return rows


def level_counts(sections: tuple[Section, ...]) -> dict[int, int]:
    return dict(sorted(Counter(level for level, _ in outline_rows(sections)).items()))


def figure_key(figure: Figure) -> tuple[object, ...]:
    return (
        squeeze(figure.indicator),
        figure.value,
        figure.unit,
        figure.comparator,
        figure.target_year,
        squeeze(figure.lead_department),
        squeeze(figure.text),
    )


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (two rows; texts here are a few thousand characters)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Edits per reference character, whitespace ignored on both sides."""
    ref, hyp = squeeze(reference), squeeze(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))


@dataclass(frozen=True)
class Comparison:
    outline_same: bool
    levels_reference: dict[int, int]
    levels_other: dict[int, int]
    headings_differing: int
    chunks_reference: int
    chunks_other: int
    chunks_same: int  # chunk texts equal (whitespace ignored), matched in order
    figures_reference: int
    figures_same: int  # reference figures found identically in the other
    figures_extra: int  # figures only in the other
    differences: list[str] = field(default_factory=list)

    @property
    def chunks_identical(self) -> bool:
        return self.chunks_reference == self.chunks_other == self.chunks_same

    @property
    def figures_identical(self) -> bool:
        return self.figures_same == self.figures_reference and self.figures_extra == 0

    @property
    def figure_share(self) -> float:
        return self.figures_same / self.figures_reference if self.figures_reference else 1.0


def compare(
    reference: ParsedDocument, other: ParsedDocument, *, width_insensitive: bool = False
) -> Comparison:
    """``width_insensitive`` compares headings, chunks and figure clauses after NFKC, for
    OCR, which cannot see whether a comma was typed full- or half-width."""
    form = unify_width if width_insensitive else (lambda text: text)

    def rows_of(parsed: ParsedDocument) -> list[tuple[int, str]]:
        return [(level, form(label)) for level, label in outline_rows(parsed.sections)]

    def figure_keys(parsed: ParsedDocument) -> Counter[tuple[object, ...]]:
        return Counter(
            tuple(form(v) if isinstance(v, str) else v for v in figure_key(f))
            for f in parsed.figures
        )

    ref_rows, other_rows = rows_of(reference), rows_of(other)
    differences = [
        f"heading: {a!r} vs {b!r}" for a, b in zip(ref_rows, other_rows, strict=False) if a != b
    ]
    if len(ref_rows) != len(other_rows):
        differences.append(f"outline: {len(ref_rows)} vs {len(other_rows)} sections")
    ref_chunks = [form(squeeze(c.text)) for c in reference.chunks]
    other_chunks = [form(squeeze(c.text)) for c in other.chunks]
    same_chunks = sum(a == b for a, b in zip(ref_chunks, other_chunks, strict=False))
    for a, b in zip(ref_chunks, other_chunks, strict=False):
        if a != b:
            differences.append(f"chunk: {a[:40]!r}… vs {b[:40]!r}…")
            break
    ref_figures, other_figures = figure_keys(reference), figure_keys(other)
    same_figures = sum((ref_figures & other_figures).values())
    for key in list((ref_figures - other_figures).elements())[:3]:
        differences.append(f"figure missing: {key[:3]}")
    return Comparison(
        outline_same=ref_rows == other_rows,
        levels_reference=level_counts(reference.sections),
        levels_other=level_counts(other.sections),
        headings_differing=sum(a != b for a, b in zip(ref_rows, other_rows, strict=False))
        + abs(len(ref_rows) - len(other_rows)),
        chunks_reference=len(ref_chunks),
        chunks_other=len(other_chunks),
        chunks_same=same_chunks,
        figures_reference=len(reference.figures),
        figures_same=same_figures,
        figures_extra=sum((other_figures - ref_figures).values()),
        differences=differences,
    )

"""The main format test: each corpus document rendered as a 公文 PDF, an OFD, a saved web
page and a scan parses to the same outline, chunks and figures as its .txt.

Text PDF, OFD and HTML must be identical (chunks compared with whitespace ignored).
Scans (OCR) are slow: one document's pages run in the slow group and must keep the
outline identical and at least 95% of figures; eval/formats_bench.py runs all five
and reports the character error rate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.format_invariance import character_error_rate, compare
from eval.render_formats import render_all
from qa.config import PROJECT_ROOT, Settings
from qa.ingest.parse import load_document, parse
from qa.ingest.readers.progress import reading_progress
from qa.types import ParsedDocument

CORPUS = sorted((PROJECT_ROOT / "corpus").glob("*.txt"))
SETTINGS = Settings()


def parsed(path: Path) -> ParsedDocument:
    return parse(load_document(path, {}), SETTINGS)


@pytest.fixture(scope="module")
def renderings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("invariance")
    return {p.stem: render_all(p, folder / p.stem, ("pdf", "ofd", "html")) for p in CORPUS}


def test_the_corpus_has_the_five_documents() -> None:
    assert len(CORPUS) == 5


@pytest.mark.parametrize("fmt", ["pdf", "ofd", "html"])
@pytest.mark.parametrize("source", CORPUS, ids=lambda p: p.stem.split("-")[0])
def test_format_parses_like_the_text_file(
    renderings: dict[str, dict[str, Path]], source: Path, fmt: str
) -> None:
    reference = parsed(source)
    other = parsed(renderings[source.stem][fmt])
    result = compare(reference, other)
    assert result.outline_same, result.differences
    assert result.levels_other == result.levels_reference
    assert result.chunks_identical, result.differences
    assert result.figures_identical, result.differences
    # The metadata a citation shows comes through too.
    for field in ("title", "doc_number", "date", "region", "script"):
        assert getattr(other.document, field) == getattr(reference.document, field), field
    if fmt != "html":
        assert len(other.document.page_starts) >= 2


@pytest.mark.slow
def test_scanned_pdf_keeps_the_outline_and_figures(tmp_path: Path) -> None:
    source = PROJECT_ROOT / "corpus" / "fujian-quality-strong-province-targets-2015.txt"
    scan = render_all(source, tmp_path, ("scan",))["scan"]
    seen: list[tuple[int, int]] = []
    with reading_progress(lambda done, total, what: seen.append((done, total))):
        other = parsed(scan)
    reference = parsed(source)
    pages = len(other.document.page_starts)
    assert seen == [(n, pages) for n in range(1, pages + 1)]  # one report per OCR'd page
    assert [p for p, _ in other.document.ocr_pages] == list(range(1, pages + 1))
    assert all(0.8 < c <= 1.0 for _, c in other.document.ocr_pages)
    result = compare(reference, other)
    assert result.outline_same, result.differences
    # OCR cannot tell a half-width comma from a full-width one; figures are compared
    # with the two forms unified (eval/formats_report.md gives both counts).
    assert compare(reference, other, width_insensitive=True).figure_share >= 0.95
    assert character_error_rate(reference.document.text, other.document.text) < 0.05

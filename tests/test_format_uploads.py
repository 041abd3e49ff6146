"""Uploads of paged formats leave nothing behind when refused; indexed ones carry their
pages into passages, cards, the index records and the 查看原文 view."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import DocumentError
from qa.ingest.pages import span_pages
from qa.ingest.uploads import commit_upload, staged_upload
from qa.present.document_view import passage_view_html
from qa.present.records import answer_to_record
from tests.conftest import index_folder
from tests.fakes import FakeEmbedder
from tests.formats_support import CHINESE, pdf_with_page_tree


@pytest.fixture
def home(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "city-a.txt").write_text(
        "甲市质量工作意见\n一、总体目标\n到2020年,全市产品质量监督抽查合格率达到95%以上。\n",
        encoding="utf-8",
    )
    return index_folder(corpus, tmp_path / "index")


def _snapshot(settings: Settings) -> tuple[list[tuple[str, str]], bytes]:
    files = sorted(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in settings.corpus_dir.iterdir()
    )
    return files, (settings.index_dir / "manifest.json").read_bytes()


@pytest.mark.parametrize("kind", ["locked", "corrupt", "huge", "bomb"])
def test_refused_uploads_leave_corpus_and_index_as_they_were(
    home: Settings, rendered: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    if kind == "locked":
        upload = rendered["locked"]
    elif kind == "corrupt":
        upload = tmp_path / "corrupt.pdf"
        upload.write_bytes(rendered["pdf"].read_bytes()[:900])
    elif kind == "huge":
        upload = tmp_path / "huge.pdf"
        upload.write_bytes(pdf_with_page_tree(100_000, 1))
    else:
        upload = tmp_path / "bomb.ofd"
        with zipfile.ZipFile(upload, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("OFD.xml", b"<OFD/>")
            archive.writestr("big.xml", b"\0" * (60 * 1024 * 1024))
    assistant = Assistant(home, FakeEmbedder())
    before = _snapshot(home)
    with (
        pytest.raises(DocumentError) as caught,
        staged_upload(upload, upload.name, home, assistant.documents),
    ):
        pass
    assert CHINESE.search(str(caught.value))
    assert _snapshot(home) == before


@pytest.mark.parametrize("fmt", ["pdf", "ofd", "html"])
def test_upload_of_each_format_is_indexed_with_pages(
    home: Settings, rendered: dict[str, Path], fmt: str
) -> None:
    assistant = Assistant(home, FakeEmbedder())
    with staged_upload(rendered[fmt], rendered[fmt].name, home, assistant.documents) as staged:
        document = commit_upload(staged, home.corpus_dir, assistant.add_document)
    assert (home.corpus_dir / rendered[fmt].name).exists()
    answer = assistant.ask("丙县绿色建筑占新建建筑比例达到多少?", k=3, doc_filter=document.doc_id)
    record = answer_to_record(answer)
    passage = record["passages"][0]
    assert passage["doc_id"] == document.doc_id and "70%" in passage["text"]
    assert passage["ocr"] is False and passage["ocr_confidence"] is None
    if fmt == "html":
        assert passage["pages"] == []
    else:
        start = document.page_starts
        assert passage["pages"] and all(1 <= p <= len(start) for p in passage["pages"])
        first = passage["pages"][0]
        assert start[first - 1] <= passage["span"][0]


def test_text_passages_have_no_pages(home: Settings) -> None:
    record = answer_to_record(Assistant(home, FakeEmbedder()).ask("合格率达到多少?", k=1))
    assert record["passages"][0]["pages"] == [] and record["passages"][0]["ocr"] is False


def test_source_view_shows_the_cited_passage_with_its_page(
    home: Settings, rendered: dict[str, Path], tmp_path: Path
) -> None:
    """查看原文 of a PDF passage: the document with the passage marked and its page."""
    from dataclasses import replace

    shutil.copy(rendered["pdf"], home.corpus_dir / "sample.pdf")
    assistant = Assistant(index_folder(home.corpus_dir, home.index_dir), FakeEmbedder())
    index = assistant.index
    chunk = next(c for c in index.chunks.values() if "绿色建筑占新建建筑比例" in c.text)
    document = index.documents[chunk.doc_id]
    sections = index.outlines[chunk.doc_id]
    html = passage_view_html(document, sections, chunk.span)
    pages = span_pages(document, chunk.span)
    assert pages and all(document.page_starts[p - 1] <= chunk.span[1] for p in pages)
    assert f"第{pages[0]}" in html and f"共 {len(document.page_starts)} 页" in html
    assert 'class="qa-passage"' in html and "OCR" not in html
    scanned = replace(document, ocr_pages=tuple((p, 0.93) for p in pages))
    assert "OCR" in passage_view_html(scanned, sections, chunk.span)


def test_page_fields_survive_the_index_records() -> None:
    import json
    from dataclasses import replace

    from qa.store.records import document_from_record, document_to_record
    from tests.conftest import make_document

    document = replace(
        make_document("甲\n乙\n丙"), page_starts=(0, 2, 4), ocr_pages=((2, 0.97), (3, 0.91))
    )
    record = json.loads(json.dumps(document_to_record(document)))
    assert document_from_record(record) == document
    del record["page_starts"], record["ocr_pages"]  # an index built before pages existed
    old = document_from_record(record)
    assert old.page_starts == () and old.ocr_pages == ()


def test_a_card_names_its_pages_and_ocr(home: Settings) -> None:
    from dataclasses import replace

    from qa.present.conversation import card_html

    answer = Assistant(home, FakeEmbedder()).ask("合格率达到多少?", k=1)
    passage = answer.passages[0]
    assert "qa-page" not in card_html(1, answer, passage, True)
    scanned = replace(passage, pages=(3, 4), ocr_confidence=0.93)
    card = card_html(1, answer, scanned, True)
    assert "第3–4页" in card and "OCR 识别" in card and "0.93" in card

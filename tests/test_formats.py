"""Reading PDF, OFD, web pages; refusing what cannot be read, in Chinese, changing nothing."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from eval.render_formats import write_html, write_ofd, write_text_pdf
from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import DocumentError, InputError
from qa.ingest.parse import parse_file
from qa.ingest.readers import format_for, read_file, readable_suffixes
from qa.ingest.readers.pdf import MAX_PAGES
from qa.ingest.uploads import commit_upload, staged_upload
from qa.present.records import answer_to_record
from qa.present.source import source_view, source_view_for_chunk, source_view_html
from tests.conftest import index_folder
from tests.fakes import FakeEmbedder
from tests.formats_support import SAMPLE, pdf_with_page_tree, rewrite_zip

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rendered")
    return {
        "pdf": write_text_pdf(SAMPLE, folder / "sample.pdf"),
        "ofd": write_ofd(SAMPLE, folder / "sample.ofd"),
        "html": write_html(SAMPLE, folder / "sample.html"),
        "locked": write_text_pdf(SAMPLE, folder / "locked.pdf", password="1234"),
    }


def refused(path: Path, *, check: bool = True) -> str:
    """The Chinese message a file is refused with, by its check and by reading."""
    with pytest.raises(DocumentError) as read_error:
        read_file(path)
    message = str(read_error.value)
    assert CHINESE.search(message), message
    if check:
        with pytest.raises(DocumentError):
            format_for(path.name).check(path)
    return message


# -- what is read ---------------------------------------------------------------------


def test_every_new_format_is_registered() -> None:
    for suffix in (
        ".pdf",
        ".ofd",
        ".html",
        ".htm",
        ".mhtml",
        ".png",
        ".jpg",
        ".jpeg",
        ".tif",
        ".tiff",
    ):
        assert suffix in readable_suffixes()


def test_text_pdf_reads_paragraphs_without_page_furniture(rendered: dict[str, Path]) -> None:
    result = read_file(rendered["pdf"])
    lines = result.text.split("\n")
    expected = [line for line in SAMPLE.split("\n") if line.strip()]
    assert lines == expected  # wrapped lines rejoined; header and "— n —" gone
    assert len(result.page_starts) >= 3 and result.ocr_pages == ()


def test_page_starts_point_at_each_pages_own_text(rendered: dict[str, Path]) -> None:
    import pypdfium2 as pdfium

    result = read_file(rendered["pdf"])
    pdf = pdfium.PdfDocument(str(rendered["pdf"]))
    try:
        for number, start in enumerate(result.page_starts):
            page = pdf[number]
            raw = re.sub(r"\s", "", page.get_textpage().get_text_range())
            page.close()
            head = re.sub(r"\s", "", result.text[start : start + 12])
            assert head and head in raw, (number + 1, head)
    finally:
        pdf.close()


def test_ofd_reads_like_the_pdf(rendered: dict[str, Path]) -> None:
    pdf, ofd = read_file(rendered["pdf"]), read_file(rendered["ofd"])
    assert ofd.text == pdf.text and ofd.page_starts == pdf.page_starts


def test_web_page_keeps_the_article_and_drops_the_site(rendered: dict[str, Path]) -> None:
    text = read_file(rendered["html"]).text
    assert text.split("\n")[0] == SAMPLE.split("\n")[0]  # the <h1> title, put back
    for chrome in ("政务公开", "网站标识码", "当前位置", "热点专题", "分享到", "_hmt"):
        assert chrome not in text, chrome
    parsed = parse_file(rendered["html"], Settings(), overrides={})
    assert [s.label for s in parsed.sections] == ["一、总体目标", "二、重点任务", "三、保障措施"]


def test_mhtml_reads_the_html_part(rendered: dict[str, Path], tmp_path: Path) -> None:
    import quopri

    page = rendered["html"].read_bytes()
    body = quopri.encodestring(page).decode("ascii")
    message = (
        "From: <Saved by Blink>\r\nSubject: page\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html\r\nContent-ID: <frame-1>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: http://example.invalid/a.html\r\n\r\n"
        f"{body}\r\n------B\r\nContent-Type: text/css\r\n\r\nbody{{}}\r\n------B--\r\n"
    )
    path = tmp_path / "saved.mhtml"
    path.write_bytes(message.encode("ascii"))
    assert read_file(path).text == read_file(rendered["html"]).text


def test_gbk_web_page_is_decoded_by_its_declared_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="gb2312"></head><body><h1>丁市质量工作要点</h1>'
    page += "".join(f"<p>一、第{n}项工作要点,全年完成检验检测{n}万批次。</p>" for n in range(1, 8))
    path = tmp_path / "gbk.htm"
    path.write_bytes(page.encode("gb18030"))
    assert "全年完成检验检测3万批次" in read_file(path).text


# -- what is refused, and how -----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_and_wps_are_refused_with_what_to_do(suffix: str) -> None:
    with pytest.raises(DocumentError) as caught:
        format_for(f"通知{suffix}")
    message = str(caught.value)
    assert ".docx" in message and "PDF" in message and "另存为" in message


def test_password_protected_pdf_is_refused(rendered: dict[str, Path]) -> None:
    assert "密码" in refused(rendered["locked"])


def test_corrupt_pdf_is_refused(rendered: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(rendered["pdf"].read_bytes()[:900])
    assert "PDF" in refused(broken)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes("这不是PDF".encode())
    assert "不是 PDF" in refused(fake)


def test_pdf_without_pages_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(pdf_with_page_tree(0, 0))
    assert "页面" in refused(path)


def test_pdf_declaring_100000_pages_is_refused_from_its_page_tree(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(pdf_with_page_tree(100_000, 1))  # 315 bytes; no page is ever loaded
    message = refused(path)
    assert "100000 页" in message and f"上限 {MAX_PAGES} 页" in message


def test_ofd_without_a_document_root_or_pages_is_refused(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    no_root = rewrite_zip(
        rendered["ofd"],
        tmp_path / "noroot.ofd",
        {"OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody/></ofd:OFD>'},
    )
    assert "DocRoot" in refused(no_root, check=False)
    with zipfile.ZipFile(rendered["ofd"]) as archive:
        document = archive.read("Doc_0/Document.xml")
    empty = re.sub(rb"<ofd:Pages>.*</ofd:Pages>", b"<ofd:Pages/>", document)
    no_pages = rewrite_zip(rendered["ofd"], tmp_path / "nopages.ofd", {"Doc_0/Document.xml": empty})
    assert "没有任何页面" in refused(no_pages, check=False)


def test_encrypted_ofd_is_refused(rendered: dict[str, Path], tmp_path: Path) -> None:
    locked = rewrite_zip(
        rendered["ofd"], tmp_path / "locked.ofd", {"Encryptions.xml": b"<Encryptions/>"}
    )
    assert "加密" in refused(locked, check=False)


def test_ofd_zip_bomb_is_refused_before_decompressing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ofd"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", b"<OFD/>")
        archive.writestr("Doc_0/Pages/Page_0/Content.xml", b"\0" * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    assert "安全上限" in refused(path)


def test_ofd_xml_entities_are_not_expanded(rendered: dict[str, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(rendered["ofd"]) as archive:
        page = archive.read("Doc_0/Pages/Page_0/Content.xml").decode("utf-8")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    page = laughs + page.split("?>", 1)[1].replace("丙县人民政府关于", "&c;", 1)
    path = rewrite_zip(
        rendered["ofd"],
        tmp_path / "entities.ofd",
        {"Doc_0/Pages/Page_0/Content.xml": page.encode()},
    )
    try:
        text = read_file(path).text
    except DocumentError as err:  # refusing the file is as safe as not expanding
        assert CHINESE.search(str(err))
        return
    assert "哈哈" not in text


def test_not_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"%PDF-1.4 binary")
    assert "不是网页" in refused(path)


# -- uploads and citations ------------------------------------------------------------


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


def test_source_view_shows_the_cited_passage_in_its_section_and_page(
    home: Settings, rendered: dict[str, Path], tmp_path: Path
) -> None:
    shutil.copy(rendered["pdf"], home.corpus_dir / "sample.pdf")
    assistant = Assistant(index_folder(home.corpus_dir, home.index_dir), FakeEmbedder())
    index = assistant.index
    chunk = next(c for c in index.chunks.values() if "绿色建筑占新建建筑比例" in c.text)
    view = source_view_for_chunk(index, chunk.chunk_id)
    document = index.documents[chunk.doc_id]
    assert view.cited == chunk.text == document.text[view.span[0] : view.span[1]]
    assert view.before + view.cited + view.after == document.text[slice(*view.context_span)]
    assert view.section_path == chunk.section_path
    assert view.pages and view.page_count == len(document.page_starts)
    assert all(document.page_starts[p - 1] <= view.span[1] for p in view.pages)
    html = source_view_html(view)
    assert f"第{view.pages[0]}" in html and "<mark>" in html and "OCR" not in html
    # A span inside the chunk (a cited sentence) gives the same section.
    inner = (chunk.span[0] + 5, chunk.span[0] + 20)
    assert source_view(index, chunk.doc_id, inner).section_path == view.section_path
    with pytest.raises(InputError) as caught:
        source_view(index, chunk.doc_id, (0, len(document.text) + 10))
    assert "不在文件" in str(caught.value)


# -- images -----------------------------------------------------------------------------


def test_images_that_cannot_be_pages_are_refused_before_decoding(tmp_path: Path) -> None:
    from PIL import Image

    huge = tmp_path / "huge.png"
    Image.new("1", (8000, 6000), 1).save(huge)  # 48 Mpx of white, a few kB
    assert "图片太大" in refused(huge)
    tiny = tmp_path / "tiny.jpg"
    Image.new("L", (120, 80), 255).save(tiny)
    assert "图片太小" in refused(tiny)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert "图片" in refused(broken)


@pytest.mark.slow
def test_a_two_page_tiff_is_read_by_ocr_page_by_page(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(rendered["pdf"]))
    try:
        images = [pdf[i].render(scale=150 / 72).to_pil().convert("L") for i in range(2)]
    finally:
        pdf.close()
    tiff = tmp_path / "scan.tif"
    images[0].save(tiff, save_all=True, append_images=images[1:], compression="tiff_lzw")
    result = read_file(tiff)
    assert [page for page, _ in result.ocr_pages] == [1, 2]
    assert all(c > 0.9 for _, c in result.ocr_pages)
    lines = result.text.split("\n")
    assert lines[0] == SAMPLE.split("\n")[0]
    assert "一、总体目标" in lines and "二、重点任务" in lines
    text_pdf = read_file(rendered["pdf"])
    # Page 2 of the scan starts with the same words as page 2 of the text PDF.
    start = text_pdf.text[text_pdf.page_starts[1] :][:6]
    assert result.text[result.page_starts[1] :].startswith(start)


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

    from qa.present.html import passage_card

    passage = Assistant(home, FakeEmbedder()).ask("合格率达到多少?", k=1).passages[0]
    assert "qa-page" not in passage_card(passage, [], [])
    scanned = replace(passage, pages=(3, 4), ocr_confidence=0.93)
    card = passage_card(scanned, [], [])
    assert "第3–4页" in card and "OCR 识别" in card and "0.93" in card


@pytest.mark.slow
def test_an_ofd_made_of_page_images_is_read_by_ocr(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    from eval.render_formats import write_image_ofd

    scan = write_image_ofd(rendered["pdf"], tmp_path / "scan.ofd", pages=2)
    result = read_file(scan)
    assert [page for page, _ in result.ocr_pages] == [1, 2]
    assert all(c > 0.9 for _, c in result.ocr_pages)
    lines = result.text.split("\n")
    # The running header repeats on both pages and is dropped, as in a text PDF.
    assert lines[0] == SAMPLE.split("\n")[0] and "一、总体目标" in lines

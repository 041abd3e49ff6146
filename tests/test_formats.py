"""Reading PDF, OFD, web pages; refusing what cannot be read, in Chinese, changing nothing."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import DocumentError
from qa.ingest.parse import parse_file
from qa.ingest.readers import format_for, read_file, readable_suffixes
from qa.ingest.readers.pdf import MAX_PAGES
from tests.formats_support import (
    CHINESE,
    SAMPLE,
    pdf_with_page_tree,
    rewrite_zip,
)


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


@pytest.mark.slow
def test_an_ofd_made_of_page_images_is_read_by_ocr(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    from eval.render_ofd import write_image_ofd

    scan = write_image_ofd(rendered["pdf"], tmp_path / "scan.ofd", pages=2)
    result = read_file(scan)
    assert [page for page, _ in result.ocr_pages] == [1, 2]
    assert all(c > 0.9 for _, c in result.ocr_pages)
    lines = result.text.split("\n")
    # The running header repeats on both pages and is dropped, as in a text PDF.
    assert lines[0] == SAMPLE.split("\n")[0] and "一、总体目标" in lines

"""The readers on OFD and PDF files made by other people's software (tests/fixtures/real/,
sources and licences in its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import DocumentError
from qa.ingest.parse import parse_file
from qa.ingest.readers import read_file

REAL = Path(__file__).parent / "fixtures" / "real"


def test_a_real_gongwen_ofd_reads_with_letterhead_number_title_and_pages() -> None:
    parsed = parse_file(REAL / "ofdrw-n.ofd", Settings(), overrides={})
    document = parsed.document
    lines = document.text.split("\n")
    assert lines[:3] == [
        "测试符路桥区卫生局文件",
        "路卫发〔2011〕76号",
        "关于同意张阿三同志辞职的批复",
    ]
    # The letterhead (版头) names the issuer; the title follows the 文号.
    assert document.title == "关于同意张阿三同志辞职的批复"
    assert document.doc_number == "路卫发〔2011〕76号"
    assert document.issuer == "测试符路桥区卫生局"
    # A paragraph wrapped over three printed lines is one line again.
    assert any(
        line.startswith("该同志由于家庭") and line.endswith("同意张阿三同志辞职。")
        for line in lines
    )
    # Page 2 holds the signature, the date and the 版记 (who printed it, when).
    assert len(document.page_starts) == 2
    assert document.text[document.page_starts[1] :].split("\n") == [
        "测试符路桥区卫生局办公室",
        "2011年3月10日",
        "测试符路桥区卫生局办公室 2011年3月10日印发",
    ]


@pytest.mark.parametrize("name", ["ofdrw-helloworld.ofd", "ofdrw-namespace_no_std.ofd"])
def test_minimal_ofds_in_either_namespace(name: str) -> None:
    assert read_file(REAL / name).text == "你好呀，OFD Reader&Writer！"


def test_non_standard_part_names_are_resolved() -> None:
    result = read_file(REAL / "ofdrw-path_unstd.ofd")
    assert len(result.page_starts) == 2
    assert result.text.count("立案决定书") == 2 and "（存根）" in result.text


def test_template_pages_and_repeated_advances_are_read() -> None:
    result = read_file(REAL / "ofdrw-999.ofd")
    assert len(result.page_starts) == 5
    first = result.text.split("\n")[0]
    # The title is in a template, the code in the page: one visual row.
    assert first == "重庆增值税电子普通发票 发票代码：050001700111"
    assert "价税合计（大写） 壹万零陆佰圆整 （小写）¥10600.00" in result.text


def test_an_ofd_without_text_is_refused_with_advice() -> None:
    with pytest.raises(DocumentError, match="没有文字"):
        read_file(REAL / "ofdrw-h.ofd")


@pytest.mark.slow
def test_a_pdf_with_a_text_page_and_a_scanned_page() -> None:
    result = read_file(REAL / "rapidocrpdf-direct_and_image.pdf")
    assert len(result.page_starts) == 2
    assert result.text.split("\n")[0] == (
        "ABCNet: Real-time Scene Text Spotting with Adaptive Bezier-Curve Network∗"
    )
    # Only the image page went through OCR, and it reads as that page's text.
    assert [page for page, _ in result.ocr_pages] == [2]
    assert result.ocr_pages[0][1] > 0.9
    assert "Microsoft" in result.text[result.page_starts[1] :][:200]

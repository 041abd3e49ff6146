"""Reading files: encodings detected (not guessed), bad files refused with a clear error."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import docx
import pytest

from qa.errors import DocumentError
from qa.ingest.noise import is_noise_line, noise_line_spans
from qa.ingest.readers import read_file
from qa.ingest.readers.text import decode_bytes
from qa.textnorm import to_traditional


def read_document_text(path: Path) -> tuple[str, str]:
    result = read_file(path)
    return result.text, result.encoding


SIMPLIFIED = (
    "质量是城市由大到强的必由之路。当前，质量已经成为新常态下经济发展的目标和内生动力，"
    "进一步实施质量强市战略、提高发展质量和效益，是破解资源和环境要素制约的重要抓手。"
)
TRADITIONAL = (
    "以技術進步推進質量發展，基本形成以企業為主體、市場為導向、產學研相結合的技術創新體系，"
    "實施關鍵技術攻關工程和科技成果轉換工程，提升行業技術水平和產品質量。"
)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "data_encoding", "expected"),
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (TRADITIONAL, "utf-8", "utf-8"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (TRADITIONAL, "gb18030", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
        (to_traditional(SIMPLIFIED), "gb18030", "gb18030"),
    ],
)
def test_encodings_are_detected(
    tmp_path: Path, text: str, data_encoding: str, expected: str
) -> None:
    path = _write(tmp_path, "doc.txt", text.encode(data_encoding))
    decoded, encoding = read_document_text(path)
    assert decoded == text
    assert encoding == expected


def test_short_line_in_each_legacy_encoding() -> None:
    assert decode_bytes("质量强市".encode("gb18030"), "x") == ("质量强市", "gb18030")
    assert decode_bytes("質量強盟".encode("big5"), "x") == ("質量強盟", "big5")


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_byte_order_marks(tmp_path: Path, bom: bytes, codec: str, name: str) -> None:
    text = "一、总则\r\n" + SIMPLIFIED
    path = _write(tmp_path, "bom.md", bom + text.encode(codec))
    decoded, encoding = read_document_text(path)
    assert decoded == text  # BOM removed, nothing else changed (CRLF kept)
    assert encoding == name


def _refused(path: Path, *words: str) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read_document_text(path)
    err = info.value
    assert path.name in err.message
    assert err.hint
    for word in words:
        assert word in str(err)
    return err


def test_truncated_utf8_is_refused(tmp_path: Path) -> None:
    data = SIMPLIFIED.encode("utf-8")[:-1]
    _refused(_write(tmp_path, "cut.txt", data), "truncated")


def test_truncated_utf16_is_refused(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le")[:-1]
    _refused(_write(tmp_path, "cut16.txt", data), "truncated")


def test_empty_and_blank_files_are_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "empty.txt", b""), "empty")
    _refused(_write(tmp_path, "blank.txt", b" \n\n\t "), "empty")


def test_binary_files_are_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "nul.txt", b"PK\x03\x04\x00\x00binary\x00data"), "binary")
    noise = bytes(range(128, 256)) * 40
    _refused(_write(tmp_path, "garbage.md", noise))


def test_unsupported_extension(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "doc.xyz", b"%PDF-1.4"), "不支持")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_document_text(tmp_path / "absent.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(DocumentError, match="folder"):
        read_document_text(folder)


def test_docx_paragraphs_joined(tmp_path: Path) -> None:
    document = docx.Document()
    for paragraph in ("关于质量强市的意见", "一、总体要求", SIMPLIFIED):
        document.add_paragraph(paragraph)
    path = tmp_path / "opinion.docx"
    document.save(str(path))
    text, encoding = read_document_text(path)
    assert text == "\n".join(("关于质量强市的意见", "一、总体要求", SIMPLIFIED))
    assert encoding == "docx"


def test_fake_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    _refused(path, "Word")
    _refused(_write(tmp_path, "plain.docx", SIMPLIFIED.encode()), "Word")


def test_empty_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    _refused(path, "no text")


# ---- web chrome lines -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "扫一扫手机阅读",
        "返回頂部",
        "  信息来源: 某市人民政府",
        "時間:2022-07-23 09:01:39",
        "導語:本文來源于網友上傳,不代表本站觀點。",
        "【字体:大 中 小】",
        "备案号:某ICP备12345678号  网站地图  联系我们",
        "主办单位:某市人民政府办公室  承办:某某局",
        "分享到:",
        "文章关键词:",
        "某某政府门户网站  2013-01-24 00:42:50  来源: 某办公室",
        "您访问的链接即将离开“某市人民政府”门户网站,是否继续?",
        "<!-- INFO END -->",
        "★★★ ——— ★★★",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_noise_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "（三）加强技术支持。为企业提供技术支持：检验检测、标准研制。",
        "二、主要任务",
        "## 联系我们",
        "时间安排如下。",
        "|---|---|",
        "各地要建立质量信息来源核查制度，确保信息来源可靠。",
    ],
)
def test_content_lines_are_not_chrome(line: str) -> None:
    assert not is_noise_line(line)


def test_menu_runs_and_tail_leftovers() -> None:
    text = (
        "头部\nico\nico\n某市关于质量工作的意见\n一、总则\n全市质量工作要稳步推进，取得实效。\n"
        "二、附则\n本意见自发布之日起实施。\n某市人民政府\n相关附件\n媒体报道\n访谈\n"
    )
    flagged = [text[s:e] for s, e in noise_line_spans(text)]
    assert flagged == ["头部", "ico", "ico", "某市人民政府", "相关附件", "媒体报道", "访谈"]


def test_tail_rule_keeps_tables_and_numbered_clauses() -> None:
    text = (
        "一、总则\n本法适用于全国。\n6.19　本标准中出现的数字均含本数\n"
        "| 煤炭 | 2% |\n某市人民政府\n"
    )
    assert [text[s:e] for s, e in noise_line_spans(text)] == ["某市人民政府"]

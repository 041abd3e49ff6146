"""Files to text: detect the encoding of .txt/.md files, read .docx with python-docx.

Decoding order for text files: a byte-order mark (UTF-8/16/32) decides; then strict
UTF-8; then candidates GB18030, Big5 (cp950) and charset-normalizer's own guess, each
decoded strictly and scored by how much of the result is common Chinese text (Han
characters among the 3,755 most frequent ones, after t2s for traditional text, plus
ASCII and CJK punctuation). A wrong legacy decoding yields rare characters and
symbols, so the score tells GB18030 from Big5 where a detector's first guess may not.

The decoded text is returned untouched apart from the removed BOM: spans index it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from qa.errors import DocumentError
from qa.ingest.readers.base import FileFormat, ReadResult, read_bytes, register
from qa.textnorm import to_simplified

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LEGACY_CANDIDATES = ("gb18030", "big5", "cp950")
# Names charset-normalizer may give for encodings decoded better by a superset.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5hkscs": "cp950"}
# Below this share of plausible characters a decoding is treated as garbage.
_MIN_PLAUSIBLE = 0.6
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_COMMON_PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】—…·「」『』〔〕％～　")

_HINT_TEXT = "Save the file as UTF-8 text (or .docx) and add it again."


def read_text_file(path: Path) -> ReadResult:
    """A plain-text file's text, encoding detected and checked."""
    text, encoding = decode_bytes(read_bytes(path), path.name)
    return ReadResult(text, encoding)


# Leading bytes of formats people save by mistake under a text extension.
_BINARY_MAGIC = {
    b"PK\x03\x04": "ZIP/Office 压缩文件",
    b"%PDF": "PDF 文件",
    b"\xd0\xcf\x11\xe0": "旧版 Office（.doc/.xls）文件",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"\x7fELF": "可执行文件",
    b"MZ": "Windows 可执行文件",
}


def check_text_file(path: Path) -> None:
    """Refuse binary content saved under a text extension (before any decoding)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise DocumentError(
                f"文件扩展名是 {path.suffix.lower()}，但内容是{kind}，不是文本。(Binary content.)",
                "请上传 UTF-8 文本（.txt/.md）或 Word（.docx）文件。",
            )


def decode_bytes(raw: bytes, name: str) -> tuple[str, str]:
    """Decode a text file's bytes; ``name`` is used in error messages."""
    if not raw.strip():
        raise DocumentError(f"{name}: the file is empty.", "Add a document that contains text.")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                raise DocumentError(
                    f"{name}: starts with a {encoding.upper().replace('-SIG', '')} byte-order mark "
                    "but the rest cannot be decoded (truncated or corrupt).",
                    _HINT_TEXT,
                ) from None
            return _checked(text, name), encoding.replace("-sig", "")
    if b"\x00" in raw:
        raise DocumentError(
            f"{name}: contains NUL bytes; it looks like a binary file, not text.", _HINT_TEXT
        )
    try:
        return _checked(raw.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError as err:
        if (
            err.reason == "unexpected end of data"
            and err.end == len(raw)
            and err.start >= len(raw) - 3
        ):
            raise DocumentError(
                f"{name}: UTF-8 text that ends in the middle of a character (truncated file).",
                "Copy the complete file again.",
            ) from None
    text, encoding = _decode_legacy(raw, name)
    return _checked(text, name), encoding


def _decode_legacy(raw: bytes, name: str) -> tuple[str, str]:
    candidates = list(_LEGACY_CANDIDATES)
    guess = _normalizer_guess(raw)
    if guess and guess not in candidates:
        candidates.insert(0, guess)
    best: tuple[float, str, str] | None = None
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = plausibility(text)
        if best is None or score > best[0] + 1e-9:
            best = (score, text, encoding)
    if best is None or best[0] < _MIN_PLAUSIBLE:
        raise DocumentError(
            f"{name}: not UTF-8 and not recognisable as Chinese text in GB18030/GBK or Big5 "
            "(binary, truncated or an unknown encoding).",
            _HINT_TEXT,
        )
    return best[1], best[2]


def _normalizer_guess(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    match = from_bytes(raw[:200_000]).best()
    if match is None:
        return ""
    name = codecs.lookup(match.encoding).name
    return _SUPERSET.get(name, name)


def _is_common_han(char: str) -> bool:
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    # GB2312 level 1 (rows 16-55) holds the 3,755 most frequent characters.
    return 0xB0 <= encoded[0] <= 0xD7


def plausibility(text: str) -> float:
    """Share of a text's visible characters that ordinary Chinese/ASCII prose uses."""
    sample = text[:20000]
    simplified = to_simplified(sample)
    visible = 0
    good = 0
    for char in simplified:
        if char.isspace():
            continue
        visible += 1
        if (
            char.isascii()
            or char in _COMMON_PUNCT
            or _is_common_han(char)
            or unicodedata.category(char) == "Nd"
        ):
            good += 1
    return good / visible if visible else 0.0


def _checked(text: str, name: str) -> str:
    if not text.strip():
        raise DocumentError(f"{name}: contains no text.", "Add a document that contains text.")
    controls = len(_CONTROL.findall(text[:100_000]))
    if controls > _MAX_CONTROL_SHARE * min(len(text), 100_000):
        raise DocumentError(
            f"{name}: contains control bytes; it looks like a binary file.", _HINT_TEXT
        )
    return text


register(
    FileFormat(
        suffixes=(".txt", ".md"),
        label="纯文本",
        max_bytes=5 * 1024 * 1024,
        read=read_text_file,
        check=check_text_file,
    )
)

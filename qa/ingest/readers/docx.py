"""Word documents (.docx): paragraph texts joined with newlines (python-docx)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from qa.errors import DocumentError
from qa.ingest.readers.base import FileFormat, ReadResult, register
from qa.ingest.readers.zipcheck import check_zip

_RESAVE = "请用 Word 或 LibreOffice 另存为 .docx 后重试。"


def check_docx(path: Path) -> None:
    """A real Word zip: the parts Word writes, and no part that expands without bound."""
    check_zip(
        path,
        required=("word/document.xml", "[Content_Types].xml"),
        kind="Word 文档",
        hint=_RESAVE,
    )


def read_docx(path: Path) -> ReadResult:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    hint = "Open it in Word or LibreOffice and save it again as .docx (or export it as UTF-8 text)."
    check_docx(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise DocumentError(
            f"{path.name}: not a valid Word (.docx) document ({err}).", hint
        ) from None
    except Exception as err:  # python-docx raises lxml and zip errors of many kinds
        raise DocumentError(
            f"{path.name}: the Word document cannot be read ({err}).", hint
        ) from None
    text = "\n".join(p.text for p in document.paragraphs)
    if not text.strip():
        raise DocumentError(
            f"{path.name}: the Word document contains no text.", "Add a document with text."
        )
    return ReadResult(text, "docx")


register(
    FileFormat(
        suffixes=(".docx",),
        label="Word 文档",
        max_bytes=5 * 1024 * 1024,
        read=read_docx,
        check=check_docx,
    )
)

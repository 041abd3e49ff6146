"""Formats registered only to be refused with what to do instead.

Old binary Word (.doc) and WPS (.wps) files need a converter (LibreOffice, WPS) that
does not exist offline here, so they are named and refused rather than guessed at.
"""

from __future__ import annotations

from pathlib import Path

from qa.errors import DocumentError
from qa.ingest.readers.base import FileFormat, ReadResult, register


def _never(path: Path) -> ReadResult:  # format_for refuses these before any read
    raise DocumentError(f"{path.name}：不支持这种格式。", _ADVICE)


_ADVICE = (
    "旧版 Word（.doc）和 WPS（.wps）文件无法直接读取：请在 Word 或 WPS 中打开，"
    "“另存为” .docx 或 PDF 后再上传。(Save it as .docx or PDF.)"
)

register(
    FileFormat(
        suffixes=(".doc", ".wps"),
        label="旧版 Word / WPS 文档",
        max_bytes=0,
        read=_never,
        refusal=_ADVICE,
    )
)

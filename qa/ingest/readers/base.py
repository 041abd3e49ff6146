"""The file-format registry: one place lists every format the assistant reads.

A format is a ``FileFormat``: the suffixes it owns, a label for people, the upload size
limit, a ``check`` that the bytes really are that format (run on uploads before
anything is parsed) and a ``read`` from a file to text. Corpus loading, the upload
validator, the CLI and the app's upload box all ask this registry, so a new format is
one module that calls ``register`` plus one import line in ``qa/ingest/readers/__init__.py``.

A format can also be registered only to be refused with a message that says what to do
instead (``refusal``), e.g. .doc and .wps, for which no offline converter exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import DocumentError
from qa.registry import Registry


@dataclass(frozen=True)
class ReadResult:
    """A file's text as the rest of ingestion sees it; spans index ``text``."""

    text: str
    encoding: str  # "utf-8", "gb18030" … for text files; the format name otherwise
    # Character offset of each page's first character (PDF, OFD, scans); () for
    # formats without pages. Page n (1-based) starts at page_starts[n - 1].
    page_starts: tuple[int, ...] = ()
    # Pages whose text came from OCR, with the mean recognition confidence (0-1).
    ocr_pages: tuple[tuple[int, float], ...] = ()


def _no_check(path: Path) -> None:
    return None


@dataclass(frozen=True)
class FileFormat:
    suffixes: tuple[str, ...]  # lower case, with the dot
    label: str  # for people: 纯文本, Word 文档 …
    max_bytes: int  # the upload limit for this format
    read: Callable[[Path], ReadResult]
    check: Callable[[Path], None] = field(default=_no_check)
    refusal: str = ""  # when set, files of this format are refused with this advice


READERS: Registry[FileFormat] = Registry("file format")


def register(file_format: FileFormat) -> FileFormat:
    for suffix in file_format.suffixes:
        READERS.register(suffix, file_format)
    return file_format


def formats() -> list[FileFormat]:
    """Every registered format once, in registration order."""
    return list({id(f): f for _, f in READERS.items()}.values())


def readable_suffixes() -> tuple[str, ...]:
    """Suffixes of the formats that are read (not refused)."""
    return tuple(s for s, f in READERS.items() if not f.refusal)


def format_for(name: str) -> FileFormat:
    """The format of a file name, or DocumentError saying what is accepted."""
    suffix = Path(name).suffix.lower()
    if suffix in READERS:
        file_format = READERS.get(suffix)
        if file_format.refusal:
            raise DocumentError(
                f"不支持 {suffix} 文件：{Path(name).name}。(Unsupported file type.)",
                file_format.refusal,
            )
        return file_format
    raise DocumentError(
        f"不支持的文件类型“{suffix or '（无扩展名）'}”：{Path(name).name}。(Unsupported file type.)",
        f"支持的格式：{' / '.join(readable_suffixes())}。",
    )


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or a DocumentError naming the file."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise DocumentError(
            f"{path}: is a folder, not a document.", "Give the path of a file."
        ) from None
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file.", "Check the path.") from None
    except OSError as err:
        raise DocumentError(
            f"{path}: cannot be read ({err.strerror or err}).", "Check the file's permissions."
        ) from None


def read_file(path: Path) -> ReadResult:
    """The text of any registered format; DocumentError when it cannot be read."""
    path = Path(path)
    file_format = format_for(path.name)
    if not path.is_file():
        read_bytes(path)  # raises the matching DocumentError
    return file_format.read(path)

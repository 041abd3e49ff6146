"""Adding a document from an upload: validate in a staging folder, then commit.

Nothing reaches the corpus folder or the index before every check has passed: the
upload is copied into a temporary folder under its normalised name, read and parsed
there; only ``commit_upload`` moves it into the corpus folder (atomically) and indexes
it, and removes it again if indexing fails. Messages are Chinese first, because they
are shown to the app's users as they are.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.config import Settings
from qa.corpus import load_document, make_doc_id, parse_document
from qa.errors import DocumentError, DuplicateDocumentError, QAError
from qa.figures import extract_figures
from qa.reading import SUPPORTED_SUFFIXES
from qa.types import Chunk, Document, Figure, Section

MAX_NAME_CHARS = 120
_UNSAFE_CHARS = re.compile(r"[^\w.\-]+")
_REPEATS = re.compile(r"[-_]{2,}")
# Leading bytes of formats people upload by mistake under a text extension.
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
_RETRY_HINT = "没有做任何改动。"
_RENAME = "请改名后重试。"
_NEED_TEXT = "请上传有正文的文件。"
# Commits from concurrent sessions must not pick the same file name.
_commit_lock = threading.Lock()


@dataclass(frozen=True)
class StagedUpload:
    """A validated upload waiting in a temporary folder, with its parsed content."""

    name: str  # the safe file name it gets in the corpus folder
    path: Path  # the staged copy
    document: Document
    sections: tuple[Section, ...]
    chunks: tuple[Chunk, ...]
    figures: tuple[Figure, ...]


def safe_file_name(original: str) -> str:
    """A file name safe to create in the corpus folder, or DocumentError.

    Names that try to leave the folder or hide (separators, '..', a leading dot) are
    refused rather than repaired; other odd characters are replaced by '_'.
    """
    name = unicodedata.normalize("NFKC", original or "").strip()
    if not name:
        raise DocumentError("文件名为空。(The file has no name.)", "请给文件起一个名字。")
    if "/" in name or "\\" in name:
        raise DocumentError(
            f"文件名“{name}”含有路径分隔符。(The file name contains a path separator.)",
            "请只上传文件本身，文件名中不要有 / 或 \\。",
        )
    if ".." in name:
        raise DocumentError(f"文件名“{name}”含有“..”。(The file name contains '..'.)", _RENAME)
    if name.startswith("."):
        raise DocumentError(
            f"文件名“{name}”以点开头（隐藏文件）。(The file name starts with a dot.)", _RENAME
        )
    if len(name) > MAX_NAME_CHARS:
        raise DocumentError(
            f"文件名太长（{len(name)} 个字符）。(The file name is too long.)",
            f"请改成 {MAX_NAME_CHARS} 个字符以内。",
        )
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise DocumentError("文件名含有控制字符。(The name contains control characters.)", _RENAME)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"不支持的文件类型“{suffix or '（无扩展名）'}”。(Unsupported file type.)",
            f"只能上传 {' / '.join(SUPPORTED_SUFFIXES)} 文件。",
        )
    stem = _REPEATS.sub("-", _UNSAFE_CHARS.sub("-", stem)).strip("-_.")
    if not stem:
        raise DocumentError(f"文件名“{name}”没有可用的字符。", "请用中文、字母或数字命名。")
    return stem + suffix


def check_content_type(path: Path, suffix: str) -> None:
    """The bytes must match the extension: a real Word zip, or not a known binary."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if suffix == ".docx":
        if not zipfile.is_zipfile(path):
            raise DocumentError(
                "文件扩展名是 .docx，但内容不是 Word 文档。(Not a real .docx file.)",
                "请用 Word 或 LibreOffice 另存为 .docx 后重试。",
            )
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise DocumentError(
                "文件是 ZIP 压缩包，但不是 Word 文档。(A zip file, but not a Word document.)",
                "请用 Word 或 LibreOffice 另存为 .docx 后重试。",
            )
        return
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise DocumentError(
                f"文件扩展名是 {suffix}，但内容是{kind}，不是文本。(Binary content.)",
                "请上传 UTF-8 文本（.txt/.md）或 Word（.docx）文件。",
            )


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    if not corpus_dir.is_dir():
        return {}
    return {
        file_hash(p): p.name
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
    }


def _free_name(name: str, content_hash: str, corpus_dir: Path, taken_ids: set[str]) -> str:
    """``name``, or name-2, name-3 … when the file or the id it gives is already taken."""
    stem, suffix = os.path.splitext(name)
    candidate, number = name, 1

    def taken(name: str) -> bool:
        return (corpus_dir / name).exists() or make_doc_id(Path(name), content_hash) in taken_ids

    while taken(candidate):
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    return candidate


def _check_duplicate(content_hash: str, known: Iterable[Document], corpus_dir: Path) -> None:
    for document in known:
        if document.content_hash == content_hash:
            raise DuplicateDocumentError(
                f"已经收录了内容相同的文件《{document.title}》（{document.source_name}）。"
                "(The same content is already indexed.)",
                _RETRY_HINT,
            )
    same = _corpus_hashes(corpus_dir).get(content_hash)
    if same:
        raise DuplicateDocumentError(
            f"文件夹中已有内容相同的文件 {same}。(The same file is already in the corpus folder.)",
            _RETRY_HINT,
        )


@contextlib.contextmanager
def staged_upload(
    source: Path, original_name: str, settings: Settings, known: Iterable[Document]
) -> Iterator[StagedUpload]:
    """Validate an upload in a temporary folder; the folder is removed on exit."""
    known = list(known)
    name = safe_file_name(original_name)
    try:
        size = source.stat().st_size
    except OSError as err:
        raise DocumentError(f"上传的文件无法读取：{err.strerror or err}。", "请重新上传。") from err
    if size > settings.max_upload_bytes:
        raise DocumentError(
            f"文件太大（{size / 1e6:.1f} MB）。(The file is too large.)",
            f"上限是 {settings.max_upload_bytes / 1e6:.1f} MB。",
        )
    if size == 0:
        raise DocumentError("文件是空的。(The file is empty.)", "请上传有正文的文件。")
    with tempfile.TemporaryDirectory(prefix="qa-upload-") as folder:
        # Copied first so every check sees the same bytes even if the source changes.
        staged = Path(folder) / name
        shutil.copyfile(source, staged)
        check_content_type(staged, staged.suffix.lower())
        content_hash = file_hash(staged)
        _check_duplicate(content_hash, known, settings.corpus_dir)
        name = _free_name(name, content_hash, settings.corpus_dir, {d.doc_id for d in known})
        staged = staged.rename(staged.with_name(name))
        try:
            document = load_document(staged)
        except QAError as err:
            raise DocumentError(f"无法读取文件 {name}：{err}", _RETRY_HINT) from None
        if len([c for c in document.text if c.isalnum()]) < 10:
            raise DocumentError(f"文件 {name} 几乎没有正文。(The file has no text.)", _NEED_TEXT)
        sections, chunks = parse_document(document)
        if not chunks:
            raise DocumentError(f"文件 {name} 中没有可检索的段落。(No passages.)", _NEED_TEXT)
        if document.doc_id in {d.doc_id for d in known}:
            raise DuplicateDocumentError(
                f"已有编号为 {document.doc_id} 的文件。(A document with this id exists.)",
                "请改名后重试。",
            )
        figures = extract_figures(document, sections)
        yield StagedUpload(name, staged, document, tuple(sections), tuple(chunks), tuple(figures))


def commit_upload(
    staged: StagedUpload,
    corpus_dir: Path,
    add_document: Callable[[Path], Document],
) -> Document:
    """Move the staged file into the corpus folder and index it; undo the move on failure.

    ``add_document`` indexes a file already in the corpus folder (``Assistant.add_document``
    with its progress bound), so the index is only touched once the file is in place.
    """
    with _commit_lock:
        target = corpus_dir / staged.name
        if target.exists():
            raise DocumentError(f"文件夹中已有同名文件 {staged.name}。", "请改名后重试。")
        _check_duplicate(staged.document.content_hash, (), corpus_dir)
        partial = corpus_dir / f".{staged.name}.partial"
        try:
            shutil.copyfile(staged.path, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        try:
            return add_document(target)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

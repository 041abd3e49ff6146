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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.config import Settings
from qa.errors import DocumentError, QAError
from qa.ingest.corpus import check_new_documents, folder_hashes
from qa.ingest.parse import load_document, make_doc_id, parse
from qa.ingest.readers import format_for
from qa.types import Document, ParsedDocument

MAX_NAME_CHARS = 120
_UNSAFE_CHARS = re.compile(r"[^\w.\-]+")
_REPEATS = re.compile(r"[-_]{2,}")
_RETRY_HINT = "没有做任何改动。"
_RENAME = "请改名后重试。"
_NEED_TEXT = "请上传有正文的文件。"
# Commits from concurrent sessions must not pick the same file name.
_commit_lock = threading.Lock()


def megabytes(size: int) -> str:
    """One way to state a size everywhere: binary megabytes, as file managers do."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


@dataclass(frozen=True)
class StagedUpload:
    """A validated upload waiting in a temporary folder, with its parsed content."""

    name: str  # the safe file name it gets in the corpus folder
    path: Path  # the staged copy
    parsed: ParsedDocument

    @property
    def document(self) -> Document:
        return self.parsed.document


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
    format_for(name)  # refuses an unknown or unsupported type with what to do instead
    stem = _REPEATS.sub("-", _UNSAFE_CHARS.sub("-", stem)).strip("-_.")
    if not stem:
        raise DocumentError(f"文件名“{name}”没有可用的字符。", "请用中文、字母或数字命名。")
    return stem + suffix


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


@contextlib.contextmanager
def staged_upload(
    source: Path, original_name: str, settings: Settings, known: Iterable[Document]
) -> Iterator[StagedUpload]:
    """Validate an upload in a temporary folder; the folder is removed on exit."""
    known = list(known)
    name = safe_file_name(original_name)
    file_format = format_for(name)
    try:
        size = source.stat().st_size
    except OSError as err:
        raise DocumentError(f"上传的文件无法读取：{err.strerror or err}。", "请重新上传。") from err
    if size > file_format.max_bytes:
        raise DocumentError(
            f"文件太大（{megabytes(size)}）。(The file is too large.)",
            f"{file_format.label}文件的上限是 {megabytes(file_format.max_bytes)}。",
        )
    if size == 0:
        raise DocumentError("文件是空的。(The file is empty.)", _NEED_TEXT)
    with tempfile.TemporaryDirectory(prefix="qa-upload-") as folder:
        # Copied first so every check sees the same bytes even if the source changes.
        staged = Path(folder) / name
        shutil.copyfile(source, staged)
        file_format.check(staged)
        content_hash = file_hash(staged)
        in_folder = folder_hashes(settings.corpus_dir)
        for document in known:
            if document.content_hash == content_hash:
                check_new_documents([document], known)  # raises, naming the indexed copy
        name = _free_name(name, content_hash, settings.corpus_dir, {d.doc_id for d in known})
        staged = staged.rename(staged.with_name(name))
        try:
            document = load_document(staged)
        except QAError as err:
            raise DocumentError(f"无法读取文件 {name}：{err}", _RETRY_HINT) from None
        check_new_documents([document], known, in_folder)
        if len([c for c in document.text if c.isalnum()]) < 10:
            raise DocumentError(f"文件 {name} 几乎没有正文。(The file has no text.)", _NEED_TEXT)
        parsed = parse(document, settings)
        if not parsed.chunks:
            raise DocumentError(f"文件 {name} 中没有可检索的段落。(No passages.)", _NEED_TEXT)
        yield StagedUpload(name, staged, parsed)


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
        check_new_documents([staged.document], (), folder_hashes(corpus_dir))
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

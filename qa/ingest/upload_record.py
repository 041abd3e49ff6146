"""Which files of the corpus folder were uploaded through the app, and removing them.

The shipped documents and the uploaded ones lie side by side in the corpus folder; what
tells them apart is a record the app appends to when it commits an upload:
``<corpus>/.uploads.jsonl`` (hidden, so corpus loading never reads it), one JSON object
per line with the file name, the sha256 of its bytes, the doc id and the time. A file
counts as uploaded only while its current bytes still hash to what was recorded, so a
shipped document (never recorded) or a file replaced by hand is never removable from
the page. Removal moves the file to ``<corpus>/.removed/`` (kept, not deleted: nothing
is lost) and takes it out of the index; if the index cannot be updated the file is put
back, so folder and index always agree.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.errors import DocumentError
from qa.types import Document

RECORD_NAME = ".uploads.jsonl"
REMOVED_FOLDER = ".removed"
_lock = threading.Lock()


def _record_path(corpus_dir: Path) -> Path:
    return Path(corpus_dir) / RECORD_NAME


def _append(corpus_dir: Path, entry: dict[str, Any]) -> None:
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    with _record_path(corpus_dir).open("a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def record_upload(corpus_dir: Path, document: Document) -> None:
    """Note that ``document`` (already in the corpus folder) came through the app."""
    with _lock:
        _append(
            corpus_dir,
            {
                "action": "added",
                "file": document.source_name,
                "sha256": document.content_hash,
                "doc_id": document.doc_id,
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
        )


def uploaded_files(corpus_dir: Path) -> dict[str, str]:
    """File name -> recorded sha256 of the uploads still in the corpus."""
    path = _record_path(corpus_dir)
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line after a crash: ignore, never guess
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        if entry.get("action") == "added":
            out[entry["file"]] = str(entry.get("sha256", ""))
        elif entry.get("action") == "removed":
            out.pop(entry["file"], None)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_uploaded(corpus_dir: Path, document: Document) -> bool:
    recorded = uploaded_files(corpus_dir).get(document.source_name)
    path = Path(corpus_dir) / document.source_name
    return (
        recorded is not None
        and recorded == document.content_hash
        and path.is_file()
        and _sha256(path) == recorded
    )


def remove_uploaded(
    corpus_dir: Path, document: Document, remove_from_index: Callable[[], object]
) -> Path:
    """Take an uploaded document out of the index and its file out of the corpus.

    Returns where the file was kept. Refuses shipped documents with a DocumentError.
    """
    corpus_dir = Path(corpus_dir)
    with _lock:
        if not is_uploaded(corpus_dir, document):
            raise DocumentError(
                f"《{document.title}》是随系统提供的文件，不能在页面上删除。"
                "(Only documents uploaded through the app can be removed.)",
                "只有通过“添加文件”上传的文件可以删除。",
            )
        source = corpus_dir / document.source_name
        kept = (
            corpus_dir / REMOVED_FOLDER / f"{time.strftime('%Y%m%d-%H%M%S')}-{document.source_name}"
        )
        kept.parent.mkdir(exist_ok=True)
        os.replace(source, kept)
        try:
            remove_from_index()
        except BaseException:
            os.replace(kept, source)
            raise
        _append(
            corpus_dir,
            {
                "action": "removed",
                "file": document.source_name,
                "sha256": document.content_hash,
                "doc_id": document.doc_id,
                "kept_as": str(kept.relative_to(corpus_dir)),
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
        )
        return kept

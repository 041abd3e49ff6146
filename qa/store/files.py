"""The FAISS index folder's plumbing: manifest, atomic publication, checks and the lock.

File names are in qa.store.layout. A build writes a new ``builds/<build_id>/`` folder,
then replaces ``manifest.json`` with ``os.replace`` (atomic on POSIX). A build that
fails or is killed at any point leaves the previous manifest pointing at the previous,
complete build. Each file's size and sha256 are in the manifest, so truncation or
corruption is detected at load.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from qa.errors import IndexCorruptError, IndexLockedError, IndexMissingError
from qa.store.index import BuildRecord
from qa.store.layout import BUILDS, LOCK, MANIFEST

# 2: records keyed by chunk id (vector_ids.tsv, keyword ids), document texts and
# outlines in the index. 3: a second keyword index over character bigrams (bigrams/).
FORMAT_VERSION = 3
REBUILD_HINT = "Rebuild it with `python -m qa build --force` (or `make index`)."


@dataclass(frozen=True)
class Manifest(BuildRecord):
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    # Vectors of chunks' sentences stored beside the chunks' own (Settings.sentence_vectors);
    # a manifest written before they existed has none.
    sentence_vectors: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def build_dir(index_dir: Path, build_id: str) -> Path:
    return index_dir / BUILDS / build_id


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_files(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every file under ``folder`` (relative names)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        out[path.relative_to(folder).as_posix()] = {
            "size": path.stat().st_size,
            "sha256": file_digest(path),
        }
    return out


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def publish(index_dir: Path, manifest: Manifest) -> None:
    """Make ``manifest`` current. Its build folder must be fully written already."""
    _fsync_tree(build_dir(index_dir, manifest.build_id))
    tmp = index_dir / f".{MANIFEST}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(manifest.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / MANIFEST)
    remove_stale_builds(index_dir, keep=manifest.build_id)


def remove_stale_builds(index_dir: Path, keep: str) -> None:
    """Delete build folders other than the current one (left by killed builds too)."""
    builds = index_dir / BUILDS
    if not builds.is_dir():
        return
    for child in builds.iterdir():
        if child.name != keep:
            shutil.rmtree(child, ignore_errors=True)
    for tmp in index_dir.glob(f".{MANIFEST}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def read_manifest(index_dir: Path) -> Manifest:
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexMissingError(
            f"No index at {index_dir}.",
            "Build it with `python -m qa build` (or `make index`).",
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**raw)
    except (ValueError, TypeError) as err:
        raise IndexCorruptError(
            f"The index manifest {path} is unreadable ({err}).", REBUILD_HINT
        ) from None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexCorruptError(
            f"The index at {index_dir} has format {manifest.format_version}; "
            f"this version reads format {FORMAT_VERSION}.",
            REBUILD_HINT,
        )
    return manifest


def verify(index_dir: Path, manifest: Manifest, check_hashes: bool = True) -> None:
    """Every file the manifest names is present, of the right size and content."""
    folder = build_dir(index_dir, manifest.build_id)
    if not folder.is_dir():
        raise IndexCorruptError(f"The index build folder {folder} is missing.", REBUILD_HINT)
    for name, facts in manifest.files.items():
        path = folder / name
        if not path.is_file():
            raise IndexCorruptError(f"The index file {path} is missing.", REBUILD_HINT)
        if path.stat().st_size != facts["size"]:
            raise IndexCorruptError(
                f"The index file {path} has {path.stat().st_size} bytes, "
                f"the manifest says {facts['size']} (truncated or changed).",
                REBUILD_HINT,
            )
        if check_hashes and file_digest(path) != facts["sha256"]:
            raise IndexCorruptError(
                f"The index file {path} does not match its checksum in the manifest.",
                REBUILD_HINT,
            )


@contextlib.contextmanager
def writer_lock(index_dir: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Only one process may write the index at a time."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK))
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise IndexLockedError(
            f"Another process is writing the index at {index_dir}.",
            "Wait for it to finish and try again; if no build is running, remove "
            f"{index_dir / LOCK}.",
        ) from None
    try:
        yield
    finally:
        lock.release()


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]

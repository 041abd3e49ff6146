"""The audit log: every change to the corpus, and every refused attempt, one line each.

JSON Lines, only ever appended (``O_APPEND``, one ``write`` per record, then ``fsync``):
the app never truncates, rewrites or rotates it, so a record once written stays. An
operator may make the file append-only for the system too (``chattr +a``). Fields:

``time`` (ISO 8601 with zone), ``user`` ("" when nobody signed in), ``role``, ``via``
(how the user was known: open / read-only / password / proxy / cli), ``client``
(address), ``action`` (the handler), ``file`` (name), ``sha256`` (of the file's bytes),
``doc_id``, ``result`` (ok / refused / failed) and ``detail`` (the message shown).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qa.config import Settings

FIELDS = ("time", "user", "role", "via", "client", "action", "file", "sha256", "doc_id", "result", "detail")  # fmt: skip
_TAIL_BYTES = 1 << 20


def audit_path(settings: Settings) -> Path:
    return Path(settings.audit_log) if settings.audit_log else settings.index_dir / "audit.jsonl"


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, **fields: Any) -> dict[str, Any]:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z")} | {
            name: fields.get(name, "") for name in FIELDS[1:]
        }
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return record

    def recent(self, limit: int = 200) -> list[dict[str, Any]]:
        """The last ``limit`` records, newest first (reads only the file's tail)."""
        try:
            with self.path.open("rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(0, size - _TAIL_BYTES))
                data = handle.read()
        except FileNotFoundError:
            return []
        lines = data.decode("utf-8", errors="replace").splitlines()
        if size > _TAIL_BYTES:
            lines = lines[1:]  # the first line read may be cut
        records: list[dict[str, Any]] = []
        for line in reversed(lines):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, Mapping):
                records.append(dict(value))
            if len(records) >= limit:
                break
        return records

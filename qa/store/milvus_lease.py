"""One writer at a time across every replica: a lease row in the ``{prefix}_meta``
collection.

Milvus has no compare-and-set, so a writer takes the lease by writing its owner id
when the row is absent or expired, waits a moment and reads it back: of two writers
racing, the later write wins and the other sees a foreign owner and backs off. A
heartbeat renews the lease while a long build runs; a killed writer's lease expires
after ``LEASE_SECONDS``. Without the lease, two uploads through two replicas could
each copy the same current build and the second switch would drop the first upload.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from qa.errors import IndexLockedError
from qa.store.milvus_client import milvus_errors
from qa.store.milvus_schema import PLACEHOLDER, placeholder_index_params

LEASE_SECONDS = 60.0
SETTLE_SECONDS = 0.3  # between writing the lease and reading it back
POLL_SECONDS = 0.5
LEASE_ID = "writer"


def _meta_schema(client: Any) -> Any:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("owner", DataType.VARCHAR, max_length=256)
    schema.add_field("expires_ms", DataType.INT64)
    schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
    return schema


def _now_ms() -> int:
    return int(time.time() * 1000)


class WriterLease:
    def __init__(self, client: Any, uri: str, collection: str) -> None:
        self._client = client
        self._uri = uri
        self._collection = collection
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def _ensure(self) -> None:
        if not self._client.has_collection(self._collection):
            self._client.create_collection(self._collection, schema=_meta_schema(self._client))
            self._client.create_index(
                self._collection, placeholder_index_params(self._client), sync=False
            )
        self._client.load_collection(self._collection)

    def holder(self) -> tuple[str, int] | None:
        """(owner, expiry in ms) of an unexpired lease, or None."""
        rows = self._client.query(
            self._collection,
            filter=f'id == "{LEASE_ID}"',
            output_fields=["owner", "expires_ms"],
            consistency_level="Strong",
        )
        if not rows or int(rows[0]["expires_ms"]) <= _now_ms():
            return None
        return str(rows[0]["owner"]), int(rows[0]["expires_ms"])

    def _write(self, owner: str, expires_ms: int) -> None:
        self._client.upsert(
            self._collection,
            [
                {
                    "id": LEASE_ID,
                    "owner": owner,
                    "expires_ms": expires_ms,
                    "placeholder": PLACEHOLDER,
                }
            ],
        )

    def _try_take(self) -> bool:
        current = self.holder()
        if current is not None and current[0] != self.owner:
            return False
        self._write(self.owner, _now_ms() + int(LEASE_SECONDS * 1000))
        time.sleep(SETTLE_SECONDS)
        current = self.holder()
        return current is not None and current[0] == self.owner

    @contextlib.contextmanager
    def hold(self, wait_seconds: float) -> Iterator[None]:
        """Hold the lease (waiting up to ``wait_seconds`` for another writer)."""
        with milvus_errors(self._uri):
            self._ensure()
            deadline = time.monotonic() + wait_seconds
            while not self._try_take():
                if time.monotonic() >= deadline:
                    current = self.holder()
                    who = current[0] if current else "?"
                    raise IndexLockedError(
                        f"另一个进程（{who}）正在写 Milvus 中的索引。"
                        f"(Another process, {who}, is writing the index in Milvus.)",
                        "请等它完成后再试；如果那个进程已经不在了，"
                        f"租约会在 {int(LEASE_SECONDS)} 秒内过期。(Wait for it to finish and "
                        f"try again; a dead writer's lease expires within {int(LEASE_SECONDS)} s.)",
                    )
                time.sleep(POLL_SECONDS)
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(stop,), daemon=True)
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join()
            with contextlib.suppress(Exception), milvus_errors(self._uri):
                current = self.holder()
                if current is not None and current[0] == self.owner:
                    self._client.delete(self._collection, ids=[LEASE_ID])

    def _heartbeat(self, stop: threading.Event) -> None:
        while not stop.wait(LEASE_SECONDS / 3):
            with contextlib.suppress(Exception):
                self._write(self.owner, _now_ms() + int(LEASE_SECONDS * 1000))

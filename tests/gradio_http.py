"""A hand-made HTTP client of a Gradio app: what a script can send without gradio_client.

It reads ``/config`` for every dependency (function index) and its inputs, uploads files
through ``/gradio_api/upload``, joins the queue with any ``fn_index`` and reads the
result from the event stream, as the page's JavaScript does.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


@dataclass
class Outcome:
    """What became of one call: HTTP status, then the queue's verdict."""

    http: int
    success: bool = False
    data: list[Any] = field(default_factory=list)
    error: str = ""

    @property
    def text(self) -> str:
        return self.error or json.dumps(self.data, ensure_ascii=False)[:20000]


class RawClient:
    def __init__(
        self, url: str, headers: dict[str, str] | None = None, timeout: float = 120
    ) -> None:
        self.http = httpx.Client(base_url=url, headers=headers or {}, timeout=timeout)
        self.session_hash = uuid.uuid4().hex[:11]

    def sign_in(self, name: str, password: str) -> int:
        response = self.http.post("/login", data={"username": name, "password": password})
        return response.status_code

    def config(self) -> dict[str, Any]:
        response = self.http.get("/config")
        response.raise_for_status()
        return dict(response.json())

    def upload(self, path: Path) -> tuple[int, dict[str, Any] | str]:
        with Path(path).open("rb") as handle:
            response = self.http.post(
                "/gradio_api/upload", files={"files": (Path(path).name, handle)}
            )
        if response.status_code != 200:
            return response.status_code, _detail(response)
        stored = response.json()[0]
        return 200, {
            "path": stored,
            "orig_name": Path(path).name,
            "meta": {"_type": "gradio.FileData"},
        }

    def call(
        self, fn_index: int, data: list[Any], event_data: Any = None, route: str = "queue"
    ) -> Outcome:
        body = {
            "data": data,
            "fn_index": fn_index,
            "session_hash": self.session_hash,
            "event_data": event_data,
            "trigger_id": None,
        }
        if route != "queue":
            # /gradio_api/run/<any name> with an fn_index in the body (the direct route).
            response = self.http.post(f"/gradio_api/run/{route}", json=body)
            if response.status_code != 200:
                return Outcome(response.status_code, error=_detail(response))
            return Outcome(200, True, list(response.json().get("data", [])))
        response = self.http.post("/gradio_api/queue/join", json=body)
        if response.status_code != 200:
            return Outcome(response.status_code, error=_detail(response))
        event_id = response.json()["event_id"]
        with self.http.stream(
            "GET", "/gradio_api/queue/data", params={"session_hash": self.session_hash}
        ) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                if message.get("msg") == "process_completed":
                    output = message.get("output") or {}
                    if message.get("success"):
                        return Outcome(200, True, list(output.get("data", [])))
                    return Outcome(200, False, error=str(output.get("error") or output))
                if message.get("msg") in ("unexpected_error", "close_stream"):
                    return Outcome(200, False, error=str(message))
        return Outcome(200, False, error="the stream ended without a result")


def _detail(response: httpx.Response) -> str:
    try:
        value = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(value, dict):
        return str(value.get("detail") or value.get("error") or value)
    return str(value)

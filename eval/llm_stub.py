"""A small OpenAI-protocol chat server that replies with prepared answers.

Standard library only (http.server in a thread). Used by the tests of the generated
answer mode and by ``eval.generated`` to measure the verifier on hand-written replies
without a model. It speaks just enough of ``POST /v1/chat/completions`` for the
``openai`` client: a JSON completion, or Server-Sent Events when ``stream`` is set.

A ``Reply`` says how to answer: text (streamed in pieces of ``piece`` characters), an
HTTP error status, a body that is not JSON, or a delay before answering.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    text: str = ""
    status: int = 200
    garbage: bool = False  # a 200 whose body is not the protocol
    delay: float = 0.0  # seconds before the answer starts (streams: between pieces too)
    piece: int = 4  # characters per streamed chunk
    stall: float = 0.0  # streams: seconds of silence after the first chunk


@dataclass
class StubChatServer:
    """``with StubChatServer(lambda request: Reply("…[1]")) as server: server.url``."""

    reply: Callable[[dict[str, Any]], Reply]
    api_key: str = ""  # when set, other keys get a 401 like a real server
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                stub.requests.append(body)
                stub.headers.append({k.lower(): v for k, v in self.headers.items()})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found", "type": "not_found"}})
                    return
                if stub.api_key and self.headers.get("Authorization") != f"Bearer {stub.api_key}":
                    self._json(
                        401,
                        {
                            "error": {
                                "message": "bad key",
                                "type": "auth",
                                "code": "invalid_api_key",
                            }
                        },
                    )
                    return
                reply = stub.reply(body)
                # The client may give up first (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(reply, bool(body.get("stream")), str(body.get("model", "")))

            def _answer(self, reply: Reply, stream: bool, model: str) -> None:
                time.sleep(reply.delay)
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": "stub error", "type": "stub"}})
                    return
                if reply.garbage:
                    data = b"<html>502 upstream hiccup</html>" if not stream else b"data: {oops\n\n"
                    self._raw(200, "text/event-stream" if stream else "application/json", data)
                    return
                if not stream:
                    self._json(200, _completion(reply.text, model))
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [
                    reply.text[i : i + reply.piece] for i in range(0, len(reply.text), reply.piece)
                ]
                for i, piece in enumerate(pieces):
                    if i and reply.delay:
                        time.sleep(reply.delay)
                    if i == 1 and reply.stall:
                        time.sleep(reply.stall)
                    self._event(_chunk(piece, model, None))
                self._event(_chunk("", model, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(
                    b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"
                )
                self.wfile.flush()

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                self._raw(
                    status, "application/json", json.dumps(payload, ensure_ascii=False).encode()
                )

            def _raw(self, status: int, kind: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> StubChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _completion(text: str, model: str) -> dict[str, Any]:
    return {
        "id": "stub-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _chunk(text: str, model: str, finish: str | None) -> dict[str, Any]:
    delta = {"content": text} if text else {}
    return {
        "id": "stub-1",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def last_user_message(request: dict[str, Any]) -> str:
    messages = request.get("messages") or []
    users = [m.get("content", "") for m in messages if m.get("role") == "user"]
    return str(users[-1]) if users else ""

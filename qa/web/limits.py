"""Per-client limits: a token bucket per (kind, user or address), in memory.

Two places take tokens:

- ``LimitMiddleware`` (HTTP, before Gradio queues anything): every request that runs a
  page or API function (``/gradio_api/queue/join``, ``/call/…``, ``/run/…``,
  ``/api/…``, ``/upload``), the bytes posted to ``/gradio_api/upload`` (the only route
  where files arrive) and failed sign-ins (``/login``). A refusal is a 429 whose JSON
  ``detail`` is the Chinese message; the page shows it as a toast.
- ``Limiter.check`` in handlers (questions, evaluation runs): the refusal is a
  ``gr.Error``, so ``gradio_client`` users read the same message.

A flood from one client empties only that client's buckets; refused requests cost the
server a dictionary look-up, so everyone else keeps being answered. The buckets live in
one process: replicas behind a proxy each keep their own (the limit is then per replica).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import gradio as gr

from qa.config import Settings

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LIMIT_TITLE = "请求过于频繁"
_CALL = re.compile(r"/gradio_api/(queue/join|call/|run/|api/|upload/?$)")
_UPLOAD = re.compile(r"/gradio_api/upload/?$")
_LOGIN = re.compile(r"/login/?$")
_MAX_BUCKETS = 50_000


@dataclass(frozen=True)
class Rate:
    """``capacity`` tokens, refilled evenly over ``seconds``; capacity 0 = no limit."""

    capacity: float
    seconds: float
    # What is counted, and the message's wording: 次提问, MB 上传 …
    unit: str
    what: str

    @property
    def per_second(self) -> float:
        return self.capacity / self.seconds


def rates(settings: Settings) -> dict[str, Rate]:
    return {
        "calls": Rate(settings.rate_calls_per_minute, 60, "次请求", "每分钟"),
        "questions": Rate(settings.rate_questions_per_minute, 60, "个问题", "每分钟"),
        "upload_mb": Rate(settings.rate_upload_mb_per_hour, 3600, "MB 上传", "每小时"),
        "evaluations": Rate(settings.rate_evaluations_per_hour, 3600, "次评测", "每小时"),
        "logins": Rate(settings.rate_failed_logins_per_minute, 60, "次登录失败", "每分钟"),
    }


class TokenBucket:
    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.tokens = float(rate.capacity)
        self.updated = now

    def take(self, cost: float, now: float, dry_run: bool = False) -> float:
        """0 when ``cost`` tokens were taken (``dry_run``: are there); otherwise the
        seconds until they would be."""
        self.tokens = min(
            self.rate.capacity, self.tokens + (now - self.updated) * self.rate.per_second
        )
        self.updated = now
        if cost > self.rate.capacity:
            return math.inf
        if self.tokens >= cost:
            if not dry_run:
                self.tokens -= cost
            return 0.0
        return (cost - self.tokens) / self.rate.per_second


def limit_message(rate: Rate, wait: float) -> str:
    limit = f"{rate.what}最多 {rate.capacity:g} {rate.unit}"
    if math.isinf(wait):
        return f"这一次就超过了上限（{limit}）。请拆小后再试。"
    return f"{LIMIT_TITLE}：{limit}。请在 {max(1, math.ceil(wait))} 秒后再试；其他人不受影响。"


class Limiter:
    """Buckets per (kind, key); ``enabled=False`` (the laptop case) takes nothing."""

    def __init__(
        self,
        rates: dict[str, Rate],
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = rates
        self.enabled = enabled
        self.clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def take(self, kind: str, key: str, cost: float = 1.0, dry_run: bool = False) -> float:
        rate = self.rates[kind]
        if not self.enabled or rate.capacity <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get((kind, key))
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._prune(now)
                bucket = self._buckets[(kind, key)] = TokenBucket(rate, now)
            return bucket.take(cost, now, dry_run)

    def _prune(self, now: float) -> None:
        """Drop buckets that have refilled completely (they hold nothing to remember)."""
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated) * b.rate.per_second >= b.rate.capacity
        ]
        for k in full:
            del self._buckets[k]

    def refusal(self, kind: str, key: str, cost: float = 1.0, dry_run: bool = False) -> str:
        """The message saying why not, or "" when allowed (the tokens are then taken)."""
        wait = self.take(kind, key, cost, dry_run)
        return limit_message(self.rates[kind], wait) if wait else ""

    def check(self, kind: str, key: str, cost: float = 1.0) -> None:
        """Take tokens or raise the page's error (for handlers)."""
        message = self.refusal(kind, key, cost)
        if message:
            raise gr.Error(message, title=LIMIT_TITLE, print_exception=False)


class LimitMiddleware:
    """The HTTP layer of the limits (see the module docstring).

    ``client_key(scope)`` names the client: the signed-in user, else its address.
    """

    def __init__(self, app: ASGIApp, limiter: Limiter, client_key: Callable[[Scope], str]) -> None:
        self.app = app
        self.limiter = limiter
        self.client_key = client_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not self.limiter.enabled:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        message = ""
        if _LOGIN.search(path):
            # Only failed sign-ins count: a department behind one address signs in at 9:00.
            key = self.client_key(scope)
            message = self.limiter.refusal("logins", key, dry_run=True)
            if not message:
                await self.app(scope, receive, self._count_failures(send, key))
                return
        elif _CALL.search(path):
            key = self.client_key(scope)
            message = self.limiter.refusal("calls", key)
            if not message and _UPLOAD.search(path):
                length = _content_length(scope)
                if length is None:
                    await _respond(
                        send,
                        411,
                        "上传请求缺少 Content-Length，无法检查大小。请用浏览器或 gradio_client 上传。",
                    )
                    return
                message = self.limiter.refusal("upload_mb", key, length / 1e6)
        if message:
            await _respond(send, 429, message)
            return
        await self.app(scope, receive, send)

    def _count_failures(self, send: Send, key: str) -> Send:
        async def counted(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                self.limiter.take("logins", key)
            await send(message)

        return counted


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _respond(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message, "error": message}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

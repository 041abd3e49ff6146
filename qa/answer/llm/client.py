"""The network edge of the generated answer mode: an OpenAI-compatible chat endpoint.

Works with vLLM, Ollama, llama.cpp's server or a hosted model (``QA_LLM_URL``, e.g.
http://127.0.0.1:8080/v1). Every failure (unreachable, 401, 404, an error status, a
timeout, a reply that cannot be read) becomes a ``GenerationError`` whose ``note`` is
the sentence shown to the user above the extractive answer: never a traceback.

The client holds no lock: each call is its own HTTP request on a shared, thread-safe
connection pool, so several users can wait on the model at once while others get
extractive answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit

import openai

from qa.config import Settings
from qa.errors import InputError, QAError
from qa.redact import redact_url

FALLBACK = "以下为原文摘录。"
FALLBACK_EN = "showing the documents' own sentences instead"


class GenerationError(QAError):
    """The model gave no usable reply; ``note`` says so to the user (中文。(English.))."""

    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


def note(chinese: str, english: str) -> str:
    return f"{chinese}，{FALLBACK}({english}; {FALLBACK_EN}.)"


class ChatBackend(Protocol):
    """What the generator needs from a chat endpoint (tests and the evaluation fake it)."""

    def complete(self, messages: Sequence[dict[str, str]]) -> str: ...

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]: ...


class ChatClient:
    """``ChatBackend`` over the ``openai`` client package."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.llm_timeout
        self.model = settings.llm_model or "default"
        self.max_tokens = settings.llm_max_tokens
        try:
            url = urlsplit(settings.llm_url)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise ValueError(settings.llm_url)
            # Local servers need no key, but the client insists on one; a retry would
            # only make the reader wait twice as long before the fallback.
            self._client = openai.OpenAI(
                base_url=settings.llm_url,
                api_key=settings.llm_api_key or "none",
                timeout=settings.llm_timeout,
                max_retries=0,
            )
        except Exception:  # urlsplit's ValueError, the HTTP library's InvalidURL
            raise InputError(
                f"QA_LLM_URL={redact_url(settings.llm_url)!r} is not an http(s) URL.",
                "Give the endpoint's base URL, e.g. http://127.0.0.1:8080/v1, or unset it.",
            ) from None

    def _request(self, messages: Sequence[dict[str, str]], stream: bool) -> Any:
        return self._client.chat.completions.create(
            model=self.model,
            messages=list(messages),  # type: ignore[arg-type]
            max_tokens=self.max_tokens,
            temperature=0.0,  # the same passages give the same answer
            stream=stream,
        )

    def complete(self, messages: Sequence[dict[str, str]]) -> str:
        try:
            response = self._request(messages, stream=False)
            content = response.choices[0].message.content
        except openai.OpenAIError as err:
            raise _generation_error(err, self.timeout) from err
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
            raise GenerationError(_MALFORMED) from err
        if not isinstance(content, str):
            raise GenerationError(_MALFORMED)
        return content

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        """The reply's text in pieces as they arrive; the whole reply within the timeout."""
        deadline = time.monotonic() + self.timeout
        try:
            response = self._request(messages, stream=True)
        except openai.OpenAIError as err:
            raise _generation_error(err, self.timeout) from err
        try:
            for chunk in response:
                if time.monotonic() > deadline:
                    raise GenerationError(_timeout(self.timeout))
                if not chunk.choices:
                    continue
                piece = chunk.choices[0].delta.content
                if piece:
                    yield str(piece)
        except openai.OpenAIError as err:
            raise _generation_error(err, self.timeout) from err
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
            raise GenerationError(_MALFORMED) from err
        finally:
            response.close()  # also when the reader leaves mid-answer


_MALFORMED = note("生成模型的回复无法读取", "The answer model's reply could not be read")
UNREACHABLE = note("生成模型暂时无法连接", "The answer model could not be reached")


def _timeout(seconds: float) -> str:
    return note(
        f"生成模型在 {seconds:g} 秒内没有答完",
        f"The answer model did not finish within {seconds:g} s",
    )


def _generation_error(err: openai.OpenAIError, timeout: float) -> GenerationError:
    if isinstance(err, openai.APITimeoutError):
        return GenerationError(_timeout(timeout))
    if isinstance(err, openai.APIConnectionError):
        return GenerationError(UNREACHABLE)
    if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
        return GenerationError(
            note(
                "生成模型拒绝访问（请管理员检查 QA_LLM_API_KEY）",
                "The answer model refused the key; check QA_LLM_API_KEY",
            )
        )
    if isinstance(err, openai.NotFoundError):
        return GenerationError(
            note(
                "找不到生成模型（请管理员检查 QA_LLM_URL 和 QA_LLM_MODEL）",
                "The answer model was not found; check QA_LLM_URL and QA_LLM_MODEL",
            )
        )
    if isinstance(err, openai.APIStatusError):
        return GenerationError(
            note(
                f"生成模型出错（HTTP {err.status_code}）",
                f"The answer model failed with HTTP {err.status_code}",
            )
        )
    return GenerationError(_MALFORMED)

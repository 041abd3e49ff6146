"""Secrets stay out of logs, messages, reports and the page.

A setting or environment variable is secret by its name (``…key``, ``…token``,
``…password``, ``…secret``): ``QA_LLM_API_KEY``, a store's ``…_TOKEN``, whatever a new
backend adds under such a name is masked without anyone having to remember it. URLs
lose their ``user:password@`` part.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
# "llm_max_tokens" is a count, not a token: names ending in key or token are secret.
_SECRET_NAME = re.compile(r"(key|token)$|api_?key|passw(or)?d|secret|credential", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def redact_url(url: str) -> str:
    """``url`` without the credentials it may carry (``https://u:p@host`` -> ``https://***@host``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK if "@" in url else url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{MASK}@{host}"))


def redact_value(name: str, value: Any) -> Any:
    """The value as it may be shown: masked when the name is secret, URLs without credentials."""
    if is_secret_name(name):
        return MASK if value else value
    if isinstance(value, str) and "://" in value:
        return redact_url(value)
    return value


def redact_mapping(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: redact_value(name, value) for name, value in values.items()}


def redact_env(items: Iterable[tuple[str, str]]) -> list[str]:
    """``NAME=value`` lines (e.g. of the QA_* environment) fit for a report."""
    return [f"{name}={redact_value(name, value)}" for name, value in items]


_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/\s@:]+:[^/\s@]+@", re.IGNORECASE)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secret values and any URL credentials masked."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return _URL_CREDENTIALS.sub(rf"\1{MASK}@", text)


class SecretFilter(logging.Filter):
    """A log filter masking secret values and URL credentials in every record.

    Installed on the app's handlers (``app.py``): libraries log request URLs (httpx, the
    openai client), and an endpoint's URL may carry ``user:password@``.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def secret_values(values: Mapping[str, Any]) -> list[str]:
    """The values of the secret names among ``values`` (settings fields, environment)."""
    return [str(v) for k, v in values.items() if is_secret_name(k) and v]

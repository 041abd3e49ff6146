"""The gate of maintainers' actions: a decorator that checks the caller on the server.

Every handler that changes the corpus is wrapped in ``maintainer_action`` (listed in
``MAINTAINER_ACTIONS``): the check runs in the handler, whichever route called it (the
page, ``gradio_client``, ``/gradio_api/queue/join`` with any ``fn_index``, ``/call``,
``/run``), and every attempt is appended to the audit log. Who the caller is and what
the mode allows is ``qa.web.access``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import gradio as gr

from qa.config import Settings
from qa.errors import QAError
from qa.web.access import AccessPolicy, Refused

log = logging.getLogger("qa.access")
F = TypeVar("F", bound=Callable[..., Any])

# name -> what it does, for the audit log and the endpoint table of issue 16.
MAINTAINER_ACTIONS: dict[str, str] = {}
_TAGS = re.compile(r"<[^>]+>")


Subject = Callable[..., Mapping[str, str]]


def _request_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> gr.Request | None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, gr.Request):
            return value
    return None


def policy_of(owner: Any) -> AccessPolicy:
    policy = getattr(owner, "access", None)
    if isinstance(policy, AccessPolicy):
        return policy
    settings = getattr(getattr(owner, "assistant", None), "settings", None)
    return AccessPolicy.local(settings or Settings())


def maintainer_action(
    description: str, subject: Subject | None = None, changes_corpus: bool = True
) -> Callable[[F], F]:
    """Mark a handler as maintainers' only; the gate runs on the server before it does
    anything. Every refusal is audited; so is every outcome of a corpus change.

    ``subject(*args, **kwargs)`` names what the call is about (file, sha256, doc_id).
    The handler finds its caller in a ``gr.Request`` argument (Gradio injects it).
    """

    def decorate(fn: F) -> F:
        action = fn.__qualname__
        MAINTAINER_ACTIONS[action] = description

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            policy = policy_of(args[0] if args else None)
            identity = policy.identify(_request_of(args, kwargs))
            about = dict(_safe_subject(subject, args, kwargs))
            if not identity.is_maintainer:
                message = policy.refusal()
                log.warning("%s refused for %s", action, identity.label)
                policy.record(identity, action, result="refused", detail=message, **about)
                raise Refused(message)
            if not changes_corpus:
                return fn(*args, **kwargs)
            try:
                result = fn(*args, **kwargs)
            except gr.Error as err:
                policy.record(identity, action, result="failed", detail=err.message, **about)
                raise
            except QAError as err:
                policy.record(identity, action, result="failed", detail=str(err), **about)
                raise
            except Exception:
                policy.record(identity, action, result="failed", detail="服务器内部错误", **about)
                raise
            detail = _TAGS.sub("", str(result))[:500]
            policy.record(identity, action, result="ok", detail=detail, **about)
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


def _safe_subject(
    subject: Subject | None, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Mapping[str, str]:
    if subject is None:
        return {}
    try:
        return subject(*args, **kwargs)
    except Exception:  # the subject is for the record only: never stops the gate
        log.exception("cannot describe the subject of a maintainer action")
        return {}

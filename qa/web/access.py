"""Who may change the corpus: the one gate every corpus-changing handler goes through.

Every handler that adds, removes or rebuilds documents is wrapped in
``maintainer_action`` and so listed in ``MAINTAINER_ACTIONS``; reading handlers
(asking, figures, documents, duties, briefings, evaluation) are not. Today the gate
lets everyone through (the app serves 127.0.0.1); a deployment with roles replaces
``may_change_corpus`` (issue 16) and every listed action is checked on the server,
whichever client calls it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import gradio as gr

F = TypeVar("F", bound=Callable[..., Any])

# name -> what it does, for the audit log and the endpoint table of issue 16.
MAINTAINER_ACTIONS: dict[str, str] = {}
REFUSED = "只有维护人员可以更改文件库（添加或删除文件）。请联系管理员。"


def may_change_corpus(request: gr.Request | None) -> bool:
    """Whether the caller may change the corpus. Everyone may, for now."""
    return True


def maintainer_action(description: str) -> Callable[[F], F]:
    """Mark a handler as changing the corpus; the gate runs before it does anything."""

    def decorate(fn: F) -> F:
        MAINTAINER_ACTIONS[fn.__qualname__] = description

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = kwargs.get("request")
            if not may_change_corpus(request if isinstance(request, gr.Request) else None):
                raise gr.Error(REFUSED, title="没有权限", print_exception=False)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate

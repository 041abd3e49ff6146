"""What every tab shares: error handling at the handler edge, export folders, the page CSS.

One voice for messages: every error a user can act on reaches the page as one toast
titled in Chinese, with the library's Chinese message (the English gloss that the
command line keeps is dropped); it is logged in one line, without a traceback. Only an
unexpected error is logged with its traceback, and the page then says so in Chinese.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import gradio as gr

from qa.errors import QAError

log = logging.getLogger("qa.app")
F = TypeVar("F", bound=Callable[..., Any])
ALL = "全部"
ERROR_TITLE = "无法完成"
INTERNAL_TITLE = "服务器内部错误"
INTERNAL_MESSAGE = (
    "服务器内部错误，请稍后再试；如果一再出现，请告诉管理员（详情已记入服务器日志）。"
)
# "中文。(English.)": the parenthesised English gloss that follows a Chinese message.
_GLOSS = re.compile(r"\s*\((?=[^()]*[A-Za-z])[^()\u4e00-\u9fff]*\)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def user_message(err: QAError) -> str:
    """The message as the page shows it: Chinese only when a Chinese version exists."""
    text = str(err)
    if _CJK.search(text):
        text = _GLOSS.sub("", text)
    return text.strip()


def error(message: str) -> gr.Error:
    return gr.Error(message, title=ERROR_TITLE, print_exception=False)


def _refused(name: str, err: QAError) -> gr.Error:
    log.warning("%s refused: %s", name, str(err).replace("\n", " "))
    return error(user_message(err))


def _internal(name: str) -> gr.Error:
    log.exception("unexpected error in %s", name)
    return gr.Error(INTERNAL_MESSAGE, title=INTERNAL_TITLE, print_exception=False)


def guarded(fn: F) -> F:
    """Readable errors at the handler edge (plain functions and generators alike)."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except QAError as err:
                raise _refused(fn.__name__, err) from None
            except Exception:
                raise _internal(fn.__name__) from None

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except QAError as err:
            raise _refused(fn.__name__, err) from None
        except Exception:
            raise _internal(fn.__name__) from None

    return wrapper  # type: ignore[return-value]


def export_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="qa-export-"))


def any_(value: str | None) -> str:
    """A filter's value, "" for "all"."""
    return "" if not value or value == ALL else value


def status_html(message: str, kind: str = "info") -> str:
    """An inline status line (kind: info, ok, error): the one place a tab speaks."""
    from qa.present.html import esc

    return f'<div class="qa-status qa-status-{kind}">{esc(message)}</div>'

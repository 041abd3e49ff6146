"""Progress of slow reads (OCR) for whoever is waiting: the CLI's tqdm bar, the app.

A reader's signature stays ``read(path) -> ReadResult``; a caller that wants progress
wraps the read in ``reading_progress(callback)`` and the reader calls ``report`` as it
goes. Without a callback ``report`` does nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

# (done, total, what): e.g. (3, 12, "OCR 第3页") after the third of twelve pages.
ProgressCallback = Callable[[int, int, str], None]

_callback: ContextVar[ProgressCallback | None] = ContextVar("reading_progress", default=None)


@contextlib.contextmanager
def reading_progress(callback: ProgressCallback | None) -> Iterator[None]:
    token = _callback.set(callback)
    try:
        yield
    finally:
        _callback.reset(token)


def report(done: int, total: int, what: str) -> None:
    callback = _callback.get()
    if callback is not None:
        callback(done, total, what)


def tqdm_progress(desc: str) -> tuple[ProgressCallback, Callable[[], None]]:
    """A callback drawing a tqdm bar on stderr, and a function that closes the bar."""
    from tqdm import tqdm

    bar: list[tqdm] = []

    def callback(done: int, total: int, what: str) -> None:
        if not bar:
            bar.append(tqdm(total=total, desc=desc, unit="页", leave=False))
        if total != bar[0].total or done < bar[0].n:  # the next file's pages
            bar[0].reset(total=total)
        bar[0].set_postfix_str(what)
        bar[0].update(done - bar[0].n)

    def close() -> None:
        if bar:
            bar[0].close()

    return callback, close

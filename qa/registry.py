"""Named extension points: readers, embedders, stores, answer generators, rerankers.

Each extension point is a ``Registry``: a name (a file suffix, ``QA_STORE=milvus``,
``QA_ENCODER=onnx-int8`` …) mapped to what implements it. Adding a format, a store or
a generator is one module that calls ``register`` once, plus one import line in the
registry's home module so the registration runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from qa.errors import InputError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str, setting: str = "") -> None:
        self.what = what  # "file format", "vector store" … used in messages
        self.setting = setting  # the QA_* variable that chooses one, if any
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        key = name.lower()
        if key in self._entries and self._entries[key] is not entry:
            raise ValueError(f"{self.what} {name!r} is registered twice")
        self._entries[key] = entry
        return entry

    def add(self, *names: str) -> Callable[[T], T]:
        """Decorator form: ``@READERS.add(".txt", ".md")``."""

        def decorate(entry: T) -> T:
            for name in names:
                self.register(name, entry)
            return entry

        return decorate

    def get(self, name: str) -> T:
        entry = self._entries.get(name.lower())
        if entry is None:
            where = f"Set {self.setting} to one of" if self.setting else "Use one of"
            raise InputError(f"Unknown {self.what} {name!r}.", f"{where}: {', '.join(self)}.")
        return entry

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

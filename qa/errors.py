"""Errors a user can act on. Every message says what went wrong and how to fix it."""

from __future__ import annotations


class QAError(Exception):
    """Base class: ``str(err)`` is a complete, user-facing message."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip())


class InputError(QAError):
    """A question or argument that cannot be answered as given."""


class DocumentError(InputError):
    """A file that cannot be read as a policy document (names the file)."""


class DuplicateDocumentError(DocumentError):
    """The same content (by hash) is already in the corpus."""


class BadIndexError(QAError):
    """The index is missing, corrupt, or built for another model/corpus."""


class IndexMissingError(BadIndexError):
    pass


class IndexMismatchError(BadIndexError):
    pass


class IndexCorruptError(BadIndexError):
    pass


class IndexLockedError(BadIndexError):
    """Another process is writing the index."""


class StoreUnavailableError(BadIndexError):
    """The shared store (Milvus) cannot be reached or refuses the connection."""


class ModelError(QAError):
    """The embedding model cannot be found or loaded."""

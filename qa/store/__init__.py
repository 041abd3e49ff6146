"""Where the index lives: the backend registry and the FAISS + plain-files default.

Importing this package registers every backend; add one by writing its module (an
``IndexBackend``, see ``base``) and importing it below.
"""

from qa.store import (
    faiss_backend,  # noqa: F401  (registers "faiss")
    milvus_backend,  # noqa: F401  (registers "milvus")
)
from qa.store.base import STORES, BuildSummary, Hit, IndexBackend, Progress, open_backend
from qa.store.index import IndexInfo, SearchIndex

__all__ = [
    "STORES",
    "BuildSummary",
    "Hit",
    "IndexBackend",
    "IndexInfo",
    "Progress",
    "SearchIndex",
    "open_backend",
]

"""Index the corpus folder: parse every document under the Settings, then build."""

from __future__ import annotations

from collections.abc import Sequence

from qa.config import Settings
from qa.embed.base import Embedder
from qa.ingest.corpus import load_corpus
from qa.ingest.parse import parse
from qa.store import BuildSummary, Progress, open_backend
from qa.types import Document


def build_corpus_index(
    settings: Settings,
    embedder: Embedder,
    documents: Sequence[Document] | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    """(Re)build the index of ``documents`` (default: the corpus folder's)."""
    if documents is None:
        documents = load_corpus(settings.corpus_dir)
    parsed = []
    for done, document in enumerate(documents, 1):
        parsed.append(parse(document, settings))
        if progress:
            progress("ingest", done, len(documents))
    return open_backend(settings).build(parsed, embedder, progress)

"""The corpus an evaluation runs on: the corpus folder plus listed documents from elsewhere.

eval/v2/corpus.txt lists regulations of ../shared/scale-corpus/laws (read from there,
never copied into the project). The index of such a corpus is built once under
``index_dir`` and reused while the documents and the model are the same.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qa.assistant import Assistant
from qa.config import PROJECT_ROOT, Settings
from qa.embed import load_embedder
from qa.errors import BadIndexError, InputError
from qa.indexing import build_corpus_index
from qa.ingest.corpus import corpus_hash, load_corpus, read_overrides
from qa.ingest.parse import load_document
from qa.store import open_backend
from qa.types import Document

LAWS_DIR = PROJECT_ROOT.parent / "shared" / "scale-corpus" / "laws"


def listed_files(corpus_list: Path, root: Path = LAWS_DIR) -> list[Path]:
    """The files a list names (one path per line, relative to ``root``; # comments)."""
    try:
        lines = corpus_list.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"Cannot read the corpus list {corpus_list}: {err}.") from None
    paths = [root / line.strip() for line in lines if line.strip() and not line.startswith("#")]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise InputError(
            f"{corpus_list}: {len(missing)} listed file(s) not found, e.g. {missing[0]}.",
            f"The paths are relative to {root}; check it exists (../shared next to the project).",
        )
    return paths


def eval_documents(
    settings: Settings, corpus_list: Path | None, root: Path = LAWS_DIR
) -> list[Document]:
    documents = load_corpus(settings.corpus_dir)
    if corpus_list is not None:
        overrides = read_overrides(settings.corpus_dir)
        documents += [
            load_document(p, overrides.get(p.name)) for p in listed_files(corpus_list, root)
        ]
    return documents


def open_eval_assistant(
    settings: Settings, corpus_list: Path, index_dir: Path, root: Path = LAWS_DIR
) -> Assistant:
    """An assistant over the corpus folder plus the listed documents, built if needed."""
    settings = replace(settings, index_dir=index_dir)
    documents = eval_documents(settings, corpus_list, root)
    embedder = load_embedder(settings)
    try:
        open_backend(settings).open(model=embedder.name, corpus_hash=corpus_hash(documents))
    except BadIndexError:
        build_corpus_index(settings, embedder, documents)
    return Assistant(settings, embedder)

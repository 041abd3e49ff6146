"""The corpus folder: its files, its metadata.toml, and the one duplicate check.

``load_corpus`` reads every document of a folder (metadata.toml applied);
``check_new_documents`` is the only place that decides whether a document is already
known (same content or same id), for builds, incremental adds and uploads alike.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from qa.config import Settings
from qa.errors import DocumentError, DuplicateDocumentError
from qa.ingest.parse import METADATA_FILE, checked_overrides, load_document, parse
from qa.ingest.readers import readable_suffixes
from qa.types import Document, ParsedDocument


def read_overrides(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """File name -> field overrides from ``corpus_dir/metadata.toml`` ({} when absent)."""
    path = corpus_dir / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise DocumentError(
            f"{path}: not valid TOML ({err}).", "Fix the syntax of the metadata file."
        ) from None
    out: dict[str, dict[str, str]] = {}
    for name, fields in data.items():
        if not isinstance(fields, dict):
            raise DocumentError(
                f"{path}: entry {name!r} is not a table.",
                'Write ["file.txt"] followed by field = "value" lines.',
            )
        out[name] = checked_overrides(fields, name)
    return out


def overrides_for(path: Path, corpus_dir: Path) -> dict[str, str]:
    """The metadata.toml entry of a file that lies in the corpus folder, else {}."""
    try:
        inside = path.resolve().parent == corpus_dir.resolve()
    except OSError:
        return {}
    return read_overrides(corpus_dir).get(path.name, {}) if inside else {}


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise DocumentError(
            f"{corpus_dir}: corpus folder not found.", "Create it or set QA_CORPUS_DIR."
        )
    suffixes = readable_suffixes()
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
    )


def load_corpus(corpus_dir: Path) -> list[Document]:
    """All documents of a folder, sorted by file name, metadata.toml applied."""
    corpus_dir = Path(corpus_dir)
    files = corpus_files(corpus_dir)
    overrides = read_overrides(corpus_dir)
    missing = sorted(set(overrides) - {p.name for p in files})
    if missing:
        raise DocumentError(
            f"{corpus_dir / METADATA_FILE}: names file(s) not in the corpus: {', '.join(missing)}.",
            "Fix the file name or remove the entry.",
        )
    documents: list[Document] = []
    for path in files:
        document = load_document(path, overrides.get(path.name))
        check_new_documents([document], documents)
        documents.append(document)
    return documents


def parse_corpus(settings: Settings) -> list[ParsedDocument]:
    return [parse(d, settings) for d in load_corpus(settings.corpus_dir)]


def check_new_documents(
    new: Sequence[Document],
    known: Iterable[Document],
    folder_hashes: Mapping[str, str] | None = None,
) -> None:
    """Refuse a document whose content or id is already known (or repeated in ``new``).

    ``folder_hashes`` (content hash -> file name) covers files that lie in the corpus
    folder without being indexed yet.
    """
    by_hash: dict[str, Document] = {}
    by_id: dict[str, Document] = {}
    for document in known:
        by_hash.setdefault(document.content_hash, document)
        by_id.setdefault(document.doc_id, document)
    for document in new:
        same = by_hash.get(document.content_hash)
        if same is not None:
            raise DuplicateDocumentError(
                f"{document.source_name}：与已收录的《{same.title}》（{same.source_name}）内容相同。"
                "(The same content is already in the corpus.)",
                "没有做任何改动；请删去其中一份。",
            )
        if folder_hashes and document.content_hash in folder_hashes:
            raise DuplicateDocumentError(
                f"文件夹中已有内容相同的文件 {folder_hashes[document.content_hash]}。"
                "(The same file is already in the corpus folder.)",
                "没有做任何改动。",
            )
        other = by_id.get(document.doc_id)
        if other is not None:
            raise DuplicateDocumentError(
                f"{document.source_name}：编号 {document.doc_id!r} 与 {other.source_name} 相同。"
                "(A document with this id exists.)",
                "请给其中一个文件改名后重试。",
            )
        by_hash[document.content_hash] = document
        by_id[document.doc_id] = document


def folder_hashes(corpus_dir: Path) -> dict[str, str]:
    """Content hash -> file name of every readable file in the corpus folder."""
    if not corpus_dir.is_dir():
        return {}
    suffixes = readable_suffixes()
    return {
        hashlib.sha256(p.read_bytes()).hexdigest(): p.name
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in suffixes
    }


def corpus_hash(documents: Iterable[Document]) -> str:
    """Identity of a corpus: each document's content and the metadata shown for it."""
    lines = sorted(
        "\t".join(
            (d.source_name, d.content_hash, d.title, d.region, d.issuer, d.doc_number, d.date)
        )
        for d in documents
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

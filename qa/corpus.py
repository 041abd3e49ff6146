"""Loading documents and corpora; outline and chunk views for the command line.

``load_document`` reads one file (qa.reading), finds its metadata (qa.metadata) and
applies overrides; ``load_corpus`` loads a folder with its ``metadata.toml``.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qa.chunking import chunk_document
from qa.errors import DocumentError, DuplicateDocumentError
from qa.metadata import OVERRIDABLE_FIELDS, extract_metadata
from qa.outline import parse_outline
from qa.reading import SUPPORTED_SUFFIXES, read_document_text
from qa.types import Chunk, Document, Section

METADATA_FILE = "metadata.toml"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def make_doc_id(path: Path, content_hash: str) -> str:
    """Stable ASCII id: the lower-cased stem; a hash-based id for non-ASCII names."""
    stem = path.stem
    if stem.isascii():
        doc_id = re.sub(r"[^a-z0-9_-]", "-", stem.lower())
        if doc_id.strip("-_"):
            return doc_id
    ascii_part = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9_-]", "-", stem.lower())).strip("-_")
    short = f"doc-{content_hash[:8]}"
    return f"{ascii_part}-{short}" if ascii_part else short


def load_document(path: Path, overrides: Mapping[str, str] | None = None) -> Document:
    """One document with its metadata; DocumentError names the file when unreadable."""
    path = Path(path)
    text, encoding = read_document_text(path)
    raw = path.read_bytes()
    content_hash = hashlib.sha256(raw).hexdigest()
    clean = _checked_overrides(dict(overrides or {}), path.name)
    meta = extract_metadata(text, clean)
    return Document(
        doc_id=make_doc_id(path, content_hash),
        source_name=path.name,
        text=text,
        title=meta.title or path.stem,
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        date=meta.date,
        region=meta.region,
        script=meta.script,
        content_hash=content_hash,
        encoding=encoding,
    )


def _checked_overrides(overrides: dict[str, Any], name: str) -> dict[str, str]:
    unknown = sorted(set(overrides) - set(OVERRIDABLE_FIELDS))
    if unknown:
        raise DocumentError(
            f"{METADATA_FILE}: unknown field(s) {', '.join(unknown)} for {name}.",
            f"Use only {', '.join(OVERRIDABLE_FIELDS)}.",
        )
    for key, value in overrides.items():
        if not isinstance(value, str):
            raise DocumentError(
                f"{METADATA_FILE}: {name}.{key} must be a string.", 'Quote the value: key = "…".'
            )
    date = overrides.get("date")
    if date and not _ISO_DATE.fullmatch(date):
        raise DocumentError(
            f"{METADATA_FILE}: {name}.date={date!r} is not YYYY-MM-DD.", "Write e.g. 2015-04-27."
        )
    return overrides


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
        out[name] = _checked_overrides(fields, name)
    return out


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise DocumentError(
            f"{corpus_dir}: corpus folder not found.", "Create it or set QA_CORPUS_DIR."
        )
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
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
    by_hash: dict[str, str] = {}
    by_id: dict[str, str] = {}
    for path in files:
        document = load_document(path, overrides.get(path.name))
        if document.content_hash in by_hash:
            raise DuplicateDocumentError(
                f"{path.name}: same content as {by_hash[document.content_hash]}.",
                "Remove one of the two files.",
            )
        if document.doc_id in by_id:
            raise DocumentError(
                f"{path.name}: gets the same id {document.doc_id!r} as {by_id[document.doc_id]}.",
                "Rename one of the two files.",
            )
        by_hash[document.content_hash] = path.name
        by_id[document.doc_id] = path.name
        documents.append(document)
    return documents


def parse_document(
    document: Document, chunk_size: int = 400, chunk_min: int = 80
) -> tuple[tuple[Section, ...], list[Chunk]]:
    sections = parse_outline(document.text)
    return sections, chunk_document(document, sections, chunk_size=chunk_size, chunk_min=chunk_min)


def _metadata_dict(document: Document) -> dict[str, Any]:
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "issuer": document.issuer,
        "doc_number": document.doc_number,
        "date": document.date,
        "region": document.region,
        "script": document.script,
    }


def outline_to_dict(document: Document, sections: Sequence[Section]) -> dict[str, Any]:
    def node(section: Section) -> dict[str, Any]:
        return {
            "level": section.level,
            "number": section.number,
            "heading": section.heading,
            "children": [node(c) for c in section.children],
        }

    return {**_metadata_dict(document), "sections": [node(s) for s in sections]}


def outline_golden_dict(document: Document, sections: Sequence[Section]) -> dict[str, Any]:
    """Everything about an outline, spans included (the golden-file form)."""

    def node(section: Section) -> dict[str, Any]:
        return {
            "level": section.level,
            "kind": section.kind,
            "number": section.number,
            "heading": section.heading,
            "span": list(section.span),
            "body_span": list(section.body_span),
            "children": [node(c) for c in section.children],
        }

    return {**_metadata_dict(document), "sections": [node(s) for s in sections]}


def chunks_to_list(chunks: Sequence[Chunk]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.chunk_id,
            "section_path": list(c.section_path),
            "text": c.text,
            "span": list(c.span),
        }
        for c in chunks
    ]


def format_outline(document: Document, sections: Sequence[Section]) -> str:
    """A readable indented tree headed by the document's metadata."""
    lines = [f"《{document.title}》"]
    facts = [
        ("issuer", document.issuer),
        ("number", document.doc_number),
        ("date", document.date),
        ("region", document.region),
        ("script", document.script),
    ]
    lines.append("  ".join(f"{k}: {v or '-'}" for k, v in facts))

    def visit(section: Section) -> None:
        start, end = section.span
        lines.append(f"{'  ' * section.level}{section.label}  [{start}-{end}, {end - start} chars]")
        for child in section.children:
            visit(child)

    for section in sections:
        visit(section)
    if not sections:
        lines.append("  (no numbered headings found)")
    return "\n".join(lines)

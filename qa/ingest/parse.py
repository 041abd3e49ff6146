"""One road from a file to a parsed document: read, metadata, outline, chunks, figures.

Every entrance (index builds, uploads, the CLI, the app, the benchmark) parses through
``parse_file`` or ``parse_document`` with the current Settings, so a setting such as
QA_CHUNK_SIZE means the same thing everywhere. ``parse_document`` is pure; reading the
file (``load_document``) is the edge.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

from qa.config import Settings
from qa.errors import DocumentError
from qa.ingest.chunking import chunk_document
from qa.ingest.figures import extract_figures
from qa.ingest.metadata import OVERRIDABLE_FIELDS, extract_metadata
from qa.ingest.outline import parse_outline
from qa.ingest.readers import ReadResult, format_for, read_file
from qa.ingest.readers.base import read_bytes
from qa.types import Document, ParsedDocument

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
METADATA_FILE = "metadata.toml"


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


# OCR takes seconds a page, and an upload is read twice (validated in the staging
# folder, then indexed from the corpus folder): reads that needed OCR are kept for the
# same bytes and format. A handful is enough; the text is what is kept, not images.
_OCR_READS: OrderedDict[tuple[str, str], ReadResult] = OrderedDict()
_OCR_READS_KEPT = 8
_ocr_reads_lock = threading.Lock()


def _read(path: Path, content_hash: str) -> ReadResult:
    key = (content_hash, path.suffix.lower())
    with _ocr_reads_lock:
        if key in _OCR_READS:
            _OCR_READS.move_to_end(key)
            return _OCR_READS[key]
    read = read_file(path)
    if read.ocr_pages:
        with _ocr_reads_lock:
            _OCR_READS[key] = read
            while len(_OCR_READS) > _OCR_READS_KEPT:
                _OCR_READS.popitem(last=False)
    return read


def load_document(path: Path, overrides: Mapping[str, str] | None = None) -> Document:
    """One document with its metadata; DocumentError names the file when unreadable."""
    path = Path(path)
    format_for(path.name)  # an unknown or refused type is named before any read
    content_hash = hashlib.sha256(read_bytes(path)).hexdigest()
    read = _read(path, content_hash)
    clean = checked_overrides(dict(overrides or {}), path.name)
    meta = extract_metadata(read.text, clean)
    return Document(
        doc_id=make_doc_id(path, content_hash),
        source_name=path.name,
        text=read.text,
        title=meta.title or path.stem,
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        date=meta.date,
        region=meta.region,
        script=meta.script,
        content_hash=content_hash,
        encoding=read.encoding,
        page_starts=read.page_starts,
        ocr_pages=read.ocr_pages,
    )


def checked_overrides(overrides: Mapping[str, object], name: str) -> dict[str, str]:
    unknown = sorted(set(overrides) - set(OVERRIDABLE_FIELDS))
    if unknown:
        raise DocumentError(
            f"{METADATA_FILE}: unknown field(s) {', '.join(unknown)} for {name}.",
            f"Use only {', '.join(OVERRIDABLE_FIELDS)}.",
        )
    clean: dict[str, str] = {}
    for key, value in overrides.items():
        if not isinstance(value, str):
            raise DocumentError(
                f"{METADATA_FILE}: {name}.{key} must be a string.", 'Quote the value: key = "…".'
            )
        clean[key] = value
    date = clean.get("date")
    if date and not _ISO_DATE.fullmatch(date):
        raise DocumentError(
            f"{METADATA_FILE}: {name}.date={date!r} is not YYYY-MM-DD.", "Write e.g. 2015-04-27."
        )
    return clean


def parse_document(document: Document, *, chunk_size: int, chunk_min: int) -> ParsedDocument:
    """Outline, chunks and figures of a document (pure)."""
    sections = parse_outline(document.text)
    chunks = chunk_document(document, sections, chunk_size=chunk_size, chunk_min=chunk_min)
    figures = extract_figures(document, sections)
    return ParsedDocument(document, sections, tuple(chunks), tuple(figures))


def parse(document: Document, settings: Settings) -> ParsedDocument:
    return parse_document(document, chunk_size=settings.chunk_size, chunk_min=settings.chunk_min)


def parse_file(
    path: Path, settings: Settings, overrides: Mapping[str, str] | None = None
) -> ParsedDocument:
    """Read and parse one file under ``settings``.

    A file inside the corpus folder gets its corpus/metadata.toml entry, as the index
    does, unless ``overrides`` are given.
    """
    path = Path(path)
    if overrides is None:
        from qa.ingest.corpus import overrides_for

        overrides = overrides_for(path, settings.corpus_dir)
    return parse(load_document(path, overrides), settings)

"""File formats the assistant reads: the registry and one module per format.

Importing this package registers every format; add a format by writing its module
(see ``base.FileFormat``) and importing it below.
"""

from qa.ingest.readers import (  # noqa: F401  (each module registers itself)
    docx,
    html,
    ocr,
    ofd,
    pdf,
    refused,
    text,
)
from qa.ingest.readers.base import (
    READERS,
    FileFormat,
    ReadResult,
    format_for,
    formats,
    read_file,
    readable_suffixes,
)

__all__ = [
    "READERS",
    "FileFormat",
    "ReadResult",
    "format_for",
    "formats",
    "read_file",
    "readable_suffixes",
]

"""Ingestion: file formats, metadata, outline, chunks, figures, the corpus folder, uploads."""

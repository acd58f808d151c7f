"""Ingestion of articles from text, Markdown, HTML, JSON/JSONL, CSV, PDF and Word files."""

from corpus.ingest.importer import (
    SUPPORTED,
    ImportEvent,
    ImportReport,
    IngestOptions,
    import_paths,
)

__all__ = ["SUPPORTED", "ImportEvent", "ImportReport", "IngestOptions", "import_paths"]

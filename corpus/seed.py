"""What a new corpus starts with: the default schema, and in the default corpus the seed article."""

from __future__ import annotations

from corpus.ingest import ImportReport, import_paths
from corpus.resources import DEFAULT_SCHEMA, seed_files, shipped_schema, shipped_schema_text
from corpus.store import Store


def prepare(store: Store, with_seeds: bool) -> ImportReport | None:
    """Give a corpus without a schema the default one; import the seed articles into a corpus
    created just now when ``with_seeds`` (the default corpus). Returns the seeds' import report."""
    if not store.has_schema():
        store.set_schema(shipped_schema(DEFAULT_SCHEMA), shipped_schema_text(DEFAULT_SCHEMA))
    if with_seeds and store.created:
        return import_paths(store, seed_files(), collection="seed")
    return None

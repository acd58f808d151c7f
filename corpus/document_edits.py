"""Editing documents' metadata and collections; per-annotator statuses for lists of documents.

Mixed into :class:`corpus.store.Store`; every method owns its transaction.
"""

from __future__ import annotations


class DocumentEditsMixin:
    """Document metadata edits (filled in by the metadata editor's work)."""

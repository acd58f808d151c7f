"""Changing a corpus's schema without losing annotations: label usage, renames, removals.

Mixed into :class:`corpus.store.Store`; every method owns its transaction.
"""

from __future__ import annotations


class SchemaEditsMixin:
    """Schema changes that carry the annotations along (filled in by the schema editor's work)."""

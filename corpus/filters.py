"""Filters over documents (collection, status, metadata) shared by listing and search, and the
orders a listing can take."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from annotator.document import Status
from annotator.errors import AnnotatorError
from corpus.models import (
    AnnotationSet,
    Annotator,
    Assignment,
    Collection,
    Document,
    DocumentCollection,
)
from corpus.worked_sets import holds_work


def check_status(status: str) -> None:
    """Refuse, in one line, a status that is not one of :data:`Status.ALL`."""
    if status not in Status.ALL:
        raise AnnotatorError(f"unknown status '{status}' (expected one of {', '.join(Status.ALL)})")


def collection_members(name: str) -> pw.ModelSelect:
    """The ids of the documents in the collection ``name``, as a subquery."""
    return (
        DocumentCollection.select(DocumentCollection.document)
        .join(Collection)
        .where(Collection.name == name)
    )


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents to keep. ``status`` is the given annotator's, or anyone's without one."""

    collection: str | None = None
    status: str | None = None
    annotator: str | None = None
    author: str | None = None
    language: str | None = None
    published_from: str | None = None
    published_to: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    assigned_to: str | None = None  # only the documents in this annotator's queue

    def apply(self, query: pw.ModelSelect) -> pw.ModelSelect:
        """``query`` (over :class:`Document`) narrowed to the documents this filter keeps."""
        if self.collection is not None:
            query = query.where(Document.id.in_(collection_members(self.collection)))
        if self.assigned_to is not None:
            queue = (
                Assignment.select(Assignment.document)
                .join(Annotator)
                .where(Annotator.name == self.assigned_to)
            )
            query = query.where(Document.id.in_(queue))
        if self.status is not None:
            query = query.where(self._status_condition(self.status))
        if self.author is not None:
            query = query.where(Document.author == self.author)
        if self.language is not None:
            query = query.where(Document.language == self.language)
        if self.published_from is not None:
            query = query.where(Document.published >= self.published_from)
        if self.published_to is not None:
            # Dates are ISO text: compare as many leading characters as the bound has, so the
            # whole last day (month, year) is kept, times included. A sentinel like "day~" sorts
            # after "dayT10:00" only by code point, not in PostgreSQL's linguistic collations.
            prefix = pw.fn.SUBSTR(Document.published, 1, len(self.published_to))
            query = query.where(prefix <= self.published_to)
        for key, value in self.metadata.items():
            query = query.where(Document.metadata[key] == value)
        return query

    def _status_condition(self, status: str) -> pw.Expression:
        check_status(status)
        worked = AnnotationSet.alias("worked")
        sets = worked.select(worked.document).where(pw.SQL(holds_work("worked")))
        if self.annotator is not None:
            sets = sets.join(Annotator).where(Annotator.name == self.annotator)
        with_status = sets.where(worked.status == status)
        if status != Status.NEW:
            return Document.id.in_(with_status)
        # A document nobody (or this annotator) has started yet is new too; a set only opened
        # is no start (corpus.worked_sets).
        return Document.id.in_(with_status) | Document.id.not_in(sets)


ORDER_KEYS = ("id", "title", "author", "published", "source")
"""What a document listing can be ordered by: import order, or a metadata column."""


@dataclass(frozen=True)
class DocumentOrder:
    """The order of a document listing: by ``key``, documents without a value last either way,
    the id breaking ties so that paging neither skips nor repeats a document."""

    key: str = "id"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.key not in ORDER_KEYS:
            raise AnnotatorError(
                f"cannot order documents by '{self.key}' (expected one of {', '.join(ORDER_KEYS)})"
            )

    @property
    def column(self) -> pw.Field:
        """The ordering column of :class:`Document`."""
        field: pw.Field = getattr(Document, self.key)
        return field

    @property
    def nullable(self) -> bool:
        """Whether some documents may have no value to order by."""
        return bool(self.column.null)

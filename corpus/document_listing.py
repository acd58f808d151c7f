"""Listing documents without their texts: summaries filtered, ordered and paged by key, with
their collections and span counts (and one annotator's statuses), read a chunk at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee as pw

from annotator.errors import AnnotatorError
from corpus.filters import DocumentFilter, DocumentOrder
from corpus.models import AnnotationSet, Collection, Document, DocumentCollection, Span


@dataclass(frozen=True)
class DocumentSummary:
    """A document's metadata for lists, without its text."""

    id: int
    title: str
    source: str | None
    author: str | None
    published: str | None
    language: str | None
    imported_at: datetime
    length: int
    near_duplicate_of: int | None
    collections: tuple[str, ...] = ()
    span_count: int = 0
    status: str | None = None  # one annotator's, when the listing was asked for theirs


def _summary_query() -> pw.ModelSelect:
    """The columns of a :class:`DocumentSummary`, in :data:`_SUMMARY_FIELDS` order."""
    return Document.select(
        Document.id,
        Document.title,
        Document.source,
        Document.author,
        Document.published,
        Document.language,
        Document.imported_at,
        pw.fn.LENGTH(Document.text).coerce(False).alias("length"),
        Document.near_duplicate_of,
    )


def _ordered_rows(
    query: pw.ModelSelect,
    order: DocumentOrder,
    after: DocumentSummary | None,
    limit: int | None,
    offset: int,
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` in ``order``, past ``after``: at most ``limit`` from ``offset`` on.

    Past ``after`` means after its (key, id) pair, compared as a row value so that an index on
    the key serves. A key that may be missing is read in two parts, the documents with a value,
    then those without by id, since one query sorting NULLs last would need an OR to resume
    (measured on a million documents: a full index scan, 70 ms a page instead of 0.3 ms).
    """
    descending, column = order.descending, order.column
    by_id = Document.id.desc() if descending else Document.id.asc()
    value = None if after is None else getattr(after, order.key)
    if order.key == "id":
        parts = [query.order_by(by_id)]
    elif order.nullable and not offset:
        by_key = column.desc() if descending else column.asc()
        parts = [
            query.where(column.is_null(False)).order_by(by_key, by_id),
            query.where(column.is_null()).order_by(by_id),
        ]
        if after is not None and value is None:
            parts = parts[1:]  # it was among those without a value
    else:
        nulls = "LAST" if order.nullable else None
        by_key = column.desc(nulls=nulls) if descending else column.asc(nulls=nulls)
        parts = [query.order_by(by_key, by_id)]
    if after is not None:
        if order.key == "id" or value is None:
            key, mark = Document.id, after.id
        else:
            key, mark = pw.Tuple(column, Document.id), pw.Tuple(value, after.id)
        parts[0] = parts[0].where(key < mark if descending else key > mark)
    remaining = limit
    for part in parts:
        if remaining is not None:
            if remaining <= 0:
                return
            part = part.limit(remaining)
        if offset:
            part = part.offset(offset)  # one part only: see above
        for row in part.tuples().iterator():
            yield row
            if remaining is not None:
                remaining -= 1


_SUMMARY_FIELDS = (
    "id",
    "title",
    "source",
    "author",
    "published",
    "language",
    "imported_at",
    "length",
    "near_duplicate_of",
)


class DocumentListingMixin:
    """The store's document listings (needs ``statuses_for``)."""

    statuses_for: Callable[[Sequence[int], str], dict[int, str]]

    def documents(
        self,
        flt: DocumentFilter | None = None,
        limit: int | None = None,
        offset: int = 0,
        *,
        order: DocumentOrder | None = None,
        after: DocumentSummary | None = None,
        annotator: str | None = None,
    ) -> Iterator[DocumentSummary]:
        """Summaries of the documents that ``flt`` keeps, streamed in ``order`` (by id if none).

        ``after`` resumes the listing past that summary (keyset paging: as quick a million rows
        in as at the start, where ``offset`` re-reads all it skips); ``annotator`` fills in each
        summary's ``status`` with theirs.
        """
        if after is not None and offset:
            raise ValueError("documents() takes either after or offset, not both")
        query = (flt or DocumentFilter()).apply(_summary_query())
        rows = _ordered_rows(query, order or DocumentOrder(), after, limit, offset)
        return self._summaries(rows, annotator)

    def summary(self, doc_id: int, annotator: str | None = None) -> DocumentSummary:
        """The summary of the document ``doc_id`` (with ``annotator``'s status if given)."""
        rows = _summary_query().where(Document.id == doc_id).tuples().iterator()
        found = next(self._summaries(rows, annotator), None)
        if found is None:
            raise AnnotatorError(f"no document with id {doc_id}")
        return found

    def _summaries(
        self, rows: Iterator[tuple[Any, ...]], annotator: str | None
    ) -> Iterator[DocumentSummary]:
        """Summaries of ``rows`` of :func:`_summary_query`, their collections and span counts (and
        statuses) read in one query per chunk of rows."""
        for chunk in _chunks(rows, 500):
            ids = [row[0] for row in chunk]
            collections = self._collections_of(ids)
            counts = dict(
                AnnotationSet.select(AnnotationSet.document, pw.fn.COUNT(Span.id))
                .join(Span)
                .where(AnnotationSet.document.in_(ids))
                .group_by(AnnotationSet.document)
                .tuples()
            )
            statuses = self.statuses_for(ids, annotator) if annotator is not None else {}
            for row in chunk:
                yield DocumentSummary(
                    **dict(zip(_SUMMARY_FIELDS, row, strict=True)),
                    collections=tuple(collections.get(row[0], ())),
                    span_count=counts.get(row[0], 0),
                    status=statuses.get(row[0]),
                )

    def count_documents(self, flt: DocumentFilter | None = None) -> int:
        """How many documents ``flt`` keeps."""
        # COUNT(*) over the table itself: SQLite counts a bare table fast, not a subquery.
        query = (flt or DocumentFilter()).apply(Document.select(pw.fn.COUNT(pw.SQL("*"))))
        return int(query.scalar() or 0)

    def _collections_of(self, ids: list[int]) -> dict[int, list[str]]:
        result: dict[int, list[str]] = {}
        query = (
            DocumentCollection.select(DocumentCollection.document, Collection.name)
            .join(Collection)
            .where(DocumentCollection.document.in_(ids))
            .tuples()
        )
        for doc_id, name in query:
            result.setdefault(doc_id, []).append(name)
        # Sorted here, not by the engine, whose collations differ.
        return {doc_id: sorted(names, key=str.casefold) for doc_id, names in result.items()}

    def collections_of(self, doc_id: int) -> list[str]:
        """Names of the collections the document is in."""
        return self._collections_of([doc_id]).get(doc_id, [])


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

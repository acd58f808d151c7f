"""The store: the small interface through which everything reads and edits a corpus.

Each method owns its transaction (``db.atomic()``; nested calls become savepoints), takes and
returns domain values and ids, never model instances, so callers on other threads stay safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import Schema
from annotator.schema_yaml import load_schema_text, schema_to_yaml
from corpus import changes, dedup, search
from corpus import db as dbmod
from corpus.annotation_bulk import AnnotationBulkMixin
from corpus.annotations import AnnotationsMixin
from corpus.assignments import AssignmentsMixin
from corpus.curation import CurationMixin
from corpus.document_edits import DocumentEditsMixin
from corpus.document_writer import NEAR_CANDIDATES, DocumentWriter, check_storable
from corpus.filters import DocumentFilter, DocumentOrder
from corpus.links import LinksMixin
from corpus.migrations import ensure_schema
from corpus.models import (
    AnnotationSet,
    Annotator,
    Collection,
    Document,
    DocumentCollection,
    Event,
    Relation,
    SchemaVersion,
    Span,
)
from corpus.schema_edits import SchemaEditsMixin
from corpus.span_search import SpanSearchMixin
from corpus.span_undo import SpanUndoMixin
from corpus.statistics import StatisticsMixin
from corpus.suggestions import SuggestionsMixin


@dataclass(frozen=True)
class AddResult:
    """What happened to one added document: imported (with its id) or skipped as a duplicate."""

    id: int
    duplicate: bool = False
    near_duplicate_of: int | None = None
    similarity: float = 0.0


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


class _Bulk:
    """What a bulk transaction has added so far: ids to index at its end, and band rows written
    at its end in key order (random keys inserted one by one cost three times as much)."""

    def __init__(self, indexed: list[int]) -> None:
        self.indexed = indexed
        self.band_rows: list[tuple[int, int]] = []
        self._by_band: dict[int, list[int]] = {}
        self._signatures: dict[int, bytes] = {}

    def added(self, doc_id: int, fp: dedup.Fingerprint | None) -> None:
        """Note a document added (and committed to its savepoint) in this transaction."""
        self.indexed.append(doc_id)
        if fp is None:
            return
        self._signatures[doc_id] = fp.signature
        for band in fp.bands:
            self.band_rows.append((band, doc_id))
            self._by_band.setdefault(band, []).append(doc_id)

    def candidates(self, bands: Sequence[int]) -> list[tuple[int, bytes]]:
        """Documents of this transaction sharing a band with ``bands``, with their signatures."""
        ids = {doc_id for band in bands for doc_id in self._by_band.get(band, ())}
        return [(doc_id, self._signatures[doc_id]) for doc_id in sorted(ids)]


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


@dataclass
class Stats:
    """Counts that describe a corpus."""

    documents: int = 0
    collections: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    annotators: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    spans: int = 0
    relations: int = 0
    events: int = 0
    near_duplicates: int = 0
    schema: str | None = None
    schema_version: int | None = None


class Store(
    AnnotationsMixin,
    AnnotationBulkMixin,
    SpanUndoMixin,
    LinksMixin,
    DocumentEditsMixin,
    SchemaEditsMixin,
    AssignmentsMixin,
    CurationMixin,
    SuggestionsMixin,
    StatisticsMixin,
    SpanSearchMixin,
):
    """A corpus opened for reading and editing."""

    def __init__(self, db: pw.Database, url: str) -> None:
        self.db = db
        self.url = url
        self.created = False
        self._writer = DocumentWriter(db)
        self._bulk: _Bulk | None = None
        self._schema: tuple[int, Schema] | None = None  # the parsed schema and its version
        self._annotator_ids: dict[str, int] = {}

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (creating or upgrading as needed) the corpus at ``url`` or the default one."""
        resolved = dbmod.resolve_url(url)
        db = dbmod.connect(resolved)
        store = cls(db, resolved)
        try:
            store.created = ensure_schema(db) == 0
        except BaseException:
            db.close()
            raise
        return store

    def close(self) -> None:
        """Close this thread's connection."""
        if not self.db.is_closed():
            self.db.close()

    @property
    def is_postgres(self) -> bool:
        """Whether the corpus is on a PostgreSQL server (team mode) rather than a SQLite file."""
        return isinstance(self.db, pw.PostgresqlDatabase)

    def login_name(self) -> str | None:
        """The database user this store connects as on PostgreSQL (the annotator it acts for
        when access control is on); None on SQLite."""
        if not self.is_postgres:
            return None
        return str(self.db.execute_sql("SELECT current_user").fetchone()[0])

    def watch_changes(self) -> changes.ChangeWatcher:
        """A watcher of what other connections change in this corpus (close it when done)."""
        if isinstance(self.db, pw.PostgresqlDatabase):
            return changes.PostgresWatcher(self.db.database, self.db.connect_params)
        return changes.SqliteWatcher(self.db)

    # -- documents ----------------------------------------------------------------------------

    def add_document(
        self,
        doc: dom.Document,
        collections: Sequence[str] = (),
        fingerprint: dedup.Fingerprint | None = None,
    ) -> AddResult:
        """Add an article whose text is already normalised; exact duplicates are not added again.

        ``fingerprint`` may bring the text's fingerprint computed elsewhere (a bulk import
        computes them in a second process).
        """
        check_storable(doc)
        digest = dedup.content_hash(doc.text)
        writer = self._writer
        with self.db.atomic():
            existing = writer.find_by_hash(digest)
            if existing is not None:
                self._add_to_collections(existing, collections)
                return AddResult(existing, duplicate=True)
            fp = fingerprint or dedup.fingerprint(doc.text)
            near, similarity = self._nearest_copy(doc.text, fp)
            doc_id = writer.insert(doc, digest, near, fp.signature if fp else None)
            if fp is not None and self._bulk is None:
                writer.insert_bands(doc_id, fp.bands)
            self._add_to_collections(doc_id, collections)
        if self._bulk is not None:
            self._bulk.added(doc_id, fp)
        return AddResult(doc_id, near_duplicate_of=near, similarity=similarity)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """One transaction for many additions, whose search index is updated once at its end.

        Each ``add_document`` inside stays atomic on its own (a savepoint).
        """
        with self.db.atomic(), search.deferred_indexing(self.db) as indexed:
            self._bulk = _Bulk(indexed)
            try:
                yield
                self._writer.insert_band_rows(self._bulk.band_rows)
            finally:
                self._bulk = None

    def _nearest_copy(self, text: str, fp: dedup.Fingerprint | None) -> tuple[int | None, float]:
        """The most similar earlier document at or above the near-duplicate threshold, if any."""
        if fp is None:
            return None, 0.0
        candidates = self._writer.candidates(fp.bands, limit=NEAR_CANDIDATES)
        if self._bulk is not None:
            candidates += self._bulk.candidates(fp.bands)
        return dedup.nearest(text, fp.signature, candidates, self._writer.texts)

    def _add_to_collections(self, doc_id: int, names: Iterable[str]) -> None:
        for name in names:
            collection, _ = Collection.get_or_create(name=name)
            DocumentCollection.insert(
                document=doc_id, collection=collection.id
            ).on_conflict_ignore().execute()

    def add_to_collection(self, doc_ids: Iterable[int], name: str) -> None:
        """Put documents into the collection ``name`` (created if new)."""
        with self.db.atomic():
            for doc_id in doc_ids:
                self._add_to_collections(doc_id, [name])

    def document(self, doc_id: int) -> dom.Document:
        """The document with id ``doc_id``."""
        row = Document.get_or_none(Document.id == doc_id)
        if row is None:
            raise AnnotatorError(f"no document with id {doc_id}")
        return dom.Document(
            id=row.id,
            text=row.text,
            title=row.title,
            source=row.source,
            author=row.author,
            published=row.published,
            language=row.language,
            metadata=row.metadata or {},
        )

    def document_length(self, doc_id: int) -> int:
        """The length in code points of the document's text, without reading the text."""
        length = (
            Document.select(pw.fn.LENGTH(Document.text).coerce(False))
            .where(Document.id == doc_id)
            .scalar()
        )
        if length is None:
            raise AnnotatorError(f"no document with id {doc_id}")
        return int(length)

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

    def search(
        self, text: str, flt: DocumentFilter | None = None, limit: int = 20
    ) -> list[search.SearchHit]:
        """Ranked full-text search over titles and texts; user text is never passed on raw."""
        return search.search(self.db, text, flt, limit)

    # -- schema -------------------------------------------------------------------------------

    def schema(self) -> Schema:
        """The schema in force (the newest saved version), parsed once per version."""
        version = SchemaVersion.select(pw.fn.MAX(SchemaVersion.id)).scalar()
        if version is None:
            raise AnnotatorError(
                "the corpus has no schema yet; set one with 'annotator schema set FILE'"
            )
        return self.schema_at(int(version))

    def schema_at(self, version: int) -> Schema:
        """The schema saved as ``version``, parsed once while it stays the one asked for."""
        if self._schema is None or self._schema[0] != version:
            text = (
                SchemaVersion.select(SchemaVersion.yaml).where(SchemaVersion.id == version).scalar()
            )
            if text is None:
                raise AnnotatorError(f"the corpus has no schema version {version}")
            self._schema = (
                version,
                load_schema_text(text, f"schema version {version} of the corpus"),
            )
        return self._schema[1]

    def has_schema(self) -> bool:
        """Whether a schema was ever set."""
        return bool(SchemaVersion.select().exists())

    def set_schema(self, schema: Schema, yaml_text: str | None = None) -> int:
        """Save ``schema`` as the new version in force; returns the version number."""
        text = yaml_text if yaml_text is not None else schema_to_yaml(schema)
        if load_schema_text(text) != schema:
            raise AnnotatorError("the schema's YAML text does not describe the schema given")
        with self.db.atomic():
            row = SchemaVersion.create(name=schema.name, yaml=text)
        return int(row.id)

    def schema_history(self) -> list[dict[str, Any]]:
        """Every saved schema version, oldest first."""
        query = SchemaVersion.select(
            SchemaVersion.id, SchemaVersion.name, SchemaVersion.created_at
        ).order_by(SchemaVersion.id)
        return [
            {"version": i, "name": n, "created_at": c.isoformat()} for i, n, c in query.tuples()
        ]

    # -- statistics ---------------------------------------------------------------------------

    def stats(self) -> Stats:
        """Counts of documents, statuses, annotators' spans and labels."""
        result = Stats(documents=Document.select().count())
        result.near_duplicates = (
            Document.select().where(Document.near_duplicate_of.is_null(False)).count()
        )
        result.collections = _by_name(
            Collection.select(Collection.name, pw.fn.COUNT(DocumentCollection.document))
            .join(DocumentCollection, pw.JOIN.LEFT_OUTER)
            .group_by(Collection.name)
            .tuples()
        )
        statuses = dict(
            AnnotationSet.select(AnnotationSet.status, pw.fn.COUNT(AnnotationSet.id))
            .group_by(AnnotationSet.status)
            .tuples()
        )
        started = AnnotationSet.select(AnnotationSet.document).distinct().count()
        statuses[dom.Status.NEW] = statuses.get(dom.Status.NEW, 0) + result.documents - started
        result.statuses = {s: statuses.get(s, 0) for s in dom.Status.ALL}
        result.annotators = _by_name(
            Annotator.select(Annotator.name, pw.fn.COUNT(Span.id))
            .join(AnnotationSet, pw.JOIN.LEFT_OUTER)
            .join(Span, pw.JOIN.LEFT_OUTER)
            .group_by(Annotator.name)
            .tuples()
        )
        result.labels = _by_name(
            Span.select(Span.label, pw.fn.COUNT(Span.id)).group_by(Span.label).tuples()
        )
        result.spans = sum(result.labels.values())
        result.relations = Relation.select().count()
        result.events = Event.select().count()
        if self.has_schema():
            schema = self.schema()
            result.schema, result.schema_version = (
                schema.name,
                SchemaVersion.select(pw.fn.MAX(SchemaVersion.id)).scalar(),
            )
        return result


def _by_name(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Counts keyed by name, in an order that does not depend on the engine's collation."""
    return dict(sorted(rows, key=lambda row: row[0].casefold()))


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

"""The store: the small interface through which everything reads and edits a corpus.

Each method owns its transaction (``db.atomic()``; nested calls become savepoints), takes and
returns domain values and ids, never model instances, so callers on other threads stay safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import Schema
from annotator.schema_yaml import load_schema_text, schema_to_yaml
from corpus import changes, dedup, in_use, search
from corpus import db as dbmod
from corpus.annotation_bulk import AnnotationBulkMixin
from corpus.annotations import AnnotationsMixin
from corpus.assignments import AssignmentsMixin
from corpus.curation import CurationMixin
from corpus.document_edits import DocumentEditsMixin
from corpus.document_listing import DocumentListingMixin
from corpus.document_writer import NEAR_CANDIDATES, DocumentWriter, check_storable
from corpus.filters import DocumentFilter
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
    DocumentListingMixin,
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

    _in_use: in_use.Mark | None = None  # held from open to close (SQLite files)

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
        """Open (creating or upgrading as needed) the corpus at ``url`` or the default one.

        A SQLite corpus is marked in use (:mod:`corpus.in_use`) until :meth:`close`, so that a
        restore refuses meanwhile; during a restore, opening waits for its end.
        """
        resolved = dbmod.resolve_url(url)
        db = dbmod.connect(resolved)
        store = cls(db, resolved)
        try:
            # Before anything is read: a restore going on ends first.
            store._in_use = None if store.is_postgres else in_use.hold(Path(db.database))
            store.created = ensure_schema(db) == 0
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Close this thread's connection, and give up the store's in-use mark (once)."""
        if not self.db.is_closed():
            self.db.close()
        if self._in_use is not None:
            self._in_use.release()

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
        result.statuses = self._status_counts(result.documents)
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

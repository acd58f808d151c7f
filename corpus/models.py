"""The peewee models of a corpus. Every model binds to :data:`corpus.db.database`, so SQLite and
PostgreSQL share them; nothing here is specific to one engine."""

from __future__ import annotations

from datetime import UTC, datetime

import peewee as pw

from corpus.db import database


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo (as both engines store it)."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class CorpusMeta(BaseModel):
    """Key-value facts about the corpus itself, such as its schema version."""

    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()


class Document(BaseModel):
    """An article: its normalised text, metadata, and the hash that finds exact duplicates."""

    title = pw.TextField(default="")
    text = pw.TextField()
    source = pw.TextField(null=True)
    author = pw.TextField(null=True)
    published = pw.CharField(null=True, max_length=32, index=True)
    language = pw.CharField(null=True, max_length=16)
    content_hash = pw.CharField(max_length=64, unique=True)
    imported_at = pw.DateTimeField(default=utcnow)
    metadata = pw.JSONField(default=dict)
    near_duplicate_of = pw.ForeignKeyField(
        "self", null=True, on_delete="SET NULL", backref="near_duplicates"
    )
    minhash = pw.BlobField(null=True)  # the MinHash signature (corpus.dedup.Fingerprint)


class DocumentBand(BaseModel):
    """One locality-sensitive hash band of a document's MinHash, to find near-duplicates."""

    band = pw.BigIntegerField()  # the primary key (band, document) indexes it
    document = pw.ForeignKeyField(Document, on_delete="CASCADE", backref="bands")

    class Meta:
        primary_key = pw.CompositeKey("band", "document")


class Collection(BaseModel):
    """A named group of documents; a document can be in several."""

    name = pw.CharField(unique=True, max_length=200)
    created_at = pw.DateTimeField(default=utcnow)


class DocumentCollection(BaseModel):
    document = pw.ForeignKeyField(Document, on_delete="CASCADE", backref="memberships")
    collection = pw.ForeignKeyField(Collection, on_delete="CASCADE", backref="memberships")

    class Meta:
        primary_key = pw.CompositeKey("document", "collection")


class Annotator(BaseModel):
    """A person who annotates, with a role (annotator, curator, manager)."""

    name = pw.CharField(unique=True, max_length=100)
    role = pw.CharField(default="annotator", max_length=20)
    created_at = pw.DateTimeField(default=utcnow)


class AnnotationSet(BaseModel):
    """One annotator's annotations of one document, with the status of that work."""

    document = pw.ForeignKeyField(Document, on_delete="CASCADE", backref="annotation_sets")
    annotator = pw.ForeignKeyField(Annotator, on_delete="CASCADE", backref="annotation_sets")
    status = pw.CharField(default="new", max_length=24, index=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("document", "annotator"), True),)


class Span(BaseModel):
    """A labelled stretch of text: code-point offsets into the document's text, end exclusive."""

    # No index of its own: the unique (annotation_set, start, end, label) index serves lookups
    # by set, and it keeps a set from holding the same span twice, also when two clients add
    # it at once (a check before the insert cannot see the other's uncommitted row).
    annotation_set = pw.ForeignKeyField(
        AnnotationSet, on_delete="CASCADE", backref="spans", index=False
    )
    start = pw.IntegerField()
    end = pw.IntegerField()
    label = pw.CharField(max_length=100, index=True)
    attributes = pw.JSONField(default=dict)
    note = pw.TextField(default="")
    fragments = pw.JSONField(null=True)  # [[start, end], ...] of a discontinuous span
    version = pw.IntegerField(default=1)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("annotation_set", "start", "end", "label"), True),)
        constraints = (pw.Check("start >= 0"), pw.Check('"end" > start'))


class Relation(BaseModel):
    """A typed link from a head span to a tail span of the same annotation set."""

    annotation_set = pw.ForeignKeyField(AnnotationSet, on_delete="CASCADE", backref="relations")
    type = pw.CharField(max_length=100)
    # No index of its own: the unique (head, tail, type) index serves lookups by head and
    # keeps two spans from being linked twice by one type (also from two clients at once).
    head = pw.ForeignKeyField(Span, on_delete="CASCADE", backref="outgoing", index=False)
    tail = pw.ForeignKeyField(Span, on_delete="CASCADE", backref="incoming")
    attributes = pw.JSONField(default=dict)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("head", "tail", "type"), True),)


class Event(BaseModel):
    """An event: a typed trigger span with roles filled by other spans."""

    annotation_set = pw.ForeignKeyField(AnnotationSet, on_delete="CASCADE", backref="events")
    type = pw.CharField(max_length=100)
    trigger = pw.ForeignKeyField(Span, on_delete="CASCADE", backref="triggered")
    attributes = pw.JSONField(default=dict)
    created_at = pw.DateTimeField(default=utcnow)


class EventRole(BaseModel):
    """One argument of an event: a role name and the span that fills it."""

    event = pw.ForeignKeyField(Event, on_delete="CASCADE", backref="roles")
    role = pw.CharField(max_length=100)
    span = pw.ForeignKeyField(Span, on_delete="CASCADE", backref="roles")


class Assignment(BaseModel):
    """A document in an annotator's queue, put there by a manager."""

    document = pw.ForeignKeyField(Document, on_delete="CASCADE", backref="assignments")
    annotator = pw.ForeignKeyField(Annotator, on_delete="CASCADE", backref="assignments")
    assigned_at = pw.DateTimeField(default=utcnow)

    class Meta:
        primary_key = pw.CompositeKey("document", "annotator")
        indexes = ((("annotator", "document"), False),)


class Suggestion(BaseModel):
    """A span proposed to one annotator's set by a source (a gazetteer, rules, the corpus's own
    spans, spaCy): pending until accepted (it becomes a span and the row goes) or rejected (the
    row stays, so the same span is not proposed again)."""

    annotation_set = pw.ForeignKeyField(
        AnnotationSet, on_delete="CASCADE", backref="suggestions", index=False
    )
    start = pw.IntegerField()
    end = pw.IntegerField()
    label = pw.CharField(max_length=100)
    attributes = pw.JSONField(default=dict)
    source = pw.CharField(max_length=200, default="")
    rejected = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("annotation_set", "start", "end", "label"), True),)
        constraints = (pw.Check("start >= 0"), pw.Check('"end" > start'))


class SchemaVersion(BaseModel):
    """One saved version of the corpus's annotation schema; the newest is in force."""

    name = pw.CharField(max_length=100)
    yaml = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)


ALL_MODELS: tuple[type[BaseModel], ...] = (
    CorpusMeta,
    Document,
    DocumentBand,
    Collection,
    DocumentCollection,
    Annotator,
    AnnotationSet,
    Span,
    Relation,
    Event,
    EventRole,
    SchemaVersion,
    Assignment,
    Suggestion,
)

"""The corpus's schema version and the migrations that bring older corpora up to date.

A new corpus is created at the latest version. An older one is backed up, then each migration
runs in its own transaction and records the version it reached, so an interrupted upgrade
resumes where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import peewee as pw
import platformdirs
import psycopg2.extensions
from peewee import chunked
from playhouse.migrate import SchemaMigrator, migrate

from annotator.errors import AnnotatorError
from corpus import backup as corpus_backup
from corpus import changes, search, team_access
from corpus.db import APP_NAME, AccessDenied
from corpus.dedup import fingerprint
from corpus.models import (
    ALL_MODELS,
    Assignment,
    CorpusMeta,
    Document,
    DocumentBand,
    Event,
    EventRole,
    Relation,
    Span,
    Suggestion,
)

VERSION_KEY = "schema_version"


def _to_v2(db: pw.Database) -> None:
    """Version 2: near-duplicate detection (MinHash signatures and bands, a link to the copy)."""
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("document", "near_duplicate_of_id", Document.near_duplicate_of),
        migrator.add_column("document", "minhash", Document.minhash),
    )
    db.create_tables([DocumentBand])
    search.defer_trigger_upgrade(db)
    rows = Document.select(Document.id, Document.text).order_by(Document.id).tuples()
    for chunk in chunked(rows.iterator(), 500):
        bands: list[tuple[int, int]] = []
        for doc_id, text in chunk:
            found = fingerprint(text)
            if found is not None:
                Document.update(minhash=found.signature).where(Document.id == doc_id).execute()
                bands.extend((key, doc_id) for key in found.bands)
        if bands:
            DocumentBand.insert_many(
                bands, fields=[DocumentBand.band, DocumentBand.document]
            ).execute()


SORTED_COLUMNS = ("title", "author", "source")


def _sort_indexes(db: pw.Database) -> None:
    """Indexes that let the document list page through a sort by title, author or source.

    SQLite only: a PostgreSQL B-tree refuses entries over about 2.7 kB, so an index on titles
    would refuse an article with a very long one; PostgreSQL sorts those pages without it.
    """
    if isinstance(db, pw.SqliteDatabase):
        for column in SORTED_COLUMNS:
            db.execute_sql(
                f"CREATE INDEX IF NOT EXISTS document_{column}_id ON document ({column}, id)"
            )


def _to_v3(db: pw.Database) -> None:
    """Version 3: the document list sorts a million documents by title, author or source."""
    _sort_indexes(db)


def _to_v4(db: pw.Database) -> None:
    """Version 4: discontinuous spans keep their fragments."""
    migrate(SchemaMigrator.from_database(db).add_column("span", "fragments", Span.fragments))


def _to_v5(db: pw.Database) -> None:
    """Version 5: team work: queues of assigned documents, change notifications (PostgreSQL),
    and no separate index on a span's set (the (set, start) index serves it)."""
    db.create_tables([Assignment])
    db.execute_sql("DROP INDEX IF EXISTS span_annotation_set_id")
    changes.install_triggers(db)


def _to_v6(db: pw.Database) -> None:
    """Version 6: suggestions (pre-annotation) pending or rejected, per annotation set."""
    db.create_tables([Suggestion])
    team_access.protect_suggestions(db)


def _to_v7(db: pw.Database) -> None:
    """Version 7: a set holds each span (offsets and label) once, and two spans are linked by
    a relation type once, both by unique indexes. Repeats stored before (two clients adding the
    same at once on PostgreSQL) are merged into the oldest. Saved suggestions notify too."""
    merged = _merge_duplicate_spans()
    if merged:
        logging.getLogger(__name__).warning(
            "upgrade to version 7: %d span(s) stored twice merged into the older copy", merged
        )
    db.execute_sql("DROP INDEX IF EXISTS span_annotation_set_id_start")
    db.execute_sql("DROP INDEX IF EXISTS relation_head_id")
    db.create_tables([Span, Relation])  # creates the models' missing indexes, the unique ones
    changes.install_triggers(db)  # suggestions saved elsewhere reach an open window too


def _merge_duplicate_spans() -> int:
    """Merge each set's spans of equal offsets and label into the oldest (lowest id): the
    others' relations, events and roles move to it. Then drop links that became a span's link
    to itself, and repeated relations and roles. Returns how many spans went."""
    key = (Span.annotation_set, Span.start, Span.end, Span.label)
    twice = Span.select(*key).group_by(*key).having(pw.fn.COUNT(Span.id) > 1)
    merged: dict[int, int] = {}
    for group in twice.tuples().iterator():
        same = Span.select(Span.id).where(*(f == v for f, v in zip(key, group, strict=True)))
        keep, *others = sorted(same.scalars())
        merged.update((other, keep) for other in others)
    for other, keep in merged.items():
        Relation.update(head=keep).where(Relation.head == other).execute()
        Relation.update(tail=keep).where(Relation.tail == other).execute()
        Event.update(trigger=keep).where(Event.trigger == other).execute()
        EventRole.update(span=keep).where(EventRole.span == other).execute()
    for chunk in chunked(list(merged), 500):
        Span.delete().where(Span.id.in_(chunk)).execute()
    Relation.delete().where(Relation.head == Relation.tail).execute()
    _drop_repeats(Relation, (Relation.head, Relation.tail, Relation.type))
    _drop_repeats(EventRole, (EventRole.event, EventRole.role, EventRole.span))
    return len(merged)


def _drop_repeats(model: type[pw.Model], key: tuple[pw.Field, ...]) -> None:
    """Delete the rows of ``model`` that repeat an older row's ``key``."""
    oldest = model.select(pw.fn.MIN(model.id)).group_by(*key)
    model.delete().where(model.id.not_in(oldest)).execute()


# MIGRATIONS[n] turns a corpus at version n - 1 into version n.
MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
    6: _to_v6,
    7: _to_v7,
}
LATEST = max(MIGRATIONS)


def schema_version(db: pw.Database) -> int | None:
    """The corpus's schema version, or None for an empty database."""
    if "corpus_meta" not in db.get_tables():
        return None
    row = CorpusMeta.get_or_none(CorpusMeta.key == VERSION_KEY)
    return int(row.value) if row else None


def _set_version(version: int) -> None:
    CorpusMeta.insert(key=VERSION_KEY, value=str(version)).on_conflict(
        conflict_target=[CorpusMeta.key], update={CorpusMeta.value: str(version)}
    ).execute()


def ensure_schema(db: pw.Database) -> int:
    """Create a new corpus or upgrade an older one; returns the version it started at (0 if new)."""
    version = schema_version(db)
    if version is None:
        if db.get_tables():
            raise AnnotatorError(
                f"{db.database}: this database holds other tables and is not a corpus"
            )
        with db.atomic():
            db.create_tables(ALL_MODELS)
            search.install(db)
            _sort_indexes(db)
            changes.install_triggers(db)
            _set_version(LATEST)
        return 0
    if version > LATEST:
        raise AnnotatorError(
            f"{db.database}: the corpus is at schema version {version}, newer than this app "
            f"knows ({LATEST}); upgrade the app"
        )
    if version < LATEST:
        backup(db, f"before-v{LATEST}")
        for target in range(version + 1, LATEST + 1):
            try:
                with db.atomic():
                    MIGRATIONS[target](db)
                    _set_version(target)
            except AccessDenied:
                raise AnnotatorError(
                    f"the corpus needs an upgrade to version {LATEST}, which its owner must "
                    "make: ask them to open it once with this version of the app"
                ) from None
    return version


def backup(db: pw.Database, reason: str) -> Path | None:
    """Back up a corpus before it is upgraded; returns the copy's path. Only the newest
    automatic backups of the corpus are kept (:func:`corpus.backup.prune_automatic`).

    SQLite: beside the file, with SQLite's online backup. PostgreSQL: ``pg_dump`` into the user
    data folder's ``backups/``; without pg_dump (or its access) the upgrade, transactional
    there, still runs and a warning says that no backup was made.
    """
    if isinstance(db, pw.SqliteDatabase):
        source = Path(db.database)
        made = corpus_backup.backup(
            db, corpus_backup.stamped(source.parent, f"{source.name}.{reason}", ".bak")
        )
        corpus_backup.prune_automatic(source.parent, source.name, ".bak")
        return made
    folder = platformdirs.user_data_path(APP_NAME, appauthor=False) / "backups"
    name = str(psycopg2.extensions.parse_dsn(db.database).get("dbname", "corpus"))
    try:
        made = corpus_backup.backup(db, corpus_backup.stamped(folder, f"{name}.{reason}", ".dump"))
    except AnnotatorError as exc:
        logging.getLogger(__name__).warning("upgrading without a backup: %s", exc)
        return None
    corpus_backup.prune_automatic(folder, name, ".dump")
    return made

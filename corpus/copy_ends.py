"""The two ends of a corpus copy (see :mod:`corpus.copy`): the source opened through a plain
DB-API connection in one read-only snapshot and checked to be a corpus of this app's version;
the target checked to be empty, and its plain indexes, id sequences and search index dealt with
around the rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee as pw
import psycopg2

from annotator.errors import AnnotatorError
from annotator.schema_yaml import load_schema_text
from corpus.copy_engines import PostgresReader, Reader, SqliteReader
from corpus.copy_tables import TABLES
from corpus.db import first_line, is_postgres, redact
from corpus.migrations import LATEST, VERSION_KEY, schema_version
from corpus.resources import DEFAULT_SCHEMA, shipped_schema


def shown(url: str) -> str:
    """``url`` fit to print: any password hidden."""
    return redact(url)


# -- the source --------------------------------------------------------------------------------


@contextmanager
def opened_source(url: str) -> Iterator[Reader]:
    """A reader of the corpus at ``url``, in one read-only snapshot; closed at the end."""
    where = shown(url)
    conn: Any
    if is_postgres(url):
        try:
            conn = psycopg2.connect(url)
        except psycopg2.Error as exc:
            raise AnnotatorError(f"{where}: cannot open the corpus: {first_line(exc)}") from None
        conn.autocommit = True  # transactions by hand, as peewee does
        try:
            with conn.cursor() as cur:
                cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield PostgresReader(conn)
        finally:
            conn.close()
        return
    path = Path(url).expanduser()
    if not path.is_file():
        raise AnnotatorError(f"{path}: no such corpus file")
    try:
        conn = sqlite3.connect(
            path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None, timeout=15
        )
    except sqlite3.Error as exc:
        raise AnnotatorError(f"{path}: cannot open the corpus: {first_line(exc)}") from None
    try:
        conn.execute("BEGIN")  # one snapshot for the whole copy
        yield SqliteReader(conn)
    finally:
        conn.close()


def check_source(reader: Reader, where: str) -> None:
    """Refuse a source that is not a corpus at this app's schema version."""
    try:
        found = (
            reader.scalar(f"SELECT value FROM corpus_meta WHERE key = '{VERSION_KEY}'")
            if reader.has_table("corpus_meta")
            else None
        )
    except (sqlite3.Error, psycopg2.Error) as exc:
        raise AnnotatorError(f"{where}: cannot read the corpus: {first_line(exc)}") from None
    if found is None:
        raise AnnotatorError(f"{where}: not a corpus (no schema version)")
    version = int(found)
    if version < LATEST:
        raise AnnotatorError(
            f"{where}: the corpus is at schema version {version}; open it once with this app "
            f"(which upgrades it to version {LATEST}), then copy it"
        )
    if version > LATEST:
        raise AnnotatorError(
            f"{where}: the corpus is at schema version {version}, newer than this app knows "
            f"({LATEST}); upgrade the app"
        )


# -- the target --------------------------------------------------------------------------------


def check_target(db: pw.Database, where: str) -> bool:
    """Whether the target has no tables at all (else it must be a new, empty corpus: only the
    default schema that a new corpus gets may be in it, and is replaced)."""
    if not db.get_tables():
        return True
    version = schema_version(db)
    if version is None:
        raise AnnotatorError(
            f"{where}: the target holds tables but is not a corpus; "
            "copy into a new corpus or an empty database"
        )
    held = []
    if version != LATEST:
        held.append(f"a corpus at schema version {version}")
    for tbl in TABLES:
        if tbl.name in ("corpus_meta", "schema_version"):
            continue
        count = db.execute_sql(f'SELECT COUNT(*) FROM "{tbl.name}"').fetchone()[0]
        if count:
            held.append(f"{count} {tbl.name} row{'s' if count != 1 else ''}")
    default = shipped_schema(DEFAULT_SCHEMA)
    schemas = [text for (text,) in db.execute_sql('SELECT "yaml" FROM "schema_version"')]
    if any(load_schema_text(text) != default for text in schemas):
        held.append(f"{len(schemas)} schema version{'s' if len(schemas) != 1 else ''}")
    if held:
        raise AnnotatorError(
            f"{where}: the target is not empty ({', '.join(held)}); "
            "copy into a new corpus or an empty database"
        )
    return False


def remove_sqlite(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)


def reset_sequences(db: pw.Database) -> None:
    """Set each PostgreSQL id sequence past the largest copied id."""
    for tbl in TABLES:
        if tbl.serial:
            (key,) = tbl.key
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{tbl.name}\"', '{key}'), "
                f'COALESCE(MAX("{key}"), 1), MAX("{key}") IS NOT NULL) FROM "{tbl.name}"'
            )


def plain_indexes(db: pw.Database) -> list[tuple[str, str]]:
    """The target's indexes that neither key nor constrain a table (names and the SQL that
    made them): a copy drops them and builds them again once the rows are in, as pg_restore
    does, which on PostgreSQL is much quicker for the search column's GIN index."""
    names = [t.name for t in TABLES]
    if isinstance(db, pw.PostgresqlDatabase):
        sql = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE %%' ORDER BY indexname"
        )
        params: list[Any] = [names]
    else:  # an index SQLite made for a key or a UNIQUE has no SQL
        marks = ", ".join("?" * len(names))
        sql = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY name"
        )
        params = names
    return [(str(name), str(made)) for name, made in db.execute_sql(sql, params).fetchall()]


def indexed_documents(db: pw.Database) -> int:
    """How many documents the target's search index holds."""
    if isinstance(db, pw.PostgresqlDatabase):
        sql = 'SELECT COUNT("search_vector") FROM "document"'
    else:  # FTS5 keeps one size row per indexed document
        sql = 'SELECT COUNT(*) FROM "document_fts_docsize"'
    return int(db.execute_sql(sql).fetchone()[0])

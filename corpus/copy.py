"""Copying a whole corpus to another database: SQLite to PostgreSQL, PostgreSQL to SQLite, or
either to its own kind, with every row and id, then proving the copy by counts and checksums.

How the two databases are opened. The process has one global :data:`corpus.db.database` proxy
that the models use. The *target* is opened with :func:`corpus.db.connect`, which binds the
proxy to it for the copy's duration (so the target's tables are created by the very code that
creates every corpus, :func:`corpus.migrations.ensure_schema`), and the proxy's previous binding
is put back at the end. The *source* never touches the proxy: it is read through a plain DB-API
connection of its own (``sqlite3`` opened read-only, or ``psycopg2``; :mod:`corpus.copy_ends`)
with raw SQL, inside one read transaction (a repeatable-read snapshot on PostgreSQL), so a corpus
in use copies as it was at one instant. A copy therefore wants the proxy to itself: run it
where no store is open in another thread of the same process (the command line does).

How rows move. Tables go parents first, each streamed in batches (:mod:`corpus.copy_engines`):
``executemany`` into SQLite, one streamed ``COPY`` per table into PostgreSQL; ids are copied as
they are. Indexes that key or constrain nothing are dropped first and built again after the rows
(as pg_restore does). On SQLite foreign keys are checked at commit and the search index is filled
once at the end (:func:`corpus.search.deferred_indexing`); PostgreSQL's search column fills
itself and its id sequences are set past the copied ids.

How the copy is proved. While the rows stream, each table's rows are counted and hashed in a
canonical form (:mod:`corpus.copy_tables`); then the target's rows are read back and hashed the
same way, and the search index is counted. Any difference is an error.

What an interruption leaves. Everything, the target's tables included, is written in one
transaction, committed only after the checks pass. A cancel, an error or a mismatch rolls it
back, leaving the target as it was (an empty database stays empty), and deletes a SQLite file
the copy created; a killed process leaves at most a database without tables (its transaction
never committed). Either way the copy can simply run again.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw
import psycopg2

from annotator.errors import AnnotatorError
from corpus import search
from corpus.copy_ends import (
    check_source,
    check_target,
    indexed_documents,
    opened_source,
    plain_indexes,
    remove_sqlite,
    reset_sequences,
    shown,
)
from corpus.copy_engines import (
    PostgresReader,
    Reader,
    SqliteReader,
    batches,
    write_postgres,
    write_sqlite,
)
from corpus.copy_tables import TABLES, Row, Table, TableDigest, table
from corpus.db import connect, database, first_line, is_postgres, redact
from corpus.migrations import ensure_schema


@dataclass(frozen=True)
class CopyProgress:
    """How far a copy is: ``done`` of ``total`` row steps (each row is copied, then verified)."""

    phase: str  # "copy" or "verify"
    table: str
    done: int
    total: int


@dataclass(frozen=True)
class TableCheck:
    """One table's row counts and checksums on both sides."""

    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def matches(self) -> bool:
        """Whether the target holds exactly the source's rows."""
        return (self.source_rows, self.source_checksum) == (self.target_rows, self.target_checksum)


@dataclass
class CopyReport:
    """What a copy did: per-table counts and checksums, the search index, the time it took."""

    source: str  # URLs with any password hidden
    target: str
    tables: list[TableCheck] = field(default_factory=list)
    indexed: int = 0  # documents in the target's search index
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def documents(self) -> int:
        """The documents copied."""
        return next((t.target_rows for t in self.tables if t.table == "document"), 0)

    @property
    def matches(self) -> bool:
        """Whether every table matched and every document is searchable."""
        return all(t.matches for t in self.tables) and self.indexed == self.documents

    def mismatches(self) -> list[str]:
        """What differs, one short phrase each."""
        found = [
            f"{t.table} ({t.source_rows} rows, {t.target_rows} in the copy"
            + (", checksums differ)" if t.source_checksum != t.target_checksum else ")")
            for t in self.tables
            if not t.matches
        ]
        if self.indexed != self.documents:
            found.append(f"search index ({self.indexed} of {self.documents} documents)")
        return found


class CopyMismatch(AnnotatorError):
    """The target read back differs from the source; nothing was committed."""

    def __init__(self, report: CopyReport) -> None:
        super().__init__(
            f"{report.target}: the copy does not match its source in "
            f"{'; '.join(report.mismatches())}; nothing was committed"
        )
        self.report = report


class _Cancelled(Exception):
    """Raised between batches once the caller asks the copy to stop."""


def _never() -> bool:
    return False


def _normal_url(url: str) -> str:
    return "postgresql://" + url[len("postgres://") :] if url.startswith("postgres://") else url


def _same_corpus(a: str, b: str) -> bool:
    if is_postgres(a) or is_postgres(b):
        return a == b
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


class _Copy:
    """One copy under way: the source reader, the running digests and the progress."""

    def __init__(
        self,
        reader: Reader,
        report: CopyReport,
        progress: Callable[[CopyProgress], None] | None,
        cancelled: Callable[[], bool],
    ) -> None:
        self.reader = reader
        self.report = report
        self.progress = progress
        self.cancelled = cancelled
        self.total = 2 * sum(reader.count(t) for t in TABLES)
        self.done = 0
        self.digests: dict[str, TableDigest] = {}

    def _advance(self, phase: str, tbl: Table, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(CopyProgress(phase, tbl.name, self.done, self.total))

    def _check_cancel(self) -> None:
        if self.cancelled():
            raise _Cancelled

    def _source_rows(
        self, tbl: Table, indexed: list[int] | None
    ) -> Generator[list[Row], None, None]:
        """The table's source rows in batches, counted, hashed and reported on the way."""
        digest = self.digests[tbl.name] = TableDigest(tbl)
        for batch in batches(tbl, self.reader.chunks(tbl)):
            self._check_cancel()
            digest.add(batch)
            if indexed is not None and tbl.name == "document":
                indexed.extend(row[0] for row in batch)
            yield batch
            self._advance("copy", tbl, len(batch))

    def _copy_table(self, db: pw.Database, tbl: Table, indexed: list[int] | None) -> None:
        rows = self._source_rows(tbl, indexed)
        try:
            if isinstance(db, pw.PostgresqlDatabase):
                write_postgres(db.connection(), tbl, rows)
            else:
                write_sqlite(db.connection(), tbl, rows)
        except (sqlite3.Error, psycopg2.Error) as exc:
            raise AnnotatorError(
                f"{self.report.target}: copying table {tbl.name}: {first_line(exc)}"
            ) from None
        finally:
            rows.close()

    def fill(self, db: pw.Database, fresh: bool) -> None:
        """Create (or clear) the target's corpus, copy every table, prove it, then commit."""
        postgres = isinstance(db, pw.PostgresqlDatabase)
        with db.atomic():
            if fresh:
                ensure_schema(db)
            else:  # a new corpus's default schema, checked above: the source's replaces it
                db.execute_sql('DELETE FROM "schema_version"')
            if not postgres:
                db.execute_sql("PRAGMA defer_foreign_keys = ON")  # checked at commit
            indexes = plain_indexes(db)
            for name, _ in indexes:
                db.execute_sql(f'DROP INDEX "{name}"')
            with search.deferred_indexing(db) as indexed:
                for tbl in TABLES:
                    if tbl.name != "corpus_meta":
                        self._copy_table(db, tbl, indexed)
            db.execute_sql('DELETE FROM "corpus_meta"')
            self._copy_table(db, table("corpus_meta"), None)
            for _, made in indexes:
                db.execute_sql(made)
            if postgres:
                reset_sequences(db)
            self._verify(db)

    def _verify(self, db: pw.Database) -> None:
        """Read the target back, compare counts and checksums, and count the search index."""
        conn = db.connection()
        target: Reader = (
            PostgresReader(conn) if isinstance(db, pw.PostgresqlDatabase) else SqliteReader(conn)
        )
        for tbl in TABLES:
            digest = TableDigest(tbl)
            for chunk in target.chunks(tbl, portable=False):
                self._check_cancel()
                digest.add(chunk)
                self._advance("verify", tbl, len(chunk))
            source = self.digests[tbl.name]
            self.report.tables.append(
                TableCheck(
                    tbl.name, source.rows, digest.rows, source.hexdigest(), digest.hexdigest()
                )
            )
        self.report.indexed = indexed_documents(db)
        if not self.report.matches:
            raise CopyMismatch(self.report)


def copy_corpus(
    source: str,
    target: str,
    progress: Callable[[CopyProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CopyReport:
    """Copy the corpus at ``source`` into ``target`` (a new SQLite file, an empty database, or a
    new corpus with nothing in it), both a file path or a postgresql:// URL.

    ``progress`` hears of every batch copied and verified; ``cancelled`` is asked before each
    batch, and once it answers true the copy stops, leaving the target as it was, and returns a
    report marked ``cancelled``. A target that is not empty, or a copy that does not match its
    source (:class:`CopyMismatch`), is an :class:`AnnotatorError`.
    """
    source, target = _normal_url(source), _normal_url(target)
    if _same_corpus(source, target):
        raise AnnotatorError(f"{shown(target)}: the source and the target are the same corpus")
    started = time.perf_counter()
    report = CopyReport(shown(source), shown(target))
    with opened_source(source) as reader:
        check_source(reader, shown(source))
        job = _Copy(reader, report, progress, cancelled or _never)
        try:
            _into_target(target, job)
        except _Cancelled:
            report.cancelled = True
            report.tables = []
    report.seconds = time.perf_counter() - started
    return report


def _into_target(url: str, job: _Copy) -> None:
    """Open the target (binding the models to it for the while), fill it, and restore the
    previous binding; a SQLite file created here is deleted again if the copy fails."""
    previous = database.obj
    path = None if is_postgres(url) else Path(url).expanduser()
    created = path is not None and not path.exists()
    db: pw.Database | None = None
    try:
        try:
            db = connect(url)
        except AnnotatorError as exc:
            raise AnnotatorError(str(exc).replace(redact(url), shown(url))) from None
        job.fill(db, check_target(db, shown(url)))
    except BaseException:
        if db is not None:
            db.close()
        if created and path is not None:
            remove_sqlite(path)
        raise
    finally:
        if db is not None and not db.is_closed():
            db.close()
        database.initialize(previous)

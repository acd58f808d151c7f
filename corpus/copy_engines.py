"""Each engine's end of a corpus copy: reading a table as batches of portable rows (see
:mod:`corpus.copy_tables`) through a plain DB-API connection, and writing such batches.

SQLite writes with ``executemany``; PostgreSQL with one ``COPY ... FROM STDIN`` per table, fed
batch by batch from a file-like object, so memory stays flat however large the table, and the
whole table is one statement (a document may name a later one as its near-duplicate original:
PostgreSQL checks foreign keys at the end of the statement).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from corpus.copy_tables import BLOB, DATETIME, JSON, Row, Table

BATCH_CHARS = 8_000_000  # text per batch of documents, beside their row limit
BATCH_DOCUMENTS = 1000


class Reader(Protocol):
    """One engine's way of reading a corpus in a transaction its owner opened."""

    def has_table(self, name: str) -> bool:
        """Whether the database holds the table ``name``."""

    def scalar(self, sql: str) -> Any:
        """The first value of the first row of ``sql`` (no parameters), or None."""

    def count(self, tbl: Table) -> int:
        """The table's row count."""

    def chunks(self, tbl: Table, portable: bool = True) -> Iterator[list[Row]]:
        """Every row of the table in key order, a few at a time: as portable rows, or (to be
        hashed only) as the engine gives them, JSON as text."""


class SqliteReader:
    """Reads a SQLite corpus through a ``sqlite3`` connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def has_table(self, name: str) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self.conn.execute(sql, (name,)).fetchone() is not None

    def scalar(self, sql: str) -> Any:
        row = self.conn.execute(sql).fetchone()
        return row[0] if row else None

    def count(self, tbl: Table) -> int:
        return int(self.scalar(f'SELECT COUNT(*) FROM "{tbl.name}"'))

    def chunks(self, tbl: Table, portable: bool = True) -> Iterator[list[Row]]:
        cursor = self.conn.execute(tbl.select_sql())
        try:
            while rows := cursor.fetchmany(tbl.fetch_rows):
                yield rows
        finally:
            cursor.close()


def _pg_datetime(value: Any) -> Any:
    return value.isoformat(" ") if isinstance(value, datetime) else value


def _pg_json(value: Any) -> Any:
    # Read as text (so SQL NULL and JSON null stay apart), written back as the models write it.
    return json.dumps(json.loads(value)) if isinstance(value, str) else value


def _pg_blob(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


_FROM_PG: dict[str, Callable[[Any], Any]] = {
    DATETIME: _pg_datetime,
    JSON: _pg_json,
    BLOB: _pg_blob,
}


class PostgresReader:
    """Reads a PostgreSQL corpus through a psycopg2 connection, inside a transaction block
    (a server-side cursor per table, declared and fetched by SQL, which works whether or not
    psycopg2 itself is in autocommit mode, as peewee keeps it)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._cursors = 0

    def has_table(self, name: str) -> bool:
        with self.conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", (f'"{name}"',))
            return cur.fetchone()[0] is not None

    def scalar(self, sql: str) -> Any:
        with self.conn.cursor() as cur:
            cur.execute(sql)
            row = cur.fetchone()
        return row[0] if row else None

    def count(self, tbl: Table) -> int:
        return int(self.scalar(f'SELECT COUNT(*) FROM "{tbl.name}"'))

    def chunks(self, tbl: Table, portable: bool = True) -> Iterator[list[Row]]:
        columns = ", ".join(
            f'"{c}"::text' if kind == JSON else f'"{c}"'
            for c, kind in zip(tbl.columns, tbl.kinds, strict=True)
        )
        order = ", ".join(f'"{c}"' for c in tbl.key)
        fixes = [(i, _FROM_PG[k]) for i, k in enumerate(tbl.kinds) if k in _FROM_PG]
        self._cursors += 1
        name = f"copy_{tbl.name}_{self._cursors}"
        with self.conn.cursor() as cur:
            cur.execute(
                f'DECLARE {name} NO SCROLL CURSOR FOR SELECT {columns} FROM "{tbl.name}" '
                f"ORDER BY {order}"
            )
            while True:
                cur.execute(f"FETCH {tbl.fetch_rows} FROM {name}")
                rows = cur.fetchall()
                if not rows:
                    break
                if fixes and portable:
                    rows = [_fixed(row, fixes) for row in rows]
                yield rows
            cur.execute(f"CLOSE {name}")


def _fixed(row: Row, fixes: Sequence[tuple[int, Callable[[Any], Any]]]) -> Row:
    values = list(row)
    for i, fix in fixes:
        values[i] = fix(values[i])
    return tuple(values)


def batches(tbl: Table, chunks: Iterator[list[Row]]) -> Iterator[list[Row]]:
    """The rows of ``chunks`` in batches to write: documents grouped up to a thousand rows or
    8 million characters of text, other tables as read."""
    if tbl.name != "document":
        yield from chunks
        return
    text = [i for i, kind in enumerate(tbl.kinds) if kind != BLOB]
    batch: list[Row] = []
    chars = 0
    for chunk in chunks:
        batch.extend(chunk)
        chars += sum(len(row[i]) for row in chunk for i in text if isinstance(row[i], str))
        if len(batch) >= BATCH_DOCUMENTS or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


# -- writing -----------------------------------------------------------------------------------


def write_sqlite(conn: sqlite3.Connection, tbl: Table, rows: Iterator[list[Row]]) -> None:
    """Insert every batch of ``rows`` into the table (in the caller's transaction)."""
    marks = ", ".join("?" * len(tbl.columns))
    sql = f'INSERT INTO "{tbl.name}" ({tbl.column_list()}) VALUES ({marks})'
    for batch in rows:
        conn.executemany(sql, batch)


def _copy_field(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\\\x" + bytes(value).hex()  # bytea's hex form, its backslash escaped for COPY
    return str(value)


def copy_text(rows: Sequence[Row]) -> str:
    """Rows as lines of PostgreSQL's COPY text format."""
    return "".join(["\t".join(map(_copy_field, row)) + "\n" for row in rows])


class _CopyStream:
    """A file-like object for ``copy_expert``: each read returns the next batch as COPY text.

    psycopg2 turns an exception raised in ``read`` into a cancelled COPY; the original one is
    kept here to be raised again in its place.
    """

    def __init__(self, rows: Iterator[list[Row]]) -> None:
        self._rows = rows
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> str:
        try:
            batch = next(self._rows, None)
            while batch == []:
                batch = next(self._rows, None)
        except BaseException as exc:
            self.error = exc
            raise
        return copy_text(batch) if batch else ""

    readline = read


def write_postgres(conn: Any, tbl: Table, rows: Iterator[list[Row]]) -> None:
    """COPY every batch of ``rows`` into the table as one statement (in the caller's
    transaction)."""
    stream = _CopyStream(rows)
    with conn.cursor() as cur:
        try:
            cur.copy_expert(
                f'COPY "{tbl.name}" ({tbl.column_list()}) FROM STDIN', stream, size=1 << 20
            )
        except Exception:
            if stream.error is not None:
                raise stream.error from None
            raise

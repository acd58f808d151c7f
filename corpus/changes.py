"""Changes made by others reach an open window: which documents another connection changed.

PostgreSQL: triggers on the annotation tables send the changed documents' ids with NOTIFY on
:data:`CHANNEL` at commit, and a watcher LISTENs on a connection of its own. SQLite (several
processes on one machine): ``PRAGMA data_version`` changes whenever another connection commits,
which says that something changed but not which document.
"""

from __future__ import annotations

import select
from typing import Any, Protocol

import peewee as pw
import psycopg2
import psycopg2.extensions

CHANNEL = "annotator_changes"
MANY = "*"  # the payload when one statement changed more documents than are worth naming
_NAMED_AT_MOST = 50

# The documents each table's rows belong to, from the statement's transition table "changed".
_DOCUMENTS_OF = {
    "document": "SELECT c.id FROM changed c",
    "annotation_set": "SELECT c.document_id FROM changed c",
    "span": "SELECT a.document_id FROM changed c JOIN annotation_set a ON a.id = c.annotation_set_id",
    "relation": "SELECT a.document_id FROM changed c "
    "JOIN annotation_set a ON a.id = c.annotation_set_id",
    "event": "SELECT a.document_id FROM changed c JOIN annotation_set a ON a.id = c.annotation_set_id",
    "event_role": "SELECT a.document_id FROM changed c JOIN event e ON e.id = c.event_id "
    "JOIN annotation_set a ON a.id = e.annotation_set_id",
    "suggestion": "SELECT a.document_id FROM changed c "
    "JOIN annotation_set a ON a.id = c.annotation_set_id",
}

_FUNCTION = """
CREATE OR REPLACE FUNCTION annotator_notify_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE docs int[];
BEGIN
  SELECT array_agg(DISTINCT d) INTO docs FROM ({documents}) AS q(d);
  IF docs IS NULL THEN
    RETURN NULL;
  ELSIF cardinality(docs) > {many} THEN
    PERFORM pg_notify('{channel}', '{all}');
  ELSE
    PERFORM pg_notify('{channel}', x::text) FROM unnest(docs) AS x;
  END IF;
  RETURN NULL;
END $$
"""


def install_triggers(db: pw.Database) -> None:
    """Create the notifying triggers of a PostgreSQL corpus (nothing to do on SQLite)."""
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    for table, documents in _DOCUMENTS_OF.items():
        db.execute_sql(
            _FUNCTION.format(
                table=table, documents=documents, many=_NAMED_AT_MOST, channel=CHANNEL, all=MANY
            )
        )
        for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"annotator_notify_{table}_{event.lower()}"
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            db.execute_sql(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
                f"EXECUTE FUNCTION annotator_notify_{table}()"
            )


class ChangeWatcher(Protocol):
    """Tells what other connections changed since it was last asked."""

    def changed(self) -> set[int] | None:
        """The ids of the documents changed since the last call: an empty set when nothing
        changed, None when something changed but not which documents (reload what is shown)."""

    def close(self) -> None:
        """Stop watching."""


class SqliteWatcher:
    """Watches a SQLite corpus through ``PRAGMA data_version`` on the store's connection."""

    def __init__(self, db: pw.Database) -> None:
        self._db = db
        self._version = self._read()

    def _read(self) -> int:
        return int(self._db.execute_sql("PRAGMA data_version").fetchone()[0])

    def changed(self) -> set[int] | None:
        version = self._read()
        if version == self._version:
            return set()
        self._version = version
        return None

    def close(self) -> None:
        """Nothing to release: the watcher reads through the store's connection."""


class PostgresWatcher:
    """LISTENs for the corpus's change notifications on a connection of its own."""

    def __init__(self, url: str, params: dict[str, Any]) -> None:
        self._conn = psycopg2.connect(dsn=url, **params)
        self._conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with self._conn.cursor() as cur:
            cur.execute(f"LISTEN {CHANNEL}")

    def changed(self) -> set[int] | None:
        ready, _, _ = select.select([self._conn], [], [], 0)
        if not ready:
            return set()
        self._conn.poll()
        docs: set[int] = set()
        everything = False
        while self._conn.notifies:
            note = self._conn.notifies.pop(0)
            if note.payload == MANY:
                everything = True
            elif note.payload.isdigit():
                docs.add(int(note.payload))
        return None if everything else docs

    def wait(self, timeout: float) -> set[int] | None:
        """Like :meth:`changed`, but waits up to ``timeout`` seconds for a first change."""
        select.select([self._conn], [], [], timeout)
        return self.changed()

    def close(self) -> None:
        self._conn.close()

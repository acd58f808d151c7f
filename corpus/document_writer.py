"""The hot path of adding documents, as prepared SQL on the raw cursor.

Profiling a 5,000-article import showed half its time in peewee composing the same four
statements again for every article; here they are composed once per database and reused.
Values are converted as the models' fields convert them, so rows read back through the models
exactly as if the models had written them. A bulk import also finds the near-duplicate
candidates of many documents in one query, and reserves ids to insert many rows by one
``executemany`` (which gives no row ids back).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from corpus.models import Document, utcnow

NEAR_CANDIDATES = 20
"""Near-duplicate candidates kept of the corpus for a new document: those sharing most bands."""
IN_CHUNK = 500
"""Values passed at a time in one ``IN (...)`` list (SQLite allows 999 parameters or more)."""

_COLUMNS = (
    Document.title,
    Document.text,
    Document.source,
    Document.author,
    Document.published,
    Document.language,
    Document.content_hash,
    Document.imported_at,
    Document.metadata,
    Document.near_duplicate_of,
    Document.minhash,
)


@cache
def _insert_sql(param: str, returning: bool, with_id: bool = False) -> str:
    names = ["id"] * with_id + [field.column_name for field in _COLUMNS]
    columns = ", ".join(f'"{name}"' for name in names)
    values = ", ".join([param] * len(names))
    return f'INSERT INTO "document" ({columns}) VALUES ({values})' + (
        ' RETURNING "id"' if returning else ""
    )


@cache
def _candidates_sql(param: str, bands: int) -> str:
    marks = ", ".join([param] * bands)
    return (
        'SELECT d."id", d."minhash" FROM "document" d WHERE d."id" IN ('
        f'SELECT b."document_id" FROM "document_band" b WHERE b."band" IN ({marks}) '
        f'GROUP BY b."document_id" ORDER BY COUNT(*) DESC, b."document_id" LIMIT {param})'
    )


def holds_nul(value: Any) -> bool:
    """Whether a NUL character (which PostgreSQL cannot store) is anywhere in ``value``."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(v) for v in value)
    return False


def check_storable(doc: dom.Document) -> None:
    """Refuse a document that a corpus cannot store (a NUL character anywhere in it)."""
    fields = (doc.text, doc.title, doc.source, doc.author, doc.published, doc.language)
    if any("\x00" in field for field in fields if field) or holds_nul(dict(doc.metadata)):
        raise AnnotatorError(
            "the article holds a NUL character (U+0000), which a corpus cannot store"
        )


def reserve_ids(db: pw.Database, table: str, n: int) -> list[int]:
    """``n`` new ids for rows of ``table``, to insert them with.

    PostgreSQL draws them from the table's sequence. SQLite gives a new row the largest id
    plus one, so these are the next ``n`` from there: call it inside the transaction that
    inserts them, once it has written (holding the write lock, no one else inserts).
    """
    if n <= 0:
        return []
    if isinstance(db, pw.PostgresqlDatabase):
        cursor = db.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) "
            "FROM generate_series(1, %s)",
            (n,),
        )
        return [int(row[0]) for row in cursor.fetchall()]
    last = db.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0]
    first = int(last or 0) + 1
    return list(range(first, first + n))


class DocumentWriter:
    """Finds and inserts documents and their near-duplicate bands on one database."""

    def __init__(self, db: pw.Database) -> None:
        self.db = db
        self.param: str = db.param
        self.postgres = isinstance(db, pw.PostgresqlDatabase)

    def find_by_hash(self, digest: str) -> int | None:
        """The id of the document whose text has this content hash, if any."""
        row = self.db.execute_sql(
            f'SELECT "id" FROM "document" WHERE "content_hash" = {self.param}', (digest,)
        ).fetchone()
        return int(row[0]) if row else None

    def candidates(self, bands: Sequence[int], limit: int) -> list[tuple[int, bytes]]:
        """Documents sharing LSH bands with ``bands`` (most shared first), with their signatures."""
        cursor = self.db.execute_sql(_candidates_sql(self.param, len(bands)), (*bands, limit))
        return [
            (int(doc_id), bytes(signature)) for doc_id, signature in cursor.fetchall() if signature
        ]

    def candidates_of_many(
        self, bands: Sequence[Sequence[int]], limit: int
    ) -> list[list[tuple[int, bytes]]]:
        """:meth:`candidates` of each of several documents' bands, in two queries per
        :data:`IN_CHUNK` band keys and signatures instead of one query per document."""
        holders: dict[int, list[int]] = {}
        keys = sorted({band for own in bands for band in own})
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            for band, doc_id in self.db.execute_sql(
                'SELECT "band", "document_id" FROM "document_band" '
                f'WHERE "band" IN ({", ".join([self.param] * len(chunk))})',
                chunk,
            ).fetchall():
                holders.setdefault(int(band), []).append(int(doc_id))
        chosen: list[list[int]] = []
        for own in bands:
            found = [doc_id for band in own for doc_id in holders.get(band, ())]
            if not found:  # the usual case: no band in common with the corpus
                chosen.append([])
                continue
            shared = Counter(found)
            # most shared bands first, then the oldest: as ORDER BY COUNT(*) DESC, id
            chosen.append(sorted(shared, key=lambda d: (-shared[d], d))[:limit])
        signatures = self._signatures(sorted({doc_id for ids in chosen for doc_id in ids}))
        return [[(d, signatures[d]) for d in ids if d in signatures] for ids in chosen]

    def _signatures(self, ids: list[int]) -> dict[int, bytes]:
        """The stored MinHash signatures of the documents ``ids`` that have one."""
        found: dict[int, bytes] = {}
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            for doc_id, signature in self.db.execute_sql(
                'SELECT "id", "minhash" FROM "document" '
                f'WHERE "id" IN ({", ".join([self.param] * len(chunk))})',
                chunk,
            ).fetchall():
                if signature:
                    found[int(doc_id)] = bytes(signature)
        return found

    def texts(self, ids: Sequence[int]) -> list[tuple[int, str]]:
        """The ids and texts of the documents ``ids``, in id order."""
        rows: list[tuple[int, str]] = []
        for start in range(0, len(ids), IN_CHUNK):
            chunk = list(ids[start : start + IN_CHUNK])
            rows += self.db.execute_sql(
                'SELECT "id", "text" FROM "document" '
                f'WHERE "id" IN ({", ".join([self.param] * len(chunk))})',
                chunk,
            ).fetchall()
        return sorted((int(doc_id), str(text)) for doc_id, text in rows)

    def insert(
        self, doc: dom.Document, digest: str, near: int | None, signature: bytes | None
    ) -> int:
        """Insert the document row (the search index follows by trigger or generated column)."""
        params = self._params(doc, digest, near, signature, utcnow())
        cursor = self.db.execute_sql(_insert_sql(self.param, self.postgres), params)
        return int(cursor.fetchone()[0] if self.postgres else cursor.lastrowid)

    def insert_many(
        self, rows: Sequence[tuple[int, dom.Document, str, int | None, bytes | None]]
    ) -> None:
        """Insert documents with the ids given (see :func:`reserve_ids`): (id, document,
        content hash, near-duplicate of, signature) each. The search index follows as in
        :meth:`insert`."""
        now = utcnow()
        self.db.cursor().executemany(
            _insert_sql(self.param, False, with_id=True),
            [
                (doc_id, *self._params(doc, digest, near, signature, now))
                for doc_id, doc, digest, near, signature in rows
            ],
        )

    def _params(
        self,
        doc: dom.Document,
        digest: str,
        near: int | None,
        signature: bytes | None,
        now: datetime,
    ) -> list[Any]:
        return [
            doc.title,
            doc.text,
            doc.source,
            doc.author,
            doc.published,
            doc.language,
            digest,
            now if self.postgres else now.isoformat(" "),  # as sqlite3 and peewee store it
            json.dumps(dict(doc.metadata)),
            near,
            signature,
        ]

    def insert_bands(self, doc_id: int, bands: Sequence[int]) -> None:
        """Record the document's LSH bands."""
        self.insert_band_rows([(band, doc_id) for band in bands])

    def insert_band_rows(self, rows: Sequence[tuple[int, int]]) -> None:
        """Record (band, document id) rows, in key order for the index's sake."""
        if rows:
            sql = f'INSERT INTO "document_band" ("band", "document_id") VALUES ({self.param}, {self.param})'
            self.db.cursor().executemany(sql, sorted(rows))

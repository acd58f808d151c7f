"""The hot path of adding documents, as prepared SQL on the raw cursor.

Profiling a 5,000-article import showed half its time in peewee composing the same four
statements again for every article; here they are composed once per database and reused.
Values are converted as the models' fields convert them, so rows read back through the models
exactly as if the models had written them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import peewee as pw

from annotator import document as dom
from corpus.models import Document, utcnow

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
def _insert_sql(param: str, returning: bool) -> str:
    columns = ", ".join(f'"{field.column_name}"' for field in _COLUMNS)
    values = ", ".join([param] * len(_COLUMNS))
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

    def insert(
        self, doc: dom.Document, digest: str, near: int | None, signature: bytes | None
    ) -> int:
        """Insert the document row (the search index follows by trigger or generated column)."""
        now = utcnow()
        params: list[Any] = [
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
        cursor = self.db.execute_sql(_insert_sql(self.param, self.postgres), params)
        return int(cursor.fetchone()[0] if self.postgres else cursor.lastrowid)

    def insert_bands(self, doc_id: int, bands: Sequence[int]) -> None:
        """Record the document's LSH bands."""
        self.insert_band_rows([(band, doc_id) for band in bands])

    def insert_band_rows(self, rows: Sequence[tuple[int, int]]) -> None:
        """Record (band, document id) rows, in key order for the index's sake."""
        if rows:
            sql = f'INSERT INTO "document_band" ("band", "document_id") VALUES ({self.param}, {self.param})'
            self.db.cursor().executemany(sql, sorted(rows))

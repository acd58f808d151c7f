"""Full-text search behind one interface: SQLite FTS5 in the embedded mode, PostgreSQL's
full-text search in server mode. Both rank hits and cut a snippet around them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import peewee as pw

from corpus.filters import DocumentFilter
from corpus.models import Document
from corpus.search_query import parse_query

HIT_START, HIT_END = "[", "]"

# PostgreSQL: a text search configuration like FTS5's unicode61 with remove_diacritics (words
# split at non-letters, lower-cased, accents ignored where the unaccent extension is present).
_PG_CONFIG = "annotator_search"
# A tsvector holds at most 1 MB; longer texts are indexed without word positions.
_PG_VECTOR = (
    f"setweight(to_tsvector('{_PG_CONFIG}'::regconfig, coalesce(title, '')), 'A') || "
    f"setweight(CASE WHEN length(text) < 200000 THEN to_tsvector('{_PG_CONFIG}'::regconfig, text) "
    f"ELSE strip(to_tsvector('{_PG_CONFIG}'::regconfig, text)) END, 'B')"
)


@dataclass(frozen=True)
class SearchHit:
    """One ranked search result with a snippet; the hit words are marked with [ and ]."""

    id: int
    title: str
    snippet: str
    score: float


# The insert trigger stands aside while a bulk transaction has set the deferral flag, which is
# set and cleared inside that one transaction, so no other connection ever sees it.
_DEFERRED_KEY = "search_index_deferred"
_SQLITE_INSERT_TRIGGER = (
    "CREATE TRIGGER document_fts_ai AFTER INSERT ON document "
    f"WHEN NOT EXISTS (SELECT 1 FROM corpus_meta WHERE key = '{_DEFERRED_KEY}') BEGIN "
    "INSERT INTO document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
)


def defer_trigger_upgrade(db: pw.Database) -> None:
    """Give an older SQLite corpus the insert trigger that bulk indexing can defer."""
    if isinstance(db, pw.SqliteDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS document_fts_ai")
        db.execute_sql(_SQLITE_INSERT_TRIGGER)


FTS5_HASHSIZE = 16 * 1024 * 1024
"""Bytes of new index entries FTS5 gathers before it writes them out as a segment (its own
default is 1 MB). A bulk batch (up to 8 million characters of text) then makes one segment
instead of several that the index would merge again later: about a quarter less indexing
time, for a few MB more memory while a batch is indexed."""


def _gather_more(db: pw.Database) -> None:
    """Give the index :data:`FTS5_HASHSIZE` (a setting it keeps), unless it has it. A tuning
    only: should this SQLite not know the setting, indexing goes on without it."""
    row = db.execute_sql("SELECT v FROM document_fts_config WHERE k = 'hashsize'").fetchone()
    if row is not None and row[0] == FTS5_HASHSIZE:
        return
    with contextlib.suppress(pw.DatabaseError), db.atomic():  # a savepoint
        db.execute_sql(
            "INSERT INTO document_fts(document_fts, rank) VALUES ('hashsize', ?)",
            (FTS5_HASHSIZE,),
        )


@contextmanager
def deferred_indexing(db: pw.Database) -> Iterator[list[int]]:
    """Inside a transaction: index the documents whose ids are added to the yielded list in one
    statement at the end, instead of one trigger run each (about half the cost in FTS5).

    PostgreSQL indexes through a generated column, so there this only yields a list.
    """
    added: list[int] = []
    if not isinstance(db, pw.SqliteDatabase):
        yield added
        return
    db.execute_sql("INSERT INTO corpus_meta (key, value) VALUES (?, '1')", (_DEFERRED_KEY,))
    try:
        yield added
    finally:
        db.execute_sql("DELETE FROM corpus_meta WHERE key = ?", (_DEFERRED_KEY,))
    if added:
        _gather_more(db)
    for start in range(0, len(added), 500):
        ids = added[start : start + 500]
        marks = ", ".join("?" * len(ids))
        db.execute_sql(
            "INSERT INTO document_fts(rowid, title, text) "
            f"SELECT id, title, text FROM document WHERE id IN ({marks})",
            ids,
        )


def install(db: pw.Database) -> None:
    """Create the search index of a new corpus (call inside its creating transaction)."""
    if isinstance(db, pw.PostgresqlDatabase):
        db.execute_sql(f"CREATE TEXT SEARCH CONFIGURATION {_PG_CONFIG} (COPY = pg_catalog.simple)")
        try:
            with db.atomic():  # a savepoint: a server without unaccent keeps plain 'simple'
                db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
                db.execute_sql(
                    f"ALTER TEXT SEARCH CONFIGURATION {_PG_CONFIG} "
                    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
                )
        except pw.DatabaseError:
            pass
        db.execute_sql(
            f"ALTER TABLE document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_PG_VECTOR}) STORED"
        )
        db.execute_sql("CREATE INDEX document_search_idx ON document USING GIN (search_vector)")
        return
    db.execute_sql(
        "CREATE VIRTUAL TABLE document_fts USING fts5(title, text, content='document', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute_sql(_SQLITE_INSERT_TRIGGER)
    db.execute_sql(
        "CREATE TRIGGER document_fts_ad AFTER DELETE ON document BEGIN "
        "INSERT INTO document_fts(document_fts, rowid, title, text) "
        "VALUES ('delete', old.id, old.title, old.text); END"
    )
    db.execute_sql(
        "CREATE TRIGGER document_fts_au AFTER UPDATE OF title, text ON document BEGIN "
        "INSERT INTO document_fts(document_fts, rowid, title, text) "
        "VALUES ('delete', old.id, old.title, old.text); "
        "INSERT INTO document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )


def search(
    db: pw.Database, text: str, flt: DocumentFilter | None = None, limit: int = 20
) -> list[SearchHit]:
    """The best ``limit`` documents matching the user's search ``text``, best first."""
    query = parse_query(text)
    if not query:
        return []
    if isinstance(db, pw.PostgresqlDatabase):
        return _search_postgres(db, query.websearch(), flt, limit)
    return _search_sqlite(db, query.fts5(), flt, limit)


def _restriction(flt: DocumentFilter | None, column: str) -> tuple[str, list[Any]]:
    """A SQL condition (with its parameters) keeping ``column`` to the documents ``flt`` keeps."""
    if flt is None or flt == DocumentFilter():
        return "", []
    sql, params = flt.apply(Document.select(Document.id)).sql()
    return f" AND {column} IN ({sql})", list(params)


def _search_sqlite(
    db: pw.Database, match: str, flt: DocumentFilter | None, limit: int
) -> list[SearchHit]:
    where, params = _restriction(flt, "rowid")
    # One statement: FTS5 consumes ``ORDER BY rank`` itself and hands rows over in rank order,
    # so SQLite stops at the limit and makes the snippets (and reads the titles) of those only.
    rows = db.execute_sql(
        "SELECT rowid, title, snippet(document_fts, -1, ?, ?, '…', 16), rank FROM document_fts "
        f"WHERE document_fts MATCH ?{where} ORDER BY rank LIMIT ?",
        [HIT_START, HIT_END, match, *params, limit],
    ).fetchall()
    return [SearchHit(i, title, snippet, -score) for i, title, snippet, score in rows]


def _search_postgres(
    db: pw.Database, websearch: str, flt: DocumentFilter | None, limit: int
) -> list[SearchHit]:
    where, params = _restriction(flt, "d.id")
    options = f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=24, MinWords=10, MaxFragments=1"
    rows = db.execute_sql(
        f"WITH q AS (SELECT websearch_to_tsquery('{_PG_CONFIG}', %s) AS query), "
        "hits AS (SELECT d.id, d.title, ts_rank_cd(d.search_vector, q.query) AS score FROM document d, q "
        f"WHERE d.search_vector @@ q.query{where} ORDER BY score DESC, d.id LIMIT %s) "
        f"SELECT hits.id, hits.title, hits.score, ts_headline('{_PG_CONFIG}', left(d.text, 200000), q.query, %s) "
        "FROM hits JOIN document d ON d.id = hits.id, q ORDER BY hits.score DESC, hits.id",
        [websearch, *params, limit, options],
    ).fetchall()
    return [
        SearchHit(i, title, " ".join(snippet.split()), float(score))
        for i, title, score, snippet in rows
    ]

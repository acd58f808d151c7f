"""Copying a whole corpus between databases: SQLite to PostgreSQL and back losing nothing (ids,
timestamps, JSON, blobs, links), refusing a target that is not empty, leaving the target as it
was when cancelled or when the copy does not match, and a search index complete on the copy."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime
from pathlib import Path

import psycopg2
import pytest

from annotator.document import Document, Span
from annotator.errors import AnnotatorError
from corpus import copy as copymod
from corpus import copy_engines
from corpus.copy import CopyMismatch, CopyProgress, CopyReport, copy_corpus
from corpus.copy_engines import copy_text
from corpus.copy_tables import TABLES, canonical_datetime, canonical_json, canonical_rows
from corpus.db import database
from corpus.migrations import LATEST
from corpus.store import Store
from tests.conftest import close_bound_database, read_store
from tests.corpus.rich_corpus import build_file, snapshot


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few rows, so that the tiny corpus still streams in many of them."""
    small = tuple(dataclasses.replace(t, fetch_rows=2) for t in TABLES)
    monkeypatch.setattr(copymod, "TABLES", small)
    monkeypatch.setattr(copy_engines, "BATCH_DOCUMENTS", 2)


@pytest.fixture
def source(tmp_path: Path) -> str:
    """A SQLite corpus with every kind of data in it."""
    return build_file(tmp_path / "source.db")


def read(url: str) -> dict[str, object]:
    """The snapshot of the corpus at ``url``, opened (and closed) on its own."""
    return read_store(url, snapshot)


def count_documents(url: str) -> int:
    return read_store(url, Store.count_documents)


def search_ids(url: str, query: str) -> list[int]:
    close_bound_database()
    store = Store.open(url)
    try:
        return [hit.id for hit in store.search(query)]
    finally:
        store.close()


def checksums(report: CopyReport) -> dict[str, tuple[int, str]]:
    return {t.table: (t.target_rows, t.target_checksum) for t in report.tables}


def assert_matches(report: CopyReport) -> None:
    assert report.matches, report.mismatches()
    assert not report.cancelled
    assert [t.table for t in report.tables] == [t.name for t in TABLES]
    assert report.indexed == report.documents > 0


# -- both engines ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.usefixtures("small_batches")
def test_sqlite_to_postgres_to_sqlite_loses_nothing(
    source: str, pg_url: str, tmp_path: Path
) -> None:
    before = read(source)
    there = copy_corpus(source, pg_url)
    assert_matches(there)
    assert read(pg_url) == before
    back_url = str(tmp_path / "back.db")
    back = copy_corpus(pg_url, back_url)
    assert_matches(back)
    assert read(back_url) == before
    # The checksums do not depend on the engine: the same on all three.
    assert checksums(there) == checksums(back)
    assert {t.source_checksum for t in there.tables} == {t.target_checksum for t in back.tables}
    # Row for row, the SQLite file that came back holds what the first one held.
    for tbl in TABLES:
        sql = tbl.select_sql()
        with sqlite3.connect(source) as a, sqlite3.connect(back_url) as b:
            rows_a, rows_b = a.execute(sql).fetchall(), b.execute(sql).fetchall()
        if "json" in tbl.kinds:  # jsonb reorders keys: compare the parsed values
            canonical = canonical_rows(tbl)
            rows_a, rows_b = canonical(rows_a), canonical(rows_b)
        assert rows_a == rows_b, tbl.name


@pytest.mark.postgres
def test_search_works_on_a_postgres_copy_and_new_ids_follow_the_copied_ones(
    source: str, pg_url: str
) -> None:
    expected = search_ids(source, "jets al-Bab")
    assert expected
    copy_corpus(source, pg_url)
    assert search_ids(pg_url, "jets al-Bab") == expected
    assert search_ids(pg_url, "حلب") == search_ids(source, "حلب") != []
    close_bound_database()
    store = Store.open(pg_url)
    try:
        largest = max(d.id for d in store.documents())
        added = store.add_document(Document("A new article after the copy, about Mosul.")).id
        assert added == largest + 1
        assert [h.id for h in store.search("Mosul")] == [added]
        span_ids = [s.id for d in store.documents() for s in store.spans(d.id)]
        new_span = store.add_span(added, "dave", Span(0, 1, "Actor"))
        assert new_span == max(span_ids) + 1
    finally:
        store.close()


@pytest.mark.postgres
def test_a_postgres_target_that_is_not_empty_is_refused_and_left_alone(
    source: str, pg_url: str
) -> None:
    read_store(pg_url, lambda store: store.add_document(Document("Already here.")))
    with pytest.raises(AnnotatorError, match=r"the target is not empty \(1 document row\)"):
        copy_corpus(source, pg_url)
    assert count_documents(pg_url) == 1


@pytest.mark.postgres
def test_a_cancelled_copy_leaves_a_postgres_target_empty(source: str, pg_url: str) -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    report = copy_corpus(source, pg_url, cancelled=cancelled)
    assert report.cancelled and report.tables == []
    conn = psycopg2.connect(pg_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
            assert cur.fetchone()[0] == 0
    finally:
        conn.close()
    # And the copy can simply run again.
    assert_matches(copy_corpus(source, pg_url))


@pytest.mark.postgres
def test_postgres_to_postgres(source: str, pg_url: str, pg_server: object) -> None:
    copy_corpus(source, pg_url)
    other = pg_server.create_database("copy_pg_to_pg")  # type: ignore[attr-defined]
    try:
        assert_matches(copy_corpus(pg_url, other))
        assert read(other) == read(source)
    finally:
        close_bound_database()
        pg_server.drop_database("copy_pg_to_pg")  # type: ignore[attr-defined]


# -- SQLite alone ------------------------------------------------------------------------------


@pytest.mark.usefixtures("small_batches")
def test_sqlite_to_sqlite_loses_nothing_and_search_works(source: str, tmp_path: Path) -> None:
    before = read(source)
    target = str(tmp_path / "copy.db")
    events: list[CopyProgress] = []
    report = copy_corpus(source, target, progress=events.append)
    assert_matches(report)
    assert read(target) == before
    assert search_ids(target, "jets al-Bab") == search_ids(source, "jets al-Bab") != []
    assert search_ids(target, "مواقع") == search_ids(source, "مواقع") != []
    # Progress: every row copied, then every row verified, in order.
    assert events[-1].done == events[-1].total == 2 * sum(t.source_rows for t in report.tables)
    assert [e.done for e in events] == sorted(e.done for e in events)
    phases = [e.phase for e in events]
    assert phases.index("verify") > phases.index("copy")
    assert set(phases[phases.index("verify") :]) == {"verify"}


def test_a_copy_puts_back_the_database_the_models_were_bound_to(
    source: str, tmp_path: Path
) -> None:
    close_bound_database()
    store = Store.open(str(tmp_path / "open.db"))
    try:
        bound = database.obj
        copy_corpus(source, str(tmp_path / "copy.db"))
        assert database.obj is bound
        assert store.count_documents() == 0  # still this corpus, not the copy
    finally:
        store.close()


def test_new_ids_follow_the_copied_ones_on_sqlite(source: str, tmp_path: Path) -> None:
    target = str(tmp_path / "copy.db")
    copy_corpus(source, target)
    close_bound_database()
    store = Store.open(target)
    try:
        largest = max(d.id for d in store.documents())
        assert store.add_document(Document("Something new.")).id == largest + 1
    finally:
        store.close()


def test_an_empty_file_and_a_new_corpus_are_accepted_as_targets(
    source: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert_matches(copy_corpus(source, str(empty)))
    # A corpus just opened by the app holds the default schema and nothing else.
    new = str(tmp_path / "new.db")
    from corpus import seed

    read_store(new, lambda store: seed.prepare(store, with_seeds=False))
    assert_matches(copy_corpus(source, new))
    assert read(new)["schema_history"] == read(source)["schema_history"]


def test_a_target_that_is_not_empty_is_refused_and_left_alone(source: str, tmp_path: Path) -> None:
    target = str(tmp_path / "full.db")

    def fill(store: Store) -> None:
        store.add_document(Document("Already here."))
        store.annotator_id("zoe")

    read_store(target, fill)
    with pytest.raises(AnnotatorError) as caught:
        copy_corpus(source, target)
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"{target}: the target is not empty (1 document row, 1 annotator row); "
        "copy into a new corpus or an empty database"
    )
    assert count_documents(target) == 1


def test_a_target_with_a_schema_of_its_own_is_refused(source: str, tmp_path: Path) -> None:
    target = str(tmp_path / "schema.db")
    from corpus.resources import shipped_schema

    read_store(target, lambda store: store.set_schema(shipped_schema("conll-ner")))
    with pytest.raises(AnnotatorError, match=r"not empty \(1 schema version\)"):
        copy_corpus(source, target)


def test_a_database_with_other_tables_is_refused(source: str, tmp_path: Path) -> None:
    target = tmp_path / "other.db"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with pytest.raises(AnnotatorError, match="holds tables but is not a corpus"):
        copy_corpus(source, str(target))
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


def test_bad_sources_are_refused_in_one_line(source: str, tmp_path: Path) -> None:
    target = str(tmp_path / "t.db")
    with pytest.raises(AnnotatorError, match="no such corpus file"):
        copy_corpus(str(tmp_path / "missing.db"), target)
    with pytest.raises(AnnotatorError, match="the source and the target are the same corpus"):
        copy_corpus(source, source)
    not_corpus = tmp_path / "plain.db"
    with sqlite3.connect(not_corpus) as conn:
        conn.execute("CREATE TABLE x (y)")
    with pytest.raises(AnnotatorError, match="not a corpus"):
        copy_corpus(str(not_corpus), target)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(AnnotatorError, match="cannot read the corpus"):
        copy_corpus(str(garbage), target)
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE corpus_meta SET value = ? WHERE key = 'schema_version'", [LATEST - 1])
    with pytest.raises(AnnotatorError, match=f"schema version {LATEST - 1}; open it once"):
        copy_corpus(source, target)
    assert not Path(target).exists()


@pytest.mark.usefixtures("small_batches")
def test_a_cancelled_copy_deletes_the_file_it_created(source: str, tmp_path: Path) -> None:
    target = tmp_path / "cancelled.db"
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 5

    report = copy_corpus(source, str(target), cancelled=cancelled)
    assert report.cancelled and report.tables == []
    assert not list(tmp_path.glob("cancelled.db*"))


def test_a_cancelled_copy_leaves_an_empty_file_empty(source: str, tmp_path: Path) -> None:
    target = tmp_path / "empty.db"
    sqlite3.connect(target).close()
    report = copy_corpus(source, str(target), cancelled=lambda: True)
    assert report.cancelled
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone() == (0,)


def test_a_copy_that_does_not_match_is_an_error_and_nothing_is_kept(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = copy_engines.write_sqlite

    def lossy(conn, tbl, rows):  # type: ignore[no-untyped-def]
        if tbl.name != "span":
            return write(conn, tbl, rows)
        # Loses one span's note on the way: counts agree, the checksum does not.
        note = tbl.columns.index("note")
        changed = ([(*r[:note], "", *r[note + 1 :]) for r in batch] for batch in rows)
        return write(conn, tbl, changed)

    monkeypatch.setattr(copymod, "write_sqlite", lossy)
    target = tmp_path / "lossy.db"
    with pytest.raises(CopyMismatch) as caught:
        copy_corpus(source, str(target))
    assert str(caught.value) == (
        f"{target}: the copy does not match its source in span (10 rows, 10 in the copy, "
        "checksums differ); nothing was committed"
    )
    assert [t.table for t in caught.value.report.tables if not t.matches] == ["span"]
    assert not list(tmp_path.glob("lossy.db*"))


# -- the pieces --------------------------------------------------------------------------------


def test_canonical_forms_iron_out_what_engines_change() -> None:
    # As SQLite holds JSON (json.dumps) and as jsonb gives it back.
    assert canonical_json('{"b": [1.5, 1e2, 1.0], "a": {"é": null}}') == canonical_json(
        '{"a": {"\\u00e9": null}, "b": [1.5, 100, 1.0]}'
    )
    assert canonical_json('{"a": 1}') != canonical_json('{"a": 2}')
    assert canonical_json(None) is None
    moment = datetime(2024, 5, 1, 12, 30, 0, 120000)
    assert canonical_datetime("2024-05-01 12:30:00.120000") == canonical_datetime(moment)
    assert canonical_datetime("2024-05-01 12:30:00") == "2024-05-01 12:30:00.000000"


def test_copy_text_escapes_what_copy_reads_specially() -> None:
    rows = [(1, "a\tb\nc\\d\re", None, b"\x00\xff", ""), (2, "plain", "x", None, "é🚀")]
    assert copy_text(rows) == ("1\ta\\tb\\nc\\\\d\\re\t\\N\t\\\\x00ff\t\n2\tplain\tx\t\\N\té🚀\n")


def test_checksums_do_not_depend_on_batches(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = copy_corpus(source, str(tmp_path / "a.db"))
    monkeypatch.setattr(
        copymod, "TABLES", tuple(dataclasses.replace(t, fetch_rows=1) for t in TABLES)
    )
    monkeypatch.setattr(copy_engines, "BATCH_DOCUMENTS", 1)
    cut = copy_corpus(source, str(tmp_path / "b.db"))
    assert checksums(whole) == checksums(cut)

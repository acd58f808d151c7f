"""Backups on both engines: a corpus backed up, changed and restored is exactly as before; a
backup taken while the corpus is written holds whole transactions only; a file that is not a
corpus backup is refused in one line; a restore refuses while the corpus is in use; an upgrade
leaves a backup first (pg_dump on PostgreSQL, and without it the upgrade still runs and says
so), and only the newest five of those are kept."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from annotator.document import Document, Span
from annotator.errors import AnnotatorError
from corpus import backup as corpus_backup
from corpus import migrations
from corpus.backup import backup, find_tool, restore
from corpus.store import Store
from tests.conftest import close_bound_database

TEXT = "Turkish jets struck al-Bab on Wednesday; three civilians were killed near Aleppo."
SPANS_PER_DOC = 3


def fill(store: Store) -> list[int]:
    """Two documents, one in a collection, with spans of two annotators."""
    first = store.add_document(Document(text=TEXT, title="Jets 😀"), collections=["wire"]).id
    second = store.add_document(Document(text="Café owners in Zürich protested.")).id
    store.add_spans(first, "alice", [Span(0, 7, "Actor"), Span(8, 12, "WeaponSystem")])
    store.add_span(first, "bob", Span(20, 26, "Location"))
    store.add_span(second, "alice", Span(15, 21, "Location"))
    return [first, second]


def snapshot(store: Store) -> tuple[Any, ...]:
    """Everything a user sees of the corpus: summaries, texts and stored spans."""
    docs = list(store.documents())
    return (
        docs,
        [store.document(d.id).text for d in docs],
        [store.spans(d.id) for d in docs],
    )


def reopen(store: Store) -> Store:
    store.close()
    close_bound_database()
    return Store.open(store.url)


def test_a_corpus_backed_up_changed_and_restored_is_exactly_as_before(store, tmp_path):
    ids = fill(store)
    before = snapshot(store)
    made = backup(store, tmp_path / "backups" / "corpus.bak")
    assert made.is_file() and not list(made.parent.glob("*.part"))

    store.delete_span(store.spans(ids[0])[0].id)
    store.add_document(Document(text="A later article about floods in the valley."))
    store.close()
    kept = restore(store.url, made)

    again = Store.open(store.url)
    try:
        assert snapshot(again) == before
        assert again.search("Zürich")[0].id == ids[1]  # the search index came back too
    finally:
        again.close()
    if store.is_postgres:
        assert kept is None
    else:
        assert kept is not None and kept.name.startswith("corpus.db.before-restore-")
        with sqlite3.connect(kept) as conn:  # the replaced corpus, with its later article
            assert conn.execute("SELECT count(*) FROM document").fetchone() == (3,)


def test_the_backup_of_a_corpus_being_written_holds_whole_transactions(store, tmp_path, request):
    started, backed_up, stop = threading.Event(), threading.Event(), threading.Event()
    written: list[int] = []
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            n = 0
            while not stop.is_set() and n < 2000:
                n += 1
                with store.db.atomic():
                    doc_id = store.add_document(
                        Document(text=f"Report {n}: shelling near town number {n} at dawn.")
                    ).id
                    store.add_spans(
                        doc_id, "alice", [Span(i, i + 6, "Actor") for i in range(SPANS_PER_DOC)]
                    )
                written.append(doc_id)
                if len(written) >= 5:
                    started.set()
                if backed_up.is_set() and len(written) >= backed_up_at[0] + 5:
                    stop.set()
        except BaseException as exc:  # reported by the test below
            failures.append(exc)
            started.set()
        finally:
            store.db.close()

    backed_up_at = [0]
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(60)
        made = backup(store, tmp_path / "during.bak")
        backed_up_at[0] = len(written)
        backed_up.set()
    finally:
        thread.join(120)
        stop.set()
    assert not failures, failures

    url = str(tmp_path / "copy.db")
    if store.is_postgres:
        url = request.getfixturevalue("pg_server").create_database("backup_during_writes")
    close_bound_database()
    restore(url, made)
    copy = Store.open(url)
    try:
        docs = list(copy.documents())
        assert 5 <= len(docs) < len(written)  # taken while the writer went on
        assert {d.span_count for d in docs} == {SPANS_PER_DOC}  # no half-written transaction
    finally:
        copy.close()


def test_a_file_that_is_not_a_corpus_backup_is_refused_in_one_line(store, tmp_path):
    fill(store)
    before = snapshot(store)
    bad = tmp_path / "notes.bak"
    bad.write_text("these are not the droids\n", encoding="utf-8")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    for source, reason in ((bad, "not a corpus backup"), (other, "not a corpus backup")):
        with pytest.raises(AnnotatorError) as refused:
            restore(store.url, source)
        message = str(refused.value)
        assert message.startswith(f"{source}: {reason}") and "\n" not in message
    with pytest.raises(AnnotatorError, match="no such backup file"):
        restore(store.url, tmp_path / "missing.bak")
    store = reopen(store)
    try:
        assert snapshot(store) == before
    finally:
        store.close()


def test_a_restore_is_refused_while_the_corpus_is_in_use_and_changes_nothing(store, tmp_path):
    if sys.platform == "win32" and not store.is_postgres:
        pytest.skip("no in-use mark on Windows (corpus.in_use needs fcntl)")
    fill(store)
    made = backup(store, tmp_path / "backups" / "corpus.bak")
    store.add_document(Document(text="A later article about floods in the valley."))
    before = snapshot(store)
    files = sorted(tmp_path.iterdir())
    other = None
    if store.is_postgres:  # the store's own session, and a named one
        other = psycopg2.connect(store.url, application_name="night-import")
    try:
        with pytest.raises(AnnotatorError) as refused:
            restore(store.url, made)
    finally:
        if other is not None:
            other.close()
    message = str(refused.value)
    if store.is_postgres:
        assert message.startswith(
            f"{store.url}: 2 other sessions are connected to the corpus (night-import); close "
        )
    else:
        assert message.startswith(f"{store.url}: the corpus is open in another annotator window")
    assert "\n" not in message
    assert sorted(tmp_path.iterdir()) == files  # no copy of the corpus kept: nothing done
    assert snapshot(store) == before

    store.close()
    restore(store.url, made)
    store = reopen(store)
    try:
        assert len(snapshot(store)[0]) == 2
    finally:
        store.close()


def test_a_backup_never_overwrites_a_file(store, tmp_path):
    taken = tmp_path / "taken.bak"
    taken.write_bytes(b"keep me")
    with pytest.raises(AnnotatorError, match="already exists"):
        backup(store, taken)
    assert taken.read_bytes() == b"keep me"


def test_a_backup_where_no_file_can_be_written_says_why_in_one_line(store, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    with pytest.raises(AnnotatorError) as refused:
        backup(store, a_file / "corpus.bak")
    message = str(refused.value)
    assert message.startswith(f"{a_file / 'corpus.bak'}: cannot write the backup: ")
    assert "\n" not in message and not list(tmp_path.glob("**/*.part"))


@pytest.fixture
def small_disk(tmp_path):
    """A 64 kB tmpfs folder (root only; skips where it cannot be mounted)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_part(store, small_disk):
    for n in range(60):  # random-looking words: pg_dump's compression cannot shrink them
        words = " ".join(f"{(n * 7919 + i * 104729) % 999983:x}" for i in range(400))
        store.add_document(Document(text=f"Article {n}: {words}"))
    with pytest.raises(AnnotatorError) as refused:
        backup(store, small_disk / "corpus.bak")
    assert str(refused.value).endswith(": the disk is full")
    assert list(small_disk.iterdir()) == []


def _make_v5(store: Store) -> None:
    """Turn the new corpus back into a version 5 one (as test_team_access does)."""
    store.db.execute_sql("DROP TABLE suggestion")
    store.db.execute_sql("UPDATE corpus_meta SET value = '5' WHERE key = 'schema_version'")


def test_an_upgrade_leaves_a_backup_of_the_older_corpus(store, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    fill(store)
    _make_v5(store)
    store = reopen(store)
    try:
        assert migrations.schema_version(store.db) == migrations.LATEST
    finally:
        store.close()
    if store.is_postgres:
        folder = tmp_path / "data" / "news-annotator" / "backups"
        [made] = folder.glob(f"*.before-v{migrations.LATEST}-*.dump")
        listing = subprocess.run(
            [str(find_tool("pg_restore")), "--list", str(made)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "TABLE DATA public corpus_meta" in listing
        assert "TABLE public suggestion" not in listing  # taken before the upgrade
    else:
        [made] = Path(store.url).parent.glob(f"corpus.db.before-v{migrations.LATEST}-*.bak")
        with sqlite3.connect(made) as conn:
            assert conn.execute(
                "SELECT value FROM corpus_meta WHERE key = 'schema_version'"
            ).fetchone() == ("5",)
            assert conn.execute("SELECT count(*) FROM span").fetchone() == (4,)


def test_an_upgrade_keeps_the_newest_five_automatic_backups_and_no_other_file_is_touched(
    store, tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if store.is_postgres:
        folder = tmp_path / "data" / "news-annotator" / "backups"
        name, suffix = store.url.rsplit("/", 1)[1], ".dump"
    else:
        folder, name, suffix = Path(store.url).parent, Path(store.url).name, ".bak"
    folder.mkdir(parents=True, exist_ok=True)
    older = [  # oldest first; "-2" is the second one made within the same second
        f"{name}.before-v4-20250101-090000{suffix}",
        f"{name}.before-v5-20250301-090000{suffix}",
        f"{name}.before-v5-20250301-090000-2{suffix}",
        f"{name}.before-v6-20250601-090000{suffix}",
        f"{name}.before-v6-20250901-090000{suffix}",
        f"{name}.before-v6-20251101-090000{suffix}",
    ]
    untouched = [
        f"{name}-20240101-090000{suffix}",  # made by 'annotator backup'
        f"{name}.before-restore-20240101-090000.bak",
        f"{name}.before-v3-20240101-090000{suffix}.part",
        f"other.db.before-v3-20240101-090000{suffix}",  # another corpus's
        f"{name}.before-v3-notes.txt",
    ]
    for file_name in older + untouched:
        (folder / file_name).write_bytes(b"kept by name only")
    _make_v5(store)
    with caplog.at_level(logging.INFO, logger="corpus.backup"):
        store = reopen(store)
    store.close()

    remaining = {path.name for path in folder.iterdir()}
    automatic = {n for n in remaining if n.startswith(f"{name}.before-v") and n.endswith(suffix)}
    [made] = automatic - set(older)
    assert made.startswith(f"{name}.before-v{migrations.LATEST}-")
    assert automatic == {made, *older[2:]}
    assert set(untouched) <= remaining
    for gone in older[:2]:
        assert f"removed the old automatic backup {folder / gone}" in caplog.text


@pytest.mark.postgres
def test_without_pg_dump_an_upgrade_still_runs_and_says_no_backup_was_made(
    pg_url, tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    close_bound_database()
    store = Store.open(pg_url)
    _make_v5(store)
    store.close()
    monkeypatch.setattr(corpus_backup, "find_tool", lambda name: None)
    with caplog.at_level(logging.WARNING, logger="corpus.migrations"):
        store = Store.open(pg_url)
    try:
        assert migrations.schema_version(store.db) == migrations.LATEST
    finally:
        store.close()
    assert "upgrading without a backup: pg_dump not found" in caplog.text
    assert not (tmp_path / "data" / "news-annotator" / "backups").exists()

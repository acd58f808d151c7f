"""``annotator backup`` and ``annotator restore`` as a user types them, on both engines: the
default backup file, the question before a restore, one-line refusals, and a PostgreSQL
password that reaches pg_dump through its environment, never its command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from annotator.document import Document, Span
from cli import backup_command
from corpus import backup as corpus_backup
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.cli.conftest import run
from tests.conftest import ENGINES, close_bound_database, corpus_url, read_store
from tests.corpus.test_backup import fill, snapshot


@pytest.fixture(params=ENGINES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A corpus with two documents and spans, closed, on each engine."""
    found = corpus_url(request, request.param, tmp_path)
    close_bound_database()
    store = Store.open(found)
    store.set_schema(shipped_schema())
    fill(store)
    store.close()
    return found


def contents(url: str) -> tuple[object, ...]:
    return read_store(url, snapshot)


def change(url: str) -> None:
    close_bound_database()
    store = Store.open(url)
    store.add_span(1, "carol", Span(0, 7, "Actor"))
    store.add_document(Document(text="A later article about floods in the valley."))
    store.close()


def test_backup_to_the_default_folder_then_restore_after_a_yes(url, capsys, tmp_path, monkeypatch):
    before = contents(url)
    code, out, err = run(capsys, "--db", url, "backup")
    assert code == 0, err
    made = Path(out.strip())
    assert made.parent == tmp_path / "data" / "news-annotator" / "backups"
    assert made.suffix == (".dump" if url.startswith("postgresql") else ".db") and made.is_file()

    change(url)
    asked: list[str] = []
    monkeypatch.setattr(backup_command, "ask", lambda q: asked.append(q) or False)
    code, out, err = run(capsys, "--db", url, "restore", str(made))
    assert code == 1 and "restore cancelled; the corpus is unchanged" in err
    assert asked and str(made) in asked[0]
    assert contents(url) != before

    monkeypatch.setattr(backup_command, "ask", lambda q: True)
    code, out, err = run(capsys, "--db", url, "restore", str(made))
    assert code == 0, err
    assert out.startswith("restored ")
    assert contents(url) == before
    if not url.startswith("postgresql"):
        kept = Path(out.split("the corpus as it was: ")[1].strip())
        assert kept.is_file() and kept.name.startswith("corpus.db.before-restore-")


def test_restore_with_yes_does_not_ask(url, capsys, tmp_path, monkeypatch):
    before = contents(url)
    out_file = tmp_path / "mine.bak"
    assert run(capsys, "--db", url, "backup", "--out", str(out_file))[0] == 0
    change(url)
    monkeypatch.setattr(backup_command, "ask", lambda q: pytest.fail("asked despite --yes"))
    code, _, err = run(capsys, "--db", url, "restore", str(out_file), "--yes")
    assert code == 0, err
    assert contents(url) == before


def test_a_corpus_in_use_is_refused_before_the_question(url, capsys, tmp_path, monkeypatch):
    made = tmp_path / "mine.bak"
    assert run(capsys, "--db", url, "backup", "--out", str(made))[0] == 0
    before = contents(url)
    monkeypatch.setattr(backup_command, "ask", lambda q: pytest.fail("asked, then refused"))
    close_bound_database()
    if url.startswith("postgresql"):  # another process's window: a session of its own
        window = psycopg2.connect(url, application_name="annotator")
    else:  # run() closes this process's connection, but not the store's in-use mark
        window = Store.open(url)
    try:
        code, out, err = run(capsys, "--db", url, "restore", str(made))
    finally:
        window.close()
    assert code == 2 and out == ""
    assert ("in another annotator window" in err or "other session" in err) and err.count("\n") == 1
    assert contents(url) == before


def test_a_file_that_is_not_a_backup_is_refused_in_one_line(url, capsys, tmp_path):
    before = contents(url)
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not a corpus")
    code, out, err = run(capsys, "--db", url, "restore", str(bad), "--yes")
    assert code == 2 and out == ""
    assert err.startswith(f"annotator: {bad}: not a corpus backup: ") and err.count("\n") == 1
    assert contents(url) == before


def test_backing_up_a_corpus_that_does_not_exist_refuses_and_creates_nothing(capsys, tmp_path):
    missing = tmp_path / "typo.db"
    code, _, err = run(capsys, "--db", str(missing), "backup")
    assert code == 2 and err == f"annotator: {missing}: no corpus to back up\n"
    assert not missing.exists() and not (tmp_path / "data").exists()


@pytest.mark.postgres
def test_without_pg_dump_a_backup_says_so_in_one_line(pg_url, capsys, tmp_path, monkeypatch):
    close_bound_database()
    Store.open(pg_url).close()
    monkeypatch.setattr(corpus_backup, "find_tool", lambda name: None)
    code, _, err = run(capsys, "--db", pg_url, "backup", "--out", str(tmp_path / "x.dump"))
    assert code == 2 and err.startswith("annotator: pg_dump not found") and err.count("\n") == 1
    assert not list(tmp_path.glob("x.dump*"))


@pytest.mark.postgres
def test_a_password_reaches_pg_dump_in_its_environment_only(
    pg_server, pg_url, capsys, tmp_path, monkeypatch
):
    name = pg_url.rsplit("/", 1)[1]
    admin = pg_server._admin()
    try:
        with admin.cursor() as cur:
            cur.execute("CREATE ROLE keeper LOGIN PASSWORD 'sekret wörd'")
            cur.execute(sql.SQL("ALTER DATABASE {} OWNER TO keeper").format(sql.Identifier(name)))
    finally:
        admin.close()
    pg_server.require_password("keeper")
    secret_url = f"postgresql://keeper:sekret%20w%C3%B6rd@127.0.0.1:{pg_server.port}/{name}"
    close_bound_database()
    Store.open(secret_url).close()

    calls: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def spy(args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((list(args), dict(kwargs.get("env") or {})))
        return real_run(args, **kwargs)

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setattr(corpus_backup.subprocess, "run", spy)
    code, out, err = run(capsys, "--db", secret_url, "backup", "--out", str(tmp_path / "k.dump"))
    assert code == 0, err
    dumps = [(args, env) for args, env in calls if "pg_dump" in args[0]]
    assert dumps and all("sekret" not in " ".join(args) for args, _ in calls)
    assert dumps[0][1]["PGPASSWORD"] == "sekret wörd"
    assert "sekret" not in out + err

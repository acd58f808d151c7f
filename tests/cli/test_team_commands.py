"""``annotator team``, ``assign``, ``unassign`` and ``queue``: roles, queues shared out by
collection and round-robin, errors as one line; on PostgreSQL, setup and logins."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from annotator.document import Document
from cli.main import main
from corpus.store import Store
from tests.conftest import close_bound_database


def _corpus(url: str) -> None:
    close_bound_database()
    store = Store.open(url)
    ids = [
        store.add_document(Document(text=f"Report {i} from Idlib.", title=f"r{i}")).id
        for i in range(4)
    ]
    store.add_to_collection(ids, "syria")
    store.add_document(Document(text="Unrelated market news.", title="other"))
    store.close()
    close_bound_database()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "team.db")
    _corpus(url)
    return url


def test_a_collection_shared_out_two_annotators_a_document(db, capsys):
    assert (
        main(
            [
                "--db",
                db,
                "assign",
                "--collection",
                "syria",
                "--to",
                "alice,bob,carol",
                "--per-document",
                "2",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "8 new assignments"
    assert main(["--db", db, "queue", "--annotator", "alice", "--json"]) == 0
    queue = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in queue] == ["new"] * len(queue)
    assert all(row["title"].startswith("r") for row in queue)
    assert main(["--db", db, "team", "list", "--json"]) == 0
    team = json.loads(capsys.readouterr().out)
    assert sorted(m["assigned"] for m in team["members"]) == [2, 3, 3]
    assert team["blind"] is True


def test_roles_by_hand_assignment_and_unassignment(db, capsys):
    assert main(["--db", db, "team", "add", "bob", "--role", "curator"]) == 0
    assert "bob is a curator" in capsys.readouterr().out
    assert main(["--db", db, "assign", "--documents", "1,5", "--to", "alice"]) == 0
    assert main(["--db", db, "unassign", "--documents", "1", "--from", "alice"]) == 0
    assert "1 assignment removed" in capsys.readouterr().out
    assert main(["--db", db, "queue", "--annotator", "alice"]) == 0
    assert capsys.readouterr().out == "5\tnew\tother\n"
    assert main(["--db", db, "team", "list"]) == 0
    out = capsys.readouterr().out
    assert "bob" in out and "curator" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["assign", "--to", "alice"], "either --documents or --collection"),
        (["assign", "--documents", "1,x", "--to", "alice"], "ids like 1,2,3"),
        (["assign", "--documents", "99", "--to", "alice"], "no document with id 99"),
        (["assign", "--collection", "none", "--to", "alice"], "no documents in the collection"),
        (["queue"], "whose queue?"),
    ],
)
def test_mistakes_are_one_line(db, capsys, argv, message):
    assert main(["--db", db, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.postgres
def test_on_postgres_setup_and_a_login_with_a_password_from_stdin(
    pg_server, pg_url, capsys, monkeypatch
):
    _corpus(pg_url)
    assert main(["--db", pg_url, "team", "setup"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pa55 word\n"))
    assert main(["--db", pg_url, "team", "add", "alice", "--password-stdin"]) == 0
    assert main(["--db", pg_url, "assign", "--documents", "2,3", "--to", "alice"]) == 0
    capsys.readouterr()
    alice = pg_server.url_as("alice", pg_url.rsplit("/", 1)[1])
    assert main(["--db", alice, "queue"]) == 0  # her own, named by her login
    assert capsys.readouterr().out.splitlines() == ["2\tnew\tr1", "3\tnew\tr2"]
    assert main(["--db", alice, "assign", "--documents", "1", "--to", "alice"]) == 2
    assert "permission denied" in capsys.readouterr().err

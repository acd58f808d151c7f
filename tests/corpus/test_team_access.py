"""Access to a team corpus is enforced by PostgreSQL itself: with psql and an annotator's own
credentials, nobody can read (while blind) or change another annotator's annotations, or
change documents, queues or the team; curators and managers can do their part; the app works
under those rules; passwords reach the server only as SCRAM verifiers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from annotator.document import Document, Event, Span
from annotator.suggest.model import Suggestion
from corpus import migrations, team_access
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.conftest import close_bound_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def team(pg_server, pg_url):
    """A team corpus: alice and bob annotate, carol curates, mia manages; bob has a span."""
    close_bound_database()
    owner = Store.open(pg_url)
    owner.set_schema(shipped_schema())
    doc = owner.add_document(Document(text="Rebels shelled Idlib on Monday.", title="one")).id
    team_access.enable(owner.db)
    for name, role in (
        ("alice", "annotator"),
        ("bob", "annotator"),
        ("carol", "curator"),
        ("mia", "manager"),
    ):
        team_access.add_member(owner.db, name, role, password=None)
    bob_span = owner.add_span(doc, "bob", Span(0, 6, "Actor"))
    bob_set = owner.db.execute_sql(
        "SELECT annotation_set_id FROM span WHERE id = %s", (bob_span,)
    ).fetchone()[0]
    database = pg_url.rsplit("/", 1)[1]
    yield {
        "store": owner,
        "doc": doc,
        "bob_span": bob_span,
        "bob_set": bob_set,
        "db": database,
        "server": pg_server,
    }
    owner.close()


def psql(team, user: str, command: str) -> subprocess.CompletedProcess[str]:
    return team["server"].psql(user, team["db"], command)


def bob_spans(team) -> list[tuple[str, int]]:
    return [(s.span.label, s.span.end) for s in team["store"].spans(team["doc"], "bob")]


def test_an_annotator_cannot_change_another_annotators_spans_with_psql(team):
    span, bob_set = team["bob_span"], team["bob_set"]
    updated = psql(team, "alice", f"UPDATE span SET label = 'Location' WHERE id = {span}")
    assert updated.returncode == 0 and updated.stdout.strip() == "UPDATE 0"
    deleted = psql(team, "alice", f"DELETE FROM span WHERE id = {span}")
    assert deleted.stdout.strip() == "DELETE 0"
    inserted = psql(
        team,
        "alice",
        'INSERT INTO span (annotation_set_id, start, "end", label, attributes, note, version, '
        f"created_at, updated_at) VALUES ({bob_set}, 7, 14, 'Actor', '{{}}', '', 1, now(), now())",
    )
    assert inserted.returncode != 0
    assert "row-level security" in inserted.stderr
    status = psql(
        team, "alice", f"UPDATE annotation_set SET status = 'locked' WHERE id = {bob_set}"
    )
    assert status.stdout.strip() == "UPDATE 0"
    assert bob_spans(team) == [("Actor", 6)]
    assert team["store"].status(team["doc"], "bob") == "in_progress"


def test_an_annotator_neither_reads_nor_changes_another_annotators_suggestions(team):
    store, doc = team["store"], team["doc"]
    store.save_suggestions(doc, "bob", [Suggestion(15, 20, "Location", source="test")])
    store.save_suggestions(doc, "alice", [Suggestion(7, 14, "Attack", source="test")])
    seen = psql(team, "alice", "SELECT label FROM suggestion ORDER BY id")
    assert seen.stdout.split() == ["Attack"]
    rejected = psql(team, "alice", "UPDATE suggestion SET rejected = true WHERE label = 'Location'")
    assert rejected.stdout.strip() == "UPDATE 0"
    assert [s.label for s in store.suggestions(doc, "bob")] == ["Location"]


def test_suggestions_of_a_team_corpus_made_before_them_are_protected_by_the_upgrade(
    team, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the upgrade's pg_dump lands here
    db = team["store"].db
    db.execute_sql("DROP TABLE suggestion")
    db.execute_sql("UPDATE corpus_meta SET value = '5' WHERE key = 'schema_version'")
    migrations.ensure_schema(db)
    assert migrations.schema_version(db) == migrations.LATEST
    test_an_annotator_neither_reads_nor_changes_another_annotators_suggestions(team)


def test_an_annotator_cannot_hand_their_set_to_someone_else(team):
    alice_span = team["store"].add_span(team["doc"], "alice", Span(15, 20, "Location"))
    moved = psql(
        team,
        "alice",
        "UPDATE annotation_set SET annotator_id = (SELECT id FROM annotator WHERE name = 'bob') "
        f"WHERE id = (SELECT annotation_set_id FROM span WHERE id = {alice_span})",
    )
    assert moved.returncode != 0 and "row-level security" in moved.stderr


def test_while_blind_an_annotator_reads_only_their_own_annotations(team):
    team["store"].add_span(team["doc"], "alice", Span(15, 20, "Location"))
    seen = psql(team, "alice", "SELECT label FROM span ORDER BY id")
    assert seen.stdout.split() == ["Location"]
    team["store"].set_blind(False)
    seen = psql(team, "alice", "SELECT label FROM span ORDER BY id")
    assert seen.stdout.split() == ["Actor", "Location"]
    still = psql(team, "alice", f"UPDATE span SET label = 'Location' WHERE id = {team['bob_span']}")
    assert still.stdout.strip() == "UPDATE 0"


_ROLE_IN_BOBS_EVENT = """
import sys
from corpus.store import Store
store = Store.open(sys.argv[1])
try:
    store.add_event_role(int(sys.argv[3]), "attacker", int(sys.argv[4]))
except Exception as exc:
    print(type(exc).__name__ + ": " + str(exc))
"""


def test_an_annotator_who_reads_others_work_is_told_it_is_not_theirs_to_change(team):
    store, doc = team["store"], team["doc"]
    store.set_blind(False)
    attack = store.add_span(doc, "bob", Span(7, 14, "Attack"))
    event = store.add_event(Event("Attack", attack, ()))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _ROLE_IN_BOBS_EVENT,
            team["server"].url_as("alice", team["db"]),
            str(doc),
            str(event),
            str(team["bob_span"]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.startswith("AccessDenied: your role in this team corpus does not allow")
    assert "another annotator's" in done.stdout, done.stdout + done.stderr
    assert store.events(doc)[0].event.roles == ()


def test_annotators_cannot_change_documents_queues_the_team_or_the_rules(team):
    for command in (
        f"UPDATE document SET title = 'x' WHERE id = {team['doc']}",
        f"INSERT INTO assignment (document_id, annotator_id, assigned_at) VALUES ({team['doc']}, 1, now())",
        "UPDATE annotator SET role = 'manager' WHERE name = 'alice'",
        "DELETE FROM schema_version",
        "ALTER TABLE span DISABLE ROW LEVEL SECURITY",
        "SET ROLE corpus_managers",
    ):
        done = psql(team, "alice", command)
        assert done.returncode != 0, command
        assert "permission denied" in done.stderr or "must be owner" in done.stderr, done.stderr
    assert team["store"].role("alice") == "annotator"


def test_a_curator_reads_and_corrects_everyones_annotations(team):
    seen = psql(team, "carol", "SELECT label FROM span")
    assert seen.stdout.split() == ["Actor"]
    fixed = psql(team, "carol", f"UPDATE span SET label = 'Location' WHERE id = {team['bob_span']}")
    assert fixed.stdout.strip() == "UPDATE 1"
    assert bob_spans(team) == [("Location", 6)]
    denied = psql(team, "carol", f"DELETE FROM document WHERE id = {team['doc']}")
    assert "permission denied" in denied.stderr


def test_a_manager_assigns_documents(team):
    assigned = psql(
        team,
        "mia",
        "INSERT INTO assignment (document_id, annotator_id, assigned_at) "
        f"SELECT {team['doc']}, id, now() FROM annotator WHERE name = 'alice'",
    )
    assert assigned.stdout.strip() == "INSERT 0 1", assigned.stderr
    assert team["store"].queue("alice") == [team["doc"]]


_AS_ALICE = """
import json, sys
from annotator.document import Span
from corpus.store import Store
store = Store.open(sys.argv[1])
doc = int(sys.argv[2])
span = store.add_span(doc, store.login_name(), Span(15, 20, "Location"))
store.update_span(span, Span(15, 20, "Actor"), expected_version=1)
store.set_status(doc, "alice", "done")
out = {"me": store.login_name(), "mine": [s.span.label for s in store.spans(doc, "alice")],
       "everyone": [s.annotator for s in store.spans(doc)], "status": store.status(doc, "alice")}
for whose in ("bob", "gold"):
    try:
        store.add_span(doc, whose, Span(24, 30, "Actor"))
    except Exception as exc:
        out["refused " + whose] = type(exc).__name__ + ": " + str(exc).splitlines()[0]
print(json.dumps(out))
"""

_AS_CAROL = """
import json, sys
from corpus.store import Store
store = Store.open(sys.argv[1])
doc = int(sys.argv[2])
accepted = store.accept_agreed(doc, min_annotators=1)
print(json.dumps({"gold": [s.span.label for s in store.spans(doc, "gold")],
                  "coders": sorted({s.annotator for s in store.spans(doc)})}))
"""


def _run_as(team, user: str, script: str) -> dict:
    import json

    url = team["server"].url_as(user, team["db"])
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), url, str(team["doc"])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_app_works_for_an_annotator_under_these_rules(team):
    out = _run_as(team, "alice", _AS_ALICE)
    assert out["me"] == "alice"
    assert out["mine"] == ["Actor"]
    assert out["everyone"] == ["alice"]  # blind: bob's span is not even read
    assert out["status"] == "done"
    for whose in ("bob", "gold"):
        assert out[f"refused {whose}"].startswith("AccessDenied: your role in this team corpus")
        assert "row-level security" in out[f"refused {whose}"]
    assert bob_spans(team) == [("Actor", 6)]


def test_a_curator_builds_the_gold_set_from_everyones_spans(team):
    out = _run_as(team, "carol", _AS_CAROL)
    assert out == {"gold": ["Actor"], "coders": ["bob", "gold"]}


def test_a_password_is_set_as_a_scram_verifier_and_checked_by_the_server(team):
    team_access.add_member(team["store"].db, "dora", "annotator", password="s3cret wörd")
    stored = (
        team["store"]
        .db.execute_sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'dora'")
        .fetchone()[0]
    )
    assert stored.startswith("SCRAM-SHA-256$4096:") and "s3cret" not in stored
    team["server"].require_password("dora")
    ok = team["server"].psql("dora", team["db"], "SELECT current_user", password="s3cret wörd")
    assert ok.returncode == 0 and ok.stdout.strip() == "dora", ok.stderr
    wrong = team["server"].psql("dora", team["db"], "SELECT 1", password="guess")
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr


def test_setting_up_twice_changes_nothing(team):
    team_access.enable(team["store"].db)
    team_access.add_member(team["store"].db, "alice", "curator", password=None)
    assert team["store"].role("alice") == "curator"
    seen = psql(team, "alice", "SELECT label FROM span")
    assert seen.stdout.split() == ["Actor"]  # a curator now


def test_a_member_connects_through_a_service_file_and_pgpass(team, tmp_path):
    """libpq's conventions: the connection in a service file, the password in .pgpass, and
    neither on the command line."""
    server, db = team["server"], team["db"]
    team_access.add_member(team["store"].db, "erin", "annotator", password="pw for erin")
    team["store"].assign([team["doc"]], ["erin"])
    server.require_password("erin")
    service = tmp_path / "pg_service.conf"
    service.write_text(f"[news]\nhost=127.0.0.1\nport={server.port}\ndbname={db}\nuser=erin\n")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{server.port}:{db}:erin:pw for erin\n")
    pgpass.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env |= {"PGSERVICEFILE": str(service), "PGPASSFILE": str(pgpass), "ANNOTATOR_DB": ""}

    def queue() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cli", "--db", "service=news", "queue"]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)

    done = queue()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\t")[:2] == [str(team["doc"]), "new"]
    pgpass.write_text(f"127.0.0.1:{server.port}:{db}:erin:wrong\n")
    refused = queue()
    assert refused.returncode == 2
    assert refused.stderr.startswith("annotator: service=news: cannot open the corpus")
    assert refused.stderr.count("\n") == 1

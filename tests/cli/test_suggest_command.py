"""``annotator suggest``: the default schema's sources (weapon gazetteer, places, casualty rules,
the corpus's own spans) over a collection, stored as pending suggestions or, with --accept, as
the annotator's spans; reviewed and locked documents left alone; errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.document import Document, Span, Status
from cli.main import main
from corpus.store import Store
from tests.cli import conftest as cli
from tests.conftest import close_bound_database

STRIKE = "Shahed-136 drones hit Kharkiv overnight; nine civilians were killed."
WAGNER = "The Wagner Group withdrew from Bakhmut."
AGAIN = "Fighters of the Wagner Group were seen near Aleppo."


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = str(tmp_path / "corpus.db")
    assert main(["--db", url, "stats"]) == 0  # a new corpus with the default schema
    capsys.readouterr()
    close_bound_database()
    store = Store.open(url)
    ids = [store.add_document(Document(text=t, title=t[:10])).id for t in (STRIKE, WAGNER, AGAIN)]
    store.add_to_collection(ids, "war")
    store.add_document(Document(text="Markets were calm in Kharkiv.", title="calm"))
    start = WAGNER.index("Wagner Group")
    store.add_span(
        ids[1], "carol", Span(start, start + 12, "Actor", {"category": "non_state_armed_group"})
    )
    store.close()
    close_bound_database()
    return url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The shared ``run``, then the corpus closed: the tests read it with stores of their own."""
    result = cli.run(capsys, *args)
    close_bound_database()
    return result


def found(url: str, text: str, who: str) -> dict[tuple[str, str], dict[str, object]]:
    store = Store.open(url)
    try:
        doc = next(d.id for d in store.documents() if store.document(d.id).text == text)
        return {
            (text[s.start : s.end], s.label): dict(s.attributes)
            for s in store.suggestions(doc, who)
        }
    finally:
        store.close()
        close_bound_database()


def test_suggest_stores_pending_suggestions_from_every_source(db, capsys):
    code, out, err = run(
        capsys, "--db", db, "suggest", "--collection", "war", "--annotator", "alice"
    )
    assert code == 0, err
    assert out.startswith("3 documents, ")
    strike = found(db, STRIKE, "alice")
    assert strike[("Shahed-136 drones", "WeaponSystem")]["category"] == "drone"
    assert strike[("nine civilians were killed", "Casualty")] == {
        "count": 9,
        "kind": "killed",
        "group": "civilian",
    }
    kharkiv = strike[("Kharkiv", "Location")]
    assert kharkiv["type"] == "city" and kharkiv["geonames_id"] == 706483
    assert abs(float(kharkiv["latitude"]) - 49.98) < 0.1  # type: ignore[arg-type]
    # learned from carol's span in another document, with her attributes
    assert found(db, AGAIN, "alice")[("Wagner Group", "Actor")] == {
        "category": "non_state_armed_group"
    }
    assert found(db, STRIKE, "bob") == {}  # suggestions are the annotator's


def test_suggest_accept_makes_spans_and_leaves_locked_documents_alone(db, capsys):
    store = Store.open(db)
    strike = next(d.id for d in store.documents() if d.title == STRIKE[:10])
    store.set_status(strike, "bob", Status.LOCKED)
    store.close()
    close_bound_database()
    code, out, err = run(
        capsys,
        "--db",
        db,
        "suggest",
        "--collection",
        "war",
        "--annotator",
        "bob",
        "--accept",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["documents"] == 3 and report["frozen"] == 1 and report["accepted"] >= 2
    store = Store.open(db)
    try:
        labelled = {
            (store.document(d.id).text[s.span.start : s.span.end], s.span.label)
            for d in store.documents()
            for s in store.spans(d.id, "bob")
        }
        assert ("Wagner Group", "Actor") in labelled and ("Aleppo", "Location") in labelled
        assert store.spans(strike, "bob") == []
        assert store.suggestions(strike, "bob") == []
    finally:
        store.close()


def test_suggest_needs_an_annotator_and_a_schema_with_sources(db, tmp_path, capsys):
    code, _, err = run(capsys, "--db", db, "suggest")
    assert code == 2 and err.strip() == (
        "annotator: whose suggestions? name the annotator with --annotator"
    )
    shipped = (Path(__file__).parents[2] / "schemas" / "conflict.yaml").read_text("utf-8")
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        shipped.split("\nsuggestions:")[0].replace("name: conflict", "name: plain"), "utf-8"
    )
    assert run(capsys, "--db", db, "schema", "set", str(plain))[0] == 0
    code, _, err = run(capsys, "--db", db, "suggest", "--annotator", "alice")
    assert code == 2 and "schema 'plain' has no suggestion sources" in err
    assert len(err.strip().splitlines()) == 1

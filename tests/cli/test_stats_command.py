"""``annotator stats``: the figures of the store in JSON (the keys of earlier versions kept), a
readable text form, and the collection and annotator filters."""

from __future__ import annotations

import pytest

from corpus.statistics import StatisticsScope
from corpus.store import Store
from tests.cli.conftest import new_corpus, run, run_json
from tests.conftest import close_bound_database
from tests.corpus import statistics_corpus as corpus

OLD_KEYS = {
    "documents",
    "collections",
    "statuses",
    "annotators",
    "labels",
    "spans",
    "relations",
    "events",
    "near_duplicates",
    "schema",
    "schema_version",
}


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "stats.db"
    with new_corpus(path) as store:
        corpus.build(store)
    return str(path)


def figures(path: str, scope: StatisticsScope | None = None) -> dict:
    close_bound_database()
    store = Store.open(path)
    try:
        return store.statistics(scope).to_dict()
    finally:
        store.close()


def test_json_keeps_the_old_keys_and_adds_the_figures(capsys, db):
    out = run_json(capsys, "--db", db, "stats")
    expected = figures(db)
    assert set(out) >= OLD_KEYS
    assert (out["documents"], out["spans"], out["schema"]) == (4, 20, "conflict")
    assert out["collections"] == {"wire": 3} and out["near_duplicates"] == 0
    assert out["annotators"] == {"alice": 14, "bob": 2, "سارة": 4}
    for key in ("statuses", "labels", "progress", "attributes", "casualties", "frequent", "places"):
        assert out[key] == expected[key], key
    assert out["casualties"]["by_kind"] == {"injured": 4, "killed": 26}
    assert out["casualties"]["phrases_without_count"] == 1
    assert out["spans_per_document"] == [
        {"spans": 0, "documents": 1},
        {"spans": 4, "documents": 1},
        {"spans": 7, "documents": 1},
        {"spans": 9, "documents": 1},
    ]
    assert out["places"][1] == {
        "text": "حلب",
        "latitude": 36.2,
        "longitude": 37.16,
        "count": 2,
        "geonames_id": 170063,
    }
    assert out["frequent"]["Actor"][0] == {"text": "Islamic State", "count": 4}
    assert out["scope"] == {"collection": None, "annotators": None}


def test_filters_narrow_the_figures(capsys, db):
    out = run_json(
        capsys,
        "--db",
        db,
        "stats",
        "--collection",
        "wire",
        "--annotator",
        "alice,bob",
        "--top",
        "1",
    )
    expected = figures(db, StatisticsScope("wire", ("alice", "bob")))
    assert out["scope"] == {"collection": "wire", "annotators": ["alice", "bob"]}
    assert out["documents"] == 3 and out["labels"] == expected["labels"]
    assert out["annotators"] == {"alice": 14, "bob": 2}
    assert [p["name"] for p in out["progress"]] == ["alice", "bob"]
    assert all(len(texts) == 1 for texts in out["frequent"].values())
    again = run_json(capsys, "--db", db, "stats", "--annotator", "alice", "--annotator", "bob")
    assert again["annotators"] == {"alice": 14, "bob": 2}


def test_text_shows_the_main_figures(capsys, db):
    code, out, err = run(capsys, "--db", db, "stats")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "documents: 4 (near-duplicates flagged: 0)"
    assert "  annotator  assigned   started      done  reviewed     spans" in lines
    assert "  alice             3         2         2         1        14" in lines
    assert "  by kind: injured 4, killed 26" in lines
    assert "  phrases without a count: 1" in lines
    assert "most frequent Actor: Islamic State (4), Russian (1)" in lines
    assert "located places (3): al-Bab (2), حلب (2), Idlib (1)" in lines
    assert lines[-1] == "spans: 20, relations: 0, events: 0"


def test_unknown_names_are_one_line_errors(capsys, db):
    code, out, err = run(capsys, "--db", db, "stats", "--collection", "nope")
    assert (code, out, err) == (2, "", "annotator: no collection named 'nope'\n")
    code, out, err = run(capsys, "--db", db, "stats", "--annotator", "zed", "--json")
    assert (code, out, err) == (2, "", "annotator: no annotator named 'zed'\n")

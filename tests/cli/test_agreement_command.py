"""``annotator agreement``: the JSON object, the readable tables, the filters, and one-line
errors."""

from __future__ import annotations

import json

import pytest

from annotator.document import Document, Span, Status
from tests.cli.conftest import new_corpus, run


@pytest.fixture
def db(tmp_path) -> str:
    """Two documents: alice and bob annotated both, carol the second (in collection 'wire')."""
    path = tmp_path / "corpus.db"
    with new_corpus(path) as store:
        first = store.add_document(
            Document(text="Russian jets struck Islamic State targets in al-Bab on Tuesday.")
        ).id
        second = store.add_document(
            Document(text="Artillery shelling killed five civilians in Donetsk."), ["wire"]
        ).id
        store.add_spans(first, "alice", [Span(0, 12, "Actor"), Span(45, 51, "Location")])
        store.add_spans(first, "bob", [Span(0, 7, "Actor"), Span(45, 51, "Location")])
        store.add_spans(second, "alice", [Span(44, 51, "Location")])
        store.add_spans(second, "bob", [Span(44, 51, "Location"), Span(0, 18, "Attack")])
        store.set_status(second, "carol", Status.DONE)  # looked, found nothing
    return str(path)


def test_json_is_one_object_with_every_figure(capsys, db):
    code, out, err = run(capsys, "--db", db, "agreement", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["collection"] is None
    assert data["annotators"] == ["alice", "bob", "carol"]
    assert data["labels"] == ["O", "Actor", "Attack", "Location"]
    assert data["documents"] == 2
    assert [(p["reference"], p["other"], p["documents"]) for p in data["pairs"]] == [
        ("alice", "bob", 2),
        ("alice", "carol", 1),
        ("bob", "carol", 1),
    ]
    alice_bob = data["pairs"][0]
    assert alice_bob["spans"]["exact"]["matches"] == 2
    assert alice_bob["spans"]["overlap"]["matches"] == 3
    assert alice_bob["spans"]["labels"]["Location"]["exact"]["f1"] == 1.0
    assert -1 <= alice_bob["cohen_kappa"] <= 1
    assert data["fleiss_kappa"]["items"] == 8  # the tokens of the second document
    assert data["krippendorff_alpha"]["overall"] is not None
    assert len(data["confusion"]["matrix"]) == 4


def test_filters_collection_and_annotators(capsys, db):
    code, out, err = run(
        capsys,
        "--db",
        db,
        "agreement",
        "--collection",
        "wire",
        "--annotators",
        "bob,carol",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert (data["collection"], data["annotators"], data["documents"]) == (
        "wire",
        ["bob", "carol"],
        1,
    )
    pair = data["pairs"][0]
    assert (pair["reference"], pair["other"]) == ("bob", "carol")
    assert pair["spans"]["reference"] == 2 and pair["spans"]["other"] == 0
    assert pair["spans"]["exact"]["precision"] is None  # carol has no span: undefined


def test_text_output_shows_the_tables(capsys, db):
    code, out, err = run(capsys, "--db", db, "agreement")
    assert code == 0, err
    assert out.startswith("Agreement of alice, bob, carol over 2 document(s), 19 tokens")
    for heading in (
        "Krippendorff's alpha",
        "Fleiss' kappa",
        "mean Cohen's kappa",
        "Pairs",
        "Labels",
        "Confusion matrix",
        "Unitizing alpha",
    ):
        assert heading in out
    assert "alice / bob" in out
    label_rows = [line.split() for line in out.splitlines() if line.startswith("  Location")]
    # Location F1, exact and overlap, pooled: alice and bob agree on 2 of their 2 each, carol
    # has none of the 2 (alice's and bob's) of the second document: 2 * 2 / (4 + 2)
    assert label_rows[0][-3:-1] == ["0.667", "0.667"]
    code, data, err = run(capsys, "--db", db, "agreement", "--json")
    location = json.loads(data)["krippendorff_alpha"]["unitizing"]["labels"]["Location"]
    assert label_rows[0][-1] == f"{location:.3f}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--annotators", "alice"], "--annotators needs at least two names"),
        (["--annotators", "alice,zed"], "no annotator named 'zed'"),
        (["--collection", "nope"], "no collection named 'nope'"),
        (["--annotators", "alice,carol", "--collection", "nowhere"], "no collection named"),
    ],
)
def test_errors_are_one_line(capsys, db, args, message):
    code, out, err = run(capsys, "--db", db, "agreement", *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_nothing_to_compare_is_an_error(capsys, tmp_path):
    path = str(tmp_path / "empty.db")
    code, out, err = run(capsys, "--db", path, "agreement", "--json")
    assert code == 2 and out == ""
    assert err == "annotator: no document is annotated by two annotators: nothing to compare\n"

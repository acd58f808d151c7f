"""``annotator query``: annotation search from the command line, as a keyword-in-context
concordance or JSON, and its errors as one line."""

from __future__ import annotations

import json

import pytest

from annotator.document import Document
from cli.query_command import concordance_line
from corpus.span_search import SpanHit
from tests.cli.conftest import new_corpus, run
from tests.span_text import at

ONE = (
    "Russian jets struck al-Bab on Wednesday, killing nine civilians, and a second raid "
    "on the town's market the next morning killed 23 more people,\nthe health ministry said."
)
TWO = "قال مصدر طبي إن 12 مدنيا قتلوا في قصف على حلب."


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "corpus.db"
    with new_corpus(path) as store:
        one = store.add_document(Document(text=ONE, title="Jets strike al-Bab"), ["syria"]).id
        two = store.add_document(Document(text=TWO, title="قصف على حلب")).id
        store.add_annotation_set(
            one,
            "alice",
            [
                at(ONE, "nine civilians", "Casualty", count=9, kind="killed"),
                at(ONE, "23 more people", "Casualty", count=23, kind="killed"),
                at(ONE, "al-Bab", "Location"),
            ],
        )
        store.add_annotation_set(
            two, "bob", [at(TWO, "12 مدنيا", "Casualty", count=12, kind="killed")]
        )
    return str(path)


def test_query_prints_a_concordance_with_the_matches_aligned(capsys, db):
    code, out, err = run(capsys, "--db", db, "query", "--label", "Casualty", "--where", "count>=10")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2  # 23 and 12, not 9 (numbers compare as numbers)
    first, second = lines
    assert "[23 more people]" in first and first.endswith(
        "Casualty · alice · #1 Jets strike al-Bab"
    )
    assert "[12 مدنيا]" in second and second.endswith("#2 قصف على حلب")
    assert first.index("[") == second.index("[") == 40  # left contexts right-aligned
    assert first.startswith("…")  # the left context is cut to 40 columns
    assert "[23 more people], the health ministry said.  Casualty" in first  # a line break: a space


def test_query_json_lists_every_field_of_a_hit(capsys, db):
    code, out, err = run(
        capsys,
        *("--db", db, "query", "--text", "CIVILIANS", "--annotator", "alice", "--json"),
    )
    assert code == 0, err
    (hit,) = json.loads(out)
    assert hit["text"] == "nine civilians" and hit["label"] == "Casualty"
    assert hit["attributes"] == {"count": 9, "kind": "killed"}
    assert hit["left"] + hit["text"] + hit["right"] in ONE  # contexts as stored
    assert (hit["document_id"], hit["title"], hit["annotator"], hit["status"]) == (
        1,
        "Jets strike al-Bab",
        "alice",
        "in_progress",
    )
    assert ONE[hit["start"] : hit["end"]] == hit["text"]


def test_query_filters_by_regex_status_collection_and_limit(capsys, db):
    args = ("--db", db, "query", "--json")
    texts = lambda *more: [h["text"] for h in json.loads(run(capsys, *args, *more)[1])]  # noqa: E731
    assert texts("--regex", r"^\d+ ") == ["23 more people", "12 مدنيا"]
    assert texts("--collection", "syria", "--label", "Location") == ["al-Bab"]
    assert texts("--status", "in_progress", "--annotator", "bob") == ["12 مدنيا"]
    assert texts("--status", "done") == []
    assert texts("--where", "kind=killed", "--limit", "2") == ["nine civilians", "23 more people"]
    code, out, err = run(capsys, "--db", db, "query", "--label", "Actor")
    assert (code, out, err) == (0, "", "no spans match\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--where", "count>>10"), "annotator: bad condition 'count>>10': '>10' is not a number"),
        (("--regex", "(killed"), "annotator: bad regular expression '(killed': missing )"),
        (("--where", "count"), "annotator: bad condition 'count': expected NAME, an operator"),
    ],
)
def test_query_errors_are_one_line(capsys, db, args, message):
    code, out, err = run(capsys, "--db", db, "query", *args)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_query_usage_errors_are_one_line(capsys, db):
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "--db", db, "query", "--text", "a", "--regex", "b")
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "not allowed with argument" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        run(capsys, "--db", db, "query", "--limit", "0")
    assert "expected a positive whole number, not '0'" in capsys.readouterr().err


def test_a_concordance_line_cuts_contexts_by_terminal_columns():
    hit = SpanHit(
        1, 2, "Title", "alice", "new", "Actor", {}, 0, 0, "政府", "东京都" * 20, "e\u0301" * 50, 1
    )
    line = concordance_line(hit, width=10)
    left, rest = line.split("[", 1)
    assert left == " …" + "都东京都"  # 2 + 4 wide characters: 9 columns, padded to 10
    assert rest.startswith("政府]" + "e\u0301" * 9 + "…")  # each accent stays with its letter

"""The annotator command: JSON outputs, the default corpus, and errors as one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run, run_json

SEED_TITLE = "Russia and Turkey carry out first joint air attacks in Syria's al-Bab"


@pytest.fixture
def db(tmp_path, capsys) -> str:
    """A corpus with three articles imported, in a file given with --db."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "Jets strike al-Bab\n\nBy Reuters\n\nRussian jets struck Islamic State targets in al-Bab.",
        encoding="utf-8",
    )
    (folder / "two.txt").write_text(
        "Shelling in Donetsk\n\nArtillery shelling killed five civilians in Donetsk.",
        encoding="utf-8",
    )
    (folder / "three.jsonl").write_text(
        json.dumps(
            {
                "title": "Marib drones",
                "text": "Houthi drones struck Marib.",
                "date": "2021-02-07",
                "desk": "gulf",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    path = str(tmp_path / "corpus.db")
    code, out, err = run(capsys, "--db", path, "import", str(folder), "--collection", "wire")
    assert code == 0, err
    assert out.startswith("imported 3, duplicates 0, near-duplicates 0, failed 0")
    return path


def test_default_corpus_starts_with_the_seed_article_and_default_schema(capsys, tmp_path):
    docs = run_json(capsys, "list")
    assert [(d["title"], d["author"], d["collections"]) for d in docs] == [
        (SEED_TITLE, "Reuters", ["seed"])
    ]
    assert (tmp_path / "data" / "news-annotator" / "corpus.db").is_file()
    assert run_json(capsys, "schema", "show")["name"] == "conflict"
    # A second start does not import the seed again.
    assert len(run_json(capsys, "list")) == 1


def test_annotator_db_environment_variable_selects_the_corpus(capsys, db, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DB", db)
    assert len(run_json(capsys, "list")) == 3


def test_list_json(capsys, db):
    docs = run_json(capsys, "--db", db, "list")
    assert [d["title"] for d in docs] == [
        "Jets strike al-Bab",
        "Marib drones",
        "Shelling in Donetsk",
    ]
    first = docs[0]
    assert {
        "id",
        "title",
        "author",
        "source",
        "published",
        "collections",
        "span_count",
    } <= first.keys()
    assert (first["author"], first["collections"]) == ("Reuters", ["wire"])
    assert docs[1]["published"] == "2021-02-07"
    assert run_json(capsys, "--db", db, "list", "--collection", "nope") == []
    assert len(run_json(capsys, "--db", db, "list", "--status", "new")) == 3
    assert len(run_json(capsys, "--db", db, "list", "--limit", "2")) == 2


def test_search_json_with_hostile_input(capsys, db):
    hits = run_json(capsys, "--db", db, "search", "al-Bab")
    assert [(h["title"], "[al-Bab]" in h["snippet"] or "[al]" in h["snippet"]) for h in hits] == [
        ("Jets strike al-Bab", True)
    ]
    assert {"id", "title", "snippet", "score"} == hits[0].keys()
    for hostile in ['"', "AND", "(", "title:", "NEAR(", "'; DROP TABLE document; --", "*"]:
        assert run_json(capsys, "--db", db, "search", hostile) == []
    assert [
        h["title"] for h in run_json(capsys, "--db", db, "search", "struck", "--meta", "desk=gulf")
    ] == ["Marib drones"]


def test_show_json_has_text_and_annotations(capsys, db):
    from annotator.document import Relation, Span
    from corpus.store import Store

    store = Store.open(db)
    text = store.document(1).text
    actor = store.add_span(
        1,
        "alice",
        Span(
            text.index("Russian"), text.index("Russian") + 7, "Actor", {"category": "state_force"}
        ),
    )
    jets = store.add_span(
        1, "alice", Span(text.index("jets"), text.index("jets") + 4, "WeaponSystem")
    )
    store.add_relation(Relation("uses", actor, jets))
    store.close()
    doc = run_json(capsys, "--db", db, "show", "1")
    assert (doc["id"], doc["title"], doc["author"], doc["text"]) == (
        1,
        "Jets strike al-Bab",
        "Reuters",
        text,
    )
    assert doc["collections"] == ["wire"] and doc["statuses"] == {"alice": "in_progress"}
    assert [
        (s["start"], s["end"], s["label"], s["text"], s["attributes"], s["annotator"])
        for s in doc["spans"]
    ] == [
        (
            text.index("Russian"),
            text.index("Russian") + 7,
            "Actor",
            "Russian",
            {"category": "state_force"},
            "alice",
        ),
        (text.index("jets"), text.index("jets") + 4, "WeaponSystem", "jets", {}, "alice"),
    ]
    assert doc["relations"] == [
        {"id": 1, "type": "uses", "head": actor, "tail": jets, "annotator": "alice"}
    ]
    code, out, _ = run(capsys, "--db", db, "show", "1")
    assert code == 0 and "Actor" in out and "uses" in out


def test_show_lists_no_set_only_opened(capsys, db):
    """Opening a document stores suggestions on the viewer's set: that is no status to show."""
    from annotator.document import Status
    from annotator.suggest.model import Suggestion
    from corpus.store import Store

    store = Store.open(db)
    store.set_status(1, "bob", Status.DONE)
    store.save_suggestions(1, "alice", [Suggestion(0, 7, "Actor", {}, "gazetteer")])
    store.close()
    assert run_json(capsys, "--db", db, "show", "1")["statuses"] == {"bob": "done"}
    code, out, _ = run(capsys, "--db", db, "show", "1")
    assert code == 0 and "status (bob): done" in out and "alice" not in out


def test_stats_json(capsys, db):
    stats = run_json(capsys, "--db", db, "stats")
    assert stats["documents"] == 3
    assert stats["collections"] == {"wire": 3}
    assert stats["statuses"]["new"] == 3
    assert (stats["schema"], stats["spans"]) == ("conflict", 0)


def test_import_json_report_and_exit_code_on_failure(capsys, db, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_text(
        "A new headline\n\nSomething happened in Homs.", encoding="utf-8"
    )
    code, out, err = run(
        capsys,
        "--db",
        db,
        "import",
        str(tmp_path / "empty.txt"),
        str(tmp_path / "good.txt"),
        "--json",
    )
    assert code == 1
    report = json.loads(out)
    assert (report["imported"], report["failed"]) == (1, 1)
    assert report["failures"] == [f"{tmp_path / 'empty.txt'}: empty file"]
    assert f"annotator: {tmp_path / 'empty.txt'}: empty file" in err


def test_schema_validate_set_and_show(capsys, tmp_path, db):
    good = tmp_path / "ner.yaml"
    good.write_text("name: ner\nlabels:\n  - name: PER\n    color: '#123456'\n", encoding="utf-8")
    code, out, _ = run(capsys, "schema", "validate", str(good))
    assert code == 0 and "valid schema 'ner'" in out
    code, out, _ = run(capsys, "--db", db, "schema", "set", str(good))
    assert code == 0 and "version 2" in out
    shown = run_json(capsys, "--db", db, "schema", "show")
    assert shown["name"] == "ner" and [h["name"] for h in shown["history"]] == ["conflict", "ner"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nlabels:\n  - name: PER\n    color: blue\n", encoding="utf-8")
    code, out, err = run(capsys, "schema", "validate", str(bad))
    assert code == 2 and out == ""
    assert err == f"annotator: {bad}:4: color of label 'PER' must look like #1f77b4, not 'blue'\n"


@pytest.mark.parametrize(
    "args,message",
    [
        (["show", "99"], "annotator: no document with id 99"),
        (
            ["schema", "set", "/nonexistent/schema.yaml"],
            "annotator: /nonexistent/schema.yaml: no such file",
        ),
        (
            ["list", "--status", "finished"],
            "annotator list: error: argument --status: invalid choice",
        ),
        (["search", "x", "--meta", "novalue"], "annotator: --meta takes KEY=VALUE, not 'novalue'"),
        (["import", "x.txt", "--field", "body=text"], "annotator: --field takes FIELD=KEY"),
    ],
)
def test_errors_are_one_line_without_traceback(capsys, db, args, message):
    try:
        code, out, err = run(capsys, "--db", db, *args)
    except SystemExit as exit:  # argparse's own usage errors
        code, (out, err) = exit.code, capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_folder_or_unreachable_server_as_corpus_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "--db", str(tmp_path), "list")
    assert (code, err) == (2, f"annotator: {tmp_path}: is a folder, not a corpus file\n")
    code, _, err = run(capsys, "--db", "postgresql://nobody:secret@127.0.0.1:1/none", "list")
    assert code == 2 and err.startswith(
        "annotator: postgresql://nobody:***@127.0.0.1:1/none: cannot open the corpus"
    )
    assert "secret" not in err and err.count("\n") == 1


def test_console_script_runs_without_traceback(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("ANNOTATOR_DB", None)
    script = Path(sys.executable).with_name("annotator")
    ok = subprocess.run([script, "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0
    for command in ("gui", "import", "list", "search", "show", "stats", "schema"):
        assert f"    {command}" in ok.stdout
    assert "examples:" in ok.stdout
    bad = subprocess.run(
        [script, "--db", str(tmp_path / "c.db"), "show", "7"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (bad.returncode, bad.stdout, bad.stderr) == (2, "", "annotator: no document with id 7\n")


def test_gui_without_a_display_says_so(capsys, monkeypatch, tmp_path):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys, "--db", str(tmp_path / "c.db"), "gui")
    assert code == 2
    assert (
        err
        == "annotator: no display to open the window on (set DISPLAY, or QT_QPA_PLATFORM=offscreen to run without one)\n"
    )

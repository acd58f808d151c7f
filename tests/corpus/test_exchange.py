"""Exporting and importing annotations between the store and a format, on both engines: whose
annotations go out, links by index, the split, CRLF remapping, the schema check (and its
extension), idempotent re-imports, cancelling, and the command line. A lossless test format
(tests/corpus/fake_format.py) keeps these apart from the real formats."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import formats
from annotator.document import Document, Event, Relation, Span, Status
from annotator.errors import AnnotatorError
from annotator.formats.model import ImportOptions
from annotator.suggest.model import Suggestion
from cli import main as cli_main
from corpus import resources
from corpus.annotation_importer import annotator_in_name
from corpus.exchange import ExportRequest, export_corpus, import_annotations, name_part
from corpus.filters import DocumentFilter
from corpus.store import Store
from tests.conftest import close_bound_database

TEXT = "Russian jets struck al-Bab 🇸🇾 on Wednesday, killing nine civilians."


@pytest.fixture(autouse=True)
def fake_format(monkeypatch) -> None:
    monkeypatch.setitem(formats.MODULES, "fake", "tests.corpus.fake_format")


def at(needle: str, label: str, **attributes: object) -> Span:
    start = TEXT.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]


@pytest.fixture
def annotated(store: Store) -> int:
    """A document annotated by alice (spans, a relation, an event) and by bob (one span)."""
    doc_id = store.add_document(Document(text=TEXT, title="Strike"), ["syria"]).id
    russian = store.add_span(doc_id, "alice", at("Russian", "Actor", category="state_force"))
    jets = store.add_span(doc_id, "alice", at("jets", "WeaponSystem"))
    struck = store.add_span(doc_id, "alice", at("struck", "Attack"))
    store.add_span(doc_id, "alice", at("nine civilians", "Casualty", count=9, kind="killed"))
    store.add_relation(Relation("uses", russian, jets))
    store.add_event(Event("Attack", struck, (("attacker", russian), ("instrument", jets))))
    store.add_span(doc_id, "bob", at("al-Bab", "Location"))
    store.add_document(Document(text="Nobody annotated this one.", title="Bare"))
    return doc_id


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_writes_each_annotators_set_with_links_by_index(store, annotated, tmp_path):
    out = tmp_path / "all.jsonl"
    report = export_corpus(store, ExportRequest("fake", out))
    rows = records(out)
    assert [(r["name"], r["annotator"]) for r in rows] == [
        (f"{annotated}.alice", "alice"),
        (f"{annotated}.bob", "bob"),
        (str(annotated + 1), None),
    ]
    alice = rows[0]
    labels = [s[2] for s in alice["spans"]]
    assert labels == ["Actor", "WeaponSystem", "Attack", "Casualty"]
    assert all(TEXT[a:b] for a, b, *_ in alice["spans"])
    assert alice["relations"] == [["uses", 0, 1]]
    assert alice["events"] == [["Attack", 2, [["attacker", 0], ["instrument", 1]]]]
    assert alice["status"] == Status.IN_PROGRESS
    assert (report.documents, report.spans) == (3, 5)

    only_bob = tmp_path / "bob.jsonl"
    export_corpus(store, ExportRequest("fake", only_bob, annotator="bob"))
    assert [r["name"] for r in records(only_bob)] == [str(annotated), str(annotated + 1)]
    done = tmp_path / "done.jsonl"
    store.set_status(annotated, "alice", Status.DONE)
    flt = DocumentFilter(status=Status.DONE, annotator="alice")
    export_corpus(store, ExportRequest("fake", done, filter=flt, annotator="alice"))
    assert [r["name"] for r in records(done)] == [str(annotated)]


def written(out: Path) -> dict[str, str]:
    """What an export wrote: a file's text, or each file of a folder by its name."""
    if out.is_file():
        return {"": out.read_text(encoding="utf-8")}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


@pytest.mark.parametrize("annotator", [None, "alice"])
@pytest.mark.parametrize("name", ["jsonl", "brat"])
def test_a_document_only_opened_is_exported_as_before(store, annotated, tmp_path, name, annotator):
    """Opening a document stores suggestions on the viewer's set; that makes it no annotation."""
    bare = annotated + 1
    before = tmp_path / f"before-{name}"
    export_corpus(store, ExportRequest(name, before, annotator=annotator))
    store.save_suggestions(bare, "alice", [Suggestion(0, 6, "Actor", {}, "gazetteer")])
    store.save_suggestions(bare, "carol", [Suggestion(0, 6, "Actor", {}, "gazetteer")])
    assert store.statuses(bare) == {"alice": Status.NEW, "carol": Status.NEW}
    after = tmp_path / f"after-{name}"
    export_corpus(store, ExportRequest(name, after, annotator=annotator))
    assert written(after) == written(before)


def test_an_empty_set_given_a_status_is_exported_as_the_annotators(store, annotated, tmp_path):
    bare = annotated + 1
    store.set_status(bare, "alice", Status.DONE)
    out = tmp_path / "all.jsonl"
    export_corpus(store, ExportRequest("fake", out))
    assert [(r["name"], r["status"], r["spans"]) for r in records(out)][2:] == [
        (f"{bare}.alice", Status.DONE, [])
    ]
    alices = tmp_path / "alice.jsonl"
    export_corpus(store, ExportRequest("fake", alices, annotator="alice"))
    assert [(r["name"], r["status"]) for r in records(alices)] == [
        (str(annotated), Status.IN_PROGRESS),
        (str(bare), Status.DONE),
    ]


def test_the_split_puts_each_document_in_one_part_the_same_way_each_time(store, tmp_path):
    for n in range(40):
        store.add_document(Document(text=f"Report number {n} from the front."))
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        export_corpus(store, ExportRequest("fake", out, split=(80, 10, 10), seed=3))
    parts = {
        p: [r["name"] for r in records(first / f"{p}.jsonl")] for p in ("train", "dev", "test")
    }
    assert sum(len(v) for v in parts.values()) == 40
    assert len(set().union(*parts.values())) == 40
    assert len(parts["train"]) > len(parts["dev"])
    for p in parts:
        assert (first / f"{p}.jsonl").read_text() == (second / f"{p}.jsonl").read_text()


def test_export_import_export_is_identical(store, annotated, tmp_path):
    first = tmp_path / "first.jsonl"
    export_corpus(store, ExportRequest("fake", first, annotator="alice"))
    close_bound_database()
    fresh = Store.open(str(tmp_path / "fresh.db"))
    try:
        fresh.set_schema(resources.shipped_schema())
        report = import_annotations(fresh, "fake", [first], annotator="alice")
        assert report.errors == [] and not report.lost
        second = tmp_path / "second.jsonl"
        export_corpus(fresh, ExportRequest("fake", second, annotator="alice"))
        strip = [{k: v for k, v in r.items() if k not in ("id", "name")} for r in records(first)]
        again = [{k: v for k, v in r.items() if k not in ("id", "name")} for r in records(second)]
        assert again == strip
        report = import_annotations(fresh, "fake", [first], annotator="alice")
        assert report.spans == 0  # all there already: nothing twice
        assert len(fresh.relations(1)) == 1 and len(fresh.events(1)) == 1
    finally:
        fresh.close()


def write_fake(path: Path, text: str, spans: list, **extra) -> Path:
    record = {"name": "d1", "text": text, "spans": spans, "relations": [], "events": [], **extra}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_crlf_text_is_normalised_and_the_offsets_follow(store, tmp_path):
    text = "Line one\r\nTwo 🇸🇾 jets\r\nstruck."
    start = text.index("jets")
    path = write_fake(
        tmp_path / "crlf.jsonl", text, [[start, start + 4, "WeaponSystem", {}, "", []]]
    )
    report = import_annotations(store, "fake", [path], annotator="carol")
    assert report.errors == []
    [doc] = list(store.documents())
    stored = store.document(doc.id).text
    assert "\r" not in stored
    [span] = store.spans(doc.id, "carol")
    assert stored[span.span.start : span.span.end] == "jets"


def test_labels_the_schema_lacks_are_reported_or_added(store, tmp_path):
    spans = [
        [0, 7, "Actor", {"category": "state_force", "rank": "general"}, "", []],
        [8, 12, "Vehicle", {"wheels": 6}, "", []],
        [13, 19, "Actor", {"category": "martian"}, "", []],
    ]
    path = write_fake(tmp_path / "new.jsonl", TEXT, spans, relations=[["escorts", 0, 1]])
    report = import_annotations(store, "fake", [path], annotator="dana")
    assert report.lost == {
        "spans labelled 'Vehicle' (not in the schema)": 1,
        "attribute 'rank' of Actor (not in the schema)": 1,
        "attribute values the schema refuses (attribute 'category' must be one of state_force, non_state_armed_group, political, civilian, international, other, not 'martian')": 1,
        "relations whose spans were not imported": 1,
    }
    doc_id = next(iter(store.documents())).id
    assert [s.span.label for s in store.spans(doc_id, "dana")] == ["Actor", "Actor"]

    version = store.schema().version
    report = import_annotations(store, "fake", [path], annotator="erin", extend_schema=True)
    schema = store.schema()
    assert schema.version == version + 1
    assert schema.label("Vehicle") is not None
    assert schema.label("Vehicle").attribute("wheels").type.value == "integer"
    assert schema.label("Actor").attribute("rank") is not None
    assert schema.relation("escorts") is not None
    assert sorted(s.span.label for s in store.spans(doc_id, "erin")) == [
        "Actor",
        "Actor",
        "Vehicle",
    ]
    assert [r.relation.type for r in store.relations(doc_id, "erin")] == ["escorts"]


def test_a_document_given_by_id_gets_the_annotations(store, tmp_path):
    doc_id = store.add_document(Document(text=TEXT)).id
    path = write_fake(tmp_path / "byid.jsonl", "", [[0, 7, "Actor", {}, "", []]], id=doc_id)
    import_annotations(store, "fake", [path], annotator="fay")
    assert store.count_documents() == 1
    assert [s.span.label for s in store.spans(doc_id, "fay")] == ["Actor"]
    missing = write_fake(tmp_path / "missing.jsonl", "", [[0, 7, "Actor", {}, "", []]], id=999)
    report = import_annotations(store, "fake", [missing], annotator="fay")
    assert [str(e) for e in report.errors] == [f"{missing}: no document with id 999"]


def test_a_bad_record_is_refused_with_its_line_and_the_rest_imported(store, tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps(
        {
            "name": "a",
            "text": TEXT,
            "spans": [[0, 7, "Actor", {}, "", []]],
            "relations": [],
            "events": [],
        }
    )
    path.write_text(f"{good}\n{{oops\n", encoding="utf-8")
    report = import_annotations(store, "fake", [path], annotator="gil")
    assert [str(e).split(": not JSON")[0] for e in report.errors] == [f"{path}:2"]
    assert report.documents == 1 and report.spans == 1


def test_cancelling_keeps_what_was_done(store, tmp_path):
    for n in range(5):
        store.add_document(Document(text=f"Item {n}."))
    done: list[int] = []
    request = ExportRequest("fake", tmp_path / "part.jsonl")
    report = export_corpus(store, request, done.append, cancelled=lambda: len(done) >= 2)
    assert report.notes == ["cancelled after 2 document(s)"]
    assert not (tmp_path / "part.jsonl").exists()  # no half-written file


def test_the_command_line_exports_and_imports(store, annotated, tmp_path, capsys):
    close_bound_database()
    url = store.url
    out = tmp_path / "cli.jsonl"
    assert (
        cli_main.main(
            ["--db", url, "export", "--format", "fake", "--out", str(out), "--annotator", "alice"]
        )
        == 0
    )
    assert "exported 2 document(s), 4 span(s)" in capsys.readouterr().out
    target = str(tmp_path / "target.db")
    code = cli_main.main(
        ["--db", target, "import", "--format", "fake", str(out), "--annotator", "zoe"]
    )
    assert code == 0
    assert "imported 2 document(s), 4 span(s)" in capsys.readouterr().out
    assert cli_main.main(["--db", target, "import", str(out), "--annotator", "zoe"]) == 2
    assert "--annotator and --extend-schema go with --format" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        cli_main.main(["--db", target, "export", "--format", "nope", "--out", str(out)])
    assert stopped.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_import_options_reach_the_reader(store, tmp_path, monkeypatch):
    seen: list[ImportOptions] = []
    module = formats.get("fake")

    def read(paths, options, report):
        seen.append(options)
        return iter(())

    monkeypatch.setattr("tests.corpus.fake_format.FORMAT", replace(module, read=read))
    import_annotations(store, "fake", [tmp_path], options=ImportOptions(offsets="utf16"))
    assert seen[0].offsets == "utf16"


def test_a_csv_export_comes_back_onto_the_same_documents_and_a_tampered_row_is_refused(
    store, annotated, tmp_path
):
    out = tmp_path / "spans.csv"
    export_corpus(store, ExportRequest("csv", out, annotator="alice"))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("Russian", "Russians")  # the row's text no longer matches
    out.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    report = import_annotations(store, "csv", [out], annotator="copy")
    assert store.count_documents() == 2  # no new document
    assert [str(e).split(": ", 1)[0] for e in report.errors] == [f"{out}:2"]
    copied = sorted(
        (s.span.start, s.span.end, s.span.label) for s in store.spans(annotated, "copy")
    )
    original = sorted(
        (s.span.start, s.span.end, s.span.label) for s in store.spans(annotated, "alice")
    )
    assert copied == [o for o in original if o[2] != "Actor"]


def test_an_unwritable_output_is_one_line_not_a_traceback(store, annotated, tmp_path, capsys):
    close_bound_database()
    out = tmp_path / "missing-folder" / "x.jsonl"
    code = cli_main.main(["--db", store.url, "export", "--format", "fake", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err == f"annotator: cannot write {out}: there is no folder {out.parent}\n"


def test_an_export_refuses_a_status_without_its_annotator_and_unknown_names(
    store, annotated, tmp_path
):
    flt = DocumentFilter(status=Status.IN_PROGRESS)
    with pytest.raises(AnnotatorError, match="status filter needs --annotator"):
        export_corpus(store, ExportRequest("fake", tmp_path / "x.jsonl", filter=flt))
    with pytest.raises(AnnotatorError, match="no annotator called 'alcie'"):
        export_corpus(store, ExportRequest("fake", tmp_path / "x.jsonl", annotator="alcie"))


def test_a_split_of_a_folder_format_writes_a_folder_per_part(store, annotated, tmp_path):
    out = tmp_path / "brat-split"
    export_corpus(store, ExportRequest("brat", out, split=(50, 50), seed=1))
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) <= ["dev", "train"]
    assert any((out / part).is_dir() for part in ("train", "dev"))
    assert not any(p.name.endswith(".tsv") for p in out.iterdir())


def test_the_command_line_exports_conll_with_spacys_tokens(store, annotated, tmp_path, capsys):
    pytest.importorskip("spacy", reason="spaCy (the optional 'spacy' extra) is not installed")
    close_bound_database()
    out = tmp_path / "spacy.conll"
    args = [
        "--db",
        store.url,
        "export",
        "--format",
        "conll",
        "--out",
        str(out),
        "--annotator",
        "alice",
    ]
    assert cli_main.main([*args, "--tokenizer", "spacy:en"]) == 0
    tokens = [
        line.split()[0]
        for line in out.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("-DOCSTART-")
    ]
    assert "Wednesday" in tokens and "," in tokens
    assert cli_main.main([*args, "--tokenizer", "nltk"]) == 2
    assert "unknown tokenizer 'nltk'" in capsys.readouterr().err


def test_a_cancelled_export_leaves_the_earlier_file_whole(store, annotated, tmp_path):
    out = tmp_path / "tasks.json"
    export_corpus(store, ExportRequest("labelstudio", out))
    before = out.read_bytes()
    done: list[int] = []
    report = export_corpus(
        store, ExportRequest("labelstudio", out), done.append, cancelled=lambda: len(done) >= 1
    )
    assert report.notes == ["cancelled after 1 document(s)"]
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("tasks")) == [
        "tasks.config.xml",
        "tasks.json",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial-")]


@pytest.mark.parametrize("name", ["conll", "brat", "csv"])
def test_formats_without_room_for_document_fields_report_them(store, tmp_path, name):
    store.add_document(Document(text=TEXT, title="Strike", author="Desk", metadata={"k": 1}))
    store.add_document(Document(text="Bare text, no fields."))
    report = export_corpus(store, ExportRequest(name, tmp_path / f"out-{name}"))
    assert report.lost[f"document fields and metadata ({name} keeps the text only)"] == 1
    assert export_corpus(store, ExportRequest("jsonl", tmp_path / "out.jsonl")).lost == {}


def test_xmi_keeps_title_source_and_language_and_reports_the_fields_it_has_no_place_for(
    store, tmp_path
):
    kept = Document(text=TEXT, title="Strike", source="https://example.org/a", language="en")
    store.add_document(kept)
    store.add_document(Document(text="Second text.", author="Desk", published="2024-03-01"))
    store.add_document(Document(text="Third text.", metadata={"desk": "Beirut"}))
    out = tmp_path / "out.zip"
    report = export_corpus(store, ExportRequest("xmi", out))
    assert report.lost == {"document fields xmi has no place for (author, published, metadata)": 2}
    close_bound_database()
    fresh = Store.open(str(tmp_path / "fresh.db"))
    try:
        import_annotations(fresh, "xmi", [out])
        back = fresh.document(1)
        assert (back.title, back.source, back.language) == (
            "Strike",
            "https://example.org/a",
            "en",
        )
    finally:
        fresh.close()


@pytest.mark.parametrize(
    "annotator", ["alice", "Bob Lee", "مها", "a.b", "50%", "x/y:z", "o'neil", "Zoë_2-b"]
)
def test_an_annotators_name_part_reads_back(annotator):
    part = name_part(annotator)
    assert "." not in part and "/" not in part and " " not in part
    for prefix in ("", "train-", "dev_", "test-"):
        assert annotator_in_name(f"{prefix}12.{part}") == annotator


@pytest.mark.parametrize(
    "name", ["12", "strike", "1998.01", "2019-03-01.report", "x.alice", "12.alice.v2", "12."]
)
def test_names_not_made_by_an_export_name_no_annotator(name):
    assert annotator_in_name(name) is None

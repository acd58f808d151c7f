"""brat standoff export: every exported T line's text equals the .txt slice as brat reads the
files, the round trip is identical, and what brat cannot hold is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError
from annotator.formats import brat
from annotator.formats.brat_conf import schema_reader
from annotator.formats.brat_conf_write import schema_writer
from annotator.formats.model import AnnotatedDocument, normalized
from annotator.schema_yaml import load_schema_file
from tests.annotator.formats.brat_files import CONFLICT, export, read, t_lines
from tests.annotator.formats.strategies import annotated_documents


def assert_brat_proof(folder: Path) -> int:
    """Every T line's text equals the slice of the .txt that its offsets select (fragments
    joined by one space), the .txt read without touching line ends; returns the T lines seen."""
    seen = 0
    for ann in folder.glob("*.ann"):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        for tid, _, pieces, said in t_lines(ann):
            assert all(0 <= a < b <= len(text) for a, b in pieces), (ann.name, tid)
            assert " ".join(text[a:b] for a, b in pieces) == said, (ann.name, tid)
            seen += 1
    return seen


# -- writing ------------------------------------------------------------------------------------


def rich_document() -> AnnotatedDocument:
    text = "Russian jets struck al-Bab 🇸🇾\tand e\u0301 قتلت مدنيين.\nNine killed, two\ninjured."
    at = text.index

    def span(word: str, label: str, **kw: object) -> Span:
        return Span(at(word), at(word) + len(word), label, **kw)  # type: ignore[arg-type]

    spans = (
        span("Russian", "Actor", attributes={"category": "state_force"}, note="the air force"),
        span("Russian jets", "WeaponSystem", attributes={"category": "aircraft"}),
        span("struck", "Attack", attributes={"confirmed": True}, note="first report"),
        span("al-Bab 🇸🇾", "Location", attributes={"type": "city"}),
        Span(
            at("e\u0301"),
            at("مدنيين") + 6,
            "Actor",
            fragments=((at("e\u0301"), at("e\u0301") + 2), (at("مدنيين"), at("مدنيين") + 6)),
        ),
        span("Nine killed", "Casualty", attributes={"kind": "killed"}),
        span("two", "Casualty"),
        span("🇸🇾\tand", "Location"),  # a tab in the T line's text
    )
    events = (
        Event("Attack", 2, (("attacker", 0), ("instrument", 1), ("casualty", 5), ("casualty", 6))),
    )
    relations = (Relation("uses", 0, 1), Relation("located_at", 2, 3))
    return AnnotatedDocument(Document(text=text, title="d1"), "d1", spans, relations, events)


def test_an_export_is_exact_and_the_round_trip_identical(tmp_path: Path) -> None:
    doc = rich_document()
    report = export([doc], tmp_path / "a", schema=load_schema_file(CONFLICT))
    assert report.documents == 1 and report.spans == 8 and report.errors == []
    assert assert_brat_proof(tmp_path / "a") == 8
    assert (tmp_path / "a" / "d1.txt").read_bytes().decode("utf-8") == doc.text
    [back], read_report = read(tmp_path / "a")
    assert read_report.errors == [] and read_report.lost == {}
    assert back.spans == doc.spans
    assert back.relations == doc.relations and back.events == doc.events
    export([back], tmp_path / "b", schema=load_schema_file(CONFLICT))
    for name in ("d1.txt", "d1.ann", "annotation.conf", "visual.conf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    ann = (tmp_path / "a" / "d1.ann").read_text(encoding="utf-8")
    # brat refuses attributes and notes on an event trigger: they go on the event
    assert "A3\tconfirmed E1\n" in ann and "AnnotatorNotes E1\tfirst report" in ann
    assert "E1\tAttack:T3 attacker:T1 instrument:T2 casualty:T6 casualty2:T7\n" in ann


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_any_document_exports_exactly_and_round_trips(
    tmp_path_factory: pytest.TempPathFactory, doc: AnnotatedDocument
) -> None:
    out = tmp_path_factory.mktemp("brat")
    report = export([doc], out / "a")
    assert assert_brat_proof(out / "a") == len(doc.spans)
    [back], read_report = read(out / "a")
    assert read_report.errors == []
    export([back], out / "b")
    for f in (out / "a").iterdir():
        assert f.read_bytes() == (out / "b" / f.name).read_bytes()
    crossing = [s for s in doc.spans if "\n" in doc.text[s.start : s.end]]
    assert report.lost.get(
        "spans across line breaks (written as fragments around the breaks)", 0
    ) == len(crossing)
    kept = [s for s in doc.spans if s not in crossing]
    assert [s for s in back.spans if "\n" not in back.text[s.start : s.end]] == kept
    assert len(back.relations) == len(doc.relations)


def with_crlf(source: Path, target: Path) -> None:
    """Copy brat files with every LF of the texts turned into CRLF, moving the T offsets as
    brat counts them (a CRLF is two code points); the T texts hold no line breaks."""
    target.mkdir()
    for ann in source.glob("*.ann"):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        moved = [i + text.count("\n", 0, i) for i in range(len(text) + 1)]
        (target / f"{ann.stem}.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
        lines = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                tid, data, said = line.split("\t", 2)
                label, offsets = data.split(" ", 1)
                pieces = [map(int, p.split()) for p in offsets.split(";")]
                offsets = ";".join(f"{moved[a]} {moved[b]}" for a, b in pieces)
                line = f"{tid}\t{label} {offsets}\t{said}"
            lines.append(line + "\r\n")
        (target / ann.name).write_bytes("".join(lines).encode("utf-8"))


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_crlf_files_read_and_normalised_give_the_same_spans(
    tmp_path_factory: pytest.TempPathFactory, doc: AnnotatedDocument
) -> None:
    out = tmp_path_factory.mktemp("crlf")
    export([doc], out / "lf")
    with_crlf(out / "lf", out / "crlf")
    [lf], _ = read(out / "lf")
    [crlf], report = read(out / "crlf")
    assert report.errors == []
    flat = normalized(crlf)
    assert flat.text == lf.text
    assert flat.spans == lf.spans
    assert (flat.relations, flat.events) == (lf.relations, lf.events)


def test_what_brat_cannot_hold_is_reported_with_counts(tmp_path: Path) -> None:
    text = "Nine\nkilled in Zürich\u2028today"
    spans = (
        Span(0, 11, "Casualty", attributes={"count": 9, "confirmed": False, "word": "two words"}),
        Span(4, 5, "Casualty"),  # a line break alone
        Span(15, 21, "Location", attributes={"bad": "a\tb"}, note="line\none"),
        Span(22, 27, "Attack"),
    )
    events = (
        Event("Bombing", 3),  # type is not the trigger's label
        Event("Attack", 3, (("arg1", 2), ("target", 1))),
    )
    doc = AnnotatedDocument(
        Document(text=text, title="Nine killed", source="https://example.org"),
        "d",
        spans,
        (Relation("at", 0, 1),),
        events,
    )
    report = export([doc], tmp_path)
    assert report.lost == {
        "spans across line breaks (written as fragments around the breaks)": 1,
        "spans of line breaks only": 1,
        "attributes set to false (brat's binary attributes are there or not)": 1,
        "attribute values that are empty or hold tabs or line breaks": 1,
        "line breaks in notes (written as spaces)": 1,
        "events whose type differs from their trigger's label (brat needs one)": 1,
        "event roles on spans not written or with names brat cannot hold": 1,
        "event roles whose name ends in a digit (brat reads it as a number)": 1,
        "relations on spans not written or with a type brat cannot hold": 1,
    }  # the document's fields are the corpus layer's to report (tests/corpus/test_exchange.py)
    assert assert_brat_proof(tmp_path) == 3
    ann = (tmp_path / "d.ann").read_text(encoding="utf-8")
    assert "T1\tCasualty 0 4;5 11\tNine killed\n" in ann
    assert "A1\tcount T1 9\n" in ann and "A2\tword T1 two words\n" in ann
    assert "#1\tAnnotatorNotes T2\tline one\n" in ann


def test_names_are_made_safe_and_unique(tmp_path: Path) -> None:
    docs = [
        AnnotatedDocument(Document(text="a"), name, (Span(0, 1, "X"),))
        for name in ("../up", "Doc", "doc", "")
    ]
    report = export(docs, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{s}" for n in ("_up", "Doc", "doc-2", "document") for s in ("txt", "ann")
    )
    assert len(report.notes) == 3


def test_an_export_into_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("", encoding="utf-8")
    with pytest.raises(AnnotatorError, match="brat writes a folder"):
        export([], tmp_path / "out")


def test_the_format_is_registered() -> None:
    fmt = formats.get("brat")
    assert fmt is brat.FORMAT and fmt.directory and fmt.suffix == ""
    assert fmt.schema_reader is schema_reader and fmt.schema_writer is schema_writer

"""doccano JSONL: every sample doccano ships imports (bad records refused at file:line), exports
are exact in code points and in the UTF-16 units doccano's browser counts, and what doccano
cannot hold is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.formats import doccano
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from annotator.schema import LabelSpec, RelationSpec, Schema
from tests.annotator.formats.harness import labelled as covered
from tests.annotator.formats.harness import read_with, sample_folder, write_with
from tests.annotator.formats.strategies import annotated_documents

WITH_RELATIONS = Schema(
    "s", (LabelSpec("Actor", "#123456"),), (RelationSpec("located_at", ("*",), ("*",)),)
)
UTF16 = ImportOptions(offsets="utf16")


def samples() -> Path:
    return sample_folder("doccano", "the doccano samples cannot be checked")


def read(
    *paths: Path, options: ImportOptions | None = None
) -> tuple[list[AnnotatedDocument], Report]:
    return read_with(doccano.read, paths, options or ImportOptions())


def export(docs: list[AnnotatedDocument], out: Path, **options: object) -> Report:
    return write_with(doccano.write, docs, out, ExportOptions(**options))  # type: ignore[arg-type]


def units(text: str, start: int, end: int) -> str:
    """What UTF-16 offsets select, as a browser's ``String.prototype.slice`` does."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


# -- the samples --------------------------------------------------------------------------------


def test_the_sequence_labelling_export_sample() -> None:
    docs, report = read(samples() / "export-sequence_labeling-example.jsonl")
    assert [covered(d) for d in docs] == [
        [("ORG", "EU"), ("MISC", "German")],
        [("PERSON", "Peter Blackburn")],
        [("PERSON", "Obama")],
    ]
    assert [d.name for d in docs] == [f"export-sequence_labeling-example-{i}" for i in (1, 2, 3)]
    assert report.errors == [] and not report.lost


@pytest.mark.parametrize(
    "name",
    ["export-relation_extraction-example.pretty.json", "import-relation_extraction-example.jsonl"],
)
def test_the_relation_samples_pretty_printed_or_one_line(name: str) -> None:
    [doc], report = read(samples() / name)
    assert covered(doc) == [
        ("ORG", "Google"),
        ("DATE", "September 4, 1998"),
        ("PERSON", "Larry Page"),
        ("PERSON", "Sergey Brin"),
    ]
    assert doc.relations == (
        Relation("foundedAt", 0, 1),
        Relation("foundedBy", 0, 2),
        Relation("foundedBy", 0, 3),
    )
    assert report.errors == []


def test_the_intent_sample_imports_its_spans_and_reports_the_categories() -> None:
    docs, report = read(samples() / "import-intent_detection-example.jsonl")
    # Upstream's [0, 26] should be "Memphis" (19..26); it lies inside the text and doccano
    # carries no span text, so nothing in the file contradicts it: it imports as written.
    assert [covered(d) for d in docs] == [
        [("City", "Find a flight from Memphis"), ("City", "Tacoma")],
        [("City", "Los Angeles")],
    ]
    assert report.lost == {"document categories ('cats', intent labels)": 2}
    assert report.errors == []


def test_meta_becomes_metadata_and_a_record_without_text_is_refused_at_its_line() -> None:
    path = samples() / "import-test-sequence_labeling-with-meta.jsonl"
    docs, report = read(path)
    assert [dict(d.document.metadata) for d in docs] == [{"wikiPageID": 1}, {"wikiPageID": 2}]
    assert [covered(d) for d in docs] == [[("LOC", "e")], []]
    assert [str(e) for e in report.errors] == [f"{path}:3: the record has no 'text'"]


def test_repeated_spans_come_in_as_the_file_has_them() -> None:
    [doc], report = read(samples() / "import-test-sequence_labeling-overlapping.jsonl")
    assert doc.spans == (Span(0, 1, "LOC"), Span(0, 1, "LOC"))
    assert report.errors == []


def test_utf16_offsets_of_issue_2290_import_with_the_option() -> None:
    path = samples() / "synthetic-issue2290-emoji-utf16-offsets.jsonl"
    [doc], report = read(path, options=UTF16)
    assert covered(doc) == [("VEHICLE", "firetrucks")]
    assert doc.spans == (Span(19, 29, "VEHICLE"),)
    assert doc.name == "1" and report.errors == []


def test_utf16_offsets_of_issue_2290_read_as_code_points_are_refused_with_a_hint() -> None:
    path = samples() / "synthetic-issue2290-emoji-utf16-offsets.jsonl"
    [doc], report = read(path)
    assert doc.spans == ()  # the document stays; the span that does not fit is refused
    [error] = report.errors
    assert (error.file, error.line) == (str(path), 1)
    assert "outside the text (0..29)" in error.reason
    assert "import with offsets utf16" in error.reason


def test_every_sample_of_the_folder_imports() -> None:
    docs, report = read(samples())
    assert len(docs) == 11
    assert sum(len(d.spans) for d in docs) == 18
    assert len(report.errors) == 2  # the record without text, the UTF-16 span


# -- exactness ------------------------------------------------------------------------------------

HARD = "Jets 🇸🇾 struck\tal-Bab: قتلت مدنيين, e\u0301 👍🏽 nine."


def hard_doc() -> AnnotatedDocument:
    words = ["🇸🇾", "struck", "قتلت مدنيين", "e\u0301", "👍🏽", "nine"]
    spans = tuple(Span(HARD.index(w), HARD.index(w) + len(w), "Actor") for w in words)
    return AnnotatedDocument(Document(text=HARD, title="hard"), "hard", spans)


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_exports_select_each_span_text_in_either_unit(tmp_path: Path, offsets: str) -> None:
    doc = hard_doc()
    out = tmp_path / "out.jsonl"
    export([doc], out, offsets=offsets)
    record = json.loads(out.read_text(encoding="utf-8"))
    select = units if offsets == "utf16" else (lambda t, s, e: t[s:e])
    assert [select(record["text"], s, e) for s, e, _ in record["label"]] == [
        HARD[s.start : s.end] for s in doc.spans
    ]
    [back], report = read(out, options=ImportOptions(offsets=offsets))
    assert back.spans == doc.spans and report.errors == []


def test_utf16_and_code_points_differ_only_after_astral_characters(tmp_path: Path) -> None:
    doc = AnnotatedDocument(Document(text="😀 ab cd"), "d", (Span(2, 4, "X"),))
    out = tmp_path / "out.jsonl"
    export([doc], out, offsets="utf16")
    assert json.loads(out.read_text(encoding="utf-8"))["label"] == [[3, 5, "X"]]
    # Read as code points, UTF-16 offsets that still fit the text shift silently by one per
    # astral character before them: the unit must be given.
    [shifted], _ = read(out)
    assert covered(shifted) == [("X", "b ")]


def test_crlf_text_is_kept_and_remapped_by_normalisation(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    text = "Line one\r\nRussian jets 🇸🇾\r\nstruck"
    spans = [[text.index(w), text.index(w) + len(w), "X"] for w in ("Russian", "🇸🇾", "struck")]
    path.write_text(json.dumps({"text": text, "label": spans}) + "\n", encoding="utf-8")
    [doc], _ = read(path)
    assert doc.text == text
    doc = normalized(doc)
    assert doc.text == "Line one\nRussian jets 🇸🇾\nstruck"
    assert [t for _, t in covered(doc)] == ["Russian", "🇸🇾", "struck"]


# -- forms, round trips, losses ---------------------------------------------------------------


def rich_doc() -> AnnotatedDocument:
    text = "Russian jets struck al-Bab 👍🏽 today."
    document = Document(
        text=text, title="Strike", source="https://x.test/a", language="en", metadata={"k": [1, 2]}
    )
    spans = (Span(0, 12, "Actor"), Span(8, 12, "WeaponSystem"), Span(20, 26, "Location"))
    return AnnotatedDocument(
        document, "7.alice", spans, (Relation("located_at", 0, 2),), annotator="alice"
    )


def test_a_schema_with_relations_writes_the_entities_form(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    report = export([rich_doc()], out, schema=WITH_RELATIONS)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["entities"][1] == {
        "id": 1,
        "label": "WeaponSystem",
        "start_offset": 8,
        "end_offset": 12,
    }
    assert record["relations"] == [{"id": 0, "from_id": 0, "to_id": 2, "type": "located_at"}]
    assert (record["id"], record["annotator"]) == ("7.alice", "alice")
    assert record["meta"] == {
        "k": [1, 2],
        "title": "Strike",
        "source": "https://x.test/a",
        "language": "en",
    }
    assert (report.documents, report.spans, report.lost) == (1, 3, {})


def test_without_relation_types_the_label_form_is_written_and_relations_reported(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.jsonl"
    report = export([rich_doc()], out)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["label"] == [[0, 12, "Actor"], [8, 12, "WeaponSystem"], [20, 26, "Location"]]
    assert "relations" not in record
    assert report.lost == {"relations (the schema declares no relation types: 'label' form)": 1}


@pytest.mark.parametrize("schema", [None, WITH_RELATIONS])
@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_round_trip_is_identical(tmp_path: Path, schema: Schema | None, offsets: str) -> None:
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    export([rich_doc(), hard_doc()], first, schema=schema, offsets=offsets)
    docs, report = read(first, options=ImportOptions(offsets=offsets))
    assert report.errors == []
    assert docs[0].document == rich_doc().document
    assert docs[0].spans == rich_doc().spans
    assert (docs[0].name, docs[0].annotator, docs[1].annotator) == ("7.alice", "alice", None)
    export(docs, second, schema=schema, offsets=offsets)
    assert second.read_bytes() == first.read_bytes()


def test_what_doccano_cannot_hold_is_counted(tmp_path: Path) -> None:
    spans = (
        Span(0, 7, "Actor", {"certainty": "high", "count": 2}),
        Span(8, 12, "WeaponSystem", note="MiG?"),
        Span(0, 12, "Actor", fragments=((0, 3), (8, 12))),
    )
    doc = AnnotatedDocument(
        Document(text="Russian jets"), "d", spans, events=(Event("Attack", 1, (("agent", 0),)),)
    )
    out = tmp_path / "out.jsonl"
    report = export([doc], out, schema=WITH_RELATIONS)
    assert report.lost == {
        "attributes (doccano has none)": 2,
        "notes (doccano spans have none)": 1,
        "events (doccano has none)": 1,
        "discontinuous fragments (span written from its first to its last fragment)": 1,
    }
    entities = json.loads(out.read_text(encoding="utf-8"))["entities"]
    assert [(e["start_offset"], e["end_offset"]) for e in entities] == [(0, 7), (8, 12), (0, 12)]


@settings(max_examples=60, deadline=None)
@given(st.lists(annotated_documents(), min_size=1, max_size=4), st.booleans(), st.booleans())
def test_property_round_trip(tmp_path_factory, docs, relations_form, utf16) -> None:
    folder = tmp_path_factory.mktemp("doccano")
    first, second = folder / "1.jsonl", folder / "2.jsonl"
    schema = WITH_RELATIONS if relations_form else None
    offsets = "utf16" if utf16 else "codepoints"
    export(docs, first, schema=schema, offsets=offsets)
    back, report = read(first, options=ImportOptions(offsets=offsets))
    assert report.errors == []
    for doc, got in zip(docs, back, strict=True):
        assert got.text == doc.text and got.spans == doc.spans
        assert got.relations == (doc.relations if relations_form else ())
    export(back, second, schema=schema, offsets=offsets)
    assert second.read_bytes() == first.read_bytes()


# -- refusals -----------------------------------------------------------------------------------


def test_bad_records_and_bad_spans_are_refused_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        {"text": "Russian jets", "label": [[0, 7, "Actor"]]},
        "not json",
        ["a", "list"],
        {"text": "", "label": []},
        {"text": "abc", "label": [[0, 9, "X"], [2, 1, "X"], [0, "1", "X"], [0, 1], [0, 1, ""]]},
        {
            "text": "abc",
            "entities": [{"id": 5, "start_offset": 0, "end_offset": 1, "label": "X"}],
            "relations": [{"from_id": 5, "to_id": 6, "type": "r"}, {"from_id": 5, "to_id": 5}],
        },
    ]
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n",
        encoding="utf-8",
    )
    docs, report = read(path)
    assert [covered(d) for d in docs] == [[("Actor", "Russian")], [], [("X", "a")]]
    expected = [
        (2, "not JSON"),
        (3, "a record must be a JSON object"),
        (4, "'text' must be a non-empty string"),
        (5, 'span 1 [0, 9, "X"]'),
        (5, 'span 2 [2, 1, "X"]'),
        (5, 'span 3 [0, "1", "X"]'),
        (5, "span 4 [0, 1]"),
        (5, 'span 5 [0, 1, ""]'),
        (6, 'relation 1 {"from_id": 5, "to_id": 6, "type": "r"}'),
        (6, 'relation 2 {"from_id": 5, "to_id": 5}'),
    ]
    assert len(report.errors) == len(expected)
    for error, (line, start) in zip(report.errors, expected, strict=True):
        assert error.line == line and error.reason.startswith(start), error
    assert all(e.file == str(path) for e in report.errors)


def test_a_utf16_offset_inside_a_surrogate_pair_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pair.jsonl"
    path.write_text(json.dumps({"text": "😀 ab", "label": [[1, 4, "X"], [3, 5, "Y"]]}), "utf-8")
    [doc], report = read(path, options=UTF16)
    assert covered(doc) == [("Y", "ab")]
    [error] = report.errors
    assert error.line == 1 and "inside a surrogate pair" in error.reason


def test_a_pretty_printed_list_names_the_line_of_each_record(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    records = [{"text": "ab", "label": [[0, 1, "X"]]}, {"label": []}, {"text": "cd"}]
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    docs, report = read(path)
    assert [d.text for d in docs] == ["ab", "cd"]
    assert [(e.line, e.reason) for e in report.errors] == [(12, "the record has no 'text'")]
    assert [d.name for d in docs] == ["list-2", "list-15"]


def test_a_broken_json_file_is_refused_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"text": "ab"},\n  {"text": \n]\n', encoding="utf-8")
    docs, report = read(path)
    assert [d.text for d in docs] == ["ab"]
    [error] = report.errors
    assert error.line == 4 and error.reason.startswith("not JSON")


def test_files_over_the_limit_and_not_utf8_are_refused(tmp_path: Path) -> None:
    big, latin = tmp_path / "big.jsonl", tmp_path / "latin.jsonl"
    big.write_text(json.dumps({"text": "x" * 100}), encoding="utf-8")
    latin.write_bytes('{"text": "Zürich"}'.encode("latin-1"))
    report = Report()
    docs = list(doccano.read([big, latin], ImportOptions(max_bytes=50), report))
    assert docs == []
    assert [(e.file, e.reason) for e in report.errors] == [
        (str(big), "larger than the limit of 50 bytes"),
        (str(latin), "not UTF-8 text"),
    ]


def test_a_byte_order_mark_before_the_first_record_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_text('\ufeff{"text": "ab", "label": [[0, 2, "X"]]}\n', encoding="utf-8")
    [doc], report = read(path)
    assert covered(doc) == [("X", "ab")] and report.errors == []


def test_the_format_is_registered_as_jsonl() -> None:
    assert formats.get("jsonl") is doccano.FORMAT

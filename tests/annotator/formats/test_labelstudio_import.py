"""Label Studio JSON import: the real samples import, offsets are exact on troublesome text
(code points, as Label Studio counts them), bad records are refused with file, line and
reason, what the reader understands, and the JSON stream read one element at a time."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from annotator.document import Document, Relation, Span
from annotator.formats import labelstudio_json
from annotator.formats.labelstudio_config import schema_reader
from annotator.formats.labelstudio_json import JsonStreamError, json_items
from annotator.formats.model import AnnotatedDocument, normalized
from tests.annotator.formats.labelstudio_files import ROOT, _read, _tasks, _write

SAMPLES = ROOT.parent / "shared" / "samples"
LS = SAMPLES / "label-studio"
TRICKY = "Russian jets 🇸🇾 struck\tal-Bab: قتلت nine e\u0301 civilians 👍🏽.\nZürich 𝐀𝐁"


@pytest.fixture
def samples() -> Path:
    if not LS.is_dir():
        pytest.skip("../shared/samples is absent: the Label Studio samples cannot be read")
    return LS


def _covered(doc: AnnotatedDocument) -> list[tuple[str, str]]:
    return [(s.label, doc.text[s.start : s.end]) for s in doc.spans]


def _words(text: str, *words: str, label: str = "X") -> tuple[Span, ...]:
    return tuple(Span(text.index(w), text.index(w) + len(w), label) for w in words)


# --- the real samples ----------------------------------------------------------------------


def test_every_sample_imports(samples: Path) -> None:
    docs, report = _read(samples)
    assert report.errors == [] and not report.lost
    by_name = {doc.name: doc for doc in docs}
    assert sorted(by_name) == [
        "generated-by-label-studio-converter-0.0.59-JSON_MIN-1",
        "ls-editor-example-named_entity-annotation-1-1",
        "ls-editor-example-named_entity-tasks-with-predictions-1",
        "synthetic-export-ner-relations-overlap-emoji-crlf-1",
    ]
    for name in ("JSON_MIN-1", "annotation-1-1", "tasks-with-predictions-1"):
        [doc] = [doc for doc in docs if doc.name.endswith(name)]
        assert [(s.start, s.end) for s in doc.spans] == [(343, 354)]
        assert _covered(doc) == [("Date", "February 22")]
        assert "\n\nThe dry period" in doc.text
    assert by_name["ls-editor-example-named_entity-tasks-with-predictions-1"].annotator == "model 1"
    assert by_name["generated-by-label-studio-converter-0.0.59-JSON_MIN-1"].annotator is None

    synthetic = by_name["synthetic-export-ner-relations-overlap-emoji-crlf-1"]
    assert "\r\n" in synthetic.text and synthetic.annotator == "1"
    assert [(s.start, s.end) for s in synthetic.spans] == [
        (4, 17), (0, 17), (30, 40), (44, 51), (65, 76)
    ]  # fmt: skip
    assert _covered(synthetic) == [
        ("PER", "Jürgen Müller"),
        ("PER_TITLE", "Dr. Jürgen Müller"),
        ("ORG", "Siemens AG"),
        ("LOC", "München"),
        ("ORG", "Müller GmbH"),
    ]
    assert synthetic.relations == (Relation("works_for", 0, 2), Relation("founded", 0, 4))


def test_the_crlf_sample_is_remapped_by_the_text_rule(samples: Path) -> None:
    [doc], _ = _read(samples / "synthetic-export-ner-relations-overlap-emoji-crlf.json")
    stored = normalized(doc)
    assert "\r" not in stored.text
    assert _covered(stored) == _covered(doc)
    assert (stored.spans[-1].start, stored.spans[-1].end) == (64, 75)  # one code point less
    assert (stored.spans[2].start, stored.spans[2].end) == (30, 40)  # before the line break


def test_the_minimal_sample_config_reads(samples: Path) -> None:
    schema = schema_reader(samples / "minimal-label-config-for-named_entity.xml")
    assert [label.name for label in schema.labels] == [
        "Person",
        "Organization",
        "Location",
        "Date",
    ]
    assert all(len(label.color) == 7 and label.color.startswith("#") for label in schema.labels)
    assert len({label.color for label in schema.labels}) == 4
    assert schema.relations == () and all(not label.attributes for label in schema.labels)


# --- exactness -----------------------------------------------------------------------------


def test_export_offsets_are_code_points_and_select_each_span(tmp_path: Path) -> None:
    spans = _words(TRICKY, "🇸🇾", "قتلت", "e\u0301", "👍🏽", "𝐀𝐁", "struck\tal-Bab")
    doc = AnnotatedDocument(Document(text=TRICKY), "tricky", spans)
    out = tmp_path / "out.json"
    report = _write([doc], out)
    assert (report.documents, report.spans) == (1, len(spans))
    [task] = _tasks(out)
    text = task["data"]["text"]
    labelled = [r["value"] for r in task["annotations"][0]["result"] if r["type"] == "labels"]
    assert [(v["start"], v["end"]) for v in labelled] == [(s.start, s.end) for s in spans]
    assert all(text[v["start"] : v["end"]] == v["text"] for v in labelled)
    [back], _ = _read(out)
    assert back.spans == spans and back.text == TRICKY


def test_crlf_import_is_remapped_after_normalising(tmp_path: Path) -> None:
    text = "One 🇸🇾 jet\r\nstruck al-Bab\r\n\r\nقتلت nine"
    words = ("jet", "struck", "قتلت", "jet\r\nstruck")
    results = [
        {"id": f"r{i}", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": s.start, "end": s.end, "text": w, "labels": ["X"]}}
        for i, (s, w) in enumerate(zip(_words(text, *words), words, strict=True))
    ]  # fmt: skip
    path = tmp_path / "crlf.json"
    path.write_text(json.dumps([{"data": {"text": text}, "annotations": [{"result": results}]}]))
    [doc], report = _read(path)
    assert report.errors == []
    stored = normalized(doc)
    assert [stored.text[s.start : s.end] for s in stored.spans] == [
        "jet",
        "struck",
        "قتلت",
        "jet\nstruck",
    ]


def test_value_text_may_write_line_breaks_as_label_studio_does(tmp_path: Path) -> None:
    text = "Warning:\r\n🐱 This is a test"
    regions = [(0, 11, "Warning:\\n\\n🐱"), (0, 11, "Warning:\r\n🐱"), (0, 11, "Warning: 🐱")]
    path = tmp_path / "breaks.json"
    results = [
        {
            "id": str(i),
            "type": "labels",
            "value": {"start": a, "end": b, "text": t, "labels": ["L"]},
        }
        for i, (a, b, t) in enumerate(regions)
    ]
    path.write_text(json.dumps([{"data": {"text": text}, "annotations": [{"result": results}]}]))
    [doc], report = _read(path)
    assert len(doc.spans) == 2
    [error] = report.errors
    assert "result '2'" in error.reason and "'Warning: 🐱'" in error.reason


# --- refusals ------------------------------------------------------------------------------


def _region(rid: str, start: object, end: object, text: str, label: str = "L") -> dict:
    value = {"start": start, "end": end, "text": text, "labels": [label]}
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def test_bad_records_are_refused_with_file_line_and_reason(tmp_path: Path) -> None:
    good = {"id": 1, "data": {"text": "Russian jets"}, "annotations": [{"result": [
        _region("a", 0, 7, "Russian"),
        _region("b", 8, 12, "jets"),
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["uses"]},
    ]}]}  # fmt: skip
    bad = {"id": 2, "data": {"text": "Russian jets"}, "annotations": [{"result": [
        _region("c", 0, 7, "Russia"),
        _region("d", 8, 99, "jets"),
        _region("e", "8", 12, "jets"),
        _region("f", 8, 12, "jets"),
        {"from_id": "f", "to_id": "zz", "type": "relation", "labels": ["uses"]},
        {"from_id": "c", "to_id": "f", "type": "relation", "labels": ["uses"]},
    ]}]}  # fmt: skip
    path = tmp_path / "bad.json"
    text = json.dumps([good, bad, "not a task", {"data": {"title": 5}}], indent=1)
    path.write_text(text)
    docs, report = _read(path)
    assert [_covered(doc) for doc in docs] == [[("L", "Russian"), ("L", "jets")], [("L", "jets")]]
    assert docs[0].relations == (Relation("uses", 0, 1),) and docs[1].relations == ()
    line_of_bad = text.splitlines().index(" {", 2) + 1
    messages = [str(error) for error in report.errors]
    assert messages[0] == (
        f"{path}:{line_of_bad}: task 2: result 'c': offsets 0..7 select 'Russian', "
        "but the file says 'Russia'"
    )
    assert "result 'd': offsets 8..99 outside the text (0..12)" in messages[1]
    assert "result 'e': start '8' and end 12 are not whole numbers" in messages[2]
    assert "relation 'f' -> 'zz' refers to no region" in messages[3]
    assert messages[4].endswith("task 3: not a JSON object")
    assert "task 4: no text" in messages[5]
    assert len(messages) == 6
    assert report.lost["relations to refused regions"] == 1


def test_broken_json_keeps_the_tasks_before_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[\n{"data": {"text": "ok"}},\n{"data": {"text": "cut')
    docs, report = _read(path)
    assert [doc.text for doc in docs] == ["ok"]
    [error] = report.errors
    assert error.line == 3 and "not valid JSON" in error.reason
    path.write_text('{"data": {"text": "one"}}')
    docs, report = _read(path)
    assert [doc.text for doc in docs] == ["one"] and report.errors == []
    path.write_text('"text"')
    assert "expected a JSON array" in str(_read(path)[1].errors[0])


def test_files_over_the_limit_and_missing_paths_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"data": {"text": "x" * 100}}]))
    docs, report = _read(path, tmp_path / "missing.json", max_bytes=50)
    assert docs == []
    assert "over the limit of 50" in str(report.errors[0])
    assert "no such file" in str(report.errors[1])


# --- what the reader understands -----------------------------------------------------------


def test_annotators_predictions_and_what_is_not_carried(tmp_path: Path) -> None:
    text = "Russian jets struck"
    task = {
        "id": 7,
        "data": {"text": text, "title": "T", "section": "world"},
        "annotations": [
            {"completed_by": {"email": "a@example.org"}, "result": [
                _region("r", 0, 7, "Russian"),
                {"id": "r", "type": "choices", "from_name": "category", "value": {"choices": ["state"]}},
                {"id": "r", "type": "choices", "from_name": "tags", "value": {"choices": ["x", "y"]}},
                {"id": "r", "type": "textarea", "from_name": "note", "value": {"text": ["a", "b"]}},
                {"id": "r", "type": "rating", "from_name": "trust", "value": {"rating": 4}},
                {"id": "t", "type": "choices", "from_name": "topic", "value": {"choices": ["war"]}},
                {"id": "k", "type": "rectanglelabels", "value": {}},
            ]},
            {"created_username": "b@example.org, 3", "result": []},
            {"was_cancelled": True, "result": []},
        ],
        "predictions": [{"result": [_region("p", 8, 12, "jets")]}],
    }  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps([task]))
    docs, report = _read(path)
    assert [doc.annotator for doc in docs] == ["a@example.org", "b@example.org", "prediction"]
    assert {doc.name for doc in docs} == {"t-7"}
    first = docs[0]
    assert first.document.title == "T" and first.document.metadata == {"section": "world"}
    [span] = first.spans
    assert dict(span.attributes) == {"category": "state", "trust": 4} and span.note == "a\nb"
    assert _covered(docs[2]) == [("L", "jets")]
    assert report.lost == {
        "'choices' values that are not one string, number or true/false": 1,
        "'choices' results on no text region (task-level)": 1,
        "results of type 'rectanglelabels' (not a text region, value or relation)": 1,
        "cancelled (skipped) annotations": 1,
    }


def test_regions_with_several_labels_and_relation_directions(tmp_path: Path) -> None:
    text = "Russian jets"
    region = _region("a", 0, 7, "Russian")
    region["value"]["labels"] = ["Actor", "Country"]
    result = [
        region,
        _region("b", 8, 12, "jets"),
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "left", "labels": ["r"]},
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "bi", "labels": ["s", "t"]},
    ]
    path = tmp_path / "multi.json"
    path.write_text(json.dumps([{"data": {"text": text}, "annotations": [{"result": result}]}]))
    [doc], report = _read(path)
    assert [s.label for s in doc.spans] == ["Actor", "Country", "L"]
    assert doc.relations == (Relation("r", 2, 0), Relation("s", 0, 2), Relation("t", 0, 2))
    assert report.lost == {"two-way relations (imported one way, from -> to)": 1}
    assert any("several labels" in note for note in report.notes)


def test_json_min_and_plain_tasks(tmp_path: Path) -> None:
    items = [
        {"id": 3, "text": "Russian jets", "annotator": "a@x", "source": "wire", "ner": [
            {"start": 0, "end": 7, "text": "Russian", "labels": ["Actor"]}]},
        {"text": "bare"},
        {"data": {"body": "old style", "n": 1}, "completions": [{"result": [_region("o", 0, 3, "old")]}]},
    ]  # fmt: skip
    path = tmp_path / "min.json"
    path.write_text(json.dumps(items))
    docs, report = _read(path)
    assert report.errors == []
    assert [(d.name, d.annotator, _covered(d)) for d in docs] == [
        ("min-3", "a@x", [("Actor", "Russian")]),
        ("min-2", None, []),
        ("min-3", None, [("L", "old")]),
    ]
    assert docs[0].document.source == "wire"


# --- the JSON stream -----------------------------------------------------------------------


def test_the_json_stream_reads_one_element_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labelstudio_json, "CHUNK", 4)
    text = '[\n 1234567890,\n {"a": "b\\nc"},\n\n 1.5e3 ,"x"]\n'
    stream = io.StringIO(text)
    items = json_items(stream)
    assert next(items) == (2, 1234567890)
    assert stream.tell() < len(text)
    assert list(items) == [(3, {"a": "b\nc"}), (5, 1500.0), (5, "x")]
    for bad, line in (("[1,\n2\n", 3), ("[1 2]", 1), ("[1]\n]", 2), ("", 1)):
        with pytest.raises(JsonStreamError) as caught:
            list(json_items(io.StringIO(bad)))
        assert caught.value.line == line

"""Label Studio JSON export: export, import, export again is identical, attribute results use
the config's names, what cannot be carried is counted, and the writer streams."""

from __future__ import annotations

import gc
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as SafeET
from hypothesis import given, settings

from annotator.document import Document, Event, Relation, Span
from annotator.formats.labelstudio import FORMAT, config_path
from annotator.formats.model import AnnotatedDocument, ExportOptions, Report
from annotator.schema_yaml import load_schema_file
from tests.annotator.formats.labelstudio_files import CONFLICT, _read, _tasks, _write
from tests.annotator.formats.strategies import annotated_documents

# --- export --------------------------------------------------------------------------------


def _rich_doc() -> AnnotatedDocument:
    text = "Russian jets 🇸🇾 struck al-Bab, قتلت nine civilians.\tOK"
    spans = (
        Span(0, 7, "Actor", {"category": "state_force"}, "said twice\nby officials"),
        Span(8, 12, "WeaponSystem", {"category": "aircraft"}),
        Span(16, 22, "Attack"),
        Span(23, 29, "Location", {"type": "city", "latitude": 36.5, "geonames_id": 170}),
        Span(31, 35, "Casualty", {"count": 9, "kind": "killed"}),
        Span(0, 12, "Actor"),  # overlaps two others
    )
    return AnnotatedDocument(
        Document(text=text, title="Strike", source="wire", metadata={"tags": ["a", "b"]}),
        "doc-1",
        spans,
        (Relation("uses", 0, 1), Relation("located_at", 2, 3)),
        annotator="ann",
    )


def test_round_trip_is_identical_and_carries_everything_it_can(tmp_path: Path) -> None:
    schema = load_schema_file(CONFLICT)
    doc = _rich_doc()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    report = _write([doc, doc], first, schema)
    assert not report.lost
    docs, read_report = _read(first)
    assert read_report.errors == [] and not read_report.lost
    assert docs[0] == doc
    _write(docs, second, schema)
    assert second.read_bytes() == first.read_bytes()
    assert config_path(second).read_bytes() == config_path(first).read_bytes()


def test_attribute_results_use_the_config_names(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    _write([_rich_doc()], out, load_schema_file(CONFLICT))
    results = _tasks(out)[0]["annotations"][0]["result"]
    names = {
        (r["id"], r["from_name"], r["type"])
        for r in results
        if r["type"] not in ("labels", "relation")
    }
    assert names >= {
        ("s1", "Actor.category", "choices"),
        ("s1", "note", "textarea"),
        ("s2", "WeaponSystem.category", "choices"),
        ("s4", "latitude", "number"),
        ("s5", "count", "number"),
    }
    config = SafeET.parse(str(config_path(out))).getroot()
    controls = {el.get("name") for el in config.iter() if el.get("perRegion") == "true"}
    assert {name for _, name, _ in names} <= controls
    relation = next(r for r in results if r["type"] == "relation")
    assert relation == {
        "from_id": "s1", "to_id": "s2", "type": "relation", "direction": "right", "labels": ["uses"]
    }  # fmt: skip


def test_events_and_fragments_are_counted_not_dropped(tmp_path: Path) -> None:
    text = "Jets struck the town and the market"
    trigger = Span(5, 11, "Attack")
    gapped = Span(12, 35, "Location", fragments=((12, 20), (25, 35)))
    doc = AnnotatedDocument(
        Document(text=text), "d", (trigger, gapped), events=(Event("Attack", 0, (("place", 1),)),)
    )
    out = tmp_path / "out.json"
    report = _write([doc], out)
    assert report.lost == {
        "events (Label Studio has none; their spans are written)": 1,
        "discontinuous spans (written as one region from first to last fragment)": 1,
    }
    [back], _ = _read(out)
    assert back.spans == (trigger, Span(12, 35, "Location")) and back.events == ()
    assert not config_path(out).exists()  # no schema, no config


def test_the_writer_streams(tmp_path: Path) -> None:
    refs: list[weakref.ref[AnnotatedDocument]] = []

    def docs() -> Iterator[AnnotatedDocument]:
        for i in range(5):
            gc.collect()
            assert all(ref() is None for ref in refs[:-1])  # only the last one may live
            doc = AnnotatedDocument(Document(text=f"text {i}"), f"d{i}", (Span(0, 4, "X"),))
            refs.append(weakref.ref(doc))
            yield doc

    report = Report()
    FORMAT.write(docs(), tmp_path / "out.json", ExportOptions(), report)
    assert report.documents == 5 and len(_tasks(tmp_path / "out.json")) == 5


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_property_export_import_export(doc: AnnotatedDocument) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a.json", Path(tmp) / "b.json"
        _write([doc], first)
        [task] = _tasks(first)
        for result in task["annotations"][0]["result"]:
            if result["type"] == "labels":
                value = result["value"]
                assert task["data"]["text"][value["start"] : value["end"]] == value["text"]
        [back], report = _read(first)
        assert report.errors == []
        assert (back.text, back.spans, back.relations) == (doc.text, doc.spans, doc.relations)
        _write([back], second)
        assert second.read_bytes() == first.read_bytes()

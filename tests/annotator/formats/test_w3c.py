"""The W3C Web Annotation format: code-point selectors checked against the embedded text, the
round trip of everything it carries, and every sample read with each annotation accounted for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.document import Document, Event, Relation, Span
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from annotator.formats.w3c_terms import attribute_tag, tag_value
from annotator.offsets import Utf16Map
from tests.annotator.formats.harness import (
    read_with,
    sample_folder,
    word_offsets,
    write_with,
    writer_and_reader,
)
from tests.annotator.formats.strategies import annotated_documents

write, read = writer_and_reader("w3c")

TEXT = "Russian jets 🇸🇾 struck al-Bab\n\tقتلت مدنيين e\u0301 👍🏽 nine"


def _samples() -> Path:
    return sample_folder("w3c-web-annotation", "the W3C samples cannot be read")


def _at(word: str, text: str = TEXT) -> tuple[int, int]:
    return word_offsets(word, text)


def _rich() -> AnnotatedDocument:
    attributes = {"negated": True, "count": 3, "code": "3", "kind": "air", "score": 0.5}
    spans = (
        Span(*_at("Russian"), "Actor", attributes, "from the\nwire"),
        Span(*_at("jets"), "WeaponSystem", {"quoted": '"x"', "empty": "", "none": None}),
        Span(*_at("🇸🇾"), "Location"),
        Span(*_at("Russian jets"), "Actor"),  # overlaps the first
        Span(_at("struck")[0], _at("al-Bab")[1], "Event", fragments=(_at("struck"), _at("al-Bab"))),
        Span(*_at("قتلت"), "Casualty"),
        Span(*_at("e\u0301 👍🏽"), "Other"),
    )
    document = Document(
        text=TEXT,
        title="Strikes",
        source="https://example.org/a",
        author="A. Writer",
        published="2024-05-01",
        language="en",
    )
    return AnnotatedDocument(
        document,
        "12.alice",
        spans,
        (Relation("located_at", 0, 2), Relation("uses", 3, 1)),
        (Event("Attack", 4, (("agent", 0), ("place", 2))), Event("Kill", 5)),
        "alice",
    )


def _export(tmp_path: Path, docs: list[AnnotatedDocument], **options: Any) -> tuple[Path, Report]:
    out = tmp_path / "out.jsonld"
    return out, write_with(write, docs, out, ExportOptions(**options))


def _import(*paths: Path, **options: Any) -> tuple[list[AnnotatedDocument], Report]:
    return read_with(read, paths, ImportOptions(**options))


def _annotations(out: Path) -> list[dict[str, Any]]:
    return [a for c in json.loads(out.read_text("utf-8")) for a in c["first"]["items"]]


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# Exactness


def test_selectors_count_code_points_and_quote_the_span(tmp_path) -> None:
    doc = _rich()
    out, report = _export(tmp_path, [doc])
    assert (report.documents, report.spans, report.errors) == (1, 7, [])
    [collection] = json.loads(out.read_text("utf-8"))
    assert collection["schema:about"]["value"] == TEXT
    flag = next(a for a in _annotations(out) if a["body"][0]["value"] == "Location")
    position, quote = flag["target"]["selector"]
    assert (position["start"], position["end"]) == _at("🇸🇾") == (13, 15)  # not UTF-16's 13..17
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "🇸🇾",
        "prefix": "Russian jets ",
        "suffix": TEXT[15:47],
    }
    for annotation in _annotations(out):
        if annotation["motivation"] == "tagging":
            target = annotation["target"]
            for item in target.get("items", [target]):
                position, quote = item["selector"]
                assert TEXT[position["start"] : position["end"]] == quote["exact"]
                assert TEXT[: position["start"]].endswith(quote.get("prefix", ""))


def test_utf16_offsets_on_request_for_javascript_tools(tmp_path) -> None:
    doc = _rich()
    out, _ = _export(tmp_path, [doc], offsets="utf16")
    units = Utf16Map(TEXT)
    thumb = next(a for a in _annotations(out) if a["body"][0]["value"] == "Other")
    position = thumb["target"]["selector"][0]
    start, end = _at("e\u0301 👍🏽")
    assert (position["start"], position["end"]) == (units.to_utf16(start), units.to_utf16(end))
    assert position["end"] - position["start"] == 7  # e, U+0301, space, 👍 and 🏽 as pairs
    [back], report = _import(out, offsets="utf16")
    assert back.spans == doc.spans and report.errors == []


def test_crlf_text_is_read_as_the_file_has_it_and_remapped_after_normalising(tmp_path) -> None:
    text = "Line one\r\nRussian jets\r\n🇸🇾 struck\r"
    annotations = [
        _tagging(f"#a{n}", "urn:x", *_at(word, text), text, "Actor")
        for n, word in enumerate(["Russian jets", "🇸🇾", "one\r\nRussian"])
    ]
    path = _write_json(tmp_path / "crlf.json", [_text_node("urn:x", text), *annotations])
    [doc], report = _import(path)
    assert doc.text == text and report.errors == []
    fixed = normalized(doc)
    assert [fixed.text[s.start : s.end] for s in fixed.spans] == [
        "Russian jets",
        "🇸🇾",
        "one\nRussian",
    ]


# Round trip


def test_export_import_export_is_identical(tmp_path) -> None:
    rich = _rich()
    bare = AnnotatedDocument(Document(text="Nothing to see.\n"), "13")
    out, report = _export(tmp_path, [rich, bare])
    assert report.lost == {} and report.errors == []
    back, report = _import(out)
    assert back == [rich, bare]
    assert (report.lost, report.errors, report.notes) == ({}, [], [])
    second = tmp_path / "second.jsonld"
    write(back, second, ExportOptions(), Report())
    assert second.read_text("utf-8") == out.read_text("utf-8")


def test_links_resolve_whatever_their_order_in_the_file(tmp_path) -> None:
    rich = _rich()
    out, _ = _export(tmp_path, [rich])
    [collection] = json.loads(out.read_text("utf-8"))
    items = collection["first"]["items"]
    spans = [a for a in items if a["motivation"] == "tagging"]
    links = [a for a in items if a["motivation"] == "linking"]
    collection["first"]["items"] = links[::-1] + spans  # roles before their events
    [back], report = _import(_write_json(tmp_path / "reordered.json", [collection]))
    assert back.spans == rich.spans and report.errors == []
    assert sorted(back.relations, key=repr) == sorted(rich.relations, key=repr)
    events = {(e.type, e.trigger, tuple(sorted(e.roles))) for e in back.events}
    assert events == {(e.type, e.trigger, tuple(sorted(e.roles))) for e in rich.events}


@settings(max_examples=60, deadline=None)
@given(st.lists(annotated_documents(), min_size=1, max_size=3, unique_by=lambda d: d.name))
def test_round_trip_property(tmp_path_factory, docs) -> None:
    folder = tmp_path_factory.mktemp("w3c")
    out, _ = _export(folder, docs)
    back, read_report = _import(out)
    assert read_report.errors == [] and read_report.lost == {}
    assert back == docs
    for doc in back:
        for span in doc.spans:
            assert span.end <= len(doc.text)
    second = folder / "second.jsonld"
    write(back, second, ExportOptions(), Report())
    assert second.read_text("utf-8") == out.read_text("utf-8")


@given(
    st.one_of(
        st.text(max_size=8),
        st.sampled_from(["true", "3", " 3", '"q"', "null", "1e5", "NaN", "[1]", "x=y"]),
        st.integers(),
        st.floats(allow_nan=False),
        st.booleans(),
        st.none(),
    )
)
def test_attribute_tags_keep_value_and_type(value) -> None:
    key, _, raw = attribute_tag("key", value).partition("=")
    back = tag_value(raw)
    assert key == "key" and back == value and type(back) is type(value)


# What is not carried


def test_what_cannot_be_carried_is_counted(tmp_path) -> None:
    doc = AnnotatedDocument(
        Document(text="Russian jets", metadata={"feed": "x", "rank": 2}),
        "d",
        (Span(0, 7, "Actor", {"a=b": 1, "": 2, "ok": 3}), Span(8, 30, "W"), Span(8, 12, "W")),
        (Relation("r", 0, 1), Relation("r", 0, 2)),
        (Event("E", 1, (("x", 0),)), Event("E", 2, (("x", 1), ("y", 0)))),
        status="done",
    )
    out, report = _export(tmp_path, [doc])
    assert report.spans == 2
    assert [str(e) for e in report.errors] == ["d: span 8..30 outside the text (0..12)"]
    assert report.lost == {
        "document metadata fields (no Web Annotation property)": 2,
        "annotation status (no Web Annotation property)": 1,
        "attributes whose name is empty or holds '=' (a tag is key=value)": 2,
        "relations whose spans were not written": 1,
        "events whose trigger was not written": 1,
        "event roles whose span was not written": 1,
    }
    [back], _ = _import(out)
    assert back.spans == (Span(0, 7, "Actor", {"ok": 3}), Span(8, 12, "W"))
    assert back.relations == (Relation("r", 0, 1),)
    assert back.events == (Event("E", 1, (("y", 0),)),)


# Import: checks and the forms the model allows


def _text_node(iri: str, text: str) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": iri,
        "type": "Text",
        "value": text,
    }


def _tagging(
    anno_id: str, source: Any, start: int, end: int, text: str, label: str, **quote: str
) -> dict[str, Any]:
    return {
        "id": anno_id,
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": label}],
        "target": {
            "source": source,
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": text[start:end], **quote},
            ],
        },
    }


def test_a_selector_that_disagrees_with_its_quote_is_refused_and_the_rest_kept(tmp_path) -> None:
    good = _tagging("#good", "urn:x", *_at("jets"), TEXT, "W")
    shifted = _tagging("#shifted", "urn:x", *_at("jets"), TEXT, "W")
    shifted["target"]["selector"][0]["start"] += 1
    shifted["target"]["selector"][0]["end"] += 1
    wrong_prefix = _tagging("#prefix", "urn:x", *_at("jets"), TEXT, "W", prefix="Belarus ")
    outside = _tagging("#outside", "urn:x", 50, 90, TEXT, "W")
    quote_only = _tagging("#quote", "urn:x", *_at("🇸🇾"), TEXT, "Location", prefix="jets ")
    del quote_only["target"]["selector"][0]
    twice = _tagging("#twice", "urn:x", 0, 1, "e", "X")
    del twice["target"]["selector"][0]
    nowhere = _tagging("#nowhere", "urn:y", 0, 4, "jets", "W")
    items = [good, shifted, wrong_prefix, outside, quote_only, twice, nowhere]
    path = _write_json(tmp_path / "checks.json", [_text_node("urn:x", TEXT), *items])
    [doc], report = _import(path)
    assert doc.spans == (Span(*_at("jets"), "W"), Span(*_at("🇸🇾"), "Location"))
    assert [str(e) for e in report.errors] == [
        f"{path}: annotation #shifted: offsets 9..13 select 'ets ', but the quote is 'jets'",
        f"{path}: annotation #prefix: the quote's prefix or suffix does not stand beside offsets 8..12",
        f"{path}: annotation #outside: offsets 50..90 outside the text (0..{len(TEXT)})",
        f"{path}: annotation #twice: the quote 'e' with its prefix and suffix is in the text twice",
        f"{path}: annotation #nowhere: no text for urn:y: the file does not hold the document's text",
    ]


def test_recogito_style_annotations_import_once_their_text_is_there(tmp_path) -> None:
    """The INCEpTION sample's annotations with a source and a text that has their quotes where
    their positions say: the tagged one imports, the comment-only one has no label, and the
    third's offsets (963..970) are one longer than its quote."""
    sample = json.loads((_samples() / "inception-recogito-editor-annotations.w3c.json").read_text())
    text = "." * 124 + "Troy" + "." * (646 - 128) + "death in battle" + "." * (963 - 661)
    text += "Ithaca" + "." * 40
    for annotation in sample[:3]:
        annotation["target"]["source"] = "urn:iliad"
    path = _write_json(tmp_path / "recogito.json", [_text_node("urn:iliad", text), *sample])
    [doc], report = _import(path)
    assert doc.spans == (Span(124, 128, "A Tag", {"Another Tag": True}, "This is a comment"),)
    assert [e.reason for e in report.errors] == [
        "annotation #447d4bea-08dc-4bd0-ae51-31f5ed7a95a0: no tagging body gives the span its label",
        "annotation #d7197c87-b45d-4217-9c4f-27573030448f: offsets 963..970 select 'Ithaca.', "
        "but the quote is 'Ithaca'",
        "annotation #9ba844a7-e8ec-4127-ad12-1f7f16a240c6: it links what was not imported as a "
        "span: annotation #447d4bea-08dc-4bd0-ae51-31f5ed7a95a0",
    ]
    sample[1]["body"].append({"type": "TextualBody", "value": "Fate", "purpose": "tagging"})
    path = _write_json(tmp_path / "recogito.json", [_text_node("urn:iliad", text), *sample])
    [doc], report = _import(path)
    assert doc.spans[1] == Span(646, 661, "Fate", {}, "Another comment")
    assert doc.relations == (Relation("isRelatedTo", 0, 1),)
    assert len(report.errors) == 1


def test_the_forms_the_model_allows(tmp_path) -> None:
    """Inline text sources, @graph, a Composite of fragments, bodyValue comments, purpose-less
    tags under a tagging motivation, a collection whose next page is only linked."""
    text = "Russian jets struck al-Bab"
    inline = {"id": "urn:inline", "type": "Text", "value": text}
    split = _tagging("#split", "urn:inline", 0, 7, text, "Actor")
    split["target"] = {
        "type": "Composite",
        "items": [
            _tagging("", inline, *_at("al-Bab", text), text, "")["target"],
            _tagging("", "urn:inline", *_at("Russian", text), text, "")["target"],
        ],
    }
    split["bodyValue"] = "two pieces"
    plain = {
        "id": "#plain",
        "type": "oa:Annotation",
        "motivation": "tagging",
        "body": {"type": "TextualBody", "value": "WeaponSystem"},
        "target": _tagging("", "urn:inline", *_at("jets", text), text, "")["target"],
    }
    graph = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "@graph": [
            {
                "id": "urn:c",
                "type": "AnnotationCollection",
                "total": 3,
                "first": {"type": "AnnotationPage", "items": [split, plain], "next": "urn:c/2"},
            }
        ],
    }
    path = _write_json(tmp_path / "graph.jsonld", graph)
    [doc], report = _import(path)
    assert doc.name == "urn_inline" and doc.document.source == "urn:inline"
    assert doc.spans == (
        Span(0, 26, "Actor", {}, "two pieces", ((0, 7), (20, 26))),
        Span(8, 12, "WeaponSystem"),
    )
    assert report.notes == [
        f"{path}: page urn:c/2 is only linked: its annotations are not read",
        f"{path}: collection urn:c counts 3 annotation(s), the file holds 2",
    ]


def test_bad_files_are_refused_with_file_and_line(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.json").write_text('[\n{"id": "#a",\n', encoding="utf-8")
    (folder / "big.jsonld").write_text(json.dumps([_text_node("urn:x", "x" * 500)]))
    (folder / "notes.txt").write_text("not read")
    (folder / "latin1.json").write_bytes(b'["\xe9"]')
    docs, report = _import(folder, max_bytes=400)
    assert docs == []
    assert [str(e) for e in report.errors] == [
        f"{folder / 'big.jsonld'}: {(folder / 'big.jsonld').stat().st_size} bytes, over the limit of 400",
        f"{folder / 'broken.json'}:3: not JSON: the file ends inside a value",
        f"{folder / 'latin1.json'}: not UTF-8 (invalid continuation byte at byte 2)",
    ]
    _, report = _import(tmp_path / "missing.json")
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'missing.json'}: no such file or folder"
    ]


# Samples


def _count_annotations(node: Any) -> int:
    if isinstance(node, list):
        return sum(_count_annotations(item) for item in node)
    if not isinstance(node, dict):
        return 0
    if node.get("type") == "Annotation":
        return 1
    return sum(_count_annotations(node.get(key)) for key in ("first", "items", "next"))


REFUSED = {
    "inception-recogito-editor-annotations.w3c.json": [
        "annotation #ce0ed291-766b-4763-8e91-90ce1d04e706: no text for its target: it names no source document",
        "annotation #447d4bea-08dc-4bd0-ae51-31f5ed7a95a0: no text for its target: it names no source document",
        "annotation #d7197c87-b45d-4217-9c4f-27573030448f: no text for its target: it names no source document",
        "annotation #9ba844a7-e8ec-4127-ad12-1f7f16a240c6: it links what was not imported as a span: "
        "annotation #ce0ed291-766b-4763-8e91-90ce1d04e706, annotation #447d4bea-08dc-4bd0-ae51-31f5ed7a95a0",
    ],
    "w3c-model-example-anno15.json": [],
    "w3c-model-example-anno18.json": [],
    "w3c-model-example-anno23.json": [
        "annotation http://example.org/anno23: no text for http://example.org/page1: the file does not hold the document's text"
    ],
    "w3c-model-example-anno24.json": [
        "annotation http://example.org/anno24: no text for http://example.org/ebook1: the file does not hold the document's text"
    ],
    "w3c-model-example-anno29.json": [
        "annotation http://example.org/anno29: no text for http://example.org/page1: the file does not hold the document's text"
    ],
    "w3c-model-example-anno38.json": [
        "annotation http://example.org/anno38: no text for http://example.com/document1: the file does not hold the document's text"
    ],
    "w3c-model-example-collection1.json": [
        f"annotation http://example.org/anno{n}: no text for {iri}: the file does not hold the document's text"
        for n, iri in [
            (23, "http://example.org/page1"),
            (24, "http://example.org/ebook1"),
            (29, "http://example.org/page1"),
            (38, "http://example.com/document1"),
        ]
    ],
}


def test_the_samples_are_all_known() -> None:
    assert sorted(p.name for p in _samples().iterdir() if p.suffix == ".json") == sorted(REFUSED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_sample_annotation_is_imported_refused_or_counted(name) -> None:
    """The samples target web pages and images whose text they do not hold: text selections
    are refused with a reason, the rest counted as not carried; none is left out."""
    path = _samples() / name
    docs, report = _import(path)
    assert docs == []
    assert [e.reason for e in report.errors] == REFUSED[name]
    assert all(e.file == str(path) for e in report.errors)
    not_carried = sum(n for what, n in report.lost.items() if what.startswith("annotations "))
    total = _count_annotations(json.loads(path.read_text("utf-8")))
    assert total == len(report.errors) + not_carried
    assert report.lost.keys() <= {
        "annotations of whole resources (pages, images, ...), not stretches of text",
        *(
            f"annotations selecting by {kind} (not a stretch of text)"
            for kind in (
                "CssSelector",
                "DataPositionSelector",
                "RangeSelector",
                "SvgSelector",
                "XPathSelector",
            )
        ),
    }


def test_the_spec_collection_counts_its_kinds() -> None:
    _, report = _import(_samples() / "w3c-model-example-collection1.json")
    assert report.lost["annotations selecting by SvgSelector (not a stretch of text)"] == 2
    assert (
        report.lost["annotations of whole resources (pages, images, ...), not stretches of text"]
        == 33
    )
    assert sum(report.lost.values()) == 39 and report.notes == []


_WORDS = ["Annotation", "AnnotationCollection", "AnnotationPage", "Text", "Composite", "List"]
_WORDS += ["TextPositionSelector", "TextQuoteSelector", "FragmentSelector", "TextualBody"]
_WORDS += ["linking", "tagging", "commenting", "urn:x", "#a", "#b", "ab", "b"]
_KEYS = ["type", "id", "target", "source", "selector", "start", "end", "exact", "prefix", "body"]
_KEYS += ["value", "purpose", "motivation", "items", "first", "next", "refinedBy", "@graph"]
_KEYS += ["schema:about", "creator", "name", "label", "total", "bodyValue", "suffix"]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 5) | st.sampled_from(_WORDS),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_any_json_is_read_without_a_traceback(tmp_path_factory, data) -> None:
    path = _write_json(tmp_path_factory.mktemp("fuzz") / "f.json", data)
    docs, _ = _import(path)
    for doc in docs:
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.spans)


def test_deep_nesting_is_refused(tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    docs, report = _import(path)
    assert docs == [] and [e.reason for e in report.errors] == ["JSON nested too deeply"]

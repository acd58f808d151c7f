"""The W3C reader streams: a document comes as soon as the file has moved on to the next one,
memory stays flat however many documents a file holds, and what the grouping cannot resolve
(annotations of a document after the next document's text) is refused with the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator import formats
from annotator.document import Document, Relation, Span
from annotator.formats.model import AnnotatedDocument, ExportOptions, ImportOptions, Report
from tests.annotator.formats.streaming import ReadPositions, peak_memory

FORMAT = formats.get("w3c")
assert FORMAT.write is not None and FORMAT.read is not None
write, read = FORMAT.write, FORMAT.read


def _doc(i: int) -> AnnotatedDocument:
    text = f"Report {i}: Russian jets struck al-Bab 🇸🇾."
    spans = tuple(
        Span(text.index(word), text.index(word) + len(word), label)
        for word, label in (("Russian", "Actor"), ("jets", "WeaponSystem"), ("🇸🇾", "Location"))
    )
    return AnnotatedDocument(
        Document(text=text), f"d{i}", spans, (Relation("uses", 0, 1),), annotator="alice"
    )


def _docs(n: int) -> Iterator[AnnotatedDocument]:
    return (_doc(i) for i in range(n))


def _export(path: Path, n: int) -> Path:
    write(_docs(n), path, ExportOptions(), Report())
    return path


def _read(path: Path) -> tuple[list[AnnotatedDocument], Report]:
    report = Report()
    return list(read([path], ImportOptions(), report)), report


def test_the_first_document_comes_before_the_file_is_read(tmp_path, monkeypatch) -> None:
    path = _export(tmp_path / "many.jsonld", 2000)
    size = path.stat().st_size
    positions = ReadPositions(monkeypatch)
    report = Report()
    docs = read([path], ImportOptions(), report)
    assert next(docs) == _doc(0)
    assert positions.read_so_far() < size / 50  # a few pieces of a file of 3 MB
    rest = list(docs)
    assert len(rest) == 1999 and rest[-1] == _doc(1999)
    assert (report.errors, report.lost, report.notes) == ([], {}, [])


def test_memory_stays_flat_however_many_documents_a_file_holds(tmp_path) -> None:
    """Four times the documents, the same peak (tracemalloc slows this reader down most: 500
    and 2000 documents keep the test short; the whole file would be 0.7 and 3 MB)."""
    small = _export(tmp_path / "small.jsonld", 500)
    big = _export(tmp_path / "big.jsonld", 2000)
    count_small, peak_small = peak_memory(lambda: read([small], ImportOptions(), Report()))
    count_big, peak_big = peak_memory(lambda: read([big], ImportOptions(), Report()))
    assert (count_small, count_big) == (500, 2000)
    print(f"w3c peak: {peak_small} bytes for 500 documents, {peak_big} for 2000")
    assert peak_big < peak_small * 1.25 + 16_384
    assert peak_big < big.stat().st_size / 20


def test_one_collection_of_all_annotations_with_their_texts_inline_streams_too(
    tmp_path, monkeypatch
) -> None:
    """A single collection whose one page lists every annotation, each target embedding its
    document's text: documents come one at a time from inside the page."""
    path = tmp_path / "one-collection.jsonld"
    annotations = (
        _tagging(f"#a{i}", _text_node(f"urn:doc{i}", f"text {i} here"), 0, 4, "Word")
        for i in range(3000)
    )
    with path.open("w", encoding="utf-8") as f:
        f.write('{"type": "AnnotationCollection", "id": "urn:all", "total": 3000, ')
        f.write('"first": {"type": "AnnotationPage", "items": [\n')
        f.write(",\n".join(json.dumps(a) for a in annotations))
        f.write("\n]}}\n")
    positions = ReadPositions(monkeypatch)
    report = Report()
    docs = read([path], ImportOptions(), report)
    first = next(docs)
    assert (first.name, first.text, first.spans) == (
        "urn_doc0",
        "text 0 here",
        (Span(0, 4, "Word"),),
    )
    assert positions.read_so_far() < path.stat().st_size / 20
    assert len(list(docs)) == 2999
    assert (report.errors, report.notes) == ([], [])


# How annotations are grouped with their documents


def _text_node(iri: str, text: str) -> dict[str, Any]:
    return {"id": iri, "type": "Text", "value": text}


def _tagging(anno_id: str | None, source: Any, start: int, end: int, label: str) -> dict[str, Any]:
    annotation: dict[str, Any] = {
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": label}],
        "target": {
            "source": source,
            "selector": {"type": "TextPositionSelector", "start": start, "end": end},
        },
    }
    if anno_id is not None:
        annotation["id"] = anno_id
    return annotation


def _link(anno_id: str, kind: str, *ends: str) -> dict[str, Any]:
    return {
        "id": anno_id,
        "type": "Annotation",
        "motivation": "linking",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": kind}],
        "target": [{"id": end} for end in ends],
    }


def _write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    return path


def test_annotations_before_the_first_text_and_texts_before_all_annotations_resolve(
    tmp_path,
) -> None:
    """Until a further document's text follows texts and annotations, everything is one group:
    annotations may come before the first text, and all texts may come first."""
    first = [_tagging("#a", "urn:a", 0, 5, "X"), _text_node("urn:a", "alpha beta")]
    first += [_tagging("#b", "urn:a", 6, 10, "Y"), _link("#r", "rel", "#a", "#b")]
    docs, report = _read(_write(tmp_path / "before.json", first))
    assert [(d.name, d.spans, d.relations) for d in docs] == [
        ("urn_a", (Span(0, 5, "X"), Span(6, 10, "Y")), (Relation("rel", 0, 1),))
    ]
    texts_first = [_text_node("urn:a", "alpha"), _text_node("urn:b", "beta")]
    texts_first += [_tagging("#b", "urn:b", 0, 4, "Y"), _tagging("#a", "urn:a", 0, 5, "X")]
    texts_first.append(_link("#r", "rel", "#a", "#b"))  # across documents: refused as before
    docs, report = _read(_write(tmp_path / "texts-first.json", texts_first))
    assert [(d.name, d.spans) for d in docs] == [
        ("urn_a", (Span(0, 5, "X"),)),
        ("urn_b", (Span(0, 4, "Y"),)),
    ]
    assert [e.reason for e in report.errors] == [
        "annotation #r: it links spans of different documents"
    ]


def test_an_annotation_after_the_next_documents_text_is_refused_with_the_reason(
    tmp_path,
) -> None:
    items = [
        _text_node("urn:a", "alpha beta"),
        _tagging("#a1", "urn:a", 0, 5, "X"),
        _tagging(None, "urn:a", 6, 10, "X"),
        _text_node("urn:b", "gamma"),  # closes the group of urn:a
        _tagging("#b1", "urn:b", 0, 5, "Y"),
        _tagging("#late", "urn:a", 6, 10, "Y"),
        _tagging(None, "urn:c", 0, 1, "Y"),
        _link("#r", "rel", "#a1", "#b1"),
        _text_node("urn:a", "alpha beta"),  # again, later: a document again
        _tagging("#a2", "urn:a", 0, 5, "Z"),
    ]
    path = _write(tmp_path / "groups.json", items)
    docs, report = _read(path)
    assert [(d.name, d.spans) for d in docs] == [
        ("urn_a", (Span(0, 5, "X"), Span(6, 10, "X"))),
        ("urn_b", (Span(0, 5, "Y"),)),
        ("urn_a", (Span(0, 5, "Z"),)),
    ]
    since = "since the previous document's annotations (a document's annotations come after its text, before the next document's)"
    assert [str(e) for e in report.errors] == [
        f"{path}: annotation #late: no text for urn:a {since}",
        f"{path}: annotation 5 (no id): no text for urn:c {since}",
        f"{path}: annotation #r: it links #a1, not among the annotations since the previous document's",
    ]


def test_a_file_that_breaks_off_keeps_the_documents_before_the_break(tmp_path) -> None:
    path = _export(tmp_path / "cut.jsonld", 30)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    cut = next(n for n, line in enumerate(lines) if '"urn:news-annotator:d20/annotations"' in line)
    path.write_text("".join(lines[: cut + 3]), encoding="utf-8")  # d20's text and two spans
    docs, report = _read(path)
    assert docs == [_doc(i) for i in range(20)]
    assert [str(e) for e in report.errors] == [
        f"{path}:{cut + 4}: not JSON: the file ends inside a value"
    ]
    assert report.notes == [
        f"{path}: 1 document(s) still being read where the file breaks off are not imported"
    ]


def test_a_syntax_error_names_its_line_and_deep_nesting_inside_an_annotation_is_refused(
    tmp_path,
) -> None:
    items = [_text_node("urn:a", "alpha"), _tagging("#a", "urn:a", 0, 5, "X")]
    text = json.dumps(items, indent=2).replace('"X"', '"X" "Y"')
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    line = text[: text.index('"X" "Y"')].count("\n") + 1
    docs, report = _read(bad)
    assert docs == []
    assert [(e.line, e.reason) for e in report.errors] == [
        (line, "not JSON: after key and value, inside map, I expect ',' or '}'")
    ]
    deep = _tagging("#a", "urn:a", 0, 5, "X")
    deep["body"].append({"type": "TextualBody", "value": "[" * 300 + "]" * 300})
    nested: Any = []
    for _ in range(300):
        nested = [nested]
    deep["extra"] = nested
    docs, report = _read(_write(tmp_path / "deep.json", [_text_node("urn:a", "alpha"), deep]))
    assert docs == [] and [e.reason for e in report.errors] == ["JSON nested too deeply"]

"""The CSV reader streams: a document comes once a row of the next one follows, and memory
stays flat however many documents a file holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.document import Document, Span
from annotator.formats import csv_spans
from annotator.formats.model import AnnotatedDocument, ExportOptions, ImportOptions, Report
from tests.annotator.formats.streaming import ReadPositions, peak_memory


def _doc(i: int) -> AnnotatedDocument:
    text = f"Report {i}: Russian jets struck al-Bab 🇸🇾."
    spans = tuple(
        Span(text.index(word), text.index(word) + len(word), label, note=f"n{i}")
        for word, label in (("Russian", "Actor"), ("jets", "WeaponSystem"), ("🇸🇾", "Location"))
    )
    return AnnotatedDocument(Document(text=text), str(i), spans, annotator="alice")


def _docs(n: int) -> Iterator[AnnotatedDocument]:
    return (_doc(i) for i in range(n))


def _export(path: Path, n: int) -> Path:
    csv_spans.write(_docs(n), path, ExportOptions(), Report())
    return path


def _check(doc: AnnotatedDocument, i: int) -> None:
    expected = _doc(i)
    assert (doc.name, doc.document.id, doc.annotator) == (str(i), i, "alice")
    assert (doc.text, doc.spans) == (expected.text, expected.spans)


def test_the_first_document_comes_before_the_file_is_read(tmp_path, monkeypatch) -> None:
    path = _export(tmp_path / "many.csv", 20_000)
    positions = ReadPositions(monkeypatch)
    report = Report()
    docs = csv_spans.read([path], ImportOptions(), report)
    first = next(docs)
    assert positions.read_so_far() < path.stat().st_size / 50  # a buffer or two of 2.7 MB
    _check(csv_spans.resolve(first, _doc(0).text, report), 0)
    rest = list(docs)
    assert len(rest) == 19_999 and report.errors == []
    _check(csv_spans.resolve(rest[-1], _doc(19_999).text, report), 19_999)


def test_memory_stays_flat_however_many_documents_a_file_holds(tmp_path) -> None:
    small = _export(tmp_path / "small.csv", 5_000)
    big = _export(tmp_path / "big.csv", 20_000)
    count_small, peak_small = peak_memory(
        lambda: csv_spans.read([small], ImportOptions(), Report())
    )
    count_big, peak_big = peak_memory(lambda: csv_spans.read([big], ImportOptions(), Report()))
    assert (count_small, count_big) == (5_000, 20_000)
    print(f"csv peak: {peak_small} bytes for 5000 documents, {peak_big} for 20000")
    assert peak_big < peak_small * 1.25 + 16_384
    assert peak_big < big.stat().st_size / 20


def test_a_bad_row_inside_a_document_neither_splits_nor_ends_it(tmp_path) -> None:
    path = _export(tmp_path / "spans.csv", 3)
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    lines[2] = lines[2].replace(",WeaponSystem,", ",,", 1)  # document 0's second row
    path.write_text("".join(lines), encoding="utf-8-sig")
    report = Report()
    docs = list(csv_spans.read([path], ImportOptions(), report))
    assert [(d.name, len(d.spans)) for d in docs] == [("0", 2), ("1", 3), ("2", 3)]
    assert [(e.line, e.reason) for e in report.errors] == [(3, "the label cell is empty")]


def test_a_file_that_is_not_utf8_midway_keeps_the_documents_before(tmp_path) -> None:
    path = _export(tmp_path / "spans.csv", 2_000)
    data = path.read_bytes()
    cut = data.index(b"\n1500,")
    path.write_bytes(data[:cut] + b"\n1500,0,1,X,\xe9,,,alice\n" + data[cut + 1 :])
    report = Report()
    docs = list(csv_spans.read([path], ImportOptions(), report))
    assert 1 <= len(docs) <= 1_500  # up to the piece of the file that holds the bad byte
    assert [d.name for d in docs] == [str(i) for i in range(len(docs))]
    assert all(len(d.spans) == 3 for d in docs[:-1])
    [error] = report.errors
    assert error.reason == "not UTF-8 text" and error.file == str(path)

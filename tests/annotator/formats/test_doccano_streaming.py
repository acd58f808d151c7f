"""The doccano reader streams a JSON array file (pretty-printed or on one line) a record at a
time, with the line of each record, and refuses what breaks at its line."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.formats import doccano
from annotator.formats.model import AnnotatedDocument, ImportOptions, Report
from tests.annotator.formats.streaming import ReadPositions, peak_memory


def _record(i: int) -> dict[str, object]:
    text = f"Report {i}: Russian jets struck al-Bab 🇸🇾."
    start = text.index("Russian")
    return {"id": i, "text": text, "label": [[start, start + 7, "Actor"]], "meta": {"n": i}}


def _write_array(path: Path, n: int, indent: int | None = 2) -> Path:
    """A JSON array of ``n`` records written one at a time, as doccano pretty-prints them."""
    with path.open("w", encoding="utf-8") as f:
        f.write("[\n" if indent else "[")
        for i in range(n):
            f.write((",\n" if indent else ", ") if i else "")
            f.write(json.dumps(_record(i), indent=indent, ensure_ascii=False))
        f.write("\n]\n" if indent else "]")
    return path


def _read(path: Path) -> tuple[list[AnnotatedDocument], Report]:
    report = Report()
    return list(doccano.read([path], ImportOptions(), report)), report


def _check(doc: AnnotatedDocument, i: int) -> None:
    record = _record(i)
    assert (doc.name, doc.text, doc.document.metadata) == (str(i), record["text"], {"n": i})
    assert [(s.start, s.end, s.label) for s in doc.spans] == [tuple(record["label"][0])]  # type: ignore[index]


def test_the_first_record_comes_before_the_file_is_read(tmp_path, monkeypatch) -> None:
    for indent, name in ((2, "pretty.json"), (None, "one-line.json")):
        path = _write_array(tmp_path / name, 20_000, indent)
        positions = ReadPositions(monkeypatch)
        report = Report()
        docs = doccano.read([path], ImportOptions(), report)
        _check(next(docs), 0)
        assert positions.read_so_far() < path.stat().st_size / 20, name
        rest = list(docs)
        assert len(rest) == 19_999 and report.errors == []
        _check(rest[-1], 19_999)


def test_memory_stays_flat_however_many_records_a_file_holds(tmp_path) -> None:
    small = _write_array(tmp_path / "small.json", 5_000)
    big = _write_array(tmp_path / "big.json", 20_000)
    count_small, peak_small = peak_memory(lambda: doccano.read([small], ImportOptions(), Report()))
    count_big, peak_big = peak_memory(lambda: doccano.read([big], ImportOptions(), Report()))
    assert (count_small, count_big) == (5_000, 20_000)
    print(f"doccano peak: {peak_small} bytes for 5000 records, {peak_big} for 20000")
    assert peak_big < peak_small * 1.25 + 16_384
    assert peak_big < big.stat().st_size / 100  # the file itself is 5 MB


def test_records_keep_their_lines_and_a_break_is_refused_at_its_line(tmp_path) -> None:
    path = _write_array(tmp_path / "list.json", 300)
    text = path.read_text("utf-8")
    broken = text.replace('"id": 200,', '"id": 200', 1)
    path.write_text(broken, encoding="utf-8")
    docs, report = _read(path)
    assert len(docs) == 200 and all(doc.name == str(i) for i, doc in enumerate(docs))
    line = broken[: broken.index('"id": 200')].count("\n") + 2  # the key after it
    [error] = report.errors
    assert (error.file, error.line) == (str(path), line)
    assert error.reason.startswith("not JSON: ")
    unnamed = json.loads(text)
    for record in unnamed:
        del record["id"]
    path.write_text(json.dumps(unnamed, indent=2), encoding="utf-8")
    docs, _ = _read(path)
    lines = path.read_text("utf-8").splitlines()
    assert all(lines[int(d.name.rsplit("-", 1)[1]) - 1] == "  {" for d in docs)


def test_what_follows_the_array_bad_bytes_and_deep_records_are_refused(tmp_path) -> None:
    after = _write_array(tmp_path / "after.json", 3)
    text = after.read_text("utf-8")
    after.write_text(text + "[]\n", encoding="utf-8")
    docs, report = _read(after)
    assert len(docs) == 3
    line = text.count("\n") + 1
    assert [(e.line, e.reason) for e in report.errors] == [(line, "not JSON: trailing garbage")]
    latin = tmp_path / "latin.json"
    data = b'[\n{"text": "ok"},\n{"text": "Z\xfcrich"}\n]\n'
    latin.write_bytes(data)
    docs, report = _read(latin)
    assert [d.text for d in docs] == ["ok"]
    where = data.index(b"\xfc")
    assert [str(e) for e in report.errors] == [
        f"{latin}: not UTF-8 (invalid start byte at byte {where})"
    ]
    deep = tmp_path / "deep.json"
    deep.write_text('[{"text": "ok"}, {"text": "x", "meta": ' + "[" * 500 + "]" * 500 + "}]")
    docs, report = _read(deep)
    assert [d.text for d in docs] == ["ok"]
    assert [(e.line, e.reason) for e in report.errors] == [(1, "JSON nested too deeply")]


def test_one_object_alone_and_a_byte_order_mark(tmp_path) -> None:
    path = tmp_path / "one.json"
    text = json.dumps(_record(7), indent=2)
    path.write_bytes(b"\xef\xbb\xbf\n" + text.encode("utf-8"))
    [doc], report = _read(path)
    _check(doc, 7)
    assert report.errors == []

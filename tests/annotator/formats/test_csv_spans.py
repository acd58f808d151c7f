"""CSV, one span per row: cells a spreadsheet would run as formulas are neutralised and restored
exactly, offsets stay numbers, rows come back grouped by document and annotator, and the text
cells are checked against the stored text once the corpus has found the document."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.formats import csv_spans
from annotator.formats.csv_spans import neutralised, resolve, restored
from annotator.formats.model import AnnotatedDocument, ExportOptions, ImportOptions, Report
from tests.annotator.formats.strategies import annotated_documents

TEXT = "=SUM(A1) Russian jets 🇸🇾 struck\tal-Bab: قتلت مدنيين, e\u0301 -5 @home 'tis +1"


def span(word: str, label: str = "Actor", **kwargs: object) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), label, **kwargs)  # type: ignore[arg-type]


def export(docs: list[AnnotatedDocument], out: Path, **options: object) -> Report:
    report = Report()
    csv_spans.write(docs, out, ExportOptions(**options), report)  # type: ignore[arg-type]
    return report


def read(
    *paths: Path, options: ImportOptions | None = None
) -> tuple[list[AnnotatedDocument], Report]:
    report = Report()
    return list(csv_spans.read(list(paths), options or ImportOptions(), report)), report


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def risky_doc() -> AnnotatedDocument:
    spans = (
        span("=SUM(A1)", "=cmd|' /C calc'!A0", attributes={"certainty": "high", "n": 2}),
        span("-5", "Casualty", note="+1 more?"),
        span("@home", "@Location"),
        span("'tis", "Actor"),
        span("🇸🇾", "Location", note="\tflag"),
        span("قتلت مدنيين", "Casualty", attributes={"killed": True, "ratio": 0.5}),
        span("struck\tal-Bab", "Actor"),
    )
    return AnnotatedDocument(Document(text=TEXT), "=HYPERLINK(1)", spans, annotator="-alice")


# -- writing ------------------------------------------------------------------------------------


def test_risky_cells_get_an_apostrophe_and_offsets_stay_numbers(tmp_path: Path) -> None:
    out = tmp_path / "spans.csv"
    report = export([risky_doc()], out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfdocument,start,end,label,text,")
    header, *body = rows(out)
    assert header == list(csv_spans.COLUMNS)
    first = body[0]
    assert first == [
        "'=HYPERLINK(1)",
        "0",
        "8",
        "'=cmd|' /C calc'!A0",
        "'=SUM(A1)",
        '{"certainty": "high", "n": 2}',
        "",
        "'-alice",
    ]
    assert [r[4] for r in body[1:]] == [
        "'-5",
        "'@home",
        "''tis",
        "🇸🇾",
        "قتلت مدنيين",
        "struck\tal-Bab",
    ]
    assert [r[6] for r in body] == ["", "'+1 more?", "", "", "'\tflag", "", ""]
    assert all(r[1].isdigit() and r[2].isdigit() for r in body)
    assert (report.documents, report.spans, report.lost) == (1, 7, {})


def test_each_text_cell_is_what_the_offsets_select(tmp_path: Path) -> None:
    out = tmp_path / "spans.csv"
    export([risky_doc()], out)
    for row in rows(out)[1:]:
        assert TEXT[int(row[1]) : int(row[2])] == restored(row[4])


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx", "'=1", "'x", "''"])
def test_neutralising_is_undone_exactly(cell: str) -> None:
    assert neutralised(cell).startswith("'")
    assert restored(neutralised(cell)) == cell


@given(st.text(alphabet="=+-@\t\r'ab ", max_size=6))
def test_restoring_inverts_neutralising(cell: str) -> None:
    assert restored(neutralised(cell)) == cell
    assert not neutralised(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_hand_made_apostrophe_is_kept() -> None:
    assert restored("'s-Hertogenbosch") == "'s-Hertogenbosch"


def test_what_csv_cannot_hold_is_counted(tmp_path: Path) -> None:
    doc = AnnotatedDocument(
        Document(text="Russian jets struck"),
        "1",
        (
            Span(0, 7, "Actor"),
            Span(8, 12, "WeaponSystem"),
            Span(0, 12, "X", fragments=((0, 3), (8, 12))),
        ),
        (Relation("uses", 0, 1),),
        (Event("Attack", 1, (("agent", 0),)),),
    )
    bare = AnnotatedDocument(Document(text="Nothing here"), "2")
    out = tmp_path / "spans.csv"
    report = export([doc, bare], out, offsets="utf16")
    assert report.lost == {
        "relations (csv rows are spans)": 1,
        "events (csv rows are spans)": 1,
        "discontinuous fragments (row covers the first to the last fragment)": 1,
        "documents without spans (a row is a span)": 1,
    }
    assert report.notes == ["csv offsets are always code points: offsets utf16 does not apply"]
    assert rows(out)[3][1:5] == ["0", "12", "X", "Russian jets"]


# -- reading ------------------------------------------------------------------------------------


def test_round_trip_through_resolve_is_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    export([risky_doc()], first)
    [doc], report = read(first)
    assert doc.text == "" and doc.name == "=HYPERLINK(1)" and doc.annotator == "-alice"
    assert doc.spans == risky_doc().spans
    doc = resolve(doc, TEXT, report)
    assert report.errors == [] and doc.text == TEXT and dict(doc.document.metadata) == {}
    export([doc], second)
    assert second.read_bytes() == first.read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        annotated_documents(with_relations=False),
        min_size=1,
        max_size=4,
        unique_by=lambda d: d.name,
    )
)
def test_property_round_trip(tmp_path_factory, docs) -> None:
    folder = tmp_path_factory.mktemp("csv")
    first, second = folder / "1.csv", folder / "2.csv"
    export(docs, first)
    back, report = read(first)
    texts = {d.name: d.text for d in docs}
    back = [resolve(d, texts[d.name], report) for d in back]
    assert report.errors == []
    assert [(d.name, d.spans) for d in back] == [(d.name, d.spans) for d in docs if d.spans]
    export(back, second)
    assert second.read_bytes() == first.read_bytes()


def write_rows(path: Path, lines: list[list[object]], bom: bool = True) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f).writerows(lines)


HEADER = list(csv_spans.COLUMNS)


def test_runs_of_rows_are_grouped_by_document_and_annotator_and_ids_come_from_the_names(
    tmp_path: Path,
) -> None:
    """A document is a run of consecutive rows of one name and annotator (read as a stream:
    rows of one document apart come as one document per run, the corpus merges them)."""
    path = tmp_path / "spans.csv"
    write_rows(
        path,
        [
            HEADER,
            ["12", 0, 3, "A", "abc", "", "", "alice"],
            ["12.bob", 0, 3, "A", "abc", "", "", "bob"],
            ["12", 4, 5, "B", "d", "", "", "alice"],
            ["12", 4, 5, "B", "d", "", "", ""],
            ["news-7", 1, 2, "C", "x", "", "", ""],
        ],
        bom=False,
    )
    docs, report = read(path)
    assert [(d.name, d.document.id, d.annotator, len(d.spans)) for d in docs] == [
        ("12", 12, "alice", 1),
        ("12.bob", 12, "bob", 1),
        ("12", 12, "alice", 1),
        ("12", 12, None, 1),
        ("news-7", None, None, 1),
    ]
    assert [d.spans[0].label for d in docs[:3]] == ["A", "A", "B"]
    assert report.errors == []


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    write_rows(path, [["Label", "text", "end", "start", "document"], ["X", "ab", 2, 0, "d"]])
    [doc], report = read(path)
    assert doc.spans == (Span(0, 2, "X"),) and doc.annotator is None and report.errors == []


def test_bad_rows_are_refused_at_their_first_line(tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    write_rows(
        path,
        [
            HEADER,
            ["d", 0, 3, "X", "a\nb", "", "multi\nline note", ""],  # lines 2-4
            ["d", "'=1", 2, "X", "ab", "", "", ""],
            ["d", 3, 2, "X", "ab", "", "", ""],
            ["d", 0, 2, "", "ab", "", "", ""],
            ["d", 0, 2, "X", "ab", "[1]", "", ""],
            ["d", 0, 2, "X", "ab", '{"a": null}', "", ""],
            ["d", 0, 2, "X", "abc", "", "", ""],
            ["", 0, 2, "X", "ab", "", "", ""],
            [],
            ["d", 5, 7, "Y", "ok", '{"a": 1}', "", ""],
        ],
    )
    [doc], report = read(path)
    assert doc.spans == (Span(0, 3, "X", note="multi\nline note"), Span(5, 7, "Y", {"a": 1}))
    assert [(e.line, e.reason) for e in report.errors] == [
        (5, "start '=1' is not a whole number"),
        (6, "span offsets must satisfy 0 <= start < end, got 3..2"),
        (7, "the label cell is empty"),
        (8, "attributes must be a JSON object of strings, numbers and booleans"),
        (9, "attributes must be a JSON object of strings, numbers and booleans"),
        (10, "offsets 0..2 cover 2 character(s) but the text cell 'abc' has 3"),
        (11, "the document cell is empty"),
    ]
    assert all(e.file == str(path) for e in report.errors)


def test_a_file_without_the_needed_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    write_rows(path, [["document", "start", "end"], ["d", 0, 1]])
    docs, report = read(path)
    assert docs == []
    [error] = report.errors
    assert (error.line, error.reason.split(" (")[0]) == (1, "no column label, text in the header")


def test_resolve_refuses_rows_whose_text_is_not_the_stored_text(tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    write_rows(
        path,
        [HEADER, ["d", 0, 7, "A", "Russian", "", "", ""], ["d", 8, 12, "W", "jest", "", "", ""]],
    )
    [doc], report = read(path)
    doc = resolve(doc, "Russian jets", report)
    assert doc.spans == (Span(0, 7, "A"),) and doc.text == "Russian jets"
    [error] = report.errors
    assert str(error) == f"{path}:3: offsets 8..12 select 'jets', but the file says 'jest'"
    short = resolve(read(path)[0][0], "Russian", report)
    assert short.spans == (Span(0, 7, "A"),)
    assert "outside the text" in str(report.errors[-1])


def test_files_over_the_limit_and_not_utf8_are_refused(tmp_path: Path) -> None:
    big, latin = tmp_path / "big.csv", tmp_path / "latin.csv"
    write_rows(big, [HEADER, ["d", 0, 1, "X", "x" * 200]])
    latin.write_bytes("document,start,end,label,text\nZürich,0,1,X,Z\n".encode("latin-1"))
    report = Report()
    docs = list(
        csv_spans.read([big, tmp_path / "missing.csv"], ImportOptions(max_bytes=100), report)
    )
    assert docs == []
    assert [e.reason for e in report.errors] == [
        "larger than the limit of 100 bytes",
        "no such file or folder",
    ]
    docs, report = read(latin)
    assert docs == [] and [e.reason for e in report.errors] == ["not UTF-8 text"]


def test_a_span_longer_than_the_csv_modules_default_cell_limit_comes_back(tmp_path: Path) -> None:
    text = "word " * 40_000
    doc = AnnotatedDocument(Document(text=text), "1", (Span(0, len(text) - 1, "Article"),))
    out = tmp_path / "long.csv"
    export([doc], out)
    [back], report = read(out)
    assert resolve(back, text, report).spans == doc.spans and report.errors == []


def test_a_folder_is_walked_for_csv_files(tmp_path: Path) -> None:
    export([risky_doc()], tmp_path / "a.csv")
    (tmp_path / "notes.txt").write_text("not csv", encoding="utf-8")
    docs, report = read(tmp_path)
    assert len(docs) == 1 and report.errors == []


def test_the_format_is_registered_as_csv() -> None:
    assert formats.get("csv") is csv_spans.FORMAT

"""CSV for spreadsheets: one span per row (document, start, end, label, text, attributes, note,
annotator), offsets in code points, UTF-8 with a byte order mark so that Excel reads it as
UTF-8.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return, after OWASP's CSV injection advice) get a leading apostrophe; so does
a cell that starts with an apostrophe, so that reading removes exactly what writing added.
Offsets stay plain numbers.

The file holds no document texts: reading yields documents with an empty text, identified by
the ``document`` column (the name the export wrote), and keeps each row's ``text`` cell so
that :func:`resolve` can check the spans against the stored text once the corpus has found
the document.

Rows are read one at a time and a document is yielded as soon as a row of another document
(or annotator) follows, so memory holds one document's rows, not the file's (the export
writes each document's rows together). Rows of one document and annotator that are not
consecutive come as several documents of the same name and annotator, one per run of rows;
the corpus adds each one's spans to the same document, so the import stores the same spans
(its report counts the document once per run).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.document import AttributeValue, Document, Span
from annotator.errors import InputError
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
    check_covered,
)

COLUMNS = ("document", "start", "end", "label", "text", "attributes", "note", "annotator")
REQUIRED = COLUMNS[:5]
COVERED = "csv_covered"
"""Key of ``document.metadata`` of a read document: for each span, the row's ``text`` cell,
the file and the line, for :func:`resolve`."""
_RISKY = ("=", "+", "-", "@", "\t", "\r")
_ID_NAME = re.compile(r"(\d+)(?:\..*)?", re.DOTALL)
_UTF16_NOTE = "csv offsets are always code points: offsets utf16 does not apply"


def neutralised(cell: str) -> str:
    """``cell`` safe to open in a spreadsheet: an apostrophe before a risky first character."""
    return "'" + cell if cell.startswith((*_RISKY, "'")) else cell


def restored(cell: str) -> str:
    """``cell`` as it was before :func:`neutralised`."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith((*_RISKY, "'")) else cell


# -- writing ------------------------------------------------------------------------------------


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write a header and one row per span to ``out``."""
    if options.offsets == "utf16":
        report.note(_UTF16_NOTE)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for doc in docs:
            if not doc.spans:
                report.lose("documents without spans (a row is a span)")
                continue
            name, annotator = neutralised(doc.name), neutralised(doc.annotator or "")
            for span in doc.spans:
                attributes = (
                    json.dumps(dict(span.attributes), ensure_ascii=False) if span.attributes else ""
                )
                writer.writerow(
                    [
                        name,
                        span.start,
                        span.end,
                        neutralised(span.label),
                        neutralised(span.covered_text(doc.text)),
                        neutralised(attributes),
                        neutralised(span.note),
                        annotator,
                    ]
                )
            report.documents += 1
            report.spans += len(doc.spans)
            report.lose("relations (csv rows are spans)", len(doc.relations))
            report.lose("events (csv rows are spans)", len(doc.events))
            report.lose(
                "discontinuous fragments (row covers the first to the last fragment)",
                sum(1 for s in doc.spans if s.fragments),
            )


# -- reading ------------------------------------------------------------------------------------


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """The spans of CSV files (or folders of them), one document per run of consecutive rows
    of a document name and annotator, in the order of the file."""
    if options.offsets == "utf16":
        report.note(_UTF16_NOTE)
    for path in _files(paths, report):
        if path.stat().st_size > options.max_bytes:
            report.refuse(
                InputError(str(path), f"larger than the limit of {options.max_bytes} bytes")
            )
            continue
        # A cell may be as long as the file (a span over a whole article); the limit only grows.
        csv.field_size_limit(max(csv.field_size_limit(), options.max_bytes))
        yield from _read_file(path, report)


def _files(paths: Sequence[Path], report: Report) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix.lower() == ".csv" and p.is_file()
            )
        elif path.is_file():
            yield path
        else:
            report.refuse(InputError(str(path), "no such file or folder"))


class _Group:
    """Consecutive rows of one document and annotator: spans and, for each, its text cell,
    file and line."""

    def __init__(self, key: tuple[str, str | None]) -> None:
        self.key = key
        self.spans: list[Span] = []
        self.covered: list[tuple[str, str, int]] = []

    def document(self) -> AnnotatedDocument:
        name, annotator = self.key
        metadata = {COVERED: tuple(self.covered)}
        document = Document(text="", id=_document_id(name), metadata=metadata)
        return AnnotatedDocument(document, name, tuple(self.spans), annotator=annotator)


def _read_file(path: Path, report: Report) -> Iterator[AnnotatedDocument]:
    """The documents of one file, a run of consecutive rows at a time."""
    where = str(path)
    group: _Group | None = None
    line = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            columns = {restored(c).strip().lower(): i for i, c in enumerate(header or [])}
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                expected = ", ".join(COLUMNS)
                reason = f"no column {', '.join(missing)} in the header (expected {expected})"
                report.refuse(InputError(where, reason, 1))
                return
            line = reader.line_num + 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    try:
                        key, span, text = _parse_row(_Row(row, columns))
                    except ValueError as exc:
                        report.refuse(InputError(where, str(exc), line))
                    else:
                        if group is None or group.key != key:
                            if group is not None:
                                yield group.document()
                            group = _Group(key)
                        group.spans.append(span)
                        group.covered.append((text, where, line))
                line = reader.line_num + 1
    except UnicodeDecodeError:
        report.refuse(InputError(where, "not UTF-8 text", line))
    if group is not None:
        yield group.document()


class _Row:
    """One row's cells by column name, with neutralised cells restored."""

    def __init__(self, row: list[str], columns: dict[str, int]) -> None:
        self.row = row
        self.columns = columns

    def __getitem__(self, column: str) -> str:
        i = self.columns.get(column)
        return restored(self.row[i]) if i is not None and i < len(self.row) else ""


def _parse_row(row: _Row) -> tuple[tuple[str, str | None], Span, str]:
    """The row's document and annotator, its span, and its text cell."""
    name = row["document"]
    if not name:
        raise ValueError("the document cell is empty")
    start, end = _whole(row["start"], "start"), _whole(row["end"], "end")
    label = row["label"]
    if not label:
        raise ValueError("the label cell is empty")
    span = Span(start, end, label, _attributes(row["attributes"]), row["note"])
    text = row["text"]
    if len(text) != end - start:
        raise ValueError(
            f"offsets {start}..{end} cover {end - start} character(s) but the text cell "
            f"{text!r} has {len(text)}"
        )
    return (name, row["annotator"] or None), span, text


def _whole(cell: str, column: str) -> int:
    try:
        return int(cell.strip())
    except ValueError:
        raise ValueError(f"{column} {cell!r} is not a whole number") from None


def _attributes(cell: str) -> dict[str, AttributeValue]:
    if not cell.strip():
        return {}
    try:
        value: Any = json.loads(cell)
    except json.JSONDecodeError as exc:
        raise ValueError(f"attributes are not JSON: {exc.msg}") from None
    if not isinstance(value, dict) or not all(
        isinstance(v, str | int | float) for v in value.values()
    ):
        raise ValueError("attributes must be a JSON object of strings, numbers and booleans")
    return value


def _document_id(name: str) -> int | None:
    """The corpus id in a name the corpus export wrote ("12", or "12.alice" for one of several
    annotators); None for other names."""
    match = _ID_NAME.fullmatch(name)
    return int(match[1]) if match else None


def resolve(doc: AnnotatedDocument, text: str, report: Report) -> AnnotatedDocument:
    """``doc`` (read from a CSV) on its stored ``text``: the spans whose row's text cell is what
    their offsets select in ``text`` are kept, the others refused with file and line."""
    covered = doc.document.metadata.get(COVERED, ())
    kept = []
    for span, (expected, where, line) in zip(doc.spans, covered, strict=True):
        error = check_covered(text, span.start, span.end, expected, where, line)
        if error is None:
            kept.append(span)
        else:
            report.refuse(error)
    metadata = {k: v for k, v in doc.document.metadata.items() if k != COVERED}
    document = replace(doc.document, text=text, metadata=metadata)
    return replace(doc, document=document, spans=tuple(kept))


FORMAT = Format(
    name="csv",
    title="CSV, one span per row",
    suffix=".csv",
    write=write,
    read=read,
    carries=frozenset({"overlaps", "attributes", "notes"}),
    attach=resolve,
)

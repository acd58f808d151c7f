"""doccano JSONL: one JSON object per document, spans as ``"label": [[start, end, "LABEL"]]``
(sequence labelling) or as ``entities`` with ``relations`` (relation extraction).

The writer picks the form from the schema: ``entities``/``relations`` when the schema declares
relation types, the ``label`` form otherwise (relations are then reported as not carried). The
reader takes both forms, one object per line or a JSON file holding one object or a list,
reading a record at a time (a list through :mod:`annotator.formats.json_stream`).
Offsets are code points, or UTF-16 units with ``offsets="utf16"`` (doccano's browser counts
those). Document fields and metadata travel in ``meta``, the annotator's name in ``annotator``
(a key of ours, which doccano keeps as metadata); attributes, notes, events and the
fragments of discontinuous spans have no place in doccano and are reported as not carried.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.document import Document, Relation, Span
from annotator.errors import AnnotatorError, InputError
from annotator.formats import json_stream
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
)
from annotator.offsets import Utf16Map

SUFFIXES = (".jsonl", ".json")
FIELDS = ("title", "source", "author", "published", "language")
"""Document fields written into ``meta`` and read back from it."""
_RESERVED = frozenset({"id", "text", "label", "entities", "relations", "cats", "meta", "annotator"})


# -- writing ------------------------------------------------------------------------------------


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write one JSON object per line per document to ``out``."""
    utf16 = _counts_utf16(options.offsets)
    relations_form = options.schema is not None and bool(options.schema.relations)
    with out.open("w", encoding="utf-8", newline="\n") as f:
        for doc in docs:
            record = _record(doc, relations_form, utf16, report)
            f.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            report.documents += 1
            report.spans += len(doc.spans)


def _counts_utf16(offsets: str) -> bool:
    if offsets not in ("codepoints", "utf16"):
        raise AnnotatorError(f"unknown offsets '{offsets}' (expected codepoints or utf16)")
    return offsets == "utf16"


def _record(
    doc: AnnotatedDocument, relations_form: bool, utf16: bool, report: Report
) -> dict[str, Any]:
    unit: Callable[[int], int] = Utf16Map(doc.text).to_utf16 if utf16 else int
    spans = [(unit(s.start), unit(s.end), s.label) for s in doc.spans]
    record: dict[str, Any] = {"id": doc.name, "text": doc.text}
    if relations_form:
        record["entities"] = [
            {"id": i, "label": label, "start_offset": start, "end_offset": end}
            for i, (start, end, label) in enumerate(spans)
        ]
        record["relations"] = [
            {"id": i, "from_id": r.head, "to_id": r.tail, "type": r.type}
            for i, r in enumerate(doc.relations)
        ]
    else:
        record["label"] = [list(span) for span in spans]
        report.lose(
            "relations (the schema declares no relation types: 'label' form)", len(doc.relations)
        )
    if doc.annotator:
        record["annotator"] = doc.annotator  # ours: doccano keeps it as metadata
    meta = {**doc.document.metadata}
    meta.update((name, value) for name in FIELDS if (value := getattr(doc.document, name)))
    if meta:
        record["meta"] = meta
    _report_losses(doc, report)
    return record


def _report_losses(doc: AnnotatedDocument, report: Report) -> None:
    report.lose("events (doccano has none)", len(doc.events))
    report.lose("attributes (doccano has none)", sum(len(s.attributes) for s in doc.spans))
    report.lose("notes (doccano spans have none)", sum(1 for s in doc.spans if s.note))
    report.lose(
        "discontinuous fragments (span written from its first to its last fragment)",
        sum(1 for s in doc.spans if s.fragments),
    )


# -- reading ------------------------------------------------------------------------------------


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """The documents of doccano JSONL or JSON files (or folders of them), one at a time."""
    utf16 = _counts_utf16(options.offsets)
    for path in _files(paths, report):
        if path.stat().st_size > options.max_bytes:
            report.refuse(
                InputError(str(path), f"larger than the limit of {options.max_bytes} bytes")
            )
            continue
        for line, record in _records(path, report):
            doc = _document(record, _Place(str(path), line, report), path.stem, utf16)
            if doc is not None:
                yield doc


def _files(paths: Sequence[Path], report: Report) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
            )
        elif path.is_file():
            yield path
        else:
            report.refuse(InputError(str(path), "no such file or folder"))


def _records(path: Path, report: Report) -> Iterator[tuple[int, object]]:
    """Each record with the line it starts on: one per line, or, when the file starts with
    ``[`` or a line holding ``{`` alone, the one JSON value (an object or a list) it holds,
    read a record at a time."""
    where = str(path)
    if not _holds_one_value(path):
        try:
            with path.open(encoding="utf-8-sig") as f:
                for number, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        yield number, json.loads(line)
                    except json.JSONDecodeError as exc:
                        reason = f"not JSON: {exc.msg} (column {exc.colno})"
                        report.refuse(InputError(where, reason, number))
        except UnicodeDecodeError:
            report.refuse(InputError(where, "not UTF-8 text"))
        return
    try:
        with path.open("rb") as raw:
            yield from json_stream.values(json_stream.JsonEvents(raw, where))
    except InputError as exc:
        report.refuse(exc)


def _holds_one_value(path: Path) -> bool:
    """Whether the first line that is not blank starts with ``[`` or holds ``{`` alone (read
    a piece at a time: a JSON file may be one long line)."""
    with path.open("rb") as f:
        while piece := f.readline(json_stream.CHUNK):
            line = piece.decode("utf-8", errors="replace").lstrip("\ufeff")
            if line.strip():
                return line.lstrip().startswith("[") or line.strip() == "{"
    return False


class _Place:
    """Where a record is (file and line), to refuse it or a part of it there."""

    def __init__(self, where: str, line: int, report: Report) -> None:
        self.where = where
        self.line = line
        self.report = report

    def refuse(self, reason: str) -> None:
        self.report.refuse(InputError(self.where, reason, self.line))


def _document(record: object, place: _Place, stem: str, utf16: bool) -> AnnotatedDocument | None:
    if not isinstance(record, dict):
        place.refuse("a record must be a JSON object")
        return None
    text = record.get("text")
    if not isinstance(text, str) or not text:
        place.refuse(
            "the record has no 'text'" if text is None else "'text' must be a non-empty string"
        )
        return None
    spans, ids = _spans(record, text, place, utf16)
    relations = _relations(record.get("relations"), ids, place)
    cats = record.get("cats")
    place.report.lose(
        "document categories ('cats', intent labels)", len(cats) if isinstance(cats, list) else 0
    )
    ident = record.get("id")
    name = (
        str(ident)
        if isinstance(ident, str | int) and not isinstance(ident, bool)
        else f"{stem}-{place.line}"
    )
    annotator = record.get("annotator")
    return AnnotatedDocument(
        _with_meta(text, record),
        name,
        tuple(spans),
        tuple(relations),
        annotator=annotator if isinstance(annotator, str) and annotator else None,
    )


def _with_meta(text: str, record: dict[str, Any]) -> Document:
    """The document with ``meta`` (and, as doccano does, any unknown top-level key) as its
    metadata; the document fields the writer puts in ``meta`` come back as fields."""
    metadata = {key: value for key, value in record.items() if key not in _RESERVED}
    meta = record.get("meta")
    if isinstance(meta, dict):
        metadata.update(meta)
    elif meta is not None:
        metadata["meta"] = meta
    fields = {name: metadata.pop(name) for name in FIELDS if isinstance(metadata.get(name), str)}
    return Document(
        text=text,
        title=fields.get("title", ""),
        source=fields.get("source"),
        author=fields.get("author"),
        published=fields.get("published"),
        language=fields.get("language"),
        metadata=metadata,
    )


def _spans(
    record: dict[str, Any], text: str, place: _Place, utf16: bool
) -> tuple[list[Span], dict[object, int]]:
    """The record's spans and, for relations, each entity id's index among them; a bad span is
    refused on its own."""
    key = "entities" if "entities" in record else "label"
    items = record.get(key) or []
    if key == "entities" and record.get("label"):
        place.report.lose(
            "'label' items beside 'entities' (only 'entities' read)", len(record["label"])
        )
    if not isinstance(items, list):
        place.refuse(f"'{key}' must be a list")
        return [], {}
    offsets = _Offsets(text, utf16)
    spans: list[Span] = []
    ids: dict[object, int] = {}
    categories = 0
    length = len(text)
    for number, item in enumerate(items, 1):
        if not utf16 and type(item) is list and len(item) == 3:  # the common case, fast
            start, end, label = item
            whole = type(start) is int and type(end) is int
            if whole and type(label) is str and label and 0 <= start < end <= length:
                ids[number - 1] = len(spans)
                spans.append(Span.plain(start, end, label))
                continue
        if isinstance(item, str):
            categories += 1  # a text-classification label, not a span
            continue
        try:
            ident, span = _span(item, number - 1, offsets)
        except ValueError as exc:
            place.refuse(f"span {number} {json.dumps(item, ensure_ascii=False)}: {exc}")
            continue
        if ident in ids:
            place.refuse(f"span {number}: entity id {ident!r} repeats")
            continue
        ids[ident] = len(spans)
        spans.append(span)
    place.report.lose("document categories ('label' strings)", categories)
    return spans, ids


def _span(item: object, position: int, offsets: _Offsets) -> tuple[object, Span]:
    if isinstance(item, list) and len(item) == 3:
        ident: object = position
        start, end, label = item
    elif isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= item.keys():
        ident = item.get("id", position)
        start, end, label = item["start_offset"], item["end_offset"], item["label"]
    else:
        raise ValueError("expected [start, end, label] or start_offset, end_offset and label")
    if not _whole(start) or not _whole(end):
        raise ValueError("offsets must be whole numbers")
    if not isinstance(label, str) or not label:
        raise ValueError("the label must be a non-empty string")
    begin, finish = offsets.span(start, end)
    return ident, Span(begin, finish, label)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Offsets:
    """Turns a record's offsets into code points, refusing those that do not fit the text."""

    def __init__(self, text: str, utf16: bool) -> None:
        self.text = text
        self.utf16 = utf16
        self._map: Utf16Map | None = None

    @property
    def units(self) -> Utf16Map:
        if self._map is None:
            self._map = Utf16Map(self.text)
        return self._map

    def span(self, start: int, end: int) -> tuple[int, int]:
        if start >= end:
            raise ValueError("the span is empty or ends before it starts")
        if self.utf16:
            return self.units.from_utf16(start), self.units.from_utf16(end)
        if start < 0 or end > len(self.text):
            hint = self._hint(start, end)
            raise ValueError(f"offsets outside the text (0..{len(self.text)}){hint}")
        return start, end

    def _hint(self, start: int, end: int) -> str:
        """A hint when the offsets fit the text counted in UTF-16 units, as doccano's browser
        counts them (doccano issue #2290)."""
        if len(self.text) == self.units.units or not 0 <= start < end <= self.units.units:
            return ""
        try:
            self.units.from_utf16(start), self.units.from_utf16(end)
        except ValueError:
            return ""
        return "; they fit the text counted in UTF-16 units: import with offsets utf16"


def _relations(items: object, ids: dict[object, int], place: _Place) -> list[Relation]:
    if items is None:
        return []
    if not isinstance(items, list):
        place.refuse("'relations' must be a list")
        return []
    relations = []
    for number, item in enumerate(items, 1):
        shown = json.dumps(item, ensure_ascii=False)
        if not isinstance(item, dict) or not isinstance(item.get("type"), str) or not item["type"]:
            place.refuse(f"relation {number} {shown}: expected from_id, to_id and a type")
            continue
        head, tail = ids.get(item.get("from_id")), ids.get(item.get("to_id"))
        if head is None or tail is None:
            place.refuse(f"relation {number} {shown}: an entity it links is missing or was refused")
            continue
        relations.append(Relation(item["type"], head, tail))
    return relations


FORMAT = Format(
    name="jsonl",
    title="doccano JSONL",
    suffix=".jsonl",
    write=write,
    read=read,
    carries=frozenset({"overlaps", "relations", "metadata"}),
)

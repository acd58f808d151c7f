"""Label Studio JSON: the export Label Studio writes and imports (a JSON array of tasks), and its
labelling config (``labelstudio_config``).

Offsets: in text tasks (``<Text>``), ``value.start`` and ``value.end`` count code points of
``data.text``, end exclusive, as Python does; no conversion. Label Studio 1.x stores code points
(label-studio-frontend #308, "text with emoji breaks region offsets"; the end-to-end test
``web/libs/editor/tests/integration/e2e/ner/emoji.cy.ts`` expects 21..25 for "test" after a cat
emoji, where UTF-16 would give 22..26). Every CR and every LF counts one, so CRLF counts two
(the ``Text`` tag's documentation). Inside ``value.text`` Label Studio writes each line break as the two characters
backslash and n (``normalizeText`` in its ``RichText/domManager.ts``); the import accepts that
form or the exact slice, and refuses any other mismatch.

Each document is one task: ``data`` holds ``text``, the document's ``name``, title, source,
author, published and language, and ``metadata``; one annotation (``created_username`` is the
annotator: Label Studio ignores that field on import, and would refuse an unknown annotator in
``completed_by``) holds the results. Each span is a ``labels`` region
(``from_name="label"``, ``to_name="text"``); each attribute is a per-region result with the
region's id (``choices`` for text and true/false values, or ``textarea`` where the schema says
text; ``number`` for numbers), the note a ``textarea`` named ``note``, and each relation a
``relation`` result (``direction`` right). Not carried, and counted: events (Label Studio has
none; their trigger and argument spans are written as spans) and the gaps of discontinuous
spans (a region is one stretch: it runs from the first fragment to the last).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.formats.labelstudio_config import (
    FALSE,
    LABELS_NAME,
    NOTE_NAME,
    TEXT_NAME,
    TRUE,
    Control,
    control_map,
    control_name,
    schema_reader,
    schema_writer,
)
from annotator.formats.labelstudio_import import read
from annotator.formats.model import AnnotatedDocument, ExportOptions, Format, Report
from annotator.schema import AttributeType

EVENTS_LOST = "events (Label Studio has none; their spans are written)"
FRAGMENTS_LOST = "discontinuous spans (written as one region from first to last fragment)"


def config_path(out: Path) -> Path:
    """Where the labelling config goes beside the export ``out``."""
    return out.with_name(f"{out.stem}.config.xml")


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write ``docs`` as a Label Studio JSON array of tasks, one task per line, streaming; and
    the labelling config beside it when ``options.schema`` is given."""
    controls = control_map(options.schema)
    if options.schema is not None:
        schema_writer(options.schema, config_path(out))
    with out.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for number, doc in enumerate(docs, 1):
            task = _task(doc, number, controls, report)
            f.write("\n" if number == 1 else ",\n")
            f.write(json.dumps(task, ensure_ascii=False, default=str))
            report.documents += 1
            report.spans += len(doc.spans)
        f.write("\n]\n")


def _task(
    doc: AnnotatedDocument,
    number: int,
    controls: dict[tuple[str, str], Control],
    report: Report,
) -> dict[str, Any]:
    document = doc.document
    data: dict[str, Any] = {"text": doc.text, "name": doc.name}
    if document.title:
        data["title"] = document.title
    for key in ("source", "author", "published", "language"):
        if getattr(document, key) is not None:
            data[key] = getattr(document, key)
    if document.metadata:
        data["metadata"] = dict(document.metadata)
    results: list[dict[str, Any]] = []
    for i, span in enumerate(doc.spans):
        rid = _region_id(i)
        where = {"start": span.start, "end": span.end}
        covered = {**where, "text": doc.text[span.start : span.end]}
        results.append(_result(rid, LABELS_NAME, "labels", {**covered, "labels": [span.label]}))
        for key, value in span.attributes.items():
            if value is None:
                continue
            name = control_name(span.label, key, controls)
            control = controls.get((span.label, key))
            if isinstance(value, bool):
                choice = TRUE if value else FALSE
                results.append(_result(rid, name, "choices", {**covered, "choices": [choice]}))
            elif isinstance(value, int | float):
                results.append(_result(rid, name, "number", {**covered, "number": value}))
            elif control is not None and control.spec.type is AttributeType.TEXT:
                results.append(_result(rid, name, "textarea", {**where, "text": [value]}))
            else:
                results.append(_result(rid, name, "choices", {**covered, "choices": [value]}))
        if span.note:
            results.append(_result(rid, NOTE_NAME, "textarea", {**where, "text": [span.note]}))
    report.lose(FRAGMENTS_LOST, sum(1 for span in doc.spans if span.fragments))
    for relation in doc.relations:
        results.append(
            {
                "from_id": _region_id(relation.head),
                "to_id": _region_id(relation.tail),
                "type": "relation",
                "direction": "right",
                "labels": [relation.type],
            }
        )
    report.lose(EVENTS_LOST, len(doc.events))
    annotation: dict[str, Any] = {"id": number}
    if doc.annotator:
        annotation["created_username"] = doc.annotator
    annotation["result"] = results
    return {"id": number, "data": data, "annotations": [annotation]}


def _region_id(index: int) -> str:
    return f"s{index + 1}"


def _result(rid: str, name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "from_name": name, "to_name": TEXT_NAME, "type": kind, "value": value}


FORMAT = Format(
    name="labelstudio",
    title="Label Studio JSON",
    suffix=".json",
    write=write,
    read=read,
    carries=frozenset({"overlaps", "relations", "attributes", "notes", "metadata"}),
    schema_reader=schema_reader,
    schema_writer=schema_writer,
)

"""W3C Web Annotation Data Model in JSON-LD (``w3c``): one file, a JSON array with one
``AnnotationCollection`` per document, written one document at a time.

Each collection (``urn:news-annotator:<name>/annotations``) describes its document under
``schema:about``: a ``Text`` resource ``urn:news-annotator:<name>`` whose ``value`` is the
text, with ``label`` (title), ``language``, ``dcterms:source``, ``dcterms:issued`` and a
``Person`` creator (author); the collection's own creator is the annotator. Its one embedded
``AnnotationPage`` lists the annotations, one per line:

- a span: ``motivation: tagging``; target ``{source, selector: [TextPositionSelector,
  TextQuoteSelector]}`` (code points, as the specification counts characters; the quote with up
  to 32 characters of prefix and suffix); bodies, in this order: a ``TextualBody`` with
  ``purpose: tagging`` and the label, one more tagging body ``key=value`` per attribute (see
  :func:`annotator.formats.w3c_terms.attribute_tag`), a ``commenting`` body with the note. A
  discontinuous span targets a ``Composite`` of one such target per fragment.
- a relation (as Recogito and INCEpTION write them): ``motivation: linking``, a tagging body
  with the type, ``target: [{id: head}, {id: tail}]``.
- an event: a linking annotation tagged with its type whose one target is the trigger's
  annotation; each role, a linking annotation tagged with the role whose targets are the
  event's annotation and the filler's.

Offsets ``utf16`` count positions in UTF-16 units instead, for JavaScript tools (Recogito,
Annotorious) that do; the reader takes the same option. Not carried, and reported: document
metadata beyond those fields, the annotation status, attributes whose name is empty or holds
``=``, spans beyond the text (refused). The reader is :mod:`annotator.formats.w3c_read`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from annotator.document import Span
from annotator.errors import InputError
from annotator.formats.model import AnnotatedDocument, ExportOptions, Format, Report
from annotator.formats.w3c_read import read
from annotator.formats.w3c_terms import (
    ABOUT,
    CONTEXT,
    QUOTE_CONTEXT,
    attribute_tag,
    check_offsets,
    document_iri,
)
from annotator.offsets import Utf16Map


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write ``docs`` to ``out`` as a JSON array of annotation collections, one per document."""
    utf16 = check_offsets(options.offsets)
    with out.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for n, doc in enumerate(docs):
            f.write(",\n" if n else "\n")
            _write_document(f, doc, utf16, report)
        f.write("\n]\n")


def _write_document(f: TextIO, doc: AnnotatedDocument, utf16: bool, report: Report) -> None:
    iri = document_iri(doc.name)
    annotations = _annotations(doc, iri, Utf16Map(doc.text) if utf16 else None, report)
    collection: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{iri}/annotations",
        "type": "AnnotationCollection",
        "label": doc.name,
    }
    if doc.annotator:
        collection["creator"] = {"type": "Person", "name": doc.annotator}
    collection[ABOUT] = _text_resource(doc, iri, report)
    collection["total"] = len(annotations)
    head = json.dumps(collection, ensure_ascii=False)[:-1]
    page = {"id": f"{iri}/annotations/page-1", "type": "AnnotationPage", "startIndex": 0}
    f.write(f'{head}, "first": {json.dumps(page)[:-1]}, "items": [')
    for n, annotation in enumerate(annotations):
        f.write(",\n" if n else "\n")
        f.write(json.dumps(annotation, ensure_ascii=False))
    f.write("\n]}}")
    report.documents += 1


def _text_resource(doc: AnnotatedDocument, iri: str, report: Report) -> dict[str, Any]:
    """The document as a ``Text`` resource with its text and the metadata the model names."""
    document = doc.document
    resource: dict[str, Any] = {"id": iri, "type": "Text"}
    if document.title:
        resource["label"] = document.title
    if document.language:
        resource["language"] = document.language
    if document.author:
        resource["creator"] = {"type": "Person", "name": document.author}
    if document.source:
        resource["dcterms:source"] = document.source
    if document.published:
        resource["dcterms:issued"] = document.published
    resource["value"] = doc.text
    report.lose("document metadata fields (no Web Annotation property)", len(document.metadata))
    report.lose("annotation status (no Web Annotation property)", int(doc.status is not None))
    return resource


def _annotations(
    doc: AnnotatedDocument, iri: str, units: Utf16Map | None, report: Report
) -> list[dict[str, Any]]:
    """The document's spans, relations, events and roles as annotations."""
    text = doc.text
    written: set[int] = set()
    out = []
    for i, span in enumerate(doc.spans):
        if span.end > len(text):
            report.refuse(
                InputError(
                    doc.name, f"span {span.start}..{span.end} outside the text (0..{len(text)})"
                )
            )
            continue
        out.append(_span_annotation(span, f"{iri}/span-{i + 1}", iri, text, units, report))
        written.add(i)
    report.spans += len(written)
    for i, relation in enumerate(doc.relations):
        if {relation.head, relation.tail} <= written:
            ends = [f"{iri}/span-{relation.head + 1}", f"{iri}/span-{relation.tail + 1}"]
            out.append(_link(f"{iri}/relation-{i + 1}", relation.type, ends))
        else:
            report.lose("relations whose spans were not written")
    for i, event in enumerate(doc.events):
        if event.trigger not in written:
            report.lose("events whose trigger was not written")
            continue
        event_id = f"{iri}/event-{i + 1}"
        out.append(_link(event_id, event.type, [f"{iri}/span-{event.trigger + 1}"]))
        for j, (role, filler) in enumerate(event.roles):
            if filler in written:
                ends = [event_id, f"{iri}/span-{filler + 1}"]
                out.append(_link(f"{event_id}/role-{j + 1}", role, ends))
            else:
                report.lose("event roles whose span was not written")
    return out


def _span_annotation(
    span: Span, anno_id: str, iri: str, text: str, units: Utf16Map | None, report: Report
) -> dict[str, Any]:
    bodies = [_tag(span.label)]
    for key, value in span.attributes.items():
        if not key or "=" in key:
            report.lose("attributes whose name is empty or holds '=' (a tag is key=value)")
        else:
            bodies.append(_tag(attribute_tag(key, value)))
    if span.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    targets = [_target(iri, text, a, b, units) for a, b in span.pieces()]
    target = targets[0] if len(targets) == 1 else {"type": "Composite", "items": targets}
    return {
        "id": anno_id,
        "type": "Annotation",
        "motivation": "tagging",
        "body": bodies,
        "target": target,
    }


def _target(iri: str, text: str, start: int, end: int, units: Utf16Map | None) -> dict[str, Any]:
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": text[start:end]}
    if start:
        quote["prefix"] = text[max(0, start - QUOTE_CONTEXT) : start]
    if end < len(text):
        quote["suffix"] = text[end : end + QUOTE_CONTEXT]
    if units is not None:
        start, end = units.to_utf16(start), units.to_utf16(end)
    position = {"type": "TextPositionSelector", "start": start, "end": end}
    return {"source": iri, "selector": [position, quote]}


def _link(anno_id: str, tag: str, ends: list[str]) -> dict[str, Any]:
    return {
        "id": anno_id,
        "type": "Annotation",
        "motivation": "linking",
        "body": [_tag(tag)],
        "target": [{"id": end} for end in ends],
    }


def _tag(value: str) -> dict[str, str]:
    return {"type": "TextualBody", "purpose": "tagging", "value": value}


FORMAT = Format(
    "w3c",
    "W3C Web Annotation (JSON-LD)",
    ".jsonld",
    write=write,
    read=read,
    carries=frozenset(
        {"overlaps", "relations", "events", "attributes", "notes", "discontinuous", "metadata"}
    ),
)
"""The ``w3c`` format: annotation collections with the documents' texts embedded."""

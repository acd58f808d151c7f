"""UIMA CAS XMI as INCEpTION exports and imports it, through dkpro-cassis.

An export is a zip with one ``<name>.xmi`` per document and the ``TypeSystem.xml`` they share
(the layers are described in :mod:`annotator.formats.xmi_typesystem`). Each CAS holds the text,
DKPro Core's DocumentMetaData (title, name as the document id, language), sentences and tokens
(INCEpTION needs them: tokens from the tokenizer, cut where a span starts or ends inside one, so
that spans fall on token boundaries; sentences end at . ! ? or a line break), and the spans,
relations and events. XMI counts UTF-16 units; cassis converts to and from code points.
The document's source goes to DocumentMetaData's ``documentUri``; DKPro Core has no place for
an author, a date or other metadata, so the corpus layer reports those as not carried.

UIMA annotations are contiguous, so a discontinuous span is written from its first fragment's
start to its last fragment's end (reported); a span holds one slot feature value, so a second
event on the same trigger is reported, as are attributes whose names UIMA cannot hold or whose
values do not fit the feature's type, and documents with characters XML 1.0 cannot hold.
INCEpTION keeps Float features as 32-bit numbers.
"""

from __future__ import annotations

import re
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from cassis import Cas

from annotator.document import Span
from annotator.formats.model import AnnotatedDocument, ExportOptions, Format, Report
from annotator.formats.xmi_read import read
from annotator.formats.xmi_typesystem import (
    ARGUMENTS,
    EVENT,
    FS_ARRAY,
    LABEL,
    METADATA_TYPE,
    NOTE,
    SENTENCE_TYPE,
    TOKEN_TYPE,
    LayerBuilder,
    schema_reader,
    schema_writer,
)
from annotator.tokenizer import Token, tokenize

TYPESYSTEM = "TypeSystem.xml"
_SENTENCE_END = frozenset(".!?؟。…")
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same export gives the same bytes


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write the documents as XMI files and their type system into the zip ``out``."""
    builder = LayerBuilder(options.schema)
    tokens_of = options.tokenize or (lambda text: list(tokenize(text)))
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for doc in docs:
            data = _xmi(doc, builder, tokens_of, report)
            if data is None:
                continue
            _put(zf, _member(doc, used), data)
            report.documents += 1
            report.spans += len(doc.spans)
        _put(zf, TYPESYSTEM, builder.to_xml())


def _put(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _member(doc: AnnotatedDocument, used: set[str]) -> str:
    """A file name for the document, unique in the zip (the annotator's name, then a number,
    tell apart documents of the same name)."""
    base = _UNSAFE_NAME.sub("_", doc.name).strip(". ") or "document"
    name = base
    if name in used and doc.annotator:
        name = f"{base}-{_UNSAFE_NAME.sub('_', doc.annotator)}"
    number = 1
    while name in used:
        number += 1
        name = f"{base}-{number}"
    used.add(name)
    return f"{name}.xmi"


def _xmi(
    doc: AnnotatedDocument,
    builder: LayerBuilder,
    tokens_of: Callable[[str], list[Token]],
    report: Report,
) -> bytes | None:
    """The document as XMI, or None when XML cannot hold its text (reported)."""
    text = doc.text
    ts = builder.ts
    _declare_needed(doc, builder)
    cas = Cas(typesystem=ts)
    cas.sofa_string = text
    cas.sofa_mime = "text"
    cas.add(
        ts.get_type(METADATA_TYPE)(
            begin=0,
            end=len(text),
            language=doc.document.language or "x-unspecified",
            documentTitle=doc.document.title or doc.name,
            documentId=doc.name,
            documentUri=doc.document.source or None,
            isLastSegment=False,
        )
    )
    tokens = _tokens(text, doc.spans, tokens_of)
    sentence, token = ts.get_type(SENTENCE_TYPE), ts.get_type(TOKEN_TYPE)
    for start, end in _sentences(text, tokens):
        cas.add(sentence(begin=start, end=end))
    for start, end in tokens:
        cas.add(token(begin=start, end=end))
    features = [_span_features(span, builder, report) for span in doc.spans]
    annotations = [
        builder.span(begin=s.start, end=s.end, **f)
        for s, f in zip(doc.spans, features, strict=True)
    ]
    _add_events(doc, annotations, builder, report)
    for annotation in annotations:
        cas.add(annotation)
    for relation in doc.relations:
        dependent = annotations[relation.tail]
        cas.add(
            builder.relation_type()(
                begin=dependent.begin,
                end=dependent.end,
                Governor=annotations[relation.head],
                Dependent=dependent,
                label=relation.type,
            )
        )
    try:
        xml: str = cas.to_xmi(pretty_print=True)
    except ValueError:  # lxml refuses control characters and lone surrogates
        report.lose("documents with characters that XML 1.0 cannot hold")
        return None
    report.lose(
        "discontinuous fragments (a UIMA annotation is one stretch: written from the first "
        "fragment's start to the last one's end)",
        sum(1 for span in doc.spans if span.fragments),
    )
    return xml.encode("utf-8")


def _declare_needed(doc: AnnotatedDocument, builder: LayerBuilder) -> None:
    """Declare the features this document needs before any of its annotations is made (cassis
    builds an annotation's fields from its type's features at creation)."""
    if any(span.note for span in doc.spans):
        builder.optional(NOTE)
    if doc.events:
        builder.link_type()
    if any(event.type != doc.spans[event.trigger].label for event in doc.events):
        builder.optional(EVENT)
    if doc.relations:
        builder.relation_type()
    for span in doc.spans:
        for name, value in span.attributes.items():
            if value is not None:
                builder.attribute(name, value)


def _span_features(span: Span, builder: LayerBuilder, report: Report) -> dict[str, Any]:
    features: dict[str, Any] = {LABEL: span.label}
    if span.note:
        features[NOTE] = span.note
    for name, value in span.attributes.items():
        if value is None:
            continue
        written = builder.attribute(name, value)
        if isinstance(written, str):
            report.lose(written)
        else:
            features[written[0]] = written[1]
    return features


def _add_events(
    doc: AnnotatedDocument, annotations: list[Any], builder: LayerBuilder, report: Report
) -> None:
    """Give each event's trigger its ``arguments`` slot feature (and ``event`` type when it is
    not the trigger's label)."""
    done: set[int] = set()
    for event in doc.events:
        if event.trigger in done:
            report.lose("events on a trigger that already has one (one slot feature per span)")
            continue
        done.add(event.trigger)
        link = builder.link_type()
        trigger = annotations[event.trigger]
        links = [link(role=role, target=annotations[i]) for role, i in event.roles]
        setattr(trigger, ARGUMENTS, builder.ts.get_type(FS_ARRAY)(elements=links))
        if event.type != doc.spans[event.trigger].label:
            setattr(trigger, EVENT, event.type)


def _tokens(
    text: str, spans: Sequence[Span], tokens_of: Callable[[str], list[Token]]
) -> list[tuple[int, int]]:
    """The tokenizer's tokens, cut where a span starts or ends inside one."""
    cuts = sorted({offset for span in spans for offset in (span.start, span.end)})
    pieces = []
    for tok in tokens_of(text):
        start = tok.start
        for cut in cuts[bisect_right(cuts, tok.start) : bisect_left(cuts, tok.end)]:
            pieces.append((start, cut))
            start = cut
        pieces.append((start, tok.end))
    return pieces


def _sentences(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences over the tokens: one ends after . ! ? (and the like) and at a line break."""
    sentences = []
    start: int | None = None
    previous = 0
    for a, b in tokens:
        if start is not None and "\n" in text[previous:a]:
            sentences.append((start, previous))
            start = None
        if start is None:
            start = a
        previous = b
        if text[a:b] in _SENTENCE_END:
            sentences.append((start, b))
            start = None
    if start is not None:
        sentences.append((start, previous))
    return sentences


FORMAT = Format(
    name="xmi",
    title="UIMA CAS XMI (INCEpTION)",
    suffix=".zip",
    write=write,
    read=read,
    carries=frozenset(
        {"overlaps", "relations", "events", "attributes", "notes", "title", "language", "source"}
    ),
    schema_reader=schema_reader,
    schema_writer=schema_writer,
)

"""spaCy DocBin (``.spacy``): one Doc per document, every span in ``doc.spans["sc"]`` (overlaps
allowed) and the non-overlapping ones also in ``doc.ents``.

Tokens are ours (``options.tokenize`` or :mod:`annotator.tokenizer`), so a span that does not
fall on token boundaries is reported and left out, never widened. What spaCy has no place for
(the document's name and metadata, attributes, notes, fragments, relations, events) goes into
``doc.user_data[USER_DATA_KEY]``, which the reader takes back. The reader also takes spaCy v2
JSON training files (``.json``) through spaCy's own converter.

A DocBin is one compressed message, so the writer holds the DocBin's token arrays (about 32
bytes a token) until the end; it never holds the documents themselves. spaCy is an optional
library: importing this module fails without it, and the registry says what is missing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as SpacySpan
from spacy.training.converters.json_to_docs import json_to_docs
from spacy.vocab import Vocab

from annotator import tokenizer
from annotator.document import Document, Event, Relation, Span
from annotator.errors import InputError
from annotator.formats.flat import flatten
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
)
from annotator.tokenizer import Token

USER_DATA_KEY = "annotator"
"""The key of our record in ``doc.user_data``; other keys are left alone."""

RECORD_VERSION = 1
SPAN_GROUP = "sc"  # the group spaCy's span categorizer reads by default
ATTRS = ("ENT_IOB", "ENT_TYPE")  # ORTH and SPACY (the words and spaces) are always stored
TOKEN_LAYERS = ("TAG", "POS", "MORPH", "LEMMA", "DEP")
DOCUMENT_FIELDS = ("title", "source", "author", "published", "language")
V2_SHAPE = "expected a list of documents, each with a list of 'paragraphs'"


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write ``docs`` to ``out`` as one DocBin, reporting what spaCy cannot hold."""
    vocab = spacy.blank("xx").vocab
    tokenize = options.tokenize or (lambda text: list(tokenizer.tokenize(text)))
    docbin = DocBin(attrs=ATTRS, store_user_data=True)
    for doc in docs:
        docbin.add(_spacy_doc(doc, vocab, tokenize, options.policy, report))
        report.documents += 1
    docbin.to_disk(out)


def _spacy_doc(
    doc: AnnotatedDocument,
    vocab: Vocab,
    tokenize: Callable[[str], list[Token]],
    policy: str,
    report: Report,
) -> Doc:
    words, spaces = _words_and_spaces(doc.text, tokenize(doc.text))
    sdoc = Doc(vocab, words=words, spaces=spaces)
    group: list[SpacySpan] = []
    placed: dict[int, int] = {}  # index in doc.spans -> index in the span group
    for i, span in enumerate(doc.spans):
        spacy_span = sdoc.char_span(span.start, span.end, label=span.label)
        if spacy_span is None:
            report.lose("spans not on token boundaries (left out)")
            continue
        if span.fragments:
            report.lose("discontinuous spans (spaCy sees their whole extent; fragments kept)")
        placed[i] = len(group)
        group.append(spacy_span)
    sdoc.spans[SPAN_GROUP] = group
    kept, dropped = flatten([doc.spans[i] for i in placed], policy)
    sdoc.ents = [group[k] for k in kept]
    report.lose("overlapping spans (in doc.spans only, not in doc.ents)", len(dropped))
    sdoc.user_data[USER_DATA_KEY] = _record(doc, placed, report)
    report.spans += len(group)
    return sdoc


def _words_and_spaces(text: str, tokens: Iterable[Token]) -> tuple[list[str], list[bool]]:
    """Words and trailing spaces whose concatenation is ``text``: our tokens, and the text
    between them as a trailing space or as whitespace tokens, as spaCy's tokenizer makes them."""
    words: list[str] = []
    spaces: list[bool] = []

    def gap(between: str) -> None:
        if between.startswith(" ") and words:
            spaces[-1] = True
            between = between[1:]
        if between:
            words.append(between)
            spaces.append(False)

    at = 0
    for token in tokens:
        if token.start < at or token.end <= token.start:
            continue  # a token that overlaps the previous one or is empty
        gap(text[at : token.start])
        words.append(text[token.start : token.end])
        spaces.append(False)
        at = token.end
    gap(text[at:])
    return words, spaces


def _record(doc: AnnotatedDocument, placed: Mapping[int, int], report: Report) -> dict[str, Any]:
    """What spaCy has no place for, with relations and events by index in the span group."""
    document = doc.document
    metadata = dict(document.metadata)
    try:
        srsly.msgpack_dumps(metadata)
    except (TypeError, ValueError, OverflowError):
        report.lose("document metadata that msgpack cannot hold")
        metadata = {}
    spans = [
        [s.start, s.end, s.label, dict(s.attributes), s.note, [list(f) for f in s.fragments]]
        for i, s in enumerate(doc.spans)
        if i in placed
    ]
    relations = []
    for relation in doc.relations:
        if relation.head in placed and relation.tail in placed:
            relations.append([relation.type, placed[relation.head], placed[relation.tail]])
        else:
            report.lose("relations whose span was left out")
    events = []
    for event in doc.events:
        if event.trigger not in placed:
            report.lose("events whose trigger was left out")
            continue
        roles = [[role, placed[i]] for role, i in event.roles if i in placed]
        report.lose("event roles whose span was left out", len(event.roles) - len(roles))
        events.append([event.type, placed[event.trigger], roles])
    return {
        "version": RECORD_VERSION,
        "name": doc.name,
        **{name: getattr(document, name) for name in DOCUMENT_FIELDS},
        "metadata": metadata,
        "annotator": doc.annotator,
        "status": doc.status,
        "spans": spans,
        "relations": relations,
        "events": events,
    }


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """Read DocBins (``.spacy``) and spaCy v2 JSON training files (``.json``), files or
    folders, yielding one document per Doc."""
    for path in _files(paths, report):
        if path.stat().st_size > options.max_bytes:
            report.refuse(
                InputError(str(path), f"larger than the limit of {options.max_bytes} bytes")
            )
            continue
        if path.suffix.lower() == ".json":
            yield from _read_v2_json(path, report)
        else:
            yield from _read_docbin(path, options.max_bytes, report)


def _files(paths: Sequence[Path], report: Report) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in (".spacy", ".json")
            )
        elif path.is_file():
            yield path
        else:
            report.refuse(InputError(str(path), "no such file or folder"))


def _read_docbin(path: Path, limit: int, report: Report) -> Iterator[AnnotatedDocument]:
    data = path.read_bytes()
    try:
        if not _inflates_within(data, limit):
            report.refuse(
                InputError(str(path), f"decompresses to more than the limit of {limit} bytes")
            )
            return
        docbin = DocBin().from_bytes(data)
    except Exception as exc:  # spaCy raises what msgpack, zlib or numpy raise on bad data
        report.refuse(InputError(str(path), f"not a spaCy DocBin ({_reason(exc)})"))
        return
    yield from _converted(path, docbin.get_docs(Vocab()), "a spaCy DocBin", report)


def _inflates_within(data: bytes, limit: int) -> bool:
    """Whether zlib ``data`` inflates to at most ``limit`` bytes, without holding the result."""
    inflater = zlib.decompressobj()
    size = 0
    pending = data
    while pending and size <= limit:
        size += len(inflater.decompress(pending, 1 << 20))
        pending = inflater.unconsumed_tail
    return size <= limit


def _read_v2_json(path: Path, report: Report) -> Iterator[AnnotatedDocument]:
    """spaCy v2 JSON training data, through spaCy's converter: one Doc a paragraph, its text
    made of the paragraph's tokens (as spaCy trains on it)."""
    try:
        entries = srsly.json_loads(path.read_bytes())
    except ValueError as exc:
        report.refuse(InputError(str(path), f"not JSON ({_reason(exc)})"))
        return
    if not isinstance(entries, list):
        report.refuse(InputError(str(path), f"not spaCy v2 JSON training data ({V2_SHAPE})"))
        return
    valid = []
    for k, entry in enumerate(entries, 1):
        paragraphs = entry.get("paragraphs") if isinstance(entry, dict) else None
        if isinstance(paragraphs, list) and all(isinstance(p, dict) for p in paragraphs):
            valid.append(entry)
        else:
            report.refuse(InputError(str(path), f"document {k}: not spaCy v2 JSON ({V2_SHAPE})"))
    raws = [paragraph.get("raw") for entry in valid for paragraph in entry["paragraphs"]]
    sdocs: Iterator[Doc] = json_to_docs(valid)  # type: ignore[no-untyped-call]
    for n, doc in enumerate(_converted(path, sdocs, "spaCy v2 JSON", report)):
        if raws[n] is not None and raws[n] != doc.text:
            report.note(
                f"{path}: doc {n + 1}: the text of the tokens, imported, differs from the "
                "paragraph's raw text"
            )
        yield doc


def _converted(
    path: Path, sdocs: Iterator[Doc], kind: str, report: Report
) -> Iterator[AnnotatedDocument]:
    """Our documents from spaCy's; a Doc spaCy cannot rebuild ends the file with a refusal."""
    n = 0
    while True:
        n += 1
        try:
            sdoc = next(sdocs)
        except StopIteration:
            return
        except Exception as exc:  # spaCy's converters raise KeyError, ValueError, ...
            report.refuse(
                InputError(str(path), f"doc {n} and after not read as {kind} ({_reason(exc)})")
            )
            return
        yield _annotated(sdoc, _Where(str(path), f"{path.stem}-{n}", n), report)


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


@dataclass(frozen=True)
class _Where:
    """A Doc's place: the file, the name it gets when the file names none, its number."""

    file: str
    name: str
    n: int

    def error(self, reason: str) -> InputError:
        """A refusal for this Doc."""
        return InputError(self.file, f"doc {self.n}: {reason}")


def _annotated(sdoc: Doc, where: _Where, report: Report) -> AnnotatedDocument:
    """Our document from a Doc: the spans of our record (with what it adds), then every other
    span of every group and entity not yet there (same offsets and label)."""
    group = list(sdoc.spans[SPAN_GROUP]) if SPAN_GROUP in sdoc.spans else []
    record = sdoc.user_data.get(USER_DATA_KEY)
    ours = _from_record(record, sdoc.text, group, where, report) if record is not None else None
    doc = ours or AnnotatedDocument(Document(sdoc.text), where.name)
    spans = list(doc.spans)
    seen = {(s.start, s.end, s.label) for s in spans}
    others = [s for key, g in sdoc.spans.items() if not (ours and key == SPAN_GROUP) for s in g]
    for spacy_span in [*others, *sdoc.ents]:
        span = _plain_span(spacy_span, where, report)
        if span is not None and (span.start, span.end, span.label) not in seen:
            seen.add((span.start, span.end, span.label))
            spans.append(span)
    if any(sdoc.has_annotation(layer) for layer in TOKEN_LAYERS):
        report.lose("token annotations (tags, lemmas, morphology, dependencies) not imported")
    if sdoc.cats:
        report.lose("document categories (doc.cats) not imported")
    return replace(doc, spans=tuple(spans))


def _plain_span(spacy_span: SpacySpan, where: _Where, report: Report) -> Span | None:
    start, end, label = spacy_span.start_char, spacy_span.end_char, spacy_span.label_
    if not label:
        report.refuse(where.error(f"span {start}..{end} has no label"))
        return None
    if end <= start:
        report.refuse(where.error(f"span {start}..{end} is empty"))
        return None
    if spacy_span.kb_id_:
        report.lose("entity links (kb_id) not imported")
    return Span(start, end, label)


def _from_record(
    record: Any, text: str, group: list[SpacySpan], where: _Where, report: Report
) -> AnnotatedDocument | None:
    """The document our record describes, when it still matches the span group; else a
    refusal (the spans are then read as plain spaCy spans)."""
    try:
        if record["version"] != RECORD_VERSION:
            raise ValueError(f"version {record['version']} is not {RECORD_VERSION}")
        spans = tuple(_record_span(item, spacy_span) for item, spacy_span in _zip(record, group))
        relations = tuple(
            Relation(str(kind), _index(head, spans), _index(tail, spans))
            for kind, head, tail in record["relations"]
        )
        events = tuple(
            Event(
                str(kind),
                _index(trigger, spans),
                tuple((str(role), _index(i, spans)) for role, i in roles),
            )
            for kind, trigger, roles in record["events"]
        )
        fields = {name: record[name] for name in DOCUMENT_FIELDS}
        fields["title"] = fields["title"] or ""
        document = Document(text, metadata=dict(record["metadata"]), **fields)
        name = str(record["name"]) or where.name
        who, status = record["annotator"], record["status"]
        return AnnotatedDocument(
            document,
            name,
            spans,
            relations,
            events,
            who if isinstance(who, str) and who.strip() else None,
            status if isinstance(status, str) else None,
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        report.refuse(
            where.error(
                f"user_data['{USER_DATA_KEY}'] is not usable ({_reason(exc)}): attributes, "
                "notes, relations and events of this doc not imported"
            )
        )
        return None


def _zip(record: Any, group: list[SpacySpan]) -> Iterator[tuple[Any, SpacySpan]]:
    items = record["spans"]
    if len(items) != len(group):
        raise ValueError(
            f"it lists {len(items)} spans, doc.spans['{SPAN_GROUP}'] holds {len(group)}"
        )
    return zip(items, group, strict=True)


def _record_span(item: Any, spacy_span: SpacySpan) -> Span:
    start, end, label, attributes, note, fragments = item
    found = (spacy_span.start_char, spacy_span.end_char, spacy_span.label_)
    if found != (start, end, label):
        raise ValueError(
            f"it lists {start}..{end} {label!r} where doc.spans['{SPAN_GROUP}'] has "
            f"{found[0]}..{found[1]} {found[2]!r}"
        )
    pieces = tuple((int(a), int(b)) for a, b in fragments)
    return Span(start, end, str(label), dict(attributes), str(note), pieces)


def _index(value: Any, spans: Sequence[Span]) -> int:
    if not isinstance(value, int) or not 0 <= value < len(spans):
        raise ValueError(f"span index {value!r} outside 0..{len(spans) - 1}")
    return value


FORMAT = Format(
    name="spacy",
    title="spaCy DocBin",
    suffix=".spacy",
    write=write,
    read=read,
    carries=frozenset(
        {"overlaps", "relations", "events", "attributes", "notes", "discontinuous", "metadata"}
    ),
)

"""Exporting a corpus's annotations through a format, and importing annotations made elsewhere.

Export reads the store one document at a time (one annotator's set each, or every annotator's)
and streams :class:`AnnotatedDocument` values to the format's writer, split into train, dev and
test parts when asked. Import streams the format's documents in, applies the corpus text rule
(offsets moved with the text), finds or adds each document, checks labels and attributes
against the schema (extending it when asked), and stores each document's annotations in one
transaction; a refused annotation is reported and the rest kept.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

from annotator import document as dom
from annotator import formats
from annotator.document import AttributeValue
from annotator.errors import AnnotatorError, InputError
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
    normalized,
)
from annotator.formats.split import PART_NAMES, part_of
from annotator.formats.tokenizers import named_tokenizer
from annotator.offsets import normalize_text
from annotator.schema import (
    ANY,
    AttributeSpec,
    AttributeType,
    EventSpec,
    LabelSpec,
    RelationSpec,
    RoleSpec,
    Schema,
)
from annotator.schema_yaml import is_valid_name
from corpus import dedup
from corpus.annotation_bulk import Refusal, StoredSet
from corpus.export_output import write_parts, written_aside
from corpus.filters import DocumentFilter
from corpus.import_batch import ImportBatch
from corpus.links import Links
from corpus.store import Store

IMPORTED_ANNOTATOR = "imported"
"""Whose annotations an import stores when neither the user nor the file names anyone."""

BATCH_DOCUMENTS = 2000
BATCH_SECONDS = 1.0
"""An import commits every second or so many documents, whichever comes first."""
FINGERPRINT_BATCH = 500
"""Documents fingerprinted at a time, in a second process once an import proves large."""

PALETTE = ("#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78")
FIELDS = ("title", "source", "author", "published", "language")
"""The document fields a format may carry one by one (``Format.carries``); "metadata" there
means all of them and the metadata."""
_NAMED = re.compile(r"(?:(?:train|dev|test)[-_])?\d+\.(?P<who>[^.]*[^.\d][^.]*)")


class Cancelled(AnnotatorError):
    """The user stopped the export or import; what was done so far stays."""


T = TypeVar("T")

Progress = Callable[[int], None]
"""Told how many documents are done so far."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export: the format, where to, which documents and whose annotations, how
    (``tokenizer``: see :func:`annotator.formats.tokenizers.named_tokenizer`)."""

    format: str
    out: Path
    filter: DocumentFilter | None = None
    annotator: str | None = None  # None: every annotator's set (and unannotated documents)
    options: ExportOptions = field(default_factory=ExportOptions)
    split: tuple[int, ...] | None = None
    seed: int = 0
    tokenizer: str = "builtin"


def _format(name: str, needs: str) -> Format:
    fmt = formats.get(name)
    if (needs == "write" and fmt.write is None) or (needs == "read" and fmt.read is None):
        raise AnnotatorError(
            f"the {name} format cannot be {'written' if needs == 'write' else 'read'}"
        )
    return fmt


def name_part(annotator: str) -> str:
    """``annotator`` as the part of a document's name after its id: letters, digits, ``_``
    and ``-`` as they are, anything else (a dot, a space) as %XX, so the name reads back."""
    return "".join(
        c if c.isalnum() or c in "_-" else "".join(f"%{b:02X}" for b in c.encode())
        for c in annotator
    )


def annotator_in_name(name: str) -> str | None:
    """The annotator a name such as an export of everyone's sets gives a document
    (``<id>.<annotator>``, also below a split's part folder); None for other names."""
    found = _NAMED.fullmatch(name)
    return unquote(found.group("who")) if found else None


def annotated_documents(
    store: Store, flt: DocumentFilter | None = None, annotator: str | None = None
) -> Iterator[AnnotatedDocument]:
    """The corpus's documents with their annotations, streamed in id order: ``annotator``'s
    set of each, named by the document's id, or every annotator's set, named
    ``<id>.<annotator>`` (see :func:`annotator_in_name`; a document nobody annotated comes
    once, bare). Documents and their sets are read a chunk at a time, in a few queries per
    chunk."""
    for doc, sets in store.documents_with_sets(flt, annotator):
        doc_id = doc.id
        assert doc_id is not None
        if annotator is not None:
            found = sets[0] if sets else StoredSet(annotator, dom.Status.NEW, [], Links())
            yield _annotated(doc, doc_id, found, named=False)
        elif not sets:
            yield AnnotatedDocument(doc, str(doc_id))
        else:
            for stored in sets:
                yield _annotated(doc, doc_id, stored, named=True)


def _annotated(doc: dom.Document, doc_id: int, stored: StoredSet, named: bool) -> AnnotatedDocument:
    label = f"{doc_id}.{name_part(stored.annotator)}" if named else str(doc_id)
    index = {span_id: i for i, (span_id, _) in enumerate(stored.spans)}
    links = stored.links
    relations = tuple(
        dom.Relation(r.type, index[r.head], index[r.tail])
        for r in links.relations
        if r.head in index and r.tail in index
    )
    roles: dict[int, list[tuple[str, int]]] = {}
    for role in links.roles:
        if role.span in index:
            roles.setdefault(role.event, []).append((role.role, index[role.span]))
    events = tuple(
        dom.Event(e.type, index[e.trigger], tuple(roles.get(e.id, ())))
        for e in links.events
        if e.trigger in index
    )
    return AnnotatedDocument(
        doc,
        label,
        tuple(span for _, span in stored.spans),
        relations,
        events,
        stored.annotator,
        stored.status,
    )


def _watched(
    docs: Iterator[T],
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    count: list[int],
) -> Iterator[T]:
    for doc in docs:
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled")
        yield doc
        count[0] += 1
        if progress is not None:
            progress(count[0])


def export_corpus(
    store: Store,
    request: ExportRequest,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Report:
    """Write the documents ``request`` selects through its format; returns the report.

    What is written goes aside first and takes the place of ``request.out`` only when
    complete (:func:`corpus.export_output.written_aside`): a cancel or an error leaves the
    earlier export as it was. A split reads each document once, writing it to its part."""
    fmt = _format(request.format, "write")
    write = fmt.write
    assert write is not None
    flt = request.filter
    if flt is not None and flt.status is not None and request.annotator is None:
        raise AnnotatorError("a status filter needs --annotator (whose status it is)")
    if request.annotator is not None and request.annotator not in store.annotators():
        raise AnnotatorError(f"no annotator called '{request.annotator}' in the corpus")
    options = request.options
    if request.tokenizer != "builtin":
        options = replace(options, tokenize=named_tokenizer(request.tokenizer))
    if options.schema is None and store.has_schema():
        options = replace(options, schema=store.schema())
    report = Report()
    count = [0]
    docs = annotated_documents(store, request.filter, request.annotator)
    docs = _watched(_noting_fields(docs, fmt, report), progress, cancelled, count)
    what = f"the {fmt.name} format"
    try:
        if request.split is None:
            with written_aside(request.out, fmt.directory, what) as out:
                write(docs, out, options, report)
            return report
        ratios, seed = request.split, request.seed
        suffix = "" if fmt.directory else fmt.suffix  # a folder format writes a folder a part
        with written_aside(request.out, True, "a split") as folder:
            folder.mkdir()
            write_parts(
                lambda part, out, part_report: write(part, out, options, part_report),
                docs,
                {name: folder / f"{name}{suffix}" for name in PART_NAMES[: len(ratios)]},
                lambda doc: part_of(str(doc.document.id), seed, ratios),
                report,
            )
    except Cancelled:
        report.note(f"cancelled after {count[0]} document(s)")
    return report


def _noting_fields(
    docs: Iterator[AnnotatedDocument], fmt: Format, report: Report
) -> Iterator[AnnotatedDocument]:
    """``docs``, counting those with document fields (or metadata) ``fmt`` has no place for:
    ``fmt.carries`` names the fields it keeps, or "metadata" for all of them."""
    if "metadata" in fmt.carries:
        yield from docs
        return
    lacking = [name for name in (*FIELDS, "metadata") if name not in fmt.carries]
    if len(lacking) > len(FIELDS):
        what = f"document fields and metadata ({fmt.name} keeps the text only)"
    else:
        what = f"document fields {fmt.name} has no place for ({', '.join(lacking)})"
    for doc in docs:
        d = doc.document
        given = {
            "title": d.title if d.title != doc.name else "",  # a file name may carry the name
            "source": d.source,
            "author": d.author,
            "published": d.published,
            "language": d.language,
            "metadata": d.metadata,
        }
        if any(given[name] for name in lacking):
            report.lose(what)
        yield doc


def import_annotations(
    store: Store,
    format_name: str,
    paths: Sequence[Path],
    annotator: str | None = None,
    extend_schema: bool = False,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Report:
    """Read annotations in ``format_name`` from ``paths`` into the corpus; returns the report.

    Documents are matched by their text (an identical text is the same document); each
    document's annotations are stored in one transaction, as ``annotator`` (else as the file
    says, else as the document's name says: :func:`annotator_in_name`, else "imported").
    Labels, attributes, relation and event types the schema lacks are reported and left out,
    or added to the schema with ``extend_schema``.
    """
    fmt = _format(format_name, "read")
    assert fmt.read is not None
    report = Report()
    importer = _Importer(store, report, extend_schema, fmt)
    count = [0]
    readable = []
    for path in paths:  # a named pipe or a device would be read forever
        if path.exists() and not (path.is_file() or path.is_dir()):
            report.refuse(InputError(str(path), "not a regular file or folder"))
        else:
            readable.append(path)
    docs = _with_fingerprints(fmt.read(readable, options or ImportOptions(), report))
    try:
        while importer.add_batch(_watched(docs, progress, cancelled, count), annotator):
            pass
    except Cancelled:
        report.note(f"cancelled after {count[0]} document(s)")
    finally:
        docs.close()  # ends the fingerprinting process now
    return report


def _with_fingerprints(
    docs: Iterator[AnnotatedDocument],
) -> Generator[tuple[AnnotatedDocument, dedup.Fingerprint | None], None, None]:
    """Each document with the fingerprint of its text under the corpus text rule (None for a
    document read without its text: it is not added, only annotated).

    A fingerprint costs about a fifth of storing a document (a batch is fingerprinted at
    once). Once an import proves large (a first full batch, fingerprinted here), a second
    process fingerprints each next batch while this one stores the one before, as the article
    import does. Until that process has started (about a second), or should it fail, a batch
    it has not finished is fingerprinted here.
    """
    pool: ProcessPoolExecutor | None = None
    pending: tuple[list[AnnotatedDocument], Future[list[dedup.Fingerprint | None]] | None] = (
        [],
        None,
    )
    started = False  # whether the process has delivered a batch: from then on, wait for it
    tried = False

    def texts(batch: list[AnnotatedDocument]) -> list[str]:
        return [normalize_text(d.document.text) for d in batch if d.document.text]

    def finish(
        batch: list[AnnotatedDocument], job: Future[list[dedup.Fingerprint | None]] | None
    ) -> Iterator[tuple[AnnotatedDocument, dedup.Fingerprint | None]]:
        nonlocal started
        prints = None
        if job is not None and (started or job.done()):
            try:
                prints = job.result()
                started = True
            except Exception:  # the process failed: fingerprint here instead
                pass
        if prints is None:
            prints = dedup.fingerprints(texts(batch))
        given = iter(prints)
        return ((d, next(given) if d.document.text else None) for d in batch)

    try:
        while True:
            batch: list[AnnotatedDocument] = []
            failure: Exception | None = None
            try:
                for doc in docs:
                    batch.append(doc)
                    if len(batch) == FINGERPRINT_BATCH:
                        break
            except Exception as exc:  # the reader's: raised once the documents before it are in
                failure = exc
            job = None
            if pool is not None and batch:
                try:
                    job = pool.submit(dedup.fingerprints, texts(batch))
                except (BrokenProcessPool, RuntimeError):
                    job = None
            yield from finish(*pending)
            pending = (batch, job)
            if pool is None and len(batch) == FINGERPRINT_BATCH and not tried:
                tried = True
                pool = _fingerprint_process()
            if failure is not None:
                yield from finish(*pending)
                raise failure
            if len(batch) < FINGERPRINT_BATCH:
                yield from finish(*pending)
                return
    finally:
        if pool is not None:  # its process ends once it has finished what it is doing
            pool.shutdown(wait=False, cancel_futures=True)


def _fingerprint_process() -> ProcessPoolExecutor | None:
    """A process that fingerprints texts, already importing what it needs; None when no
    process can be started."""
    try:
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        pool.submit(dedup.fingerprints, ["a first text for the process to import what it needs"])
    except (OSError, RuntimeError):
        return None
    return pool


class _Importer:
    """Stores imported documents, each atomic on its own, checking them against a schema it
    may grow.

    A new document without relations or events (most of them) is taken into an
    :class:`ImportBatch`, written with the others at the end of the batch; any other (a text
    the corpus has, one with links, one given by id without its text) is stored alone, once
    the documents taken before it are written.
    """

    def __init__(self, store: Store, report: Report, extend: bool, fmt: Format) -> None:
        self.store = store
        self.format = fmt
        self.report = report
        self.extend = extend
        self.schema = store.schema() if store.has_schema() else Schema("imported", ())
        self.batch: ImportBatch | None = None

    def add_batch(
        self,
        docs: Iterator[tuple[AnnotatedDocument, dedup.Fingerprint | None]],
        annotator: str | None,
    ) -> bool:
        """Store documents from ``docs`` in one transaction (a bulk one, whose search index is
        updated at its end), for up to a second or :data:`BATCH_DOCUMENTS`; false once ``docs``
        is used up. Each document stays atomic on its own. Should reading or storing stop with
        an exception (a cancel, say), what the batch did is committed first, as it would have
        been had each document been committed alone."""
        stopped: BaseException | None = None
        more = False
        with self.store.bulk():
            self.batch = ImportBatch(self.store)
            deadline = time.monotonic() + BATCH_SECONDS
            try:
                for done, (doc, fingerprint) in enumerate(docs, 1):
                    self.add(doc, annotator, fingerprint)
                    if done >= BATCH_DOCUMENTS or time.monotonic() >= deadline:
                        more = True
                        break
            except BaseException as exc:  # raised again once committed
                stopped = exc
            try:
                self.batch.write()  # the documents taken, even when stopped
            except BaseException as exc:  # a failure to store them outranks a cancel
                stopped = exc
            finally:
                self.batch = None
        if stopped is not None:
            raise stopped
        return more

    def add(
        self,
        doc: AnnotatedDocument,
        annotator: str | None,
        fingerprint: dedup.Fingerprint | None = None,
    ) -> None:
        where = doc.document.source or doc.name
        who = annotator or doc.annotator or annotator_in_name(doc.name) or IMPORTED_ANNOTATOR
        assert self.batch is not None, "documents are added by add_batch"
        try:
            if doc.document.text:
                doc = normalized(doc)
                if self.extend:
                    self._extend_schema(doc)
                document = doc.document
                if document.id is not None:
                    document = replace(document, id=None)
                digest = None if doc.relations or doc.events else self.batch.digest(document)
                if digest is not None:
                    kept, _ = self._allowed(doc)
                    refused = self._refuser(kept, where)
                    self.batch.take(
                        document, digest, fingerprint, who, kept, refused, self._written
                    )
                    return
                self.batch.write()  # those taken before it, first
                doc_id = self.store.add_document(document, fingerprint=fingerprint).id
            else:
                self.batch.write()
                doc, doc_id = self._attached(doc)
                if self.extend:
                    self._extend_schema(doc)
        except ValueError as exc:
            self.report.refuse(InputError(where, f"offsets do not fit the text: {exc}"))
            return
        except AnnotatorError as exc:
            self.report.refuse(InputError(where, str(exc)))
            return
        # One transaction for the document's annotations (merge_spans has its own, enough
        # when there are no links: a savepoint less per document).
        with self.store.db.atomic() if doc.relations or doc.events else nullcontext():
            ids = self._spans(doc, doc_id, who, where)
            self._links(doc, doc_id, who, ids, where)
        self.report.documents += 1

    def _attached(self, doc: AnnotatedDocument) -> tuple[AnnotatedDocument, int]:
        """A document read without its text, on the text the corpus has for it."""
        doc_id = doc.document.id
        if doc_id is None:
            raise AnnotatorError(f"no document called '{doc.name}' in the corpus")
        text = self.store.document(doc_id).text  # a clear error if it is not there
        if self.format.attach is not None:
            return self.format.attach(doc, text, self.report), doc_id
        return replace(doc, document=replace(doc.document, text=text)), doc_id

    def _written(self, spans: int) -> None:
        """Count a document of the batch, stored with ``spans`` new spans."""
        self.report.documents += 1
        self.report.spans += spans

    def _spans(self, doc: AnnotatedDocument, doc_id: int, who: str, where: str) -> dict[int, int]:
        """Store the spans the schema allows (those there already once); the store id of each
        stored span by its index."""
        kept, positions = self._allowed(doc)
        merged = self.store.merge_spans(doc_id, who, kept, self._refuser(kept, where))
        self.report.spans += merged.added
        return {positions[k]: i for k, i in enumerate(merged.ids) if i is not None}

    def _allowed(self, doc: AnnotatedDocument) -> tuple[list[dom.Span], list[int]]:
        """The spans of ``doc`` with the labels and attributes the schema has (the rest
        reported), and the index of each in ``doc.spans``."""
        labels = {label.name: label for label in self.schema.labels}
        kept: list[dom.Span] = []
        positions: list[int] = []
        for i, span in enumerate(doc.spans):
            label = labels.get(span.label)
            if label is None:
                self.report.lose(f"spans labelled '{span.label}' (not in the schema)")
                continue
            if span.attributes:
                allowed = {}
                for key, given in span.attributes.items():
                    attribute = label.attribute(key)
                    value = _typed(given, attribute.type) if attribute is not None else given
                    if attribute is None:
                        self.report.lose(f"attribute '{key}' of {span.label} (not in the schema)")
                    elif (problem := attribute.check(value)) is not None:
                        self.report.lose(f"attribute values the schema refuses ({problem})")
                    else:
                        allowed[key] = value
                if allowed != dict(span.attributes):
                    span = replace(span, attributes=allowed)
            kept.append(span)
            positions.append(i)
        return kept, positions

    def _refuser(self, kept: list[dom.Span], where: str) -> Callable[[Refusal], None]:
        """Reports a refusal of one of ``kept``."""

        def refused(refusal: Refusal) -> None:
            span = kept[refusal.position]
            self.report.refuse(
                InputError(where, f"span {span.start}..{span.end}: {refusal.reason}")
            )

        return refused

    def _links(
        self, doc: AnnotatedDocument, doc_id: int, who: str, ids: dict[int, int], where: str
    ) -> None:
        """Store the relations and events between imported spans (those there already once)."""
        relations: list[dom.Relation] = []
        for relation in doc.relations:
            if relation.head not in ids or relation.tail not in ids:
                self.report.lose("relations whose spans were not imported")
                continue
            relations.append(dom.Relation(relation.type, ids[relation.head], ids[relation.tail]))
        events: list[dom.Event] = []
        for event in doc.events:
            if event.trigger not in ids:
                self.report.lose("events whose trigger was not imported")
                continue
            kept = tuple((role, ids[i]) for role, i in event.roles if i in ids)
            self.report.lose(
                "event roles whose spans were not imported", len(event.roles) - len(kept)
            )
            events.append(dom.Event(event.type, ids[event.trigger], kept))

        def refused(refusal: Refusal) -> None:
            kind = (relations if refusal.kind == "relation" else events)[refusal.position].type
            self.report.refuse(InputError(where, f"{refusal.kind} {kind}: {refusal.reason}"))

        self.store.merge_links(doc_id, who, relations, events, refused, partial=True)

    def _extend_schema(self, doc: AnnotatedDocument) -> None:
        """Add to the schema the labels, attributes, relation and event types ``doc`` uses;
        a name a schema cannot hold is reported and left out."""
        schema = self.schema
        labels = {label.name: label for label in schema.labels}
        for span in doc.spans:
            if not self._fits(span.label, "label"):
                continue
            label = labels.get(span.label) or LabelSpec(
                span.label, PALETTE[len(labels) % len(PALETTE)]
            )
            missing = [
                AttributeSpec(key, _attribute_type(value))
                for key, value in span.attributes.items()
                if label.attribute(key) is None and self._fits(key, "attribute")
            ]
            if missing or span.label not in labels:
                labels[span.label] = replace(label, attributes=(*label.attributes, *missing))
        relations = {r.name: r for r in schema.relations}
        for relation in doc.relations:
            if self._fits(relation.type, "relation type"):
                relations.setdefault(relation.type, RelationSpec(relation.type, (ANY,), (ANY,)))
        events = {e.name: e for e in schema.events}
        for event in doc.events:
            trigger = doc.spans[event.trigger].label if event.trigger < len(doc.spans) else ANY
            if not self._fits(event.type, "event type") or trigger not in labels:
                continue
            spec = events.get(event.type) or EventSpec(event.type, trigger)
            names = {role for role, _ in event.roles if self._fits(role, "role")}
            new_roles = names - {r.name for r in spec.roles}
            if new_roles or event.type not in events:
                extra = tuple(RoleSpec(role, (ANY,)) for role in sorted(new_roles))
                events[event.type] = replace(spec, roles=(*spec.roles, *extra))
        grown = replace(
            schema,
            labels=tuple(labels.values()),
            relations=tuple(relations.values()),
            events=tuple(events.values()),
        )
        if grown == schema:
            return
        try:
            self.store.set_schema(replace(grown, version=schema.version + 1))
        except AnnotatorError as exc:
            self.report.refuse(InputError(doc.name, f"the schema cannot take these names: {exc}"))
            return
        self.schema = self.store.schema()
        if self.batch is not None:
            self.batch.schema_changed()
        added = len(grown.labels) - len(schema.labels)
        self.report.note(
            f"schema extended: {added} label(s) added, now version {self.schema.version}"
        )

    def _fits(self, name: str, what: str) -> bool:
        """Whether a schema can hold ``name``; reported when it cannot."""
        if is_valid_name(name):
            return True
        self.report.lose(
            f"{what}s the schema cannot name (a name starts with a letter and holds letters, "
            "digits, '_' or '-')"
        )
        return False


def _typed(value: AttributeValue, kind: AttributeType) -> AttributeValue:
    """``value`` as the schema's type when a text-only format wrote it as text ("8" for an
    integer, "true" for a yes/no) and it reads back exactly; otherwise as given."""
    if not isinstance(value, str):
        return value
    try:
        if kind is AttributeType.INTEGER and str(int(value)) == value:
            return int(value)
        if kind is AttributeType.FLOAT and repr(float(value)) == value:
            return float(value)
    except ValueError:
        return value
    if kind is AttributeType.BOOLEAN and value in ("true", "false", "True", "False"):
        return value.lower() == "true"
    return value


def _attribute_type(value: object) -> AttributeType:
    if isinstance(value, bool):
        return AttributeType.BOOLEAN
    if isinstance(value, int):
        return AttributeType.INTEGER
    if isinstance(value, float):
        return AttributeType.FLOAT
    return AttributeType.TEXT

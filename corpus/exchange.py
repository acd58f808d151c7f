"""Exporting a corpus's annotations through a format, and importing annotations made elsewhere.

Export reads the store one document at a time (one annotator's set each, or every annotator's)
and streams :class:`AnnotatedDocument` values to the format's writer, split into train, dev and
test parts when asked. Import streams the format's documents in, applies the corpus text rule
(offsets moved with the text), finds or adds each document, checks labels and attributes
against the schema (extending it when asked), and stores each document's annotations in one
transaction; a refused annotation is reported and the rest kept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from annotator import document as dom
from annotator import formats
from annotator.errors import AnnotatorError, InputError
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
)
from annotator.formats.split import PART_NAMES, part_of
from annotator.formats.tokenizers import named_tokenizer
from annotator.offsets import normalize_text
from corpus import dedup
from corpus.annotation_bulk import StoredSet
from corpus.annotation_importer import AnnotationImporter
from corpus.export_output import write_parts, written_aside
from corpus.filters import DocumentFilter
from corpus.fingerprint_worker import FingerprintJob, FingerprintWorker
from corpus.links import Links
from corpus.store import Store

FINGERPRINT_BATCH = 500
READ_AHEAD = 8
"""Batches read ahead at most while their fingerprints are being made (the process takes
about a second to start)."""
"""Documents fingerprinted at a time, in a second process once an import proves large."""

FIELDS = ("title", "source", "author", "published", "language")
"""The document fields a format may carry one by one (``Format.carries``); "metadata" there
means all of them and the metadata."""


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


def annotated_documents(
    store: Store, flt: DocumentFilter | None = None, annotator: str | None = None
) -> Iterator[AnnotatedDocument]:
    """The corpus's documents with their annotations, streamed in id order: ``annotator``'s
    set of each, named by the document's id, or every annotator's set, named
    ``<id>.<annotator>`` (see :func:`corpus.annotation_importer.annotator_in_name`; a document nobody annotated comes
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
    says, else as the document's name says: :func:`corpus.annotation_importer.annotator_in_name`, else "imported").
    Labels, attributes, relation and event types the schema lacks are reported and left out,
    or added to the schema with ``extend_schema``.
    """
    fmt = _format(format_name, "read")
    assert fmt.read is not None
    report = Report()
    importer = AnnotationImporter(store, report, extend_schema, fmt)
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
        docs.close()  # ends the fingerprinting process
    return report


def _with_fingerprints(
    docs: Iterator[AnnotatedDocument],
) -> Generator[tuple[AnnotatedDocument, dedup.Fingerprint | None], None, None]:
    """Each document with the fingerprint of its text under the corpus text rule (None for a
    document read without its text: it is not added, only annotated).

    A fingerprint costs about a fifth of storing a document (a batch is fingerprinted at
    once). Once an import proves large (a first full batch), a second process fingerprints each
    batch while this one stores the one before, as the article import does
    (:class:`FingerprintWorker`); while the process is busy (or still starting), this one
    reads on, up to :data:`READ_AHEAD` batches.
    """
    worker = FingerprintWorker()

    def texts(batch: list[AnnotatedDocument]) -> list[str]:
        return [normalize_text(d.document.text) for d in batch if d.document.text]

    def finish(
        batch: list[AnnotatedDocument], prints: FingerprintJob
    ) -> Iterator[tuple[AnnotatedDocument, dedup.Fingerprint | None]]:
        given = iter(prints())
        return ((d, next(given) if d.document.text else None) for d in batch)

    pending: deque[tuple[list[AnnotatedDocument], FingerprintJob]] = deque()
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
            if len(batch) == FINGERPRINT_BATCH:
                worker.start()
            pending.append((batch, worker.submit(texts(batch))))
            if failure is not None or len(batch) < FINGERPRINT_BATCH:
                while pending:
                    yield from finish(*pending.popleft())
                if failure is not None:
                    raise failure
                return
            # While the process works on (or, at first, starts for) the oldest batch, read on.
            while len(pending) > 1 and (pending[0][1].ready() or len(pending) > READ_AHEAD):
                yield from finish(*pending.popleft())
    finally:
        worker.close()

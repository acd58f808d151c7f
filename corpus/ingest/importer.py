"""Importing articles: walk files and folders (streamed), read each by its type, and add every
article atomically, so one bad file or record never costs the others.

Articles are read ahead in small batches and written in one transaction per batch: every check
(storable, exact and near duplicates) is made before anything is written, and the new articles
go in together (:class:`corpus.import_batch.ImportBatch`), so a refused article leaves nothing
and the others are stored whole. An article is reported only once its batch is committed, so
whatever the report counts is on disk; a crash loses at most the batch in flight, never part of
an article. A cancel (the ``cancelled`` callable answering true) stops the import the same way,
between batches: what was reported stays, nothing after it is written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from annotator.document import Document
from annotator.errors import AnnotatorError, InputError, printable
from annotator.offsets import normalize_text
from corpus.dedup import Fingerprint, fingerprints
from corpus.fingerprint_worker import FingerprintJob, FingerprintWorker
from corpus.import_batch import ImportBatch, Written
from corpus.ingest.decode import decode
from corpus.ingest.html import article_from_html
from corpus.ingest.office import article_from_docx, article_from_pdf
from corpus.ingest.plaintext import article_from_text
from corpus.ingest.records import Record, read_csv, read_json, read_jsonl
from corpus.store import Store

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
RECORD_TYPES = {".jsonl", ".ndjson", ".json", ".csv"}
SINGLE_TYPES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
SUPPORTED = sorted(RECORD_TYPES | SINGLE_TYPES)
DETAIL_LIMIT = 10_000  # reasons kept per list; beyond it only counts grow
BATCH_ARTICLES = 2000
BATCH_CHARS = 8_000_000
BATCH_SECONDS = 1.0

Batch = list[tuple[str, Document | InputError]]


@dataclass(frozen=True)
class IngestOptions:
    """How to import: the size limit per file (or per record) and a field mapping for records."""

    max_bytes: int = DEFAULT_MAX_BYTES
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportEvent:
    """One article's outcome: ``imported``, ``duplicate``, ``near_duplicate``, ``failed`` or ``skipped``."""

    outcome: str
    where: str
    message: str = ""
    document_id: int | None = None


@dataclass
class ImportReport:
    """The summary of an import: counts, and the reasons behind duplicates and failures."""

    imported: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failed: int = 0
    skipped: int = 0
    document_ids: list[int] = field(default_factory=list)
    duplicate_details: list[str] = field(default_factory=list)
    near_duplicate_details: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def note(self, event: ImportEvent) -> None:
        """Count one event and keep its reason."""
        if event.outcome in ("imported", "near_duplicate"):
            self.imported += 1
            if event.document_id is not None and len(self.document_ids) < DETAIL_LIMIT:
                self.document_ids.append(event.document_id)
        details = {
            "duplicate": self.duplicate_details,
            "near_duplicate": self.near_duplicate_details,
            "failed": self.failures,
        }.get(event.outcome)
        if event.outcome == "duplicate":
            self.duplicates += 1
        elif event.outcome == "near_duplicate":
            self.near_duplicates += 1
        elif event.outcome == "failed":
            self.failed += 1
        elif event.outcome == "skipped":
            self.skipped += 1
        if details is not None and len(details) < DETAIL_LIMIT:
            details.append(f"{event.where}: {event.message}")


def iter_files(paths: Sequence[str | Path]) -> Iterator[Path | InputError]:
    """Every importable file under ``paths``, in a stable order, without listing whole trees."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED:
                        yield Path(folder) / name
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED:
                yield path
            else:
                kind = path.suffix or "without an extension"
                yield InputError(
                    str(path), f"unsupported file type {kind} (supported: {', '.join(SUPPORTED)})"
                )
        elif path.exists():
            yield InputError(str(path), "not a regular file or folder")
        else:
            yield InputError(str(path), "no such file or folder")


def read_articles(path: Path, options: IngestOptions) -> Iterator[Record]:
    """The articles in one file, each with its line (1 for single-article files) or an error."""
    suffix = path.suffix.lower()
    file = str(path)
    size = path.stat().st_size
    if size == 0:
        raise InputError(file, "empty file")
    if suffix in RECORD_TYPES - {".json"}:
        reader = read_csv if suffix == ".csv" else read_jsonl
        yield from reader(path, options.fields, options.max_bytes)
        return
    if size > options.max_bytes:
        raise InputError(file, f"file of {size:,} bytes is over the limit of {options.max_bytes:,}")
    if suffix == ".json":
        yield from read_json(path, options.fields, options.max_bytes)
    elif suffix == ".pdf":
        yield 1, article_from_pdf(path)
    elif suffix == ".docx":
        yield 1, article_from_docx(path)
    elif suffix in (".html", ".htm"):
        yield 1, article_from_html(path.read_bytes(), file)
    else:
        text = normalize_text(decode(path.read_bytes(), file))
        if not text.strip():
            raise InputError(file, "empty file (only white space)")
        yield 1, article_from_text(text, file, markdown=suffix in (".md", ".markdown"))


def _read_all(
    paths: Sequence[str | Path], options: IngestOptions
) -> Iterator[tuple[str, Document | InputError]]:
    """Every article (or refusal) under ``paths`` with where it came from, streamed."""
    for item in iter_files(paths):
        if isinstance(item, InputError):
            yield item.file, item
            continue
        try:
            for line, article in read_articles(item, options):
                where = f"{item}:{line}" if item.suffix.lower() in RECORD_TYPES else str(item)
                where = printable(where)
                yield where, article
        except InputError as exc:
            yield _where(exc), exc
        except OSError as exc:
            yield str(item), InputError(str(item), f"cannot read: {exc.strerror or exc}")


def _never() -> bool:
    return False


def _batches(
    items: Iterator[tuple[str, Document | InputError]], cancelled: Callable[[], bool] = _never
) -> Iterator[Batch]:
    """``items`` in groups bounded by count, characters and reading time; once ``cancelled``
    answers true, reading stops and the batch being read is dropped."""
    batch: Batch = []
    chars, started = 0, time.monotonic()
    while not cancelled():
        item = next(items, None)
        if item is None:
            break
        batch.append(item)
        if isinstance(item[1], Document):
            chars += len(item[1].text)
        if (
            len(batch) >= BATCH_ARTICLES
            or chars >= BATCH_CHARS
            or time.monotonic() - started >= BATCH_SECONDS
        ):
            yield batch
            batch, chars, started = [], 0, time.monotonic()
    if batch and not cancelled():
        yield batch


def _with_fingerprints(
    batches: Iterator[Batch],
) -> Generator[tuple[Batch, list[Fingerprint | None]], None, None]:
    """Each batch with its documents' fingerprints. Once an import proves large (a full first
    batch), a second process fingerprints the next batch while this one writes the current
    (:class:`FingerprintWorker`)."""
    worker = FingerprintWorker()
    pending: tuple[Batch, FingerprintJob] | None = None
    try:
        for batch in batches:
            texts = [a.text for _, a in batch if isinstance(a, Document)]
            if len(batch) >= BATCH_ARTICLES:
                worker.start()
            if not worker.started:
                yield batch, fingerprints(texts)
                continue
            job = worker.submit(texts)
            if pending is not None:
                yield pending[0], pending[1]()
            pending = (batch, job)
        if pending is not None:
            yield pending[0], pending[1]()
    finally:
        worker.close()


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    collection: str | None = None,
    options: IngestOptions | None = None,
    progress: Callable[[ImportEvent], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import every article under ``paths`` into ``store``; returns what happened to each.

    ``cancelled`` is asked while reading and before each batch is written (from this thread);
    once it answers true the import stops, keeping the batches already committed and reported.
    """
    options = options or IngestOptions()
    report = ImportReport()
    collections = [collection] if collection else []
    stop = cancelled or _never
    batches = _with_fingerprints(_batches(_read_all(paths, options), stop))
    try:
        for batch, prints in batches:
            if stop():  # read ahead, but not to be written
                break
            with store.bulk():
                events = _store_batch(store, batch, prints, collections)
            for event in events:
                report.note(event)
                if progress is not None:
                    progress(event)
    finally:
        batches.close()  # ends the fingerprinting process now, and with it the readers
    return report


def _where(error: InputError) -> str:
    return printable(f"{error.file}:{error.line}" if error.line is not None else error.file)


def _store_batch(
    store: Store, batch: Batch, prints: list[Fingerprint | None], collections: list[str]
) -> list[ImportEvent]:
    """Store a batch's articles (inside ``Store.bulk()``), new texts many at a time
    (:class:`ImportBatch`), the others (a text the corpus or the batch has already) one at a
    time once those before them are written; each article's event, in the batch's order."""
    events: list[ImportEvent | None] = []  # None: taken, not yet written
    writer = ImportBatch(store)
    given = iter(prints)

    def told(index: int, where: str) -> tuple[Callable[[Written], None], Callable[[], None]]:
        def written(stored: Written) -> None:
            events[index] = _stored(where, stored.id, stored.near, stored.similarity)

        def conflict() -> None:
            events[index] = ImportEvent("duplicate", where, _RACED)

        return written, conflict

    for where, article in batch:
        if isinstance(article, InputError):
            events.append(ImportEvent("failed", _where(article), article.reason))
            continue
        fingerprint = next(given)
        try:
            digest = writer.digest(article)
        except AnnotatorError as exc:
            events.append(ImportEvent("failed", where, str(exc)))
            continue
        if digest is None:
            writer.write()  # those taken before it, first
            events.append(_add(store, article, where, collections, fingerprint))
            continue
        written, conflict = told(len(events), where)
        events.append(None)
        writer.take(
            article, digest, fingerprint, written, collections=collections, conflict=conflict
        )
    writer.write()  # tells every article taken, or raises
    told_all = [event for event in events if event is not None]
    if len(told_all) != len(events):
        raise RuntimeError("an article taken for writing was not told what became of it")
    return told_all


_RACED = "same text as a document added at the same time"


def _stored(where: str, doc_id: int, near: int | None, similarity: float) -> ImportEvent:
    if near is None:
        return ImportEvent("imported", where, "", doc_id)
    message = f"near-duplicate of document {near} ({similarity:.0%} similar); imported as {doc_id}"
    return ImportEvent("near_duplicate", where, message, doc_id)


def _add(
    store: Store,
    article: Document,
    where: str,
    collections: list[str],
    fingerprint: Fingerprint | None,
) -> ImportEvent:
    try:
        result = store.add_document(article, collections, fingerprint)
    except AnnotatorError as exc:
        return ImportEvent("failed", where, str(exc))
    except pw.IntegrityError:
        # Another process added the same text between our check and our insert.
        return ImportEvent("duplicate", where, _RACED)
    if result.duplicate:
        return ImportEvent("duplicate", where, f"same text as document {result.id}", result.id)
    return _stored(where, result.id, result.near_duplicate_of, result.similarity)

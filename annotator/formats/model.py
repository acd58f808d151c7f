"""What formats exchange: documents with one annotator's annotations, the options of a run,
and the report of what a run could not carry or refused.

Formats read and write :class:`AnnotatedDocument` values; they never see the database. In an
annotated document, relations and events refer to spans by their index in ``spans`` (the
store's ids mean nothing outside it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.document import Document, Event, Relation, Span
from annotator.errors import InputError
from annotator.offsets import BOM
from annotator.schema import Schema
from annotator.tokenizer import Token

CARRIES = frozenset(
    {"overlaps", "relations", "events", "attributes", "notes", "discontinuous", "metadata"}
    | {"title", "source", "author", "published", "language"}
)
"""What a format may be able to carry beyond flat labelled spans; see :class:`Format`.
"metadata" means every document field and the metadata; a field's name, that field alone."""


@dataclass(frozen=True)
class AnnotatedDocument:
    """One document and one annotator's annotations on it, as formats read and write them.

    ``relations`` and ``events`` refer to spans by their index in ``spans``. ``name`` is a
    stable, file-safe name for the document (file names in brat or XMI zips, ids in JSON).
    """

    document: Document
    name: str
    spans: tuple[Span, ...] = ()
    relations: tuple[Relation, ...] = ()
    events: tuple[Event, ...] = ()
    annotator: str | None = None
    status: str | None = None

    @property
    def text(self) -> str:
        """The document's text."""
        return self.document.text


@dataclass(frozen=True)
class ExportOptions:
    """How to write: the schema (for configs and label order), the tagging scheme of token
    formats, how offsets are counted, which span wins in flat formats, and the tokenizer."""

    schema: Schema | None = None
    scheme: str = "bio"  # iob1, bio, bioes or bilou (CoNLL, HF)
    offsets: str = "codepoints"  # or "utf16" (doccano's browser counts UTF-16 units)
    policy: str = "longest"  # which of overlapping spans a flat format keeps; see flat.py
    tokenize: Callable[[str], list[Token]] | None = None  # None: annotator.tokenizer


@dataclass(frozen=True)
class ImportOptions:
    """How to read: offsets and scheme where a file does not say, the size limit per file."""

    offsets: str = "codepoints"
    scheme: str | None = None  # None: as the file shows (or the format's default)
    max_bytes: int = 200 * 1024 * 1024


@dataclass
class Report:
    """What a run did: documents and spans written or read, what a format could not carry
    (counted by reason, never dropped silently), and the records refused (file, line, reason)."""

    documents: int = 0
    spans: int = 0
    lost: Counter[str] = field(default_factory=Counter)
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error_limit: int = 10_000  # beyond it only the count grows
    errors_dropped: int = 0

    def lose(self, what: str, count: int = 1) -> None:
        """Record that ``count`` things described by ``what`` could not be carried."""
        if count:
            self.lost[what] += count

    def refuse(self, error: InputError) -> None:
        """Record a refused record (it was not imported or not written)."""
        if len(self.errors) < self.error_limit:
            self.errors.append(error)
        else:
            self.errors_dropped += 1

    def note(self, text: str) -> None:
        """Record something the user should know that is neither a loss nor a refusal."""
        self.notes.append(text)

    def lines(self) -> list[str]:
        """The report as lines for a terminal or a dialog."""
        lines = [f"{self.documents} document(s), {self.spans} span(s)"]
        lines += [f"not carried: {what} ({n})" for what, n in sorted(self.lost.items())]
        lines += self.notes
        lines += [f"refused: {error}" for error in self.errors]
        if self.errors_dropped:
            lines.append(f"refused: {self.errors_dropped} more")
        return lines


Writer = Callable[[Iterable[AnnotatedDocument], Path, ExportOptions, Report], None]
"""Writes documents to ``out`` (a file, or a folder for formats that write several files),
streaming: it must not hold all documents at once."""

Reader = Callable[[Sequence[Path], ImportOptions, Report], Iterator[AnnotatedDocument]]
"""Reads the files (or folders) given, yielding documents one at a time; a bad record is
refused through the report (file, line, reason) and the rest goes on."""


@dataclass(frozen=True)
class Format:
    """One exchange format: its name (the CLI value), what it can carry, and its functions.

    ``directory`` formats write a folder (brat); the others one file with ``suffix``. A reader
    of a format without text yields documents with an empty text and the corpus id (or the
    name) of the document they belong to.
    ``schema_reader`` turns the format's configuration file into a schema; ``schema_writer``
    writes a schema as that configuration (beside the data, or on its own).
    """

    name: str
    title: str
    suffix: str
    write: Writer | None = None
    read: Reader | None = None
    carries: frozenset[str] = frozenset()
    directory: bool = False
    schema_reader: Callable[[Path], Schema] | None = None
    schema_writer: Callable[[Schema, Path], None] | None = None
    attach: Callable[[AnnotatedDocument, str, Report], AnnotatedDocument] | None = None
    """For formats that carry no text (CSV): put a document read from the file on the text
    the corpus has for it, checking what the file says each span covers."""


def normalized(doc: AnnotatedDocument) -> AnnotatedDocument:
    """``doc`` under the corpus text rule (a leading BOM dropped, CRLF and lone CR turned into
    LF), every span's offsets moved with its text."""
    text = doc.document.text
    if BOM not in text[:1] and "\r" not in text:
        return doc
    new_text, position = _normalize_with_map(text)
    spans = tuple(_moved(span, position) for span in doc.spans)
    return replace(doc, document=replace(doc.document, text=new_text), spans=spans)


def _normalize_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text, and for each offset 0..len(text) of the old text its new offset."""
    position = []
    out: list[str] = []
    i = 0
    if text.startswith(BOM):
        position.append(0)
        i = 1
    n = len(text)
    while i < n:
        ch = text[i]
        position.append(len(out))
        if ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                position.append(len(out))  # the LF of a CRLF is where the CR was
                i += 1
            out.append("\n")
        else:
            out.append(ch)
        i += 1
    position.append(len(out))
    return "".join(out), position


def _moved(span: Span, position: list[int]) -> Span:
    """``span`` in the normalised text; a span that ended between a CR and its LF keeps the
    whole line break, and fragments that come to touch (a CRLF between them became one
    character) are joined."""
    start = position[span.start]
    end = max(position[span.end], start + 1)
    pieces: list[tuple[int, int]] = []
    for a, b in span.fragments:
        a, b = position[a], max(position[b], position[a] + 1)
        if pieces and a <= pieces[-1][1]:
            pieces[-1] = (pieces[-1][0], max(b, pieces[-1][1]))
        else:
            pieces.append((a, b))
    fragments = tuple(pieces) if len(pieces) > 1 else ()
    return Span(start, end, span.label, span.attributes, span.note, fragments)


def check_covered(
    text: str, start: int, end: int, expected: str, file: str, line: int | None
) -> InputError | None:
    """A refusal when ``text[start:end]`` is not ``expected`` (the text a format carries
    beside the offsets), or when the offsets fall outside the text; None when they agree."""
    if not 0 <= start < end <= len(text):
        return InputError(file, f"offsets {start}..{end} outside the text (0..{len(text)})", line)
    found = text[start:end]
    if found != expected:
        return InputError(
            file,
            f"offsets {start}..{end} select {_show(found)}, but the file says {_show(expected)}",
            line,
        )
    return None


def _show(text: str, limit: int = 40) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


def span_index(doc: AnnotatedDocument) -> Mapping[Span, int]:
    """Each span's index in ``doc.spans`` (the first, for repeated equal spans)."""
    index: dict[Span, int] = {}
    for i, span in enumerate(doc.spans):
        index.setdefault(span, i)
    return index

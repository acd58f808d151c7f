"""Annotation search across the corpus: which spans have a label, attribute values, covered text,
annotator, status or collection, each with the text around it (a keyword-in-context line).

The database narrows the spans by label, annotator, the status of their annotation set and
collection (and to those having the attributes that conditions name), and hands them over in
document then offset order. The attribute conditions and the covered text are tested here, in
Python: attributes are JSON whose types vary by label (and the engines compare JSON values
differently), and neither engine matches a Python regular expression or folds case beyond
ASCII alike. A document's text is read once, for its spans that passed the conditions.

Measured on 200,000 spans in 4,000 documents (a loaded two-core machine, SQLite / PostgreSQL):
one label's 50,000 spans 0.4 / 1.2 s, a label and two conditions 0.4 / 0.9 s, the covered
text of every span 1.0 / 2.3 s, the first 10,000 of all spans 0.1 s on both.

Mixed into :class:`corpus.store.Store` (with the bulk edits of :mod:`corpus.span_bulk_edits`).
"""

from __future__ import annotations

import json
import math
import re
import shlex
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

import peewee as pw
from peewee import chunked

from annotator.document import AttributeValue
from annotator.errors import AnnotatorError
from corpus.filters import check_status, collection_members
from corpus.models import AnnotationSet, Annotator, Document, Span
from corpus.span_bulk_edits import SpanBulkEditsMixin

CONTEXT = 60
"""Code points of text kept either side of a hit (a little more not to split a character)."""

OPERATORS = ("!=", ">=", "<=", "=", ">", "<", "~")
"""A condition's operators, longest first so that ``>=`` is not read as ``>``."""

_NUMERIC = (">=", "<=", ">", "<")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TEXTS_AT_ONCE = 50  # documents whose texts one query reads
_ZWJ = "\u200d"
_NO_ATTRIBUTES: Mapping[str, AttributeValue] = MappingProxyType({})


@dataclass(frozen=True)
class Condition:
    """One attribute condition: ``name`` compared by ``op`` (one of :data:`OPERATORS`) with
    ``value`` as typed; ``~`` searches the value for a regular expression."""

    name: str
    op: str
    value: str

    def matches(self, attributes: Mapping[str, AttributeValue]) -> bool:
        """Whether a span with ``attributes`` meets the condition. Numbers compare as numbers;
        text compares without regard to case; a span without the attribute meets only ``!=``."""
        actual = attributes.get(self.name)
        if self.op == "!=":
            return actual is None or not _equal(actual, self.value)
        if actual is None:
            return False
        if self.op == "=":
            return _equal(actual, self.value)
        if self.op == "~":
            return _pattern(self.value).search(_as_text(actual)) is not None
        number = _as_number(actual)
        if number is None:
            return False
        bound = float(self.value)
        return {
            ">=": number >= bound,
            "<=": number <= bound,
            ">": number > bound,
            "<": number < bound,
        }[self.op]


def parse_condition(text: str) -> Condition:
    """The condition ``text`` states (``count>=10``, ``kind=killed``, ``type~^vil``), or a
    one-line error saying what is wrong with it."""
    stripped = text.strip()
    found = [(stripped.find(op), op) for op in OPERATORS if op in stripped]
    if not found:
        raise AnnotatorError(
            f"bad condition '{stripped}': expected NAME, an operator "
            f"({' '.join(OPERATORS)}) and a value, as in count>=10"
        )
    at, op = min(found, key=lambda f: (f[0], -len(f[1])))  # the first, and the longest there
    name, value = stripped[:at].strip(), stripped[at + len(op) :].strip()
    if not name:
        raise AnnotatorError(f"bad condition '{stripped}': it names no attribute")
    if not value:
        raise AnnotatorError(f"bad condition '{stripped}': it has no value after '{op}'")
    if op in _NUMERIC and _as_number(value) is None:
        raise AnnotatorError(f"bad condition '{stripped}': '{value}' is not a number")
    if op == "~":
        _pattern(value, f"bad condition '{stripped}'")
    return Condition(name, op, value)


def parse_conditions(text: str) -> tuple[Condition, ...]:
    """The conditions of a line such as ``count>=10 kind=killed`` (quote a value with spaces:
    ``group="armed group"``)."""
    try:
        parts = shlex.split(text)
    except ValueError as exc:
        raise AnnotatorError(f"bad conditions '{text.strip()}': {exc}") from None
    return tuple(parse_condition(part) for part in parts)


def text_pattern(regex: str) -> re.Pattern[str]:
    """``regex`` compiled as the covered text is searched with it (case ignored), or a one-line
    error naming the problem and where it is."""
    return _pattern(regex, f"bad regular expression '{regex}'")


def _pattern(source: str, what: str = "bad regular expression") -> re.Pattern[str]:
    """``source`` compiled, case ignored (the re module keeps it compiled for the next rows)."""
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise AnnotatorError(f"{what}: {exc.msg}{where}") from None


def _as_number(value: object) -> float | None:
    """``value`` as a number: numbers (not booleans) as they are, text that spells one."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, int | float) and not (
        isinstance(value, str) and _NUMBER.fullmatch(value.strip())
    ):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _as_text(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _equal(actual: AttributeValue, wanted: str) -> bool:
    number, bound = _as_number(actual), _as_number(wanted)
    if number is not None and bound is not None:
        return number == bound
    return _as_text(actual).casefold() == wanted.casefold()


@dataclass(frozen=True)
class SpanQuery:
    """Which spans to find. Every part given narrows the search; within ``labels``,
    ``annotators`` and ``statuses`` any one will do. ``text`` is a case-insensitive substring
    of the covered text, ``regex`` a regular expression searched in it (case ignored); give
    one or neither. ``statuses`` are those of the span's annotation set."""

    labels: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    text: str = ""
    regex: str = ""
    annotators: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    collection: str | None = None

    def check(self) -> None:
        """Refuse, in one line, a query that cannot run: text and a regex both, an unknown
        status, a bad regular expression."""
        if self.text and self.regex:
            raise AnnotatorError("search the covered text by plain text or by a regex, not both")
        for status in self.statuses:
            check_status(status)
        if self.regex:
            text_pattern(self.regex)

    def covered_test(self) -> re.Pattern[str] | str | None:
        """What the covered text is tested with: a pattern, casefolded text, or nothing."""
        if self.regex:
            return text_pattern(self.regex)
        return self.text.casefold() if self.text else None


class SpanHit(NamedTuple):
    """One span found, with the text around it: ``left + text + right`` is a slice of the
    document as stored (line breaks included; :func:`one_line` shows it on one line)."""

    span_id: int
    document_id: int
    title: str
    annotator: str
    status: str
    label: str
    attributes: Mapping[str, AttributeValue]
    start: int
    end: int
    text: str
    left: str
    right: str
    version: int


def one_line(text: str) -> str:
    """``text`` with each run of white space (line breaks included) shown as one space."""
    return re.sub(r"\s+", " ", text)


def context_bounds(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[int, int]:
    """Where the left context of ``text[start:end]`` begins and the right one ends: ``width``
    code points either side, widened so that no character is cut from its combining marks,
    variation selectors or the rest of a joined emoji."""
    left = max(0, start - width)
    while 0 < left < start and (_extends(text[left]) or text[left - 1] == _ZWJ):
        left -= 1
    right = min(len(text), end + width)
    while end < right < len(text) and (_extends(text[right]) or text[right - 1] == _ZWJ):
        right += 1
    return left, right


def _extends(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (a mark, a joiner, a selector, a
    skin tone)."""
    if char < "\u0300":  # below the first combining mark: most text, decided at once
        return False
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0100" <= char <= "\U000e01ef"
    )


class SpanSearchMixin(SpanBulkEditsMixin):
    """Annotation search of the store (needs ``db``)."""

    db: pw.Database

    def find_spans(self, query: SpanQuery, limit: int | None = None) -> list[SpanHit]:
        """The spans ``query`` finds, in document then offset order, at most ``limit``.

        Label, annotator, status and collection are conditions of the SQL query, which also
        keeps only spans having the attributes that conditions other than ``!=`` name; the
        conditions themselves and the covered text are tested on the rows it returns (see the
        module's docstring). A query :meth:`SpanQuery.check` refuses raises its error.
        """
        return list(self.iter_spans(query, limit))

    def iter_spans(self, query: SpanQuery, limit: int | None = None) -> Iterator[SpanHit]:
        """:meth:`find_spans`, one hit at a time (a caller may stop early)."""
        query.check()
        if limit is not None and limit <= 0:
            return
        covered = query.covered_test()
        conditions = query.conditions
        rows = self._span_rows(query, None if conditions or covered is not None else limit)
        names = dict(self.db.execute_sql('SELECT "id", "name" FROM "annotator"').fetchall())
        read = _attributes_reader()
        texts = _Texts(self.db, list(dict.fromkeys(row[1] for row in rows)))
        found = 0
        for span_id, doc_id, annotator_id, status, label, raw, start, end, version in rows:
            attributes = read(raw)
            if conditions and not all(c.matches(attributes) for c in conditions):
                continue
            document = texts.get(doc_id)
            if document is None:  # removed since the spans were read
                continue
            title, text = document
            piece = text[start:end]
            if isinstance(covered, str) and covered not in piece.casefold():
                continue
            if isinstance(covered, re.Pattern) and covered.search(piece) is None:
                continue
            left, right = context_bounds(text, start, end)
            yield SpanHit(
                span_id,
                doc_id,
                title or "",
                names.get(annotator_id, ""),
                status,
                label,
                attributes,
                start,
                end,
                piece,
                text[left:start],
                text[end:right],
                version,
            )
            found += 1
            if limit is not None and found >= limit:
                return

    def _span_rows(self, query: SpanQuery, limit: int | None) -> list[tuple[Any, ...]]:
        """The spans the SQL conditions keep, by document and offset: their id, document,
        annotator id, set status, label, attributes as JSON text, start, end and
        version. (Read through the driver: peewee's row conversion took most of the time.)"""
        select = (
            Span.select(
                Span.id,
                AnnotationSet.document,
                AnnotationSet.annotator,
                AnnotationSet.status,
                Span.label,
                pw.Cast(Span.attributes, "TEXT"),  # parsed here once per distinct value
                Span.start,
                Span.end,
                Span.version,
            )
            .join(AnnotationSet)
            .order_by(AnnotationSet.document, Span.start, Span.end, Span.id)
        )
        if query.labels:
            select = select.where(Span.label.in_(list(query.labels)))
        if query.annotators:
            people = Annotator.select(Annotator.id).where(Annotator.name.in_(query.annotators))
            select = select.where(AnnotationSet.annotator.in_(people))
        if query.statuses:
            select = select.where(AnnotationSet.status.in_(list(query.statuses)))
        if query.collection is not None:
            members = collection_members(query.collection)
            select = select.where(AnnotationSet.document.in_(members))
        for name in dict.fromkeys(c.name for c in query.conditions if c.op != "!="):
            select = select.where(Span.attributes[name].is_null(False))
        if limit is not None:
            select = select.limit(limit)
        sql, params = select.sql()
        return list(self.db.execute_sql(sql, params).fetchall())


class _Texts:
    """Documents' titles and texts, read a few documents at a time as the rows come to them
    (in the order of ``ids``)."""

    def __init__(self, db: pw.Database, ids: Sequence[int]) -> None:
        self._db = db
        self._chunks = [list(c) for c in chunked(ids, _TEXTS_AT_ONCE)]
        self._chunk_of = {doc_id: n for n, chunk in enumerate(self._chunks) for doc_id in chunk}
        self._read: dict[int, tuple[str | None, str] | None] = {}

    def get(self, doc_id: int) -> tuple[str | None, str] | None:
        """The title and text of ``doc_id``; None if the document was removed meanwhile."""
        if doc_id not in self._read:
            chunk = self._chunks[self._chunk_of[doc_id]]
            query = Document.select(Document.id, Document.title, Document.text)
            loaded = {i: (t, x) for i, t, x in query.where(Document.id.in_(chunk)).tuples()}
            self._read = {i: loaded.get(i) for i in chunk}
        return self._read[doc_id]


def _attributes_reader() -> Callable[[str | None], Mapping[str, AttributeValue]]:
    """Turns an attributes column read as text into a read-only mapping, parsing each distinct
    text once: a corpus repeats a few combinations of values over and over (PostgreSQL's
    driver would parse every row's)."""
    seen: dict[str, Mapping[str, AttributeValue]] = {}

    def parse(value: str | None) -> Mapping[str, AttributeValue]:
        if not value or value == "{}":
            return _NO_ATTRIBUTES
        found = seen.get(value)
        if found is None:
            if len(seen) > 10_000:
                seen.clear()
            parsed = json.loads(value)
            found = seen[value] = MappingProxyType(parsed if isinstance(parsed, dict) else {})
        return found

    return parse

"""What a span edit reads and writes, in as few statements as the database allows.

Edits are the hot path of team work (several annotators on one server): each reads what its
checks need in one ``SELECT``, locked on PostgreSQL, and writes its row by a statement made by
hand, the values converted as the model's fields convert them. Mixed into the store through
:class:`corpus.annotations.AnnotationsMixin`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import peewee as pw

from annotator import document as dom
from annotator.errors import EditConflict
from corpus.models import AnnotationSet, utcnow

_SCHEMA_IN_FORCE = '(SELECT MAX("id") FROM "schema_version")'
_LINKED = (
    '(EXISTS (SELECT 1 FROM "relation" r WHERE r."head_id" = sp."id" OR r."tail_id" = sp."id") '
    'OR EXISTS (SELECT 1 FROM "event" e WHERE e."trigger_id" = sp."id") '
    'OR EXISTS (SELECT 1 FROM "event_role" o WHERE o."span_id" = sp."id"))'
)


# How SQLite and PostgreSQL name the unique indexes of a set's spans and of relations in a
# refusal.
SPAN_KEY = (
    "span.annotation_set_id, span.start, span.end, span.label",
    "span_annotation_set_id_start_end_label",
)
RELATION_KEY = (
    "relation.head_id, relation.tail_id, relation.type",
    "relation_head_id_tail_id_type",
)


@contextmanager
def refusing_repeats(
    what: str = "the same span", key: tuple[str, str] = SPAN_KEY
) -> Iterator[None]:
    """Turn the database's refusal of a repeat by the unique index ``key`` (a set's second
    span of the same offsets and label, by default) into an :class:`EditConflict` about
    ``what``. The checks before an insert catch repeats; this catches the one they cannot
    see: another client's, committed meanwhile. Put it around the transaction, so that
    PostgreSQL's rolls back first."""
    try:
        yield
    except pw.IntegrityError as exc:
        if not any(name in str(exc) for name in key):
            raise
        raise EditConflict(
            f"{what} was added elsewhere (another window or another user) meanwhile: "
            "nothing was saved"
        ) from None


def repeated(span: dom.Span) -> str:
    """The refusal of ``span`` when its set has a span of the same offsets and label."""
    return f"{same_span(span)} is there already"


def same_span(span: dom.Span) -> str:
    """How a refusal names a span of the same offsets and label as ``span``."""
    return f"the same {span.label} span ({span.start}..{span.end})"


class SpanTarget(NamedTuple):
    """A stored span and what an edit of it checks, as read when the edit begins."""

    set_id: int
    length: int
    status: str
    label: str
    version: int
    schema_version: int | None
    taken: bool  # another span of the set is what the edit would make
    linked: bool  # a relation, event or role uses the span


class EditTarget(NamedTuple):
    """Where an annotator's edit of a document goes, as read when the edit begins."""

    set_id: int
    status: str
    length: int  # of the document's text, in code points
    schema_version: int | None  # the schema in force (None: read it when needed)
    taken: bool  # the span asked about is in the set already


class EditRowsMixin:
    """Reading an edit's target and writing span rows (needs ``db``, ``document_length()`` and
    the JSON helpers of :class:`corpus.annotation_bulk.AnnotationBulkMixin`)."""

    db: pw.Database
    document_length: Callable[[int], int]
    _json: Callable[[object], Any]  # a JSON column's parameter
    _insert_returning_id: Callable[[str, Sequence[Any]], int]

    def _target(self, doc_id: int, annotator_id: int, span: dom.Span | None = None) -> EditTarget:
        """The annotator's set of the document (made when missing), its status, the
        document's length, the schema in force and whether ``span`` is in the set already,
        read in one query. Call it inside a transaction: on PostgreSQL the set's row stays
        locked until it ends, so that one annotator's edits from several connections are
        checked one after another (SQLite transactions are serial already)."""
        p = self.db.param
        lock = " FOR UPDATE OF s" if isinstance(self.db, pw.PostgresqlDatabase) else ""
        key = (span.start, span.end, span.label) if span is not None else (-1, -1, "")
        row = self.db.execute_sql(
            f'SELECT LENGTH(d."text"), s."id", s."status", {_SCHEMA_IN_FORCE}, '
            f'EXISTS (SELECT 1 FROM "span" x WHERE x."annotation_set_id" = s."id" '
            f'AND x."start" = {p} AND x."end" = {p} AND x."label" = {p}) '
            'FROM "annotation_set" s JOIN "document" d ON d."id" = s."document_id" '
            f'WHERE s."document_id" = {p} AND s."annotator_id" = {p}{lock}',
            (*key, doc_id, annotator_id),
        ).fetchone()
        if row is not None:
            length, set_id, status, schema_version, taken = row
            return EditTarget(int(set_id), str(status), int(length), schema_version, bool(taken))
        length = self.document_length(doc_id)  # a clear error for a missing document
        AnnotationSet.insert(document=doc_id, annotator=annotator_id).on_conflict_ignore().execute()
        found = AnnotationSet.select(AnnotationSet.id, AnnotationSet.status).where(
            AnnotationSet.document == doc_id, AnnotationSet.annotator == annotator_id
        )
        set_id, status = found.tuples().get()
        return EditTarget(int(set_id), str(status), length, None, False)

    def _span_target(self, span_id: int, span: dom.Span | None = None) -> SpanTarget | None:
        """The span's set, its document's length, the set's status, the span's label and
        version, the schema in force, whether another span of the set is ``span`` and whether
        any link uses the span, in one query (locked on PostgreSQL, as in :meth:`_target`)."""
        p = self.db.param
        # Both rows locked: after waiting for another edit, PostgreSQL reads both anew.
        lock = " FOR UPDATE OF s, sp" if isinstance(self.db, pw.PostgresqlDatabase) else ""
        key = (span.start, span.end, span.label) if span is not None else (-1, -1, "")
        row = self.db.execute_sql(
            'SELECT s."id", LENGTH(d."text"), s."status", sp."label", sp."version", '
            f'{_SCHEMA_IN_FORCE}, EXISTS (SELECT 1 FROM "span" x '
            f'WHERE x."annotation_set_id" = s."id" AND x."start" = {p} AND x."end" = {p} '
            f'AND x."label" = {p} AND x."id" <> sp."id"), {_LINKED} FROM "span" sp '
            'JOIN "annotation_set" s ON s."id" = sp."annotation_set_id" '
            f'JOIN "document" d ON d."id" = s."document_id" WHERE sp."id" = {p}{lock}',
            (*key, span_id),
        ).fetchone()
        if row is None:
            return None
        set_id, length, status, label, version, schema_version, taken, linked = row
        return SpanTarget(
            int(set_id),
            int(length),
            str(status),
            str(label),
            int(version),
            schema_version,
            bool(taken),
            bool(linked),
        )

    def _insert_span(self, set_id: int, span: dom.Span) -> int:
        p, json_value = self.db.param, self._json_param()
        stamp = self._now()
        return self._insert_returning_id(
            'INSERT INTO "span" ("annotation_set_id", "start", "end", "label", "attributes", '
            '"note", "fragments", "version", "created_at", "updated_at") '
            f"VALUES ({p}, {p}, {p}, {p}, {json_value}, {p}, {json_value}, 1, {p}, {p})",
            (set_id, *self._span_values(span), stamp, stamp),
        )

    def _update_span_row(self, span_id: int, span: dom.Span, version: int) -> bool:
        """Write ``span`` over the span ``span_id`` at ``version``; whether it was there."""
        p, json_value = self.db.param, self._json_param()
        cursor = self.db.execute_sql(
            f'UPDATE "span" SET "start" = {p}, "end" = {p}, "label" = {p}, '
            f'"attributes" = {json_value}, "note" = {p}, "fragments" = {json_value}, '
            f'"version" = {p}, "updated_at" = {p} WHERE "id" = {p} AND "version" = {p}',
            (*self._span_values(span), version + 1, self._now(), span_id, version),
        )
        return bool(cursor.rowcount)

    def _span_values(self, span: dom.Span) -> tuple[Any, ...]:
        """The start, end, label, attributes, note and fragments columns' values of ``span``."""
        fragments = [list(f) for f in span.fragments] or None
        return (
            span.start,
            span.end,
            span.label,
            self._json(dict(span.attributes)),
            span.note,
            None if fragments is None else self._json(fragments),
        )

    def _json_param(self) -> str:
        return "json(?)" if isinstance(self.db, pw.SqliteDatabase) else self.db.param

    def _now(self) -> Any:
        """The time now as a timestamp column takes it (SQLite: peewee's text form)."""
        now = utcnow()
        return now.isoformat(" ") if isinstance(self.db, pw.SqliteDatabase) else now

"""Annotations in the store: annotators, their status per document, spans, relations, events.

Mixed into :class:`corpus.store.Store`; every method owns its transaction and works with ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, NoReturn

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError, EditConflict
from annotator.schema import Schema
from corpus.edit_rows import (
    EditRowsMixin,
    EditTarget,
    refusing_repeats,
    repeated,
    same_span,
)
from corpus.models import AnnotationSet, Annotator, Event, EventRole, Relation, Span, utcnow

FROZEN_STATUSES = (dom.Status.REVIEWED, dom.Status.LOCKED)
"""Statuses under which an annotator's annotations of a document can no longer change."""


@dataclass(frozen=True)
class StoredSpan:
    """A span as stored: its id, the annotator's name and timestamps around the domain value."""

    id: int
    annotator: str
    span: dom.Span
    created_at: datetime
    updated_at: datetime
    version: int = 1  # counts the span's edits: an edit states the version it changes


@dataclass(frozen=True)
class StoredRelation:
    id: int
    annotator: str
    relation: dom.Relation


@dataclass(frozen=True)
class StoredEvent:
    id: int
    annotator: str
    event: dom.Event


class RelationRow(NamedTuple):
    """A stored relation as plain values."""

    id: int
    type: str
    head: int
    tail: int
    attributes: Mapping[str, Any]
    created_at: datetime


class EventRow(NamedTuple):
    """A stored event as plain values (its roles are :class:`RoleRow` values)."""

    id: int
    type: str
    trigger: int
    attributes: Mapping[str, Any]
    created_at: datetime


class RoleRow(NamedTuple):
    """A stored event role as plain values."""

    id: int
    event: int
    role: str
    span: int


# The columns each row above is read from, in its fields' order.
RELATION_FIELDS = (
    Relation.id,
    Relation.type,
    Relation.head,
    Relation.tail,
    Relation.attributes,
    Relation.created_at,
)
EVENT_FIELDS = (Event.id, Event.type, Event.trigger, Event.attributes, Event.created_at)
ROLE_FIELDS = (EventRole.id, EventRole.event, EventRole.role, EventRole.span)


@dataclass(frozen=True)
class SpanState:
    """A stored span and all that deleting it removes with it, as plain values, ids included.

    ``relations`` are those whose head or tail it is, ``events`` those it triggers, and ``roles``
    the roles of those events together with the roles it fills in other events.
    """

    id: int
    document: int
    annotator: str
    span: dom.Span
    version: int
    created_at: datetime
    updated_at: datetime
    relations: tuple[RelationRow, ...] = ()
    events: tuple[EventRow, ...] = ()
    roles: tuple[RoleRow, ...] = ()


class AnnotationsMixin(EditRowsMixin):
    """Annotation methods of the store (needs ``db``, ``document()`` and ``schema()``)."""

    db: pw.Database
    document: Callable[[int], dom.Document]
    document_length: Callable[[int], int]
    schema: Callable[[], Schema]
    schema_at: Callable[[int], Schema]
    _annotator_ids: dict[str, int]  # names seen in committed rows, by the store's first use

    # -- annotators and their work ------------------------------------------------------------

    def annotator_id(self, name: str) -> int:
        """The id of the annotator called ``name``, created on first use."""
        name = name.strip()
        if not name:
            raise AnnotatorError("an annotator needs a name")
        known = self._annotator_ids.get(name)
        if known is not None:
            return known
        outermost = not self.db.in_transaction()
        with self.db.atomic():
            row, _ = Annotator.get_or_create(name=name)
        if outermost:  # committed: an enclosing transaction could still roll the row back
            self._annotator_ids[name] = int(row.id)
        return int(row.id)

    def annotators(self) -> list[str]:
        """The names of the corpus's annotators, sorted."""
        names = Annotator.select(Annotator.name).scalars()
        return sorted((str(n) for n in names), key=str.casefold)

    def _set_id(self, doc_id: int, annotator: str) -> int:
        return self._target(doc_id, self.annotator_id(annotator)).set_id

    def status(self, doc_id: int, annotator: str) -> str:
        """The annotator's status for the document (new until they start)."""
        status = (
            AnnotationSet.select(AnnotationSet.status)
            .join(Annotator)
            .where(AnnotationSet.document == doc_id, Annotator.name == annotator)
            .scalar()
        )
        return str(status or dom.Status.NEW)

    def statuses(self, doc_id: int) -> dict[str, str]:
        """Each annotator's status for the document, by annotator name."""
        query = (
            AnnotationSet.select(Annotator.name, AnnotationSet.status)
            .join(Annotator)
            .where(AnnotationSet.document == doc_id)
            .order_by(Annotator.name)
        )
        return dict(query.tuples())

    def set_status(self, doc_id: int, annotator: str, status: str) -> None:
        """Record the annotator's status for the document."""
        if status not in dom.Status.ALL:
            raise AnnotatorError(
                f"unknown status '{status}' (expected one of {', '.join(dom.Status.ALL)})"
            )
        with self.db.atomic():
            set_id = self._set_id(doc_id, annotator)
            AnnotationSet.update(status=status, updated_at=utcnow()).where(
                AnnotationSet.id == set_id
            ).execute()

    # -- spans --------------------------------------------------------------------------------

    def _check_writable(self, set_id: int) -> None:
        """Refuse to change an annotation set that is reviewed or locked."""
        row = (
            AnnotationSet.select(AnnotationSet.status, AnnotationSet.document, Annotator.name)
            .join(Annotator)
            .where(AnnotationSet.id == set_id)
            .tuples()
            .first()
        )
        if row is not None and row[0] in FROZEN_STATUSES:
            status, doc_id, name = row
            raise AnnotatorError(
                f"document {doc_id} is {status} for {name}: set its status back to "
                "in progress to change its annotations"
            )

    def _check_links_allow(self, span_id: int, label: str) -> None:
        """Refuse a new label that the span's relations, events or roles do not allow."""
        schema = self.schema()
        head, tail = Span.alias(), Span.alias()
        relations = (
            Relation.select(Relation.type, Relation.head, head.label, tail.label)
            .join(head, on=(Relation.head == head.id))
            .switch(Relation)
            .join(tail, on=(Relation.tail == tail.id))
            .where((Relation.head == span_id) | (Relation.tail == span_id))
        )
        for kind, head_id, head_label, tail_label in relations.tuples():
            ends = (label, tail_label) if head_id == span_id else (head_label, label)
            spec = schema.relation(kind)
            if spec is not None and not spec.allows(*ends):
                raise AnnotatorError(
                    f"a {label} cannot be in its '{kind}' link ({ends[0]} to {ends[1]}): "
                    "remove the link first"
                )
        for kind in Event.select(Event.type).where(Event.trigger == span_id).scalars():
            event = schema.event(kind)
            if event is not None and event.trigger != label:
                raise AnnotatorError(
                    f"it triggers a {kind} event, which takes a {event.trigger}: "
                    "remove the event first"
                )
        roles = (
            EventRole.select(Event.type, EventRole.role)
            .join(Event)
            .where(EventRole.span == span_id)
            .tuples()
        )
        for kind, role in roles:
            owner = schema.event(kind)
            role_spec = next((r for r in owner.roles if r.name == role), None) if owner else None
            if role_spec is not None and not role_spec.allows(label):
                raise AnnotatorError(
                    f"a {label} cannot fill the '{role}' role of its {kind} event: "
                    "remove the role first"
                )

    def _check_span(self, length: int, span: dom.Span, schema_version: int | None = None) -> None:
        """Refuse a span past the end of the text or with attributes the schema refuses
        (the schema of ``schema_version`` when the caller has read it, else the one in force)."""
        if span.end > length:
            raise AnnotatorError(
                f"span {span.start}..{span.end} runs past the end of the text ({length})"
            )
        schema = self.schema() if schema_version is None else self.schema_at(schema_version)
        problems = schema.check_attributes(span.label, span.attributes)
        if problems:
            raise AnnotatorError("; ".join(problems))

    def add_span(self, doc_id: int, annotator: str, span: dom.Span) -> int:
        """Store a span of the annotator's on the document; returns its id."""
        annotator_id = self.annotator_id(annotator)  # outside the transaction: kept once known
        with refusing_repeats(same_span(span)), self.db.atomic():
            target = self._target(doc_id, annotator_id, span)
            self._check_span(target.length, span, target.schema_version)
            _refuse_frozen(target, doc_id, annotator)
            if target.taken:
                raise AnnotatorError(repeated(span))
            span_id = self._insert_span(target.set_id, span)
            if target.status == dom.Status.NEW:
                self._mark_started(target.set_id)
        return int(span_id)

    def _mark_started(self, set_id: int) -> None:
        """A new set is in progress once it holds a span."""
        started = pw.Case(
            None,
            [(AnnotationSet.status == dom.Status.NEW, dom.Status.IN_PROGRESS)],
            AnnotationSet.status,
        )
        AnnotationSet.update(status=started, updated_at=utcnow()).where(
            AnnotationSet.id == set_id
        ).execute()

    def add_spans(self, doc_id: int, annotator: str, spans: Sequence[dom.Span]) -> list[int]:
        """Store several spans in one transaction (all or none); returns their ids."""
        length = self.document_length(doc_id)
        for span in spans:
            self._check_span(length, span)
        with refusing_repeats(), self.db.atomic():
            set_id = self._set_id(doc_id, annotator)
            self._check_writable(set_id)
            taken = set(
                Span.select(Span.start, Span.end, Span.label)
                .where(Span.annotation_set == set_id)
                .tuples()
            )
            ids = []
            for span in spans:
                if (span.start, span.end, span.label) in taken:
                    raise AnnotatorError(repeated(span))
                taken.add((span.start, span.end, span.label))
                ids.append(Span.insert(annotation_set=set_id, **span_columns(span)).execute())
            self._mark_started(set_id)
        return [int(i) for i in ids]

    def update_span(self, span_id: int, span: dom.Span, expected_version: int | None = None) -> int:
        """Replace the stored span's offsets, label, attributes and note; its id stays.

        With ``expected_version`` (the version the editor read), a span changed or deleted
        since then is refused with :class:`EditConflict` rather than overwritten. Returns the
        span's new version.
        """
        with refusing_repeats(same_span(span)), self.db.atomic():
            row = self._span_target(span_id, span)
            if row is None:
                _refuse_missing(span_id, expected_version)
            set_id, length, status, old_label, version, schema_version, taken, linked = row
            if expected_version is not None and version != expected_version:
                _refuse_changed(span.label, span_id, expected_version)
            self._check_span(length, span, schema_version)
            if status in FROZEN_STATUSES:
                self._check_writable(set_id)
            if taken:
                raise AnnotatorError(repeated(span))
            if linked and span.label != old_label:
                self._check_links_allow(span_id, span.label)
            if not self._update_span_row(span_id, span, version):  # a belt to the lock's braces
                _refuse_changed(span.label, span_id, expected_version)
        return version + 1

    def delete_span(self, span_id: int, expected_version: int | None = None) -> None:
        """Remove a span, with the relations and event roles that use it.

        With ``expected_version``, a span changed since the editor read it is refused with
        :class:`EditConflict`, and one already deleted too."""
        with self.db.atomic():
            found = self._span_target(span_id)
            if found is None:
                if expected_version is not None:
                    _refuse_missing(span_id, expected_version)
                return
            set_id, status, version = found.set_id, found.status, found.version
            if status in FROZEN_STATUSES:
                self._check_writable(set_id)
            if expected_version is not None and version != expected_version:
                _refuse_changed("", span_id, expected_version)
            Span.delete().where(Span.id == span_id).execute()

    def span_versions(self, span_ids: Sequence[int]) -> dict[int, int]:
        """The current version of each of the spans that still exist, by id."""
        found: dict[int, int] = {}
        for chunk in pw.chunked(span_ids, 500):
            query = Span.select(Span.id, Span.version).where(Span.id.in_(chunk))
            found.update((int(i), int(v)) for i, v in query.tuples())
        return found

    def spans(self, doc_id: int, annotator: str | None = None) -> list[StoredSpan]:
        """The document's spans (one annotator's, or everyone's), in text order."""
        fields = (
            Span.id,
            Annotator.name,
            Span.start,
            Span.end,
            Span.label,
            Span.attributes,
            Span.note,
            Span.fragments,
            Span.created_at,
            Span.updated_at,
            Span.version,
        )
        query = in_document(
            Span.select(*fields).order_by(Span.start, Span.end, Span.id), doc_id, annotator
        )
        return [
            StoredSpan(span_id, name, domain_span(*values), created, updated, version)
            for span_id, name, *values, created, updated, version in query.tuples()
        ]


def _refuse_frozen(target: EditTarget, doc_id: int, annotator: str) -> None:
    if target.status in FROZEN_STATUSES:
        raise AnnotatorError(
            f"document {doc_id} is {target.status} for {annotator}: set its status back to "
            "in progress to change its annotations"
        )


def _refuse_missing(span_id: int, expected_version: int | None) -> NoReturn:
    if expected_version is None:
        raise AnnotatorError(f"no span with id {span_id}")
    raise EditConflict(
        "the span was deleted elsewhere (another window or another user) after this document "
        "was opened: the edit was not saved"
    )


def _refuse_changed(label: str, span_id: int, expected_version: int | None) -> NoReturn:
    what = f"the {label} span" if label else f"span {span_id}"
    raise EditConflict(
        f"{what} was changed elsewhere (another window or another user) after this document "
        "was opened: the edit was not saved"
    )


def span_columns(span: dom.Span) -> dict[str, Any]:
    """The columns of a :class:`corpus.models.Span` row that hold ``span``."""
    return {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "attributes": dict(span.attributes),
        "note": span.note,
        "fragments": [list(f) for f in span.fragments] or None,
    }


def relation_columns(row: RelationRow) -> dict[str, Any]:
    """The columns of a :class:`corpus.models.Relation` row that put ``row`` back, id included."""
    return {
        "id": row.id,
        "type": row.type,
        "head": row.head,
        "tail": row.tail,
        "attributes": dict(row.attributes),
        "created_at": row.created_at,
    }


def event_columns(row: EventRow) -> dict[str, Any]:
    """The columns of a :class:`corpus.models.Event` row that put ``row`` back, id included."""
    return {
        "id": row.id,
        "type": row.type,
        "trigger": row.trigger,
        "attributes": dict(row.attributes),
        "created_at": row.created_at,
    }


def domain_span(
    start: int,
    end: int,
    label: str,
    attributes: Mapping[str, Any] | None,
    note: str,
    fragments: list[list[int]] | None,
) -> dom.Span:
    """The span a row's columns hold."""
    pieces = tuple((int(a), int(b)) for a, b in fragments or ())
    return dom.Span(start, end, label, attributes or {}, note, pieces)


def in_document(query: pw.ModelSelect, doc_id: int, annotator: str | None) -> pw.ModelSelect:
    """``query`` (over a model with an annotation set) narrowed to one document and annotator."""
    query = query.join(AnnotationSet).join(Annotator).where(AnnotationSet.document == doc_id)
    return query if annotator is None else query.where(Annotator.name == annotator)

"""Annotations in the store: annotators, their status per document, spans, relations, events.

Mixed into :class:`corpus.store.Store`; every method owns its transaction and works with ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import Schema
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


class AnnotationsMixin:
    """Annotation methods of the store (needs ``db``, ``document()`` and ``schema()``)."""

    db: pw.Database
    document: Callable[[int], dom.Document]
    document_length: Callable[[int], int]
    schema: Callable[[], Schema]

    # -- annotators and their work ------------------------------------------------------------

    def annotator_id(self, name: str) -> int:
        """The id of the annotator called ``name``, created on first use."""
        name = name.strip()
        if not name:
            raise AnnotatorError("an annotator needs a name")
        with self.db.atomic():
            row, _ = Annotator.get_or_create(name=name)
        return int(row.id)

    def annotators(self) -> list[str]:
        """The names of the corpus's annotators, sorted."""
        names = Annotator.select(Annotator.name).scalars()
        return sorted((str(n) for n in names), key=str.casefold)

    def _set_id(self, doc_id: int, annotator: str) -> int:
        self.document_length(doc_id)  # a clear error for a missing document, not a foreign key's
        annotator_id = self.annotator_id(annotator)
        with self.db.atomic():
            row, _ = AnnotationSet.get_or_create(document=doc_id, annotator=annotator_id)
        return int(row.id)

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

    def _check_unique(self, set_id: int, span: dom.Span, span_id: int | None = None) -> None:
        """Refuse a span identical (offsets and label) to another of the same set."""
        same = Span.select(Span.id).where(
            Span.annotation_set == set_id,
            Span.start == span.start,
            Span.end == span.end,
            Span.label == span.label,
        )
        if span_id is not None:
            same = same.where(Span.id != span_id)
        if same.exists():
            raise AnnotatorError(
                f"the same {span.label} span ({span.start}..{span.end}) is there already"
            )

    def _check_span(self, length: int, span: dom.Span) -> None:
        if span.end > length:
            raise AnnotatorError(
                f"span {span.start}..{span.end} runs past the end of the text ({length})"
            )
        problems = self.schema().check_attributes(span.label, span.attributes)
        if problems:
            raise AnnotatorError("; ".join(problems))

    def add_span(self, doc_id: int, annotator: str, span: dom.Span) -> int:
        """Store a span of the annotator's on the document; returns its id."""
        self._check_span(self.document_length(doc_id), span)
        with self.db.atomic():
            set_id = self._set_id(doc_id, annotator)
            self._check_writable(set_id)
            self._check_unique(set_id, span)
            row = Span.create(
                annotation_set=set_id,
                start=span.start,
                end=span.end,
                label=span.label,
                attributes=dict(span.attributes),
                note=span.note,
            )
            started = pw.Case(
                None,
                [(AnnotationSet.status == dom.Status.NEW, dom.Status.IN_PROGRESS)],
                AnnotationSet.status,
            )
            AnnotationSet.update(status=started, updated_at=utcnow()).where(
                AnnotationSet.id == set_id
            ).execute()
        return int(row.id)

    def add_spans(self, doc_id: int, annotator: str, spans: Sequence[dom.Span]) -> list[int]:
        """Store several spans in one transaction (all or none); returns their ids."""
        with self.db.atomic():
            return [self.add_span(doc_id, annotator, span) for span in spans]

    def delete_spans(self, span_ids: Sequence[int]) -> list[SpanState]:
        """Delete several spans in one transaction; returns their states, to restore them."""
        with self.db.atomic():
            states = [self.span_state(span_id) for span_id in span_ids]
            for span_id in span_ids:
                self.delete_span(span_id)
        return states

    def restore_spans(self, states: Sequence[SpanState]) -> None:
        """Put back several spans deleted before, in one transaction."""
        with self.db.atomic():
            for state in states:
                self.restore_span(state)

    def update_span(self, span_id: int, span: dom.Span) -> None:
        """Replace the stored span's offsets, label, attributes and note; its id stays."""
        row = (
            Span.select(AnnotationSet.document, Span.annotation_set)
            .join(AnnotationSet)
            .where(Span.id == span_id)
            .tuples()
            .first()
        )
        if row is None:
            raise AnnotatorError(f"no span with id {span_id}")
        doc_id, set_id = row
        self._check_span(self.document_length(doc_id), span)
        with self.db.atomic():
            self._check_writable(set_id)
            self._check_unique(set_id, span, span_id)
            Span.update(
                start=span.start,
                end=span.end,
                label=span.label,
                attributes=dict(span.attributes),
                note=span.note,
                version=Span.version + 1,
                updated_at=utcnow(),
            ).where(Span.id == span_id).execute()

    def delete_span(self, span_id: int) -> None:
        """Remove a span, with the relations and event roles that use it."""
        with self.db.atomic():
            set_id = Span.select(Span.annotation_set).where(Span.id == span_id).scalar()
            if set_id is not None:
                self._check_writable(set_id)
            Span.delete().where(Span.id == span_id).execute()

    def span_state(self, span_id: int) -> SpanState:
        """The span ``span_id`` and what refers to it, read to undo its deletion later."""
        with self.db.atomic():
            row = (
                Span.select(Span, AnnotationSet.document, Annotator.name)
                .join(AnnotationSet)
                .join(Annotator)
                .where(Span.id == span_id)
                .objects()
                .first()
            )
            if row is None:
                raise AnnotatorError(f"no span with id {span_id}")
            relations = Relation.select(
                Relation.id,
                Relation.type,
                Relation.head,
                Relation.tail,
                Relation.attributes,
                Relation.created_at,
            ).where((Relation.head == span_id) | (Relation.tail == span_id))
            events = Event.select(
                Event.id, Event.type, Event.trigger, Event.attributes, Event.created_at
            ).where(Event.trigger == span_id)
            event_rows = tuple(EventRow(*r) for r in events.order_by(Event.id).tuples())
            roles = EventRole.select(
                EventRole.id, EventRole.event, EventRole.role, EventRole.span
            ).where(EventRole.event.in_([e.id for e in event_rows]) | (EventRole.span == span_id))
            return SpanState(
                id=span_id,
                document=int(row.document),
                annotator=str(row.name),
                span=dom.Span(row.start, row.end, row.label, row.attributes or {}, row.note),
                version=int(row.version),
                created_at=row.created_at,
                updated_at=row.updated_at,
                relations=tuple(RelationRow(*r) for r in relations.order_by(Relation.id).tuples()),
                events=event_rows,
                roles=tuple(RoleRow(*r) for r in roles.order_by(EventRole.id).tuples()),
            )

    def restore_span(self, state: SpanState) -> None:
        """Put back a span deleted since ``span_state`` read it, with its ids, in one transaction.

        Relations and roles whose other span (or other event) has gone meanwhile stay deleted.
        The ids were issued before, so a PostgreSQL sequence is already past them; on SQLite, a
        span added meanwhile may have taken the highest deleted id, which is refused here.
        """
        try:
            with self.db.atomic():
                self._restore_span(state)
        except pw.IntegrityError:
            raise AnnotatorError(
                f"span {state.id} cannot be restored: its id, or one of its relations' or "
                "events', has been taken since"
            ) from None

    def _restore_span(self, state: SpanState) -> None:
        set_id = self._set_id(state.document, state.annotator)
        self._check_writable(set_id)
        if Span.select().where(Span.id == state.id).exists():
            raise AnnotatorError(f"span {state.id} exists already")
        span = state.span
        Span.insert(
            id=state.id,
            annotation_set=set_id,
            start=span.start,
            end=span.end,
            label=span.label,
            attributes=dict(span.attributes),
            note=span.note,
            version=state.version,
            created_at=state.created_at,
            updated_at=state.updated_at,
        ).execute()
        others = {s for r in state.relations for s in (r.head, r.tail)} | {
            r.span for r in state.roles
        }
        alive = {state.id} | set(Span.select(Span.id).where(Span.id.in_(others)).scalars())
        for r in state.relations:
            if r.head in alive and r.tail in alive:
                Relation.insert(
                    id=r.id,
                    annotation_set=set_id,
                    type=r.type,
                    head=r.head,
                    tail=r.tail,
                    attributes=dict(r.attributes),
                    created_at=r.created_at,
                ).execute()
        for e in state.events:
            Event.insert(
                id=e.id,
                annotation_set=set_id,
                type=e.type,
                trigger=e.trigger,
                attributes=dict(e.attributes),
                created_at=e.created_at,
            ).execute()
        events = {e.id for e in state.events} | set(
            Event.select(Event.id).where(Event.id.in_([r.event for r in state.roles])).scalars()
        )
        for role in state.roles:
            if role.span in alive and role.event in events:
                EventRole.insert(
                    id=role.id, event=role.event, role=role.role, span=role.span
                ).execute()

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
            Span.created_at,
            Span.updated_at,
        )
        query = in_document(
            Span.select(*fields).order_by(Span.start, Span.end, Span.id), doc_id, annotator
        )
        return [
            StoredSpan(
                span_id, name, dom.Span(start, end, label, attributes or {}, note), created, updated
            )
            for span_id, name, start, end, label, attributes, note, created, updated in query.tuples()
        ]


def in_document(query: pw.ModelSelect, doc_id: int, annotator: str | None) -> pw.ModelSelect:
    """``query`` (over a model with an annotation set) narrowed to one document and annotator."""
    query = query.join(AnnotationSet).join(Annotator).where(AnnotationSet.document == doc_id)
    return query if annotator is None else query.where(Annotator.name == annotator)

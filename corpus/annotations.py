"""Annotations in the store: annotators, their status per document, spans, relations, events.

Mixed into :class:`corpus.store.Store`; every method owns its transaction and works with ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import Schema
from corpus.models import AnnotationSet, Annotator, Event, EventRole, Relation, Span, utcnow


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


class AnnotationsMixin:
    """Annotation methods of the store (needs ``db``, ``document()`` and ``schema()``)."""

    db: pw.Database
    document: Callable[[int], dom.Document]
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

    def _set_id(self, doc_id: int, annotator: str) -> int:
        self.document(doc_id)
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

    # -- spans, relations, events -------------------------------------------------------------

    def _check_span(self, text: str, span: dom.Span) -> None:
        if span.end > len(text):
            raise AnnotatorError(
                f"span {span.start}..{span.end} runs past the end of the text ({len(text)})"
            )
        problems = self.schema().check_attributes(span.label, span.attributes)
        if problems:
            raise AnnotatorError("; ".join(problems))

    def add_span(self, doc_id: int, annotator: str, span: dom.Span) -> int:
        """Store a span of the annotator's on the document; returns its id."""
        self._check_span(self.document(doc_id).text, span)
        with self.db.atomic():
            set_id = self._set_id(doc_id, annotator)
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

    def update_span(self, span_id: int, span: dom.Span) -> None:
        """Replace the stored span's offsets, label, attributes and note; its id stays."""
        row = Span.get_or_none(Span.id == span_id)
        if row is None:
            raise AnnotatorError(f"no span with id {span_id}")
        self._check_span(row.annotation_set.document.text, span)
        with self.db.atomic():
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
            Span.delete().where(Span.id == span_id).execute()

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
        query = _in_document(
            Span.select(*fields).order_by(Span.start, Span.end, Span.id), doc_id, annotator
        )
        return [
            StoredSpan(
                span_id, name, dom.Span(start, end, label, attributes or {}, note), created, updated
            )
            for span_id, name, start, end, label, attributes, note, created, updated in query.tuples()
        ]

    def _set_of_span(self, span_id: int) -> tuple[int, str]:
        row = (
            Span.select(Span.annotation_set, Span.label).where(Span.id == span_id).tuples().first()
        )
        if row is None:
            raise AnnotatorError(f"no span with id {span_id}")
        return int(row[0]), str(row[1])

    def add_relation(self, relation: dom.Relation) -> int:
        """Link two spans of the same annotator; the schema's allowed labels are enforced."""
        head_set, head_label = self._set_of_span(relation.head)
        tail_set, tail_label = self._set_of_span(relation.tail)
        if head_set != tail_set:
            raise AnnotatorError("a relation links spans of one annotator on one document")
        spec = self.schema().relation(relation.type)
        if spec is None:
            raise AnnotatorError(f"relation type '{relation.type}' is not in the schema")
        if not spec.allows(head_label, tail_label):
            raise AnnotatorError(
                f"relation '{relation.type}' cannot link {head_label} to {tail_label}"
            )
        with self.db.atomic():
            row = Relation.create(
                annotation_set=head_set, type=relation.type, head=relation.head, tail=relation.tail
            )
        return int(row.id)

    def relations(self, doc_id: int, annotator: str | None = None) -> list[StoredRelation]:
        """The document's relations."""
        query = Relation.select(
            Relation.id, Relation.type, Relation.head, Relation.tail, Annotator.name
        ).order_by(Relation.id)
        query = _in_document(query, doc_id, annotator)
        return [
            StoredRelation(i, name, dom.Relation(t, h, tl)) for i, t, h, tl, name in query.tuples()
        ]

    def add_event(self, event: dom.Event) -> int:
        """Store an event: its trigger span and role fillers, checked against the schema."""
        set_id, trigger_label = self._set_of_span(event.trigger)
        spec = self.schema().event(event.type)
        if spec is None:
            raise AnnotatorError(f"event type '{event.type}' is not in the schema")
        if trigger_label != spec.trigger:
            raise AnnotatorError(
                f"the trigger of a '{event.type}' event must be a {spec.trigger} span, not {trigger_label}"
            )
        for role, span_id in event.roles:
            role_spec = next((r for r in spec.roles if r.name == role), None)
            if role_spec is None:
                raise AnnotatorError(f"event '{event.type}' has no role '{role}'")
            filler_set, label = self._set_of_span(span_id)
            if filler_set != set_id:
                raise AnnotatorError(
                    "an event's roles are filled by spans of the same annotator and document"
                )
            if not role_spec.allows(label):
                raise AnnotatorError(
                    f"role '{role}' of '{event.type}' takes {', '.join(role_spec.labels)}, not {label}"
                )
        for role_spec in spec.roles:
            n = sum(1 for role, _ in event.roles if role == role_spec.name)
            if n < role_spec.minimum or (role_spec.maximum is not None and n > role_spec.maximum):
                raise AnnotatorError(
                    f"event '{event.type}' has {n} '{role_spec.name}' roles, outside its cardinality"
                )
        with self.db.atomic():
            row = Event.create(annotation_set=set_id, type=event.type, trigger=event.trigger)
            EventRole.insert_many(
                [(row.id, role, span_id) for role, span_id in event.roles],
                fields=[EventRole.event, EventRole.role, EventRole.span],
            ).execute()
        return int(row.id)

    def events(self, doc_id: int, annotator: str | None = None) -> list[StoredEvent]:
        """The document's events with their roles."""
        query = Event.select(Event.id, Event.type, Event.trigger, Annotator.name).order_by(Event.id)
        query = _in_document(query, doc_id, annotator)
        rows = list(query.tuples())
        roles: dict[int, list[tuple[str, int]]] = {}
        role_query = (
            EventRole.select(EventRole.event, EventRole.role, EventRole.span)
            .where(EventRole.event.in_([r[0] for r in rows]))
            .order_by(EventRole.id)
        )
        for event_id, role, span_id in role_query.tuples():
            roles.setdefault(event_id, []).append((role, span_id))
        return [
            StoredEvent(i, name, dom.Event(t, trig, tuple(roles.get(i, ()))))
            for i, t, trig, name in rows
        ]


def _in_document(query: pw.ModelSelect, doc_id: int, annotator: str | None) -> pw.ModelSelect:
    """``query`` (over a model with an annotation set) narrowed to one document and annotator."""
    query = query.join(AnnotationSet).join(Annotator).where(AnnotationSet.document == doc_id)
    return query if annotator is None else query.where(Annotator.name == annotator)

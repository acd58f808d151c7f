"""Relations and events in the store: links between one annotator's spans of one document.

Mixed into :class:`corpus.store.Store`; every method owns its transaction. The schema's allowed
labels are enforced on every link. An event can be built up role by role (``partial``): its
minimum role counts are then the annotator's to meet, and :meth:`LinksMixin.add_event` without
``partial`` checks them. Deleting returns the rows as plain values and restoring puts them back
with the same ids, for undo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import EventSpec, Schema
from corpus.annotations import (
    EVENT_FIELDS,
    RELATION_FIELDS,
    ROLE_FIELDS,
    EventRow,
    RelationRow,
    RoleRow,
    StoredEvent,
    StoredRelation,
    event_columns,
    in_document,
    relation_columns,
)
from corpus.db import AccessDenied
from corpus.edit_rows import RELATION_KEY, refusing_repeats
from corpus.models import Annotator, Event, EventRole, Relation, Span


@contextmanager
def _restoring(what: str) -> Iterator[None]:
    """Turn the database's refusal to put back a row into a one-line error."""
    try:
        yield
    except pw.IntegrityError:
        raise AnnotatorError(
            f"{what} cannot be restored: its id has been taken since, or a span it links has gone"
        ) from None


@dataclass(frozen=True)
class Links:
    """One annotator's relations, events and event roles on one document, ids included."""

    relations: tuple[RelationRow, ...] = ()
    events: tuple[EventRow, ...] = ()
    roles: tuple[RoleRow, ...] = ()


class LinksMixin:
    """Relation and event methods of the store (needs ``db``, ``schema()`` and the span checks)."""

    db: pw.Database
    schema: Callable[[], Schema]
    _check_writable: Callable[[int], None]

    def _set_of_span(self, span_id: int) -> tuple[int, str]:
        row = (
            Span.select(Span.annotation_set, Span.label).where(Span.id == span_id).tuples().first()
        )
        if row is None:
            raise AnnotatorError(f"no span with id {span_id}")
        return int(row[0]), str(row[1])

    # -- relations ----------------------------------------------------------------------------

    def _check_relation(self, relation: dom.Relation) -> int:
        """The annotation set of a valid relation; refuses one the schema does not allow."""
        head_set, head_label = self._set_of_span(relation.head)
        tail_set, tail_label = self._set_of_span(relation.tail)
        if head_set != tail_set:
            raise AnnotatorError("a relation links spans of one annotator on one document")
        if relation.head == relation.tail:
            raise AnnotatorError("a relation links two different spans")
        spec = self.schema().relation(relation.type)
        if spec is None:
            raise AnnotatorError(f"relation type '{relation.type}' is not in the schema")
        if not spec.allows(head_label, tail_label):
            raise AnnotatorError(
                f"relation '{relation.type}' cannot link {head_label} to {tail_label}"
            )
        return head_set

    def add_relation(self, relation: dom.Relation) -> int:
        """Link two spans of the same annotator; the schema's allowed labels are enforced."""
        set_id = self._check_relation(relation)
        link = f"the same '{relation.type}' link"
        with refusing_repeats(link, RELATION_KEY), self.db.atomic():
            self._check_writable(set_id)
            same = Relation.select().where(
                Relation.type == relation.type,
                Relation.head == relation.head,
                Relation.tail == relation.tail,
            )
            if same.exists():
                raise AnnotatorError(f"the two spans are linked by '{relation.type}' already")
            row = Relation.create(
                annotation_set=set_id, type=relation.type, head=relation.head, tail=relation.tail
            )
        return int(row.id)

    def relations(self, doc_id: int, annotator: str | None = None) -> list[StoredRelation]:
        """The document's relations."""
        query = Relation.select(
            Relation.id, Relation.type, Relation.head, Relation.tail, Annotator.name
        ).order_by(Relation.id)
        query = in_document(query, doc_id, annotator)
        return [
            StoredRelation(i, name, dom.Relation(t, h, tl)) for i, t, h, tl, name in query.tuples()
        ]

    def delete_relation(self, relation_id: int) -> RelationRow:
        """Remove a relation; returns it as it was, to restore it later."""
        with self.db.atomic():
            row = self._relation_row(relation_id)
            self._check_writable(self._set_of_span(row.head)[0])
            Relation.delete().where(Relation.id == relation_id).execute()
        return row

    def restore_relation(self, row: RelationRow) -> None:
        """Put back a relation deleted before, with its id (as it was: the schema's rules were
        checked when it was made, and relabelling keeps them)."""
        with _restoring(f"relation {row.id}"), self.db.atomic():
            head_set = self._set_of_span(row.head)[0]
            if self._set_of_span(row.tail)[0] != head_set:
                raise AnnotatorError("a relation links spans of one annotator on one document")
            self._check_writable(head_set)
            Relation.insert(annotation_set=head_set, **relation_columns(row)).execute()

    def _relation_row(self, relation_id: int) -> RelationRow:
        row = Relation.select(*RELATION_FIELDS).where(Relation.id == relation_id).tuples().first()
        if row is None:
            raise AnnotatorError(f"no relation with id {relation_id}")
        return RelationRow(*row)

    # -- events -------------------------------------------------------------------------------

    def _event_spec(self, event_type: str) -> EventSpec:
        spec = self.schema().event(event_type)
        if spec is None:
            raise AnnotatorError(f"event type '{event_type}' is not in the schema")
        return spec

    def _check_role(self, spec: EventSpec, set_id: int, role: str, span_id: int) -> None:
        role_spec = next((r for r in spec.roles if r.name == role), None)
        if role_spec is None:
            raise AnnotatorError(f"event '{spec.name}' has no role '{role}'")
        filler_set, label = self._set_of_span(span_id)
        if filler_set != set_id:
            raise AnnotatorError(
                "an event's roles are filled by spans of the same annotator and document"
            )
        if not role_spec.allows(label):
            raise AnnotatorError(
                f"role '{role}' of '{spec.name}' takes {', '.join(role_spec.labels)}, not {label}"
            )

    def add_event(self, event: dom.Event, partial: bool = False) -> int:
        """Store an event: its trigger span and role fillers, checked against the schema.

        A ``partial`` event may have fewer roles than the schema's minimum (roles follow).
        """
        set_id, trigger_label = self._set_of_span(event.trigger)
        spec = self._event_spec(event.type)
        if trigger_label != spec.trigger:
            raise AnnotatorError(
                f"the trigger of a '{event.type}' event must be a {spec.trigger} span, not {trigger_label}"
            )
        for role, span_id in event.roles:
            self._check_role(spec, set_id, role, span_id)
        for role_spec in spec.roles:
            n = sum(1 for role, _ in event.roles if role == role_spec.name)
            too_few = n < role_spec.minimum and not partial
            if too_few or (role_spec.maximum is not None and n > role_spec.maximum):
                raise AnnotatorError(
                    f"event '{event.type}' has {n} '{role_spec.name}' roles, outside its cardinality"
                )
        with self.db.atomic():
            self._check_writable(set_id)
            row = Event.create(annotation_set=set_id, type=event.type, trigger=event.trigger)
            EventRole.insert_many(
                [(row.id, role, span_id) for role, span_id in event.roles],
                fields=[EventRole.event, EventRole.role, EventRole.span],
            ).execute()
        return int(row.id)

    def events(self, doc_id: int, annotator: str | None = None) -> list[StoredEvent]:
        """The document's events with their roles."""
        query = Event.select(Event.id, Event.type, Event.trigger, Annotator.name).order_by(Event.id)
        query = in_document(query, doc_id, annotator)
        rows = list(query.tuples())
        roles: dict[int, list[tuple[str, int]]] = {}
        role_query = (
            EventRole.select(EventRole.event, EventRole.role, EventRole.span)
            .where(EventRole.event.in_(in_document(Event.select(Event.id), doc_id, annotator)))
            .order_by(EventRole.id)
        )
        for event_id, role, span_id in role_query.tuples():
            roles.setdefault(event_id, []).append((role, span_id))
        return [
            StoredEvent(i, name, dom.Event(t, trig, tuple(roles.get(i, ()))))
            for i, t, trig, name in rows
        ]

    def add_event_role(self, event_id: int, role: str, span_id: int) -> int:
        """Let the span ``span_id`` fill ``role`` in the event; the schema's labels and maximum
        count are enforced. Returns the role's id."""
        with self.db.atomic():
            event = self._event_row(event_id)
            set_id = self._set_of_span(event.trigger)[0]
            self._check_writable(set_id)
            spec = self._event_spec(event.type)
            self._check_role(spec, set_id, role, span_id)
            taken = EventRole.select().where(EventRole.event == event_id, EventRole.role == role)
            if taken.where(EventRole.span == span_id).exists():
                raise AnnotatorError(f"the span fills '{role}' in this event already")
            maximum = next(r.maximum for r in spec.roles if r.name == role)
            if maximum is not None and taken.count() >= maximum:
                raise AnnotatorError(
                    f"event '{event.type}' takes at most {maximum} '{role}' role{'s' * (maximum != 1)}"
                )
            row = EventRole.create(event=event_id, role=role, span=span_id)
        return int(row.id)

    def delete_event_role(self, role_id: int) -> RoleRow:
        """Remove one role from its event; returns it as it was, to restore it later."""
        with self.db.atomic():
            row = EventRole.select(*ROLE_FIELDS).where(EventRole.id == role_id).tuples().first()
            if row is None:
                raise AnnotatorError(f"no event role with id {role_id}")
            role = RoleRow(*row)
            self._check_writable(self._set_of_span(role.span)[0])
            EventRole.delete().where(EventRole.id == role_id).execute()
        return role

    def restore_event_role(self, role: RoleRow) -> None:
        """Put back a role deleted before, with its id."""
        with _restoring(f"event role {role.id}"), self.db.atomic():
            event = self._event_row(role.event)
            set_id = self._set_of_span(event.trigger)[0]
            if self._set_of_span(role.span)[0] != set_id:
                raise AnnotatorError(
                    "an event's roles are filled by spans of the same annotator and document"
                )
            self._check_writable(set_id)
            EventRole.insert(id=role.id, event=role.event, role=role.role, span=role.span).execute()

    def delete_event(self, event_id: int) -> tuple[EventRow, tuple[RoleRow, ...]]:
        """Remove an event and its roles; returns them as they were, to restore them later."""
        with self.db.atomic():
            event = self._event_row(event_id)
            self._check_writable(self._set_of_span(event.trigger)[0])
            roles = tuple(
                RoleRow(*r)
                for r in EventRole.select(*ROLE_FIELDS)
                .where(EventRole.event == event_id)
                .order_by(EventRole.id)
                .tuples()
            )
            Event.delete().where(Event.id == event_id).execute()
        return event, roles

    def restore_event(self, event: EventRow, roles: tuple[RoleRow, ...] = ()) -> None:
        """Put back an event deleted before, with its roles and ids."""
        with _restoring(f"event {event.id}"), self.db.atomic():
            set_id = self._set_of_span(event.trigger)[0]
            self._check_writable(set_id)
            Event.insert(annotation_set=set_id, **event_columns(event)).execute()
            for role in roles:
                EventRole.insert(
                    id=role.id, event=role.event, role=role.role, span=role.span
                ).execute()

    def _event_row(self, event_id: int) -> EventRow:
        """The event's row, locked on PostgreSQL until the transaction ends, so that roles
        added to one event from several clients are checked (repeats, maximum counts) one
        after another."""
        query = Event.select(*EVENT_FIELDS).where(Event.id == event_id)
        locking = isinstance(self.db, pw.PostgresqlDatabase)
        row = (query.for_update() if locking else query).tuples().first()
        if row is None:
            if locking and query.exists():  # row-level security leaves it out of the lock
                raise AccessDenied(
                    "your role in this team corpus does not allow it (the event is another "
                    "annotator's: only curators and managers change others' work)"
                )
            raise AnnotatorError(f"no event with id {event_id}")
        return EventRow(*row)

    # -- all of a document's links ------------------------------------------------------------

    def links(self, doc_id: int, annotator: str) -> Links:
        """The annotator's relations, events and roles on the document, in id order."""
        relations = in_document(
            Relation.select(*RELATION_FIELDS).order_by(Relation.id),
            doc_id,
            annotator,
        )
        events = in_document(
            Event.select(
                Event.id, Event.type, Event.trigger, Event.attributes, Event.created_at
            ).order_by(Event.id),
            doc_id,
            annotator,
        )
        event_rows = tuple(EventRow(*r) for r in events.tuples())
        event_ids = in_document(Event.select(Event.id), doc_id, annotator)
        roles = (
            EventRole.select(*ROLE_FIELDS)
            .where(EventRole.event.in_(event_ids))
            .order_by(EventRole.id)
        )
        return Links(
            tuple(RelationRow(*r) for r in relations.tuples()),
            event_rows,
            tuple(RoleRow(*r) for r in roles.tuples()),
        )

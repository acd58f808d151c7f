"""Deleting spans so that they can come back: their state read as plain values (relations and
event roles included), deletion, and restoring with the same ids, for one span or many at once.

Mixed into :class:`corpus.store.Store`; every method owns its transaction. Many spans cost a
few queries per 300 spans, not a few per span, so undoing "label all occurrences" stays quick.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import peewee as pw
from peewee import chunked

from annotator.errors import AnnotatorError
from corpus.annotations import (
    EVENT_FIELDS,
    RELATION_FIELDS,
    ROLE_FIELDS,
    EventRow,
    RelationRow,
    RoleRow,
    SpanState,
    domain_span,
    event_columns,
    relation_columns,
    span_columns,
)
from corpus.models import AnnotationSet, Annotator, Event, EventRole, Relation, Span

CHUNK = 300  # ids per IN list (SQLite allows 32,766 parameters; PostgreSQL more)


def _rows(ids: Sequence[int], query: Callable[[list[int]], pw.ModelSelect]) -> list[Any]:
    """The tuples ``query(chunk)`` returns for each chunk of ``ids``, one list."""
    return [row for chunk in chunked(ids, CHUNK) for row in query(list(chunk)).tuples()]


def _unique(rows: Iterable[Any]) -> list[Any]:
    """``rows`` without repeats (by their first field, the id), in id order."""
    return sorted({row[0]: row for row in rows}.values(), key=lambda row: row[0])


class SpanUndoMixin:
    """Span states, bulk deletion and restoring (needs ``db`` and the annotation set checks)."""

    db: pw.Database
    _set_id: Callable[[int, str], int]
    _check_writable: Callable[[int], None]

    def span_state(self, span_id: int) -> SpanState:
        """The span ``span_id`` and what refers to it, read to undo its deletion later."""
        return self.span_states([span_id])[0]

    def span_states(self, span_ids: Sequence[int]) -> list[SpanState]:
        """The states of the spans ``span_ids``, in that order (see :class:`SpanState`)."""
        with self.db.atomic():
            spans = {
                row.id: row
                for chunk in chunked(span_ids, CHUNK)
                for row in Span.select(Span, AnnotationSet.document, Annotator.name)
                .join(AnnotationSet)
                .join(Annotator)
                .where(Span.id.in_(list(chunk)))
                .objects()
            }
            missing = [i for i in span_ids if i not in spans]
            if missing:
                raise AnnotatorError(f"no span with id {missing[0]}")
            relations = [
                RelationRow(*r)
                for r in _unique(
                    _rows(
                        span_ids,
                        lambda c: Relation.select(*RELATION_FIELDS).where(
                            Relation.head.in_(c) | Relation.tail.in_(c)
                        ),
                    )
                )
            ]
            events = [
                EventRow(*r)
                for r in _unique(
                    _rows(
                        span_ids,
                        lambda c: Event.select(*EVENT_FIELDS).where(Event.trigger.in_(c)),
                    )
                )
            ]
            filled = _rows(
                span_ids, lambda c: EventRole.select(*ROLE_FIELDS).where(EventRole.span.in_(c))
            )
            owned = _rows(
                [e.id for e in events],
                lambda c: EventRole.select(*ROLE_FIELDS).where(EventRole.event.in_(c)),
            )
            roles = [RoleRow(*r) for r in _unique(filled + owned)]

        by_span: dict[int, list[RelationRow]] = defaultdict(list)
        for r in relations:
            by_span[r.head].append(r)
            if r.tail != r.head:
                by_span[r.tail].append(r)
        by_trigger: dict[int, list[EventRow]] = defaultdict(list)
        for e in events:
            by_trigger[e.trigger].append(e)
        trigger_of = {e.id: e.trigger for e in events}
        roles_of: dict[int, list[RoleRow]] = defaultdict(list)
        for role in roles:
            roles_of[role.span].append(role)
            if role.event in trigger_of and trigger_of[role.event] != role.span:
                roles_of[trigger_of[role.event]].append(role)
        return [
            SpanState(
                id=span_id,
                document=int(row.document),
                annotator=str(row.name),
                span=domain_span(
                    row.start, row.end, row.label, row.attributes, row.note, row.fragments
                ),
                version=int(row.version),
                created_at=row.created_at,
                updated_at=row.updated_at,
                relations=tuple(by_span[span_id]),
                events=tuple(by_trigger[span_id]),
                roles=tuple(sorted(roles_of[span_id])),
            )
            for span_id in span_ids
            for row in (spans[span_id],)
        ]

    def delete_spans(self, span_ids: Sequence[int]) -> list[SpanState]:
        """Delete several spans in one transaction; returns their states, to restore them."""
        with self.db.atomic():
            states = self.span_states(span_ids)
            for doc_id, annotator in {(s.document, s.annotator) for s in states}:
                self._check_writable(self._set_id(doc_id, annotator))
            for chunk in chunked(span_ids, CHUNK):
                Span.delete().where(Span.id.in_(list(chunk))).execute()
        return states

    def restore_span(self, state: SpanState) -> None:
        """Put back a span deleted since ``span_state`` read it, with its ids, in one transaction.

        Relations and roles whose other span (or other event) has gone meanwhile stay deleted.
        The ids were issued before, so a PostgreSQL sequence is already past them; on SQLite, a
        span added meanwhile may have taken the highest deleted id, which is refused here.
        """
        self.restore_spans([state])

    def restore_spans(self, states: Sequence[SpanState]) -> None:
        """Put back several spans deleted before, with their links and ids, in one transaction."""
        try:
            with self.db.atomic():
                self._restore(states)
        except pw.IntegrityError:
            what = f"span {states[0].id}" if len(states) == 1 else f"{len(states)} spans"
            raise AnnotatorError(
                f"{what} cannot be restored: an id, or one of its relations' or events', has "
                "been taken since, or the same span has been added since"
            ) from None

    def _restore(self, states: Sequence[SpanState]) -> None:
        sets = {key: self._set_id(*key) for key in {(s.document, s.annotator) for s in states}}
        for set_id in sets.values():
            self._check_writable(set_id)
        set_of = {s.id: sets[s.document, s.annotator] for s in states}
        ids = [s.id for s in states]
        taken = _rows(ids, lambda c: Span.select(Span.id).where(Span.id.in_(c)))
        if taken:
            raise AnnotatorError(f"span {taken[0][0]} exists already")
        for chunk in chunked(states, 100):
            Span.insert_many(
                [
                    {
                        "id": s.id,
                        "annotation_set": set_of[s.id],
                        **span_columns(s.span),
                        "version": s.version,
                        "created_at": s.created_at,
                        "updated_at": s.updated_at,
                    }
                    for s in chunk
                ]
            ).execute()
        relations = {r.id: r for s in states for r in s.relations}
        events = {e.id: (e, set_of[s.id]) for s in states for e in s.events}
        roles = {r.id: r for s in states for r in s.roles}
        others = {end for r in relations.values() for end in (r.head, r.tail)} | {
            r.span for r in roles.values()
        }
        alive = set(ids) | {
            row[0]
            for row in _rows(list(others), lambda c: Span.select(Span.id).where(Span.id.in_(c)))
        }
        for r in relations.values():
            if r.head in alive and r.tail in alive:
                owner = set_of.get(r.head) or set_of.get(r.tail)
                if owner is None:
                    owner = Span.select(Span.annotation_set).where(Span.id == r.head).scalar()
                Relation.insert(annotation_set=owner, **relation_columns(r)).execute()
        for e, set_id in events.values():
            Event.insert(annotation_set=set_id, **event_columns(e)).execute()
        wanted = {r.event for r in roles.values()} - set(events)
        live_events = set(events) | {
            row[0]
            for row in _rows(list(wanted), lambda c: Event.select(Event.id).where(Event.id.in_(c)))
        }
        kept = [
            {"id": r.id, "event": r.event, "role": r.role, "span": r.span}
            for r in roles.values()
            if r.span in alive and r.event in live_events
        ]
        for chunk in chunked(kept, 100):
            EventRole.insert_many(list(chunk)).execute()

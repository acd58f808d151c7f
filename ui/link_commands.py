"""Undoable edits of links and of several spans at once: relations, events, event roles, and
labelling every occurrence of a text.

Each command is a pair of opposite steps, ``_create`` and ``_remove``: an addition runs them in
that order, a deletion the other way round. What a removal deletes is read back as plain rows,
and the creation that follows restores exactly those rows, ids included, so later commands on
the stack still refer to the right objects.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.document import Event, Relation, Span
from corpus.annotations import EventRow, RelationRow, RoleRow, SpanState
from corpus.store import Store
from ui.commands import SpanCommand, SpanSink, quote


class _PairCommand(SpanCommand):
    """A command made of two opposite steps; ``adds`` says which one ``redo`` takes."""

    adds = True

    def _create(self) -> None:
        raise NotImplementedError

    def _remove(self) -> None:
        raise NotImplementedError

    def _step(self, create: bool) -> None:
        if self._attempt(self._create if create else self._remove):
            self.sink.links_changed()

    def redo(self) -> None:
        """Take the command's step."""
        self._step(self.adds)

    def undo(self) -> None:
        """Take the opposite step."""
        self._step(not self.adds)


class _RelationCommand(_PairCommand):
    def __init__(
        self, store: Store, sink: SpanSink, text: str, relation: Relation, relation_id: int | None
    ) -> None:
        super().__init__(store, sink, text)
        self.relation = relation
        self.relation_id = relation_id
        self._row: RelationRow | None = None

    def _create(self) -> None:
        if self._row is None:
            self.relation_id = self.store.add_relation(self.relation)
        else:
            self.store.restore_relation(self._row)

    def _remove(self) -> None:
        assert self.relation_id is not None
        self._row = self.store.delete_relation(self.relation_id)


class AddRelationCommand(_RelationCommand):
    """Link two spans: "Link 'Russian' uses 'Su-34'"."""

    def __init__(
        self, store: Store, sink: SpanSink, relation: Relation, head: str, tail: str
    ) -> None:
        text = f"Link '{quote(head)}' {relation.type} '{quote(tail)}'"
        super().__init__(store, sink, text, relation, None)


class DeleteRelationCommand(_RelationCommand):
    """Remove a relation: "Unlink 'Russian' uses 'Su-34'"."""

    adds = False

    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        relation_id: int,
        relation: Relation,
        head: str,
        tail: str,
    ) -> None:
        text = f"Unlink '{quote(head)}' {relation.type} '{quote(tail)}'"
        super().__init__(store, sink, text, relation, relation_id)


class _EventCommand(_PairCommand):
    def __init__(
        self, store: Store, sink: SpanSink, text: str, event: Event, event_id: int | None
    ) -> None:
        super().__init__(store, sink, text)
        self.event = event
        self.event_id = event_id
        self._rows: tuple[EventRow, tuple[RoleRow, ...]] | None = None

    def _create(self) -> None:
        if self._rows is None:
            self.event_id = self.store.add_event(self.event, partial=True)
        else:
            self.store.restore_event(*self._rows)

    def _remove(self) -> None:
        assert self.event_id is not None
        self._rows = self.store.delete_event(self.event_id)


class AddEventCommand(_EventCommand):
    """Make a span the trigger of an event, with the roles given (more may follow): "Add
    Attack event 'struck'", or ``text`` when one is given."""

    def __init__(
        self, store: Store, sink: SpanSink, event: Event, trigger: str, text: str = ""
    ) -> None:
        text = text or f"Add {event.type} event '{quote(trigger)}'"
        super().__init__(store, sink, text, event, None)


class DeleteEventCommand(_EventCommand):
    """Remove an event and its roles: "Delete Attack event 'struck'"."""

    adds = False

    def __init__(
        self, store: Store, sink: SpanSink, event_id: int, event: Event, trigger: str
    ) -> None:
        text = f"Delete {event.type} event '{quote(trigger)}'"
        super().__init__(store, sink, text, event, event_id)


class _RoleCommand(_PairCommand):
    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        text: str,
        event_id: int,
        role: str,
        span_id: int,
        role_id: int | None,
    ) -> None:
        super().__init__(store, sink, text)
        self.event_id = event_id
        self.role = role
        self.span_id = span_id
        self.role_id = role_id
        self._row: RoleRow | None = None

    def _create(self) -> None:
        if self._row is None:
            self.role_id = self.store.add_event_role(self.event_id, self.role, self.span_id)
        else:
            self.store.restore_event_role(self._row)

    def _remove(self) -> None:
        assert self.role_id is not None
        self._row = self.store.delete_event_role(self.role_id)


class AddRoleCommand(_RoleCommand):
    """Let a span fill an event's role: "Set 'Russian' as attacker of 'struck'"."""

    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        event_id: int,
        role: str,
        span_id: int,
        filler: str,
        trigger: str,
    ) -> None:
        text = f"Set '{quote(filler)}' as {role} of '{quote(trigger)}'"
        super().__init__(store, sink, text, event_id, role, span_id, None)


class DeleteRoleCommand(_RoleCommand):
    """Take a span out of an event's role: "Remove 'Russian' as attacker of 'struck'"."""

    adds = False

    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        role_id: int,
        event_id: int,
        role: str,
        span_id: int,
        filler: str,
        trigger: str,
    ) -> None:
        text = f"Remove '{quote(filler)}' as {role} of '{quote(trigger)}'"
        super().__init__(store, sink, text, event_id, role, span_id, role_id)


class AddSpansCommand(SpanCommand):
    """Label several stretches at once, as one step: "Label 4 × 'Su-34' as WeaponSystem"."""

    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        doc_id: int,
        annotator: str,
        spans: Sequence[Span],
        covered: str,
    ) -> None:
        label = spans[0].label if spans else ""
        super().__init__(store, sink, f"Label {len(spans)} × '{quote(covered)}' as {label}")
        self.doc_id = doc_id
        self.annotator = annotator
        self.spans = list(spans)
        self.span_ids: list[int] = []
        self._states: list[SpanState] = []

    def redo(self) -> None:
        """Store the spans (the first time) or restore them with their ids, in one transaction."""
        if self._states:
            states = self._states
            if self._attempt(lambda: self.store.restore_spans(states)):
                self.sink.spans_stored([(state.id, state.span) for state in states])
            return

        def add() -> None:
            self.span_ids = self.store.add_spans(self.doc_id, self.annotator, self.spans)

        if self._attempt(add):
            self.sink.spans_stored(list(zip(self.span_ids, self.spans, strict=True)))

    def undo(self) -> None:
        """Delete the spans, in one transaction, remembering them for redo."""
        ids = self.span_ids

        def delete() -> None:
            self._states = self.store.delete_spans(ids)

        if self._attempt(delete):
            self.sink.spans_removed(ids)

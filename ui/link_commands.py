"""Undoable edits of links and of several spans at once: relations, events, event roles, and
labelling every occurrence of a text.

Each command is a pair of opposite steps, ``_create`` and ``_remove``: an addition runs them in
that order, a deletion the other way round. What a removal deletes is read back as plain rows,
and the creation that follows restores exactly those rows, ids included, so later commands on
the stack still refer to the right objects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from annotator.document import Event, Relation, Span
from corpus.annotations import EventRow, RelationRow, RoleRow, SpanState
from corpus.store import Store
from ui.commands import SpanCommand, SpanSink, quote

Saved = TypeVar("Saved")
EventRows = tuple[EventRow, tuple[RoleRow, ...]]


class _PairCommand(SpanCommand, Generic[Saved]):
    """A command made of two opposite steps on one stored object; ``adds`` says which one
    ``redo`` takes. The object is inserted once, then reinserted from what taking it out read
    back."""

    adds = True
    verb = ""  # the first word of the command's text

    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        text: str,
        object_id: int | None,
        steps: tuple[Callable[[], int], Callable[[Saved], None], Callable[[int], Saved]],
    ) -> None:
        super().__init__(store, sink, text)
        self.object_id = object_id
        self._insert, self._reinsert, self._take_out = steps
        self._saved: Saved | None = None

    def _create(self) -> None:
        if self._saved is None:
            self.object_id = self._insert()
        else:
            self._reinsert(self._saved)

    def _remove(self) -> None:
        assert self.object_id is not None
        self._saved = self._take_out(self.object_id)

    def _step(self, create: bool) -> None:
        if self._attempt(self._create if create else self._remove):
            self.sink.links_changed()

    def redo(self) -> None:
        """Take the command's step."""
        self._step(self.adds)

    def undo(self) -> None:
        """Take the opposite step."""
        self._step(not self.adds)


class _RelationCommand(_PairCommand[RelationRow]):
    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        relation_id: int | None,
        relation: Relation,
        head: str,
        tail: str,
    ) -> None:
        text = f"{self.verb} '{quote(head)}' {relation.type} '{quote(tail)}'"
        steps = (
            lambda: store.add_relation(relation),
            store.restore_relation,
            store.delete_relation,
        )
        super().__init__(store, sink, text, relation_id, steps)


class AddRelationCommand(_RelationCommand):
    """Link two spans: "Link 'Russian' uses 'Su-34'"."""

    verb = "Link"

    def __init__(
        self, store: Store, sink: SpanSink, relation: Relation, head: str, tail: str
    ) -> None:
        super().__init__(store, sink, None, relation, head, tail)


class DeleteRelationCommand(_RelationCommand):
    """Remove a relation: "Unlink 'Russian' uses 'Su-34'"; takes the relation's id first."""

    adds = False
    verb = "Unlink"


class _EventCommand(_PairCommand[EventRows]):
    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        event_id: int | None,
        event: Event,
        trigger: str,
        text: str = "",
    ) -> None:
        text = text or f"{self.verb} {event.type} event '{quote(trigger)}'"
        steps = (
            lambda: store.add_event(event, partial=True),
            lambda rows: store.restore_event(*rows),
            store.delete_event,
        )
        super().__init__(store, sink, text, event_id, steps)


class AddEventCommand(_EventCommand):
    """Make a span the trigger of an event, with the roles given (more may follow): "Add
    Attack event 'struck'", or ``text`` when one is given."""

    verb = "Add"

    def __init__(
        self, store: Store, sink: SpanSink, event: Event, trigger: str, text: str = ""
    ) -> None:
        super().__init__(store, sink, None, event, trigger, text)


class DeleteEventCommand(_EventCommand):
    """Remove an event and its roles: "Delete Attack event 'struck'"; takes the event's id
    first."""

    adds = False
    verb = "Delete"


class _RoleCommand(_PairCommand[RoleRow]):
    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        role_id: int | None,
        event_id: int,
        role: str,
        span_id: int,
        filler: str,
        trigger: str,
    ) -> None:
        text = f"{self.verb} '{quote(filler)}' as {role} of '{quote(trigger)}'"
        steps = (
            lambda: store.add_event_role(event_id, role, span_id),
            store.restore_event_role,
            store.delete_event_role,
        )
        super().__init__(store, sink, text, role_id, steps)


class AddRoleCommand(_RoleCommand):
    """Let a span fill an event's role: "Set 'Russian' as attacker of 'struck'"."""

    verb = "Set"

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
        super().__init__(store, sink, None, event_id, role, span_id, filler, trigger)


class DeleteRoleCommand(_RoleCommand):
    """Take a span out of an event's role: "Remove 'Russian' as attacker of 'struck'"; takes
    the role's id first."""

    adds = False
    verb = "Remove"


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

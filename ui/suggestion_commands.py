"""Undoable answers to suggestions: accepting some (they become spans of the annotator) and
rejecting some (they are never proposed again), one QUndoCommand per user action.

Accepting keeps ids across undo and redo: undo deletes the spans made (reading their state) and
puts the suggestion rows back with their ids; redo restores those spans and drops those rows
again. The span changes go to the span editor (a :class:`ui.commands.SpanSink`), and the
controller that shows the suggestions hears after every step which one to make current.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from corpus.annotations import SpanState
from corpus.store import Store
from corpus.suggestions import StoredSuggestion, SuggestionRow
from ui.commands import SpanCommand, SpanSink, quote

OrderKey = tuple[int, int, str]


def order_key(s: StoredSuggestion | SuggestionRow) -> OrderKey:
    """Where a suggestion comes in the order the editor steps through them (the store's)."""
    return (s.start, -s.end, s.label)


class SuggestionsShown(Protocol):
    """Whoever shows the suggestions: told to read them again after each step."""

    def suggestions_changed(self, current: int | None = None, near: OrderKey | None = None) -> None:
        """Read the pending suggestions again; make ``current`` the current one, or else the
        first at or after ``near`` in text order."""


def describe(verb: str, chosen: Sequence[StoredSuggestion], covered: str) -> str:
    """A command's name: "Accept Location 'al-Bab'", "Reject 12 Location suggestions",
    "Accept 30 suggestions"."""
    if len(chosen) == 1:
        return f"{verb} {chosen[0].label} '{quote(covered)}'"
    labels = {s.label for s in chosen}
    kind = f"{labels.pop()} suggestions" if len(labels) == 1 else "suggestions"
    return f"{verb} {len(chosen)} {kind}"


class _SuggestionCommand(SpanCommand):
    """Shared by the suggestion commands: the suggestions chosen, named after ``verb``."""

    verb = ""

    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        shown: SuggestionsShown,
        chosen: Sequence[StoredSuggestion],
        covered: str,
    ) -> None:
        super().__init__(store, sink, describe(self.verb, chosen, covered))
        self.shown = shown
        self.ids = [s.id for s in chosen]
        self.near = min(order_key(s) for s in chosen)
        self.first = min(chosen, key=order_key).id


class AcceptSuggestionsCommand(_SuggestionCommand):
    """Turn suggestions into ordinary spans of the annotator."""

    verb = "Accept"
    # Nothing accepted yet; the first redo fills these, each undo refills the states.
    span_ids: Sequence[int] = ()
    rows: Sequence[SuggestionRow] = ()
    _states: Sequence[SpanState] = ()

    def redo(self) -> None:
        """Accept (the first time), or restore the spans made and drop the suggestions again."""
        states: list[SpanState] = []

        def accept() -> None:
            if not self._states:
                accepted = self.store.accept_suggestions(self.ids)
                self.span_ids, self.rows = accepted.span_ids, accepted.rows
                states.extend(self.store.span_states(self.span_ids))
            else:
                self.store.restore_spans(self._states)
                self.store.drop_suggestions([r.id for r in self.rows])
                states.extend(self._states)

        if self._attempt(accept):
            if states:
                self.sink.spans_stored([(state.id, state.span) for state in states])
            else:  # stored again by a run that finished meanwhile: nothing left to undo
                self.setObsolete(True)
            self.shown.suggestions_changed(near=self.near)

    def undo(self) -> None:
        """Delete the spans made (remembering them) and put the suggestions back."""

        def take_back() -> None:
            self._states = self.store.delete_spans(self.span_ids)
            self.store.restore_suggestions(self.rows)

        if self._attempt(take_back):
            self.sink.spans_removed(list(self.span_ids))
            first = min(self.rows, key=order_key).id if self.rows else None
            self.shown.suggestions_changed(current=first)


class RejectSuggestionsCommand(_SuggestionCommand):
    """Reject suggestions: they disappear and are not proposed again."""

    verb = "Reject"

    def redo(self) -> None:
        """Mark the suggestions rejected."""
        changed: list[int] = []
        if self._attempt(lambda: changed.extend(self.store.reject_suggestions(self.ids))):
            if not changed:  # stored again by a run that finished meanwhile
                self.setObsolete(True)
            self.shown.suggestions_changed(near=self.near)

    def undo(self) -> None:
        """Make them pending again."""

        def restore() -> None:
            self.store.reject_suggestions(self.ids, rejected=False)

        if self._attempt(restore):
            self.shown.suggestions_changed(current=self.first)

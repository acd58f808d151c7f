"""Undoable curation steps: accepting annotators' spans into the gold set, one command per
click ("Accept 'Russia' as Actor", "Accept 5 agreed spans"), after ui.commands.

The first run calls the store's acceptance, which tells the ids it added and the gold spans it
replaced; undo deletes those ids and restores the replaced spans, redo does the reverse with the
same ids, each in one transaction (:mod:`corpus.curation`). The sink is the gold set's span
editor, so the gold view follows like after any edit.
"""

from __future__ import annotations

from collections.abc import Callable

from corpus.annotations import SpanState
from corpus.curation import Acceptance
from corpus.store import Store
from ui.commands import SpanCommand, SpanSink


class AcceptCommand(SpanCommand):
    """Copy annotators' spans into the gold set (``accept`` does it the first time)."""

    def __init__(
        self, store: Store, sink: SpanSink, text: str, accept: Callable[[], Acceptance]
    ) -> None:
        super().__init__(store, sink, text)
        self._accept = accept
        self.acceptance: Acceptance | None = None
        self._states: list[SpanState] = []  # the spans added, as undo deleted them

    def redo(self) -> None:
        """Accept (the first time), or put back what undo took away, with the same ids."""
        before = self.acceptance
        if before is None:

            def accept() -> None:
                self.acceptance = self._accept()

            if not self._attempt(accept):
                return
        else:

            def again() -> None:
                self.acceptance = self.store.redo_acceptance(before, self._states)

            if not self._attempt(again):
                return
        done = self.acceptance
        assert done is not None
        if not done.ids and not done.replaced:
            self.setObsolete(True)  # nothing changed: no undo step
            return
        self.sink.spans_removed([s.id for s in done.replaced])
        if before is None:
            self.sink.spans_stored(list(zip(done.ids, done.spans, strict=True)))
        else:
            self.sink.spans_stored([(s.id, s.span) for s in self._states])
        self.sink.links_changed()

    def undo(self) -> None:
        """Delete the spans accepted (their links go with them) and restore those replaced."""
        done = self.acceptance
        if done is None:
            return

        def withdraw() -> None:
            self._states = self.store.undo_acceptance(done)

        if self._attempt(withdraw):
            self.sink.spans_removed(list(done.ids))
            self.sink.spans_stored([(s.id, s.span) for s in done.replaced])
            self.sink.links_changed()

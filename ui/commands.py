"""Undoable span edits, one QUndoCommand per user action (after Qt's undo framework example).

Each constructor captures what its command needs, ``redo()`` also performs the first run, and
every command calls the store only, then tells a :class:`SpanSink` what changed so the view
follows. A span keeps its database id across undo and redo: undoing an addition or redoing a
deletion reads the span's state (relations and event roles included) before deleting it, and
the reverse step restores exactly that. A store error makes the command obsolete, so the
stack drops it, and is reported through the sink.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.document import Span
from annotator.errors import AnnotatorError
from corpus.annotations import SpanState
from corpus.store import Store

QUOTE_LIMIT = 30


class SpanSink(Protocol):
    """What a command tells after changing the store: the view and status bar follow it."""

    def span_stored(self, span_id: int, span: Span) -> None:
        """The span ``span_id`` now holds ``span`` (added, restored or relabelled)."""

    def span_removed(self, span_id: int) -> None:
        """The span ``span_id`` is gone."""

    def edit_failed(self, message: str) -> None:
        """The store refused an edit for the reason ``message``."""


def quote(text: str) -> str:
    """``text`` on one line and at most QUOTE_LIMIT characters, for a command's name."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


class _SpanCommand(QUndoCommand):
    """Shared by the span commands: the store, the sink, and store calls that may fail."""

    def __init__(self, store: Store, sink: SpanSink, text: str) -> None:
        super().__init__(text)
        self.store = store
        self.sink = sink

    def _attempt(self, action: Callable[[], None]) -> bool:
        try:
            action()
        except AnnotatorError as exc:
            self.setObsolete(True)  # the stack deletes it rather than keep a step it cannot take
            self.sink.edit_failed(str(exc))
            return False
        return True

    def _delete(self, span_id: int) -> SpanState | None:
        """Delete the span after reading its state; that state, or None when it failed."""
        states: list[SpanState] = []

        def delete() -> None:
            states.append(self.store.span_state(span_id))
            self.store.delete_span(span_id)

        if not self._attempt(delete):
            return None
        self.sink.span_removed(span_id)
        return states[0]

    def _restore(self, state: SpanState) -> None:
        if self._attempt(lambda: self.store.restore_span(state)):
            self.sink.span_stored(state.id, state.span)


class AddSpanCommand(_SpanCommand):
    """Label a stretch of text: "Label 'Russia' as Actor"."""

    def __init__(
        self, store: Store, sink: SpanSink, doc_id: int, annotator: str, span: Span, covered: str
    ) -> None:
        super().__init__(store, sink, f"Label '{quote(covered)}' as {span.label}")
        self.doc_id = doc_id
        self.annotator = annotator
        self.span = span
        self.span_id: int | None = None  # known after the first run
        self._state: SpanState | None = None

    def redo(self) -> None:
        """Store the span (the first time) or restore it with its id (after an undo)."""
        if self._state is not None:
            self._restore(self._state)
            return

        def add() -> None:
            self.span_id = self.store.add_span(self.doc_id, self.annotator, self.span)

        if self._attempt(add) and self.span_id is not None:
            self.sink.span_stored(self.span_id, self.span)

    def undo(self) -> None:
        """Delete the span, remembering it for redo."""
        if self.span_id is not None:
            self._state = self._delete(self.span_id) or self._state


class DeleteSpanCommand(_SpanCommand):
    """Delete a span, with the relations and event roles that use it: "Delete Actor 'Russia'"."""

    def __init__(self, store: Store, sink: SpanSink, span_id: int, covered: str) -> None:
        self.state = store.span_state(span_id)
        super().__init__(store, sink, f"Delete {self.state.span.label} '{quote(covered)}'")
        self.span_id = span_id

    def redo(self) -> None:
        """Delete the span (its state was read again, so later edits to it are kept)."""
        self.state = self._delete(self.span_id) or self.state

    def undo(self) -> None:
        """Restore the span, its relations and its event roles, with their ids."""
        self._restore(self.state)


class RelabelSpanCommand(_SpanCommand):
    """Give a span another label: "Relabel 'Russia' as Location"."""

    def __init__(
        self, store: Store, sink: SpanSink, span_id: int, old: Span, new: Span, covered: str
    ) -> None:
        super().__init__(store, sink, f"Relabel '{quote(covered)}' as {new.label}")
        self.span_id = span_id
        self.old = old
        self.new = new

    def redo(self) -> None:
        """Store the new label (and the attributes it keeps)."""
        self._set(self.new)

    def undo(self) -> None:
        """Store the old label and attributes again."""
        self._set(self.old)

    def _set(self, span: Span) -> None:
        if self._attempt(lambda: self.store.update_span(self.span_id, span)):
            self.sink.span_stored(self.span_id, span)

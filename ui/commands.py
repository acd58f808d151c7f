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
from annotator.errors import AnnotatorError, EditConflict
from corpus.annotations import SpanState
from corpus.store import Store

QUOTE_LIMIT = 30


class SpanSink(Protocol):
    """What a command tells after changing the store: the view and status bar follow it."""

    def span_stored(self, span_id: int, span: Span, version: int | None = None) -> None:
        """The span ``span_id`` now holds ``span`` (added, restored or relabelled), at
        ``version`` (read from the store when not given)."""

    def version_of(self, span_id: int) -> int | None:
        """The version of the span ``span_id`` the user is looking at (None: unknown)."""

    def reload_spans(self) -> None:
        """Someone else changed what is on show: show the spans as stored now."""

    def span_removed(self, span_id: int) -> None:
        """The span ``span_id`` is gone."""

    def edit_failed(self, message: str) -> None:
        """The store refused an edit for the reason ``message``."""

    def links_changed(self) -> None:
        """Relations, events or roles of the document were added, removed or restored."""

    def spans_stored(self, spans: list[tuple[int, Span]]) -> None:
        """Several spans (id, span) were added or restored at once."""

    def spans_removed(self, span_ids: list[int]) -> None:
        """Several spans are gone at once."""


def quote(text: str) -> str:
    """``text`` on one line and at most QUOTE_LIMIT characters, for a command's name."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


class SpanCommand(QUndoCommand):
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
            if isinstance(exc, EditConflict):
                self.sink.reload_spans()
            return False
        return True

    def _delete(self, span_id: int) -> SpanState | None:
        """Delete the span after reading its state; that state, or None when it failed (also
        when someone else changed the span since the user saw it)."""
        states: list[SpanState] = []

        def delete() -> None:
            states.append(self.store.span_state(span_id))
            self.store.delete_span(span_id, self.sink.version_of(span_id))

        if not self._attempt(delete):
            return None
        self.sink.span_removed(span_id)
        return states[0]

    def _update(self, span_id: int, span: Span) -> None:
        """Store ``span`` under ``span_id`` (the id stays), unless someone else changed it
        since the user saw it."""
        versions: list[int] = []

        def update() -> None:
            versions.append(self.store.update_span(span_id, span, self.sink.version_of(span_id)))

        if self._attempt(update):
            self.sink.span_stored(span_id, span, versions[0])

    def _restore(self, state: SpanState) -> None:
        if self._attempt(lambda: self.store.restore_span(state)):
            self.sink.span_stored(state.id, state.span, state.version)
            if state.relations or state.events or state.roles:
                self.sink.links_changed()


class AddSpanCommand(SpanCommand):
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
            self.sink.span_stored(self.span_id, self.span, 1)

    def undo(self) -> None:
        """Delete the span, remembering it for redo."""
        if self.span_id is not None:
            self._state = self._delete(self.span_id) or self._state


class DeleteSpanCommand(SpanCommand):
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


class RelabelSpanCommand(SpanCommand):
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
        self._update(self.span_id, self.new)

    def undo(self) -> None:
        """Store the old label and attributes again."""
        self._update(self.span_id, self.old)


class EditSpanCommand(SpanCommand):
    """Change one attribute or the note of a span: "Set kind of Casualty 'nine killed'".

    Edits of a text field (``merge``) merge with the next edit of the same field of the same
    span, so typing a note is one undo step; the span keeps its id and offsets.
    """

    MERGE_ID = 0x5E_D17

    def __init__(
        self,
        store: Store,
        sink: SpanSink,
        span_id: int,
        old: Span,
        new: Span,
        covered: str,
        field: str,
        merge: bool = False,
    ) -> None:
        super().__init__(store, sink, f"Set {field} of {new.label} '{quote(covered)}'")
        self.span_id = span_id
        self.old = old
        self.new = new
        self.field = field
        self.merge = merge

    def id(self) -> int:
        """Text edits share an id so that they can merge; other edits never merge."""
        return self.MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Absorb the next edit of the same text field of the same span."""
        if not (
            isinstance(other, EditSpanCommand)
            and other.merge
            and other.span_id == self.span_id
            and other.field == self.field
        ):
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)  # typed and erased again: nothing to undo
        return True

    def redo(self) -> None:
        """Store the new attributes and note."""
        self._update(self.span_id, self.new)

    def undo(self) -> None:
        """Store the old attributes and note again."""
        self._update(self.span_id, self.old)

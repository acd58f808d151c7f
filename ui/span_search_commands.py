"""Undoable bulk edits of annotation search results, one command per click: "Relabel 12 spans
as Location", "Delete 3 spans". Each step is one transaction of the store
(:mod:`corpus.span_bulk_edits`), across documents and annotators; the spans keep their ids.

The first run states the versions the search read, so that a span changed elsewhere since
refuses the step. A refused step is reported through the sink and dropped from the stack (it
is made obsolete), as in :mod:`ui.commands`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.errors import AnnotatorError
from corpus.annotations import SpanState
from corpus.span_bulk_edits import SeenLabels, relabelled
from corpus.span_search import SpanHit
from corpus.store import Store
from ui.commands import quote


class HitsSink(Protocol):
    """Who hears what a command did to the spans found."""

    def spans_changed(self, doc_ids: set[int]) -> None:
        """Spans of the documents ``doc_ids`` were relabelled, deleted or put back."""

    def edit_failed(self, message: str) -> None:
        """The store refused a step for the reason ``message``."""


def _name(hits: Sequence[SpanHit], verb: str, suffix: str = "") -> str:
    """The command's name for the menu: the span quoted when there is one, else a count."""
    if len(hits) == 1:
        return f"{verb} {hits[0].label} '{quote(hits[0].text)}'{suffix}"
    return f"{verb} {len(hits)} spans{suffix}"


class HitsCommand(QUndoCommand):
    """Shared by the bulk commands: the store, the sink, the spans and their documents."""

    def __init__(self, store: Store, sink: HitsSink, hits: Sequence[SpanHit], text: str) -> None:
        super().__init__(text)
        self.store = store
        self.sink = sink
        self.span_ids = [hit.span_id for hit in hits]
        self.seen_versions: dict[int, int] | None = {hit.span_id: hit.version for hit in hits}
        self.documents = {hit.document_id for hit in hits}

    def _attempt(self, action: Callable[[], None]) -> None:
        """Run ``action``; tell the sink the documents changed, or why it was refused (the
        step then leaves the stack)."""
        try:
            action()
        except AnnotatorError as exc:
            self.setObsolete(True)
            self.sink.edit_failed(str(exc))
            return
        self.sink.spans_changed(set(self.documents))


class RelabelHitsCommand(HitsCommand):
    """Give the spans found another label; those of their attributes the label lacks go.

    The first run checks the versions the search read; undo and redo check that the spans
    still hold the labels and attributes the step before left (the editor's own edits of them,
    undone, leave those as they were but not the versions)."""

    def __init__(self, store: Store, sink: HitsSink, hits: Sequence[SpanHit], label: str) -> None:
        super().__init__(store, sink, hits, _name(hits, "Relabel", f" as {label}"))
        self.label = label
        self.states: list[SpanState] = []  # as they were before the first run
        self.before: SeenLabels = {}
        self.after: SeenLabels = {}

    def redo(self) -> None:
        """Store the new label (the first time, and again after an undo)."""

        def relabel() -> None:
            states = self.store.relabel_spans(
                self.span_ids, self.label, self.seen_versions, self.before or None
            )
            if not self.states:
                spec = self.store.schema().label(self.label)
                assert spec is not None  # relabel_spans refuses a label the schema lacks
                self.states = states
                self.before = {s.id: (s.span.label, s.span.attributes) for s in states}
                self.after = {
                    s.id: (self.label, relabelled(s.span, spec).attributes) for s in states
                }
                self.seen_versions = None

        self._attempt(relabel)

    def undo(self) -> None:
        """Store the old labels and attributes again."""
        self._attempt(lambda: self.store.restore_span_labels(self.states, self.after))


class DeleteHitsCommand(HitsCommand):
    """Delete the spans found, with the relations and event roles that use them."""

    def __init__(self, store: Store, sink: HitsSink, hits: Sequence[SpanHit]) -> None:
        super().__init__(store, sink, hits, _name(hits, "Delete"))
        self.states: list[SpanState] = []

    def redo(self) -> None:
        """Delete the spans: the first time as the search read them, after an undo as they
        are (their states are read again, so that the undo puts back the latest)."""

        def delete() -> None:
            self.states = self.store.bulk_delete_spans(self.span_ids, self.seen_versions)
            self.seen_versions = None

        self._attempt(delete)

    def undo(self) -> None:
        """Put the spans back, with their ids, links and versions."""
        self._attempt(lambda: self.store.restore_spans(self.states))

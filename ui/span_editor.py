"""The annotating loop of the reader: select text, label it, relabel or delete spans, undo.

One annotator edits at a time, and the reader shows only that annotator's spans: annotators
label a document independently (seeing another's spans would bias the agreement measured
between them), and every span on show can then be selected and edited. The undo stack holds
the edits of the document on show and is cleared when another one is opened, since each
command refers to one document's spans.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu

from annotator.alignment import Alignment, char_span
from annotator.boundaries import move_boundary, occurrences
from annotator.document import Span
from annotator.errors import AnnotatorError
from annotator.schema import LabelSpec, Schema
from corpus.annotations import StoredSpan
from corpus.store import Store
from ui.annotated_text_view import AnnotatedTextView
from ui.commands import AddSpanCommand, DeleteSpanCommand, EditSpanCommand, RelabelSpanCommand
from ui.label_legend import LabelLegend
from ui.link_commands import AddSpansCommand


class SpanEditor(QObject):
    """Turns selections, hotkeys and palette clicks into undoable span edits of one annotator."""

    sig_spans_changed = Signal()
    """No arguments: the spans (and so perhaps the status) of the document on show changed."""

    sig_message = Signal(str)
    """A short message for the status bar (why an edit was refused, the armed label); empty
    to clear it."""

    sig_span_selected = Signal(object)
    """The id of the selected span, or None; sent again when that span's content changes."""

    sig_links_changed = Signal()
    """No arguments: relations, events or roles of the document on show changed."""

    def __init__(
        self,
        store: Store,
        annotator: str,
        view: AnnotatedTextView,
        legend: LabelLegend,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.view = view
        self.legend = legend
        self.doc_id: int | None = None
        self.armed: str | None = None
        self._spans: dict[int, Span] = {}
        self._versions: dict[int, int] = {}  # what the user saw: an edit of a newer one is refused
        self._labels: dict[str, LabelSpec] = {}

        self.undo_stack = QUndoStack(self)
        self.undo_action = self.undo_stack.createUndoAction(self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])

        self.precision_action = QAction("&Character Precision", self, checkable=True)
        self.precision_action.setToolTip("Keep a selection's exact ends (or hold Alt)")
        self.sticky_action = QAction("&Sticky Label", self, checkable=True)
        self.sticky_action.setToolTip("Label every new selection with the label picked last")
        self.sticky_action.toggled.connect(self._sticky_toggled)
        self.delete_action = self._view_action("&Delete Span", "Delete", "Backspace")
        self.delete_action.triggered.connect(self.delete_selected)
        self.clear_action = self._view_action("Clear &Selection", "Escape")
        self.clear_action.triggered.connect(self.clear_selection)
        self.all_occurrences_action = self._view_action("Label All &Occurrences", "Ctrl+Shift+A")
        self.all_occurrences_action.setToolTip(
            "Give every other occurrence of the selected span's text its label, in one step"
        )
        self.all_occurrences_action.triggered.connect(self.label_all_occurrences)
        self.boundary_actions = [
            self._boundary_action("Move Start &Left", "Alt+Left", "start", -1),
            self._boundary_action("Move Start &Right", "Alt+Right", "start", 1),
            self._boundary_action("Move End L&eft", "Alt+Shift+Left", "end", -1),
            self._boundary_action("Move End Ri&ght", "Alt+Shift+Right", "end", 1),
        ]
        self.label_actions: dict[str, QAction] = {}
        self.link_actions: list[QAction] = []  # listed in the menu after the span actions
        self.menu = QMenu("&Annotate")

        view.sig_text_selected.connect(self._text_selected)
        legend.sig_label_requested.connect(self.apply_label)
        view.sig_span_clicked.connect(self.report_selection)
        view.sig_span_resized.connect(self.drag_boundary)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        view.viewport().installEventFilter(self)  # a click beside the spans deselects silently

    def _view_action(self, text: str, *keys: str) -> QAction:
        """An action whose keys work while the text view has the focus (not in the search box)."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(action)
        return action

    def _boundary_action(self, text: str, key: str, edge: str, step: int) -> QAction:
        action = self._view_action(text, key)
        action.setToolTip(f"Move the selected span's {edge} by a word (a character in precision)")
        action.triggered.connect(lambda: self.move_boundary(edge, step))
        return action

    # -- what is on show ----------------------------------------------------------------------

    def set_schema(self, schema: Schema | None) -> None:
        """Offer the labels of ``schema``: a menu entry and hotkey each."""
        for action in self.label_actions.values():
            self.view.removeAction(action)
            action.deleteLater()
        self.label_actions = {}
        self._labels = {label.name: label for label in schema.labels} if schema else {}
        self.menu.clear()
        for label in self._labels.values():
            keys = (label.hotkey,) if label.hotkey else ()
            action = self._view_action(f"Label as {label.name}", *keys)
            action.triggered.connect(lambda _=False, name=label.name: self.apply_label(name))
            self.label_actions[label.name] = action
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.all_occurrences_action)
        boundaries = self.menu.addMenu("Span &Boundaries")
        boundaries.addActions(self.boundary_actions)
        self.menu.addSeparator()
        self.menu.addActions(self.link_actions)
        self.menu.addSeparator()
        for action in (self.delete_action, self.clear_action, self.sticky_action):
            self.menu.addAction(action)
        if self.armed not in self._labels:
            self._arm(None)

    def set_document(self, doc_id: int | None, spans: Iterable[StoredSpan] = ()) -> None:
        """Edit the spans of document ``doc_id`` (None: no document); clears the undo stack."""
        self.undo_stack.clear()
        self.doc_id = doc_id
        spans = list(spans)
        self._spans = {s.id: s.span for s in spans}
        self._versions = {s.id: s.version for s in spans}
        self.sig_links_changed.emit()  # the links on show are the new document's
        self.sig_spans_changed.emit()
        self.report_selection()

    def refresh_spans(self, spans: Iterable[StoredSpan]) -> bool:
        """Show ``spans``, the document's spans as stored now, where someone else (another
        window, another user) changed them; the undo stack stays (a step that no longer fits
        is refused when taken). Whether anything changed."""
        spans = list(spans)
        if {s.id: (s.span, s.version) for s in spans} == {
            i: (span, self._versions.get(i)) for i, span in self._spans.items()
        }:
            return False
        for gone in self._spans.keys() - {s.id for s in spans}:
            self.view.remove_span(gone)
        for stored in spans:
            if self._spans.get(stored.id) != stored.span:
                span = stored.span
                self.view.add_span(stored.id, span.start, span.end, span.label, span.attributes)
        self._spans = {s.id: s.span for s in spans}
        self._versions = {s.id: s.version for s in spans}
        self.sig_links_changed.emit()
        self.sig_spans_changed.emit()
        self.report_selection()
        return True

    def span_count(self) -> int:
        """How many spans the annotator has on the document on show."""
        return len(self._spans)

    def spans_in_order(self) -> list[tuple[int, Span]]:
        """The annotator's spans on show, (id, span) in text order (start, longer first)."""
        return sorted(self._spans.items(), key=lambda item: (item[1].start, -item[1].end, item[0]))

    def select_span(self, span_id: int) -> None:
        """Select the span ``span_id`` (as a click would), its start in view; Delete or a label
        hotkey then act on it."""
        span = self._spans.get(span_id)
        if span is None:
            return
        cursor = self.view.textCursor()
        cursor.setPosition(self.view.offsets().to_qt(span.start))  # no text selection left
        self.view.setTextCursor(cursor)
        self.view.select_span(span_id)
        self.view.ensureCursorVisible()
        self.report_selection()

    # -- actions ------------------------------------------------------------------------------

    def apply_label(self, name: str) -> None:
        """Label the selected text, or relabel the selected span; arm the label when sticky."""
        if self.sticky_action.isChecked():
            self._arm(name)
        span_id = self.view.selected_span()
        if self.view.selected_range() is not None:
            self._add(name)
        elif span_id is not None:
            self._relabel(span_id, name)
        elif not self.sticky_action.isChecked():
            self.sig_message.emit(f"Select some text to label as {name}")

    def delete_selected(self) -> None:
        """Delete the selected span, if any."""
        span_id = self.view.selected_span()
        if span_id is None or span_id not in self._spans:
            return
        try:
            command = DeleteSpanCommand(self.store, self, span_id, self._covered(span_id))
        except AnnotatorError as exc:
            self.edit_failed(str(exc))
            return
        self.undo_stack.push(command)

    def clear_selection(self) -> None:
        """Forget the selected text and the selected span."""
        self.view.clear_selection()
        self.view.select_span(None)
        self.report_selection()

    def edit_span(self, span_id: int, span: Span, field: str, typing: bool = False) -> None:
        """Store ``span`` (same offsets and label) as an undoable edit of ``field``; edits that
        are ``typing`` merge into one undo step."""
        old = self._spans.get(span_id)
        if old is None or old == span:
            return
        covered = self._covered(span_id)
        command = EditSpanCommand(self.store, self, span_id, old, span, covered, field, typing)
        self.undo_stack.push(command)
        if self._spans.get(span_id) != span:  # refused: show what is stored again
            self.report_selection()

    def move_boundary(self, edge: str, step: int) -> None:
        """Move the selected span's ``edge`` a word (a character in precision mode) left or
        right, as an undoable edit."""
        span_id = self.view.selected_span()
        old = self._spans.get(span_id) if span_id is not None else None
        if span_id is None or old is None:
            self.sig_message.emit("Select a span to move its ends")
            return
        bounds = move_boundary(
            self.view.text(), old.start, old.end, edge, step, not self.precision_action.isChecked()
        )
        if bounds is None:
            self.sig_message.emit(f"The span's {edge} cannot move further that way")
            return
        self._set_bounds(span_id, old, *bounds)

    def drag_boundary(self, span_id: int, edge: str, offset: int) -> None:
        """Put the ``edge`` of the span where it was dragged to (on a word boundary unless
        precision is on or Alt is held)."""
        old = self._spans.get(span_id)
        if old is None:
            return
        start, end = (offset, old.end) if edge == "start" else (old.start, offset)
        if start >= end:
            self.sig_message.emit("A span's start stays before its end")
            return
        strict = self.precision_action.isChecked() or self.view.alt_selection()
        span = char_span(
            self.view.text(),
            start,
            end,
            old.label,
            Alignment.STRICT if strict else Alignment.EXPAND,
        )
        if span is None:
            self.sig_message.emit("A span cannot cover only white space")
            return
        # Snapping widens both ends; only the dragged one moves.
        bounds = (span.start, old.end) if edge == "start" else (old.start, span.end)
        self._set_bounds(span_id, old, *bounds)

    def _set_bounds(self, span_id: int, old: Span, start: int, end: int) -> None:
        if (start, end) == (old.start, old.end):
            return  # nothing moved: no undo step
        new = Span(start, end, old.label, old.attributes, old.note)
        covered = self.view.text()[start:end]
        command = EditSpanCommand(self.store, self, span_id, old, new, covered, "bounds")
        self.undo_stack.push(command)

    def label_all_occurrences(self) -> None:
        """Label every other occurrence of the selected span's text (or of the selected text,
        with the sticky label) with the same label, as one undoable step."""
        span_id = self.view.selected_span()
        selected = self.view.selected_range()
        if span_id is not None and span_id in self._spans:
            chosen = self._spans[span_id]
            start, end, label = chosen.start, chosen.end, chosen.label
        elif selected is not None and self.armed is not None:
            (start, end), label = selected, self.armed
        else:
            self.sig_message.emit(
                "Select a span, or text with a sticky label, to label all its occurrences"
            )
            return
        text = self.view.text()
        needle = text[start:end]
        taken = {(s.start, s.end) for s in self._spans.values() if s.label == label}
        spans = [
            Span(a, b, label)
            for a, b in occurrences(text, needle, not self.precision_action.isChecked())
            if (a, b) not in taken
        ]
        if not spans or self.doc_id is None:
            self.sig_message.emit(f"No other occurrence of '{needle}' to label as {label}")
            return
        self.view.clear_selection()
        command = AddSpansCommand(self.store, self, self.doc_id, self.annotator, spans, needle)
        self.undo_stack.push(command)
        if span_id is not None:  # the span the occurrences were labelled after stays selected
            self.select_span(span_id)
        self.sig_message.emit(
            f"Labelled {len(spans)} occurrence{'s' * (len(spans) != 1)} of '{needle}' as {label}"
        )

    def span(self, span_id: int) -> tuple[Span, str] | None:
        """The span ``span_id`` on show and the text it covers, if there is one."""
        return (self._spans[span_id], self._covered(span_id)) if span_id in self._spans else None

    def report_selection(self) -> None:
        """Tell (``sig_span_selected``) which span the view has selected now."""
        self.sig_span_selected.emit(self.view.selected_span())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """After a click in the text the selected span may have changed: report it."""
        if event.type() == QEvent.Type.MouseButtonRelease:
            QTimer.singleShot(0, self, self.report_selection)  # once the view has handled it
        return super().eventFilter(watched, event)

    def _context_menu(self, pos: QPoint) -> None:
        """Right-click: select the span under the pointer (unless text is selected) and offer
        the Annotate menu: labels, links, all occurrences, delete."""
        if self.view.selected_range() is None:
            span_id = self.view.span_at(pos)
            if span_id is not None:
                self.view.select_span(span_id)
                self.report_selection()
        self.menu.exec(self.view.viewport().mapToGlobal(pos))

    def _text_selected(self) -> None:
        if self.armed is not None and self.sticky_action.isChecked():
            self._add(self.armed)

    def _add(self, name: str) -> None:
        selected = self.view.selected_range()
        if self.doc_id is None or selected is None:
            return
        strict = self.precision_action.isChecked() or self.view.alt_selection()
        alignment = Alignment.STRICT if strict else Alignment.EXPAND
        text = self.view.text()
        span = char_span(text, *selected, name, alignment)
        if span is None:
            self.sig_message.emit("Nothing to label: the selection is only white space")
            return
        self.view.clear_selection()
        covered = text[span.start : span.end]
        command = AddSpanCommand(self.store, self, self.doc_id, self.annotator, span, covered)
        self.undo_stack.push(command)

    def _relabel(self, span_id: int, name: str) -> None:
        old = self._spans.get(span_id)
        spec = self._labels.get(name)
        if old is None or spec is None or old.label == name:
            return
        kept = {}
        for key, value in old.attributes.items():  # the new label's, if still valid
            attribute = spec.attribute(key)
            if attribute is not None and attribute.check(value) is None:
                kept[key] = value
        new = Span(old.start, old.end, name, kept, old.note)
        covered = self._covered(span_id)
        self.undo_stack.push(RelabelSpanCommand(self.store, self, span_id, old, new, covered))

    def _covered(self, span_id: int) -> str:
        span = self._spans[span_id]
        return self.view.text()[span.start : span.end]

    def _sticky_toggled(self, on: bool) -> None:
        if not on:
            self._arm(None)
            self.sig_message.emit("")  # the armed label's message no longer holds
        else:
            self.sig_message.emit("Sticky label: pick a label, then every selection gets it")

    def _arm(self, name: str | None) -> None:
        self.armed = name
        self.legend.set_armed(name)
        if name is not None:
            self.sig_message.emit(f"Every selection is labelled {name} (Sticky Label)")

    # -- what the commands report (ui.commands.SpanSink) --------------------------------------

    def span_stored(self, span_id: int, span: Span, version: int | None = None) -> None:
        """Show the span added, restored or relabelled, selected."""
        self._spans[span_id] = span
        self._versions[span_id] = (
            version if version is not None else self.store.span_versions([span_id]).get(span_id, 1)
        )
        self.view.add_span(span_id, span.start, span.end, span.label, span.attributes)
        self.view.select_span(span_id)
        self.sig_spans_changed.emit()
        self.report_selection()

    def spans_stored(self, spans: list[tuple[int, Span]]) -> None:
        """Show several spans added or restored at once, telling the others once."""
        for span_id, span in spans:
            self._spans[span_id] = span
            self.view.add_span(span_id, span.start, span.end, span.label, span.attributes)
        self._versions.update(self.store.span_versions([span_id for span_id, _ in spans]))
        self.sig_spans_changed.emit()
        self.report_selection()

    def spans_removed(self, span_ids: list[int]) -> None:
        """Stop showing several spans, telling the others once."""
        for span_id in span_ids:
            self._spans.pop(span_id, None)
            self._versions.pop(span_id, None)
            self.view.remove_span(span_id)
        self.sig_spans_changed.emit()
        self.report_selection()

    def span_removed(self, span_id: int) -> None:
        """Stop showing the span."""
        self._spans.pop(span_id, None)
        self._versions.pop(span_id, None)
        self.view.remove_span(span_id)
        self.sig_spans_changed.emit()
        self.report_selection()

    def edit_failed(self, message: str) -> None:
        """Say why the store refused an edit."""
        self.sig_message.emit(f"Not saved: {message}")

    def version_of(self, span_id: int) -> int | None:
        """The version of the span the user sees (None when it is not on show)."""
        return self._versions.get(span_id)

    def reload_spans(self) -> None:
        """Show the annotator's spans of the document as stored now."""
        if self.doc_id is not None:
            self.refresh_spans(self.store.spans(self.doc_id, self.annotator))

    def links_changed(self) -> None:
        """Relations, events or roles changed: whoever shows them reloads them."""
        self.sig_links_changed.emit()

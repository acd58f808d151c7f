"""Moving by keyboard: span to span, document to document, and marking a document done.

:class:`Navigator` holds the actions of the Go menu and their logic; the main window only
creates it and adds its menu. Tab and Shift+Tab step through the spans while the text view
has the focus: an event filter takes them before Qt would move the focus to the next widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu

from annotator.document import Status
from annotator.errors import AnnotatorError
from ui.find_bar import reveal_cursor

if TYPE_CHECKING:
    from ui.main_window import MainWindow

FINISHED = (Status.DONE, Status.REVIEWED, Status.LOCKED)
"""The statuses "Mark Done and Next" skips: the annotator has nothing left to do there."""

SETTABLE = (Status.IN_PROGRESS, Status.DONE, Status.REVIEWED)
"""The statuses offered in the Status submenu."""


class Navigator(QObject):
    """The Go menu's actions for ``window``: next/previous span and document, status changes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = window.reader.text_view
        self.menu = QMenu("&Go", window)

        # Tab is taken by the event filter (a shortcut would steal it from every other widget);
        # the text after "\t" only shows the key in the menu.
        self.next_span_action = self._action("Next &Span\tTab", lambda: self.step_span(1))
        self.previous_span_action = self._action(
            "Previous S&pan\tShift+Tab", lambda: self.step_span(-1)
        )
        self.menu.addSeparator()
        self.next_document_action = self._action(
            "&Next Document", lambda: self.step_document(1), "Alt+Down", "Ctrl+PgDown"
        )
        self.previous_document_action = self._action(
            "P&revious Document", lambda: self.step_document(-1), "Alt+Up", "Ctrl+PgUp"
        )
        self.menu.addSeparator()
        self.done_action = self._action(
            "Mark &Done and Next", self.mark_done_and_next, "Ctrl+Return", "Ctrl+Enter"
        )
        self.status_menu = self.menu.addMenu("S&tatus")
        self.status_group = QActionGroup(self)
        self.status_actions: dict[str, QAction] = {}
        for status in SETTABLE:
            action = QAction(status.replace("_", " ").capitalize(), self, checkable=True)
            action.triggered.connect(lambda _=False, s=status: self.set_status(s))
            self.status_group.addAction(action)
            self.status_menu.addAction(action)
            self.status_actions[status] = action
        self.status_menu.aboutToShow.connect(self._check_status)

        self.view.installEventFilter(self)

    def _action(self, text: str, slot: object, *keys: str) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.triggered.connect(slot)
        self.window.addAction(action)  # its keys work wherever the focus is in the window
        self.menu.addAction(action)
        return action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Tab and Shift+Tab in the text view step through the spans instead of the focus."""
        if watched is self.view and event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.ShortcutOverride,
        ):
            assert isinstance(event, QKeyEvent)
            others = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not others:
                if event.type() == QEvent.Type.KeyPress:
                    backward = event.key() == Qt.Key.Key_Backtab or bool(
                        event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                    )
                    self.step_span(-1 if backward else 1)
                event.accept()
                return True
        return super().eventFilter(watched, event)

    # -- spans --------------------------------------------------------------------------------

    def step_span(self, step: int) -> None:
        """Select the annotator's next (step 1) or previous (-1) span, wrapping at the ends."""
        editor = self.window.editor
        spans = editor.spans_in_order()
        if not spans:
            self.window.statusBar().showMessage("No spans in this document", 3000)
            return
        ids = [span_id for span_id, _span in spans]
        selected = self.view.selected_span()
        if selected in ids:
            target = (ids.index(selected) + step) % len(ids)
        else:
            caret = self.view.offsets().from_qt(self.view.textCursor().selectionStart())
            starts = [span.start for _id, span in spans]
            if step > 0:
                target = next((i for i, s in enumerate(starts) if s >= caret), 0)
            else:
                target = next((i for i in reversed(range(len(starts))) if starts[i] < caret), -1)
        editor.select_span(ids[target])
        reveal_cursor(self.view)

    # -- documents ----------------------------------------------------------------------------

    def step_document(self, step: int) -> None:
        """Open the next (step 1) or previous (-1) document of the list on show."""
        if not self.window.browser.select_relative(step):
            where = "last" if step > 0 else "first"
            self.window.statusBar().showMessage(f"This is the {where} document", 3000)

    def set_status(self, status: str) -> bool:
        """Record ``status`` for the document on show and the annotator; False if refused."""
        doc_id = self.window.editor.doc_id
        if doc_id is None:
            return False
        try:
            self.window.store.set_status(doc_id, self.window.annotator, status)
        except AnnotatorError as exc:
            self.window.statusBar().showMessage(f"Not saved: {exc}", 5000)
            return False
        self.window.update_annotation_status()
        self.window.statusBar().showMessage(f"Marked {status.replace('_', ' ')}", 3000)
        return True

    def mark_done_and_next(self) -> None:
        """Mark the document on show done, then open the next one not yet finished."""
        if not self.set_status(Status.DONE):
            return
        store, annotator = self.window.store, self.window.annotator
        if not self.window.browser.select_next_where(
            lambda doc_id: store.status(doc_id, annotator) not in FINISHED
        ):
            self.window.statusBar().showMessage("All documents are done", 5000)

    def _check_status(self) -> None:
        doc_id = self.window.editor.doc_id
        status = (
            self.window.store.status(doc_id, self.window.annotator) if doc_id is not None else ""
        )
        for name, action in self.status_actions.items():
            action.setEnabled(doc_id is not None)
            action.setChecked(name == status)
        if status not in self.status_actions and self.status_group.checkedAction():
            self.status_group.setExclusive(False)
            self.status_group.checkedAction().setChecked(False)
            self.status_group.setExclusive(True)

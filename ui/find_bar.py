"""A find bar under the reader: plain text, case-insensitive, within the document on show.

The search runs over the stored text (Python code points); each hit goes through
:class:`ui.qt_offsets.DocumentOffsets` to the view, where the current one is shown as the
view's own text selection (transient: nothing is written into the document). A selected hit
can be labelled with a label's hotkey like any other selection.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.annotated_text_view import AnnotatedTextView


class FindBar(QWidget):
    """Finds text in ``view``'s document: match count, next and previous, Escape closes."""

    def __init__(self, view: AnnotatedTextView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._hits: list[tuple[int, int]] = []  # code-point (start, end), in text order
        self._current = -1

        self.line_edit = _FindLineEdit(placeholderText="Find in document…")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setToolTip(
            "Find in this document (Ctrl+Shift+F; Ctrl+F searches the corpus)\nEnter or F3: next match · Shift+Enter or Shift+F3: previous · Escape: close"
        )
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(
            self.count_label.fontMetrics().horizontalAdvance("00 of 000")
        )
        self.previous_button = _tool_button("▲", "Previous match (Shift+F3)", self.find_previous)
        self.next_button = _tool_button("▼", "Next match (F3)", self.find_next)
        self.close_button = _tool_button("✕", "Close (Escape)", self.close_bar)
        self.close_button.setAutoRaise(True)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(4)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.close_button)

        self.line_edit.textChanged.connect(self._search)
        self.line_edit.sig_next_requested.connect(self.find_next)
        self.line_edit.sig_previous_requested.connect(self.find_previous)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_bar)
        view.textChanged.connect(self._document_changed)  # another document was put on show
        self.hide()

    # -- public -------------------------------------------------------------------------------

    def open_bar(self) -> None:
        """Show the bar and put the focus in it, its text selected (the selected text, if short)."""
        selected = self.view.selected_range()
        if selected is not None and 0 < selected[1] - selected[0] <= 100:
            text = self.view.text()[selected[0] : selected[1]]
            if "\n" not in text:
                self.line_edit.setText(text)
        self.show()
        self.line_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line_edit.selectAll()
        self._search()

    def close_bar(self) -> None:
        """Hide the bar and give the focus back to the text (the current hit stays selected)."""
        self.hide()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def hits(self) -> list[tuple[int, int]]:
        """The matches of the text typed, as code-point (start, end) pairs in text order."""
        return list(self._hits)

    def current(self) -> int:
        """The index of the current match in :meth:`hits` (-1: none)."""
        return self._current

    def find_next(self) -> None:
        """Select the next match, wrapping at the end (opens the bar if it is closed)."""
        self._step(1)

    def find_previous(self) -> None:
        """Select the previous match, wrapping at the start (opens the bar if it is closed)."""
        self._step(-1)

    # -- searching ----------------------------------------------------------------------------

    def _step(self, step: int) -> None:
        if not self.isVisible():
            self.open_bar()
            return
        if not self._hits:
            return
        self._current = (self._current + step) % len(self._hits)
        self._select_current()

    def _search(self) -> None:
        needle = self.line_edit.text()
        text = self.view.text()
        if needle:
            pattern = re.compile(re.escape(needle), re.IGNORECASE)
            self._hits = [(m.start(), m.end()) for m in pattern.finditer(text)]
        else:
            self._hits = []
        # Start from the caret, so that typing finds the next match below where one reads.
        caret = self.view.offsets().from_qt(self.view.textCursor().selectionStart())
        later = [i for i, (start, _end) in enumerate(self._hits) if start >= caret]
        self._current = later[0] if later else (0 if self._hits else -1)
        self._select_current()

    def _select_current(self) -> None:
        if self._current < 0:
            self.count_label.setText("No matches" if self.line_edit.text() else "")
            return
        start, end = self._hits[self._current]
        offsets = self.view.offsets()
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(offsets.to_qt(start))
        cursor.setPosition(offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        reveal_cursor(self.view)
        self.count_label.setText(f"{self._current + 1} of {len(self._hits)}")

    def _document_changed(self) -> None:
        if self.isVisible():
            self._search()
        else:
            self._hits, self._current = [], -1


class _FindLineEdit(QLineEdit):
    """A line edit that asks for the next match on Enter and the previous on Shift+Enter."""

    sig_next_requested = Signal()
    """No arguments: Enter was pressed."""

    sig_previous_requested = Signal()
    """No arguments: Shift+Enter was pressed."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter and Shift+Enter step through the matches."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.sig_previous_requested.emit()
            else:
                self.sig_next_requested.emit()
            return
        super().keyPressEvent(event)


def _tool_button(text: str, tip: str, slot: object) -> QToolButton:
    button = QToolButton(text=text, toolTip=tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(slot)
    return button


def reveal_cursor(view: AnnotatedTextView) -> None:
    """Scroll the view's caret a third of the way down when it is out of view or near an edge
    (where a hit would be hard to spot, and a span's caption cut off)."""
    rect = view.cursorRect()
    margin = 3 * rect.height()
    height = view.viewport().height()
    if margin <= rect.top() and rect.bottom() <= height - margin:
        return
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + rect.center().y() - height // 3)


def with_find_bar(reader: QWidget, bar: FindBar) -> QWidget:
    """A widget holding ``reader`` with ``bar`` under it."""
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(reader, 1)
    layout.addWidget(bar)
    return pane


def find_actions(bar: FindBar, parent: QWidget) -> list[QAction]:
    """Find in Document (Ctrl+Shift+F; Ctrl+F searches the corpus), Find Next (F3) and
    Find Previous (Shift+F3), for a menu of ``parent``."""
    actions = []
    for text, key, slot in (
        ("Find in &Document", "Ctrl+Shift+F", bar.open_bar),
        ("Find Ne&xt", "F3", bar.find_next),
        ("Find Pre&vious", "Shift+F3", bar.find_previous),
    ):
        action = QAction(text, parent, shortcut=QKeySequence(key))
        action.triggered.connect(slot)
        actions.append(action)
    return actions

"""The links of the selected span in the details panel: relations, events and roles, each one a
row; activating a row selects the span at its other end, and Remove (or Delete) unlinks it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.link_editor import LinkItem

HINT = "Ctrl+L: link to the next span clicked · Ctrl+E: add an event"


class _Links(QListWidget):
    """A list where Delete asks to remove the current row's link."""

    sig_delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete and Backspace remove the current link."""
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.sig_delete_pressed.emit()
            return
        super().keyPressEvent(event)


class LinkList(QWidget):
    """Lists one span's links; asks for the other span to be selected or a link removed."""

    sig_span_requested = Signal(int)
    """The id of the span at the other end of the link the user activated."""

    sig_remove_requested = Signal(str)
    """The key of the link the user asked to remove."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Links</b>")
        self.title.setToolTip(
            "Relations and event roles of the selected span. Select a span, press Ctrl+L and "
            "click another span to link them; Ctrl+E makes the span an event's trigger."
        )
        self.list = _Links()
        self.list.setAlternatingRowColors(True)
        # A row wraps to the panel's width: a role's quoted span is often longer than it.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hint = QLabel(HINT)  # in the list's place while it is empty
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setEnabled(False)  # drawn as secondary text
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self.list)
        self.remove_button = QPushButton("Remove Link")
        self.remove_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.sig_delete_pressed.connect(self.remove_current)
        self.remove_button.clicked.connect(self.remove_current)

    def show_links(self, items: Sequence[LinkItem]) -> None:
        """List ``items`` (the links of the selected span; none when no span is selected)."""
        self.list.clear()
        for link in items:
            row = QListWidgetItem(link.text)
            row.setData(Qt.ItemDataRole.UserRole, link.key)
            row.setData(Qt.ItemDataRole.UserRole + 1, link.other)
            row.setToolTip("Double-click to select the span at the other end")
            self.list.addItem(row)
        self.stack.setCurrentWidget(self.list if items else self.hint)
        self.remove_button.setEnabled(False)

    def keys(self) -> list[str]:
        """The keys of the links listed, in order."""
        return [
            str(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def texts(self) -> list[str]:
        """The rows as shown."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def remove_current(self) -> None:
        """Ask to remove the current row's link."""
        item = self.list.currentItem()
        if item is not None:
            self.sig_remove_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _activated(self, item: QListWidgetItem) -> None:
        other = item.data(Qt.ItemDataRole.UserRole + 1)
        if other is not None:
            self.sig_span_requested.emit(int(other))

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.remove_button.setEnabled(current is not None)

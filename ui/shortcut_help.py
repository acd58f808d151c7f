"""The F1 help: every keyboard shortcut of the window, read from its menus (so it is never out
of date), and the mouse gestures of the reader."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

MOUSE_GESTURES = [
    ("Reader", "Select text with the mouse, then press a label's key", "Drag"),
    ("Reader", "Select a word", "Double-click"),
    ("Reader", "Extend the selection", "Shift+Click"),
    ("Reader", "Keep a selection's exact ends (no snapping to words)", "Alt+Drag"),
    ("Reader", "Select a span (its details and links show on the right)", "Click"),
    ("Reader", "Make a suggestion current (Enter accepts, Backspace rejects)", "Click it"),
    ("Reader", "Move a selected span's start or end", "Drag its edge"),
    ("Reader", "End a link started with Link To…", "Click the other span"),
    ("Reader", "Next / previous span", "Tab, Shift+Tab"),
    ("Reader", "Zoom in or out", "Ctrl+Wheel"),
    ("Reader", "Annotate menu for the span or selection", "Right-click"),
    ("Links panel", "Remove the current link", "Delete"),
    ("Links panel", "Select the span at the link's other end", "Double-click, Enter"),
]


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action of the menus that has a shortcut, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def visit(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                visit(sub, f"{path} › {_plain(sub.title())}")
            elif action.shortcuts() and not action.isSeparator():
                keys = ", ".join(
                    k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
                )
                rows.append((path, _plain(action.text()), keys))

    for action in menu_bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            visit(menu, _plain(menu.title()))
    return rows


def _plain(text: str) -> str:
    """A menu text without its mnemonic markers."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class ShortcutHelp(QDialog):
    """A table of the window's keyboard shortcuts and the reader's mouse gestures."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = shortcut_rows(menu_bar) + MOUSE_GESTURES
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Where", "What", "Keys"])
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's rows as shown."""
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
        ]


def help_action(parent: QWidget, menu_bar: QMenuBar) -> QAction:
    """A Help › Keyboard Shortcuts action (F1) that shows the table."""
    action = QAction("&Keyboard Shortcuts", parent)
    action.setShortcut(QKeySequence("F1"))
    action.triggered.connect(lambda: _show(ShortcutHelp(menu_bar, parent)))
    return action


def _show(dialog: ShortcutHelp) -> None:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.exec()

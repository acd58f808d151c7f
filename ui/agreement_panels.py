"""The parts of the agreement dashboard: a titled :class:`Panel` with Save CSV… (the charts of
:mod:`ui.agreement_charts` add Save PNG…), :class:`TablePanel`, a table of figures, and
:class:`SummaryCard`, one overall figure; the save dialogs behind :class:`SavePrompts`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.formats.csv_spans import neutralised
from ui.agreement_figures import Figure, Table, figure_text
from ui.corpus_worker import one_line_error


class SavePrompts:
    """Where to save, and why saving failed: modal dialogs that tests stand in for."""

    @classmethod
    def path(cls, parent: QWidget | None, title: str, suggested: str, kind: str) -> str | None:
        """A path the user chose for a ``kind`` file ("png" or "csv"), or None."""
        pattern = f"{kind.upper()} files (*.{kind})"
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
        return path or None

    @classmethod
    def tell(cls, parent: QWidget | None, message: str) -> None:
        """Say in one line why the file could not be written."""
        QMessageBox.warning(parent, "Save", message)


def write_csv(path: Path, table: Table) -> None:
    """``table`` as CSV (UTF-8 with a byte order mark, as spreadsheets like it; text that a
    spreadsheet would take for a formula quoted with an apostrophe; undefined cells empty)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        for row in (table.header, *table.rows):
            writer.writerow(
                ["" if c is None else neutralised(c) if isinstance(c, str) else c for c in row]
            )


def _with_suffix(path: str, kind: str) -> Path:
    out = Path(path)
    return out if out.suffix.casefold() == f".{kind}" else out.with_name(f"{out.name}.{kind}")


class Panel(QFrame):
    """A titled part of the dashboard over ``body``, with Save CSV… of its :attr:`table` into
    ``stem``.csv by default; ``tools`` (a choice of measure, Save PNG…) sit beside the title."""

    def __init__(self, title: str, stem: str, body: QWidget, tools: Sequence[QWidget] = ()) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = title
        self.stem = stem
        self.table: Table | None = None
        heading = QLabel(f"<b>{title}</b>")
        self.csv_button = QPushButton("Save CSV…")
        self.csv_button.setToolTip(f"Write the figures of “{title}” to a CSV file")
        self.csv_button.setAutoDefault(False)  # Return in the dialog presses none of them
        self.csv_button.clicked.connect(self.ask_save_csv)
        header = QHBoxLayout()
        header.addWidget(heading)
        header.addStretch(1)
        for tool in (*tools, self.csv_button):
            header.addWidget(tool)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addLayout(header)
        layout.addWidget(body, 1)
        self.set_table(None)

    def set_table(self, table: Table | None) -> None:
        """The figures Save CSV… writes (None: nothing to save)."""
        self.table = table
        self.csv_button.setEnabled(table is not None)

    def save_csv(self, path: Path) -> None:
        """Write :attr:`table` to ``path``; OSError when it cannot."""
        if self.table is not None:
            write_csv(path, self.table)

    def ask_save_csv(self) -> None:
        """Ask where, then save the CSV; a failure is one line in a message box."""
        self.ask_save("csv", self.save_csv)

    def ask_save(self, kind: str, save: Callable[[Path], None]) -> None:
        """Ask where to save a ``kind`` file ("csv", "png"; the suffix is added when missing),
        then ``save`` there; a failure is one line in a message box."""
        path = SavePrompts.path(self, f"Save {kind.upper()}", f"{self.stem}.{kind}", kind)
        if path is None:
            return
        try:
            save(_with_suffix(path, kind))
        except (OSError, ValueError) as exc:
            SavePrompts.tell(self, one_line_error(exc))


class TablePanel(Panel):
    """A :class:`Panel` showing a :class:`Table`: some of its columns (all go to the CSV),
    figures right-aligned with three decimals, the last row (the total) bold."""

    def __init__(
        self,
        title: str,
        stem: str,
        columns: dict[int, tuple[str, str]],
        tools: Sequence[QWidget] = (),
    ) -> None:
        self.view = QTableWidget()
        self.view.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        self.columns = columns
        super().__init__(title, stem, self.view, tools)

    def show_table(self, table: Table) -> None:
        """Show ``table``'s chosen columns; its CSV is the whole table."""
        self.set_table(table)
        self.view.clear()
        self.view.setColumnCount(len(self.columns))
        self.view.setRowCount(len(table.rows))
        for c, (heading, tip) in enumerate(self.columns.values()):
            item = QTableWidgetItem(heading)
            item.setToolTip(tip)
            self.view.setHorizontalHeaderItem(c, item)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(table.rows):
            for c, index in enumerate(self.columns):
                cell = row[index]
                if isinstance(cell, int):
                    text = f"{cell:,}"
                else:
                    text = cell if isinstance(cell, str) else figure_text(cell)
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(right)
                if r == len(table.rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.view.setItem(r, c, item)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


class SummaryCard(QFrame):
    """One overall figure: a caption, the value large, what it was counted over."""

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.caption = QLabel()
        self.value = QLabel()
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel()
        self.detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        for label in (self.caption, self.value, self.detail):
            layout.addWidget(label)

    def show_figure(self, figure: Figure) -> None:
        """Show ``figure``; the detail elided to the card, in full as a tool tip."""
        self.caption.setText(figure.caption)
        self.value.setText(figure.value)
        metrics = self.detail.fontMetrics()
        self.detail.setText(metrics.elidedText(figure.detail, Qt.TextElideMode.ElideRight, 150))
        self.detail.setToolTip(figure.detail)

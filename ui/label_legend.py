"""A legend of the schema's span labels: colour swatch, name and hotkey."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from annotator.schema import Schema

SWATCH_SIZE = 14


class LabelLegend(QTreeWidget):
    """Lists the span labels the corpus's schema defines; for reference, not for picking."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Label", "Key"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def set_schema(self, schema: Schema | None) -> None:
        """Show the labels of ``schema``, or say that the corpus has none."""
        self.clear()
        if schema is None:
            item = QTreeWidgetItem(["No schema set"])
            item.setToolTip(0, "Set one with: annotator schema set FILE")
            self.addTopLevelItem(item)
            return
        for label in schema.labels:
            item = QTreeWidgetItem([label.name, label.hotkey or ""])
            item.setIcon(0, swatch(label.color))
            item.setToolTip(0, label.description or label.name)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
            self.addTopLevelItem(item)

    def labels(self) -> list[tuple[str, str, str]]:
        """(name, colour #rrggbb, hotkey) of each label listed, for tests and tools."""
        result = []
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is None or item.icon(0).isNull():
                continue
            image = item.icon(0).pixmap(SWATCH_SIZE).toImage()
            colour = image.pixelColor(SWATCH_SIZE // 2, SWATCH_SIZE // 2)
            result.append((item.text(0), colour.name(), item.text(1)))
        return result


def swatch(color: str) -> QIcon:
    """A square of ``color`` with a thin darker edge, visible on light and dark backgrounds."""
    pixmap = QPixmap(SWATCH_SIZE, SWATCH_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    fill = QColor(color)
    painter.setBrush(fill)
    painter.setPen(fill.darker(160))
    painter.drawRect(0, 0, SWATCH_SIZE - 1, SWATCH_SIZE - 1)
    painter.end()
    return QIcon(pixmap)

"""The label palette: the schema's span labels (colour swatch, name, hotkey), to click."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from annotator.schema import Schema

SWATCH_SIZE = 14


class LabelLegend(QTreeWidget):
    """Lists the span labels the corpus's schema defines; a click asks to apply one."""

    sig_label_requested = Signal(str)
    """The name of the label the user clicked, to apply to the selection."""

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
        self.itemClicked.connect(self._clicked)

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if not item.icon(0).isNull():  # not the "No schema set" line
            self.sig_label_requested.emit(item.text(0))

    def set_armed(self, name: str | None) -> None:
        """Mark the label ``name`` as the one every new selection gets (bold), or none."""
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is None:
                continue
            font = QFont(self.font())
            font.setBold(item.text(0) == name)
            item.setFont(0, font)
            item.setFont(1, font)

    def armed(self) -> str | None:
        """The label marked as armed, if any."""
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None and item.font(0).bold():
                return item.text(0)
        return None

    def item_rect(self, name: str) -> QRect:
        """The viewport rectangle of the label ``name``'s row (empty if not listed)."""
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None and item.text(0) == name:
                return self.visualItemRect(item)
        return QRect()

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
            key = f" (key {label.hotkey})" if label.hotkey else ""
            item.setToolTip(
                0, f"{label.description or label.name}\nClick to label the selection{key}"
            )
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

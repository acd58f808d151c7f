"""Item models of the schema editor: a table over a list of drafts, described column by column,
a check list of the labels allowed somewhere, and a delegate offering fixed choices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.label_legend import swatch
from ui.schema_editor_draft import LabelChoice, LabelDraft

Index = QModelIndex | QPersistentModelIndex
ANY_LABEL = "Any label"
DARK_CHECK_OUTLINE = "#b0b0b0"  # darkened by the style to about #7e7e7e


@dataclass(frozen=True)
class Column:
    """One column of a :class:`RowsModel`: what it shows of a draft and how an edit is stored.

    ``set_text`` returns None when it took the text, else why not (shown to the user);
    ``choices`` makes :class:`ChoiceDelegate` offer a combo box.
    """

    header: str
    text: Callable[[Any], str]
    set_text: Callable[[Any, str], str | None] | None = None
    editable: Callable[[Any], bool] = lambda _row: True
    checked: Callable[[Any], bool] | None = None
    set_checked: Callable[[Any, bool], None] | None = None
    icon: Callable[[Any], QIcon] | None = None
    choices: Callable[[], list[str]] | None = None
    tip: str = ""
    alignment: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class RowsModel(QAbstractTableModel):
    """A table over a list of drafts (the draft's own list, changed in place), one row each."""

    sig_rows_edited = Signal()
    """No arguments: a draft in the list, or the list itself, was changed through the model."""

    sig_edit_refused = Signal(str)
    """Why an edit typed into a cell was not taken."""

    def __init__(self, columns: list[Column], rows: list[Any] | None = None) -> None:
        super().__init__()
        self.columns = columns
        self.rows: list[Any] = rows if rows is not None else []

    # -- reading ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per draft."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One column per :class:`Column`."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What the column shows of the row's draft for ``role``."""
        if not self.checkIndex(index, QAbstractItemModel.CheckIndexOption.IndexIsValid):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.text(row) or column.tip or None
        if role == Qt.ItemDataRole.DecorationRole and column.icon is not None:
            return column.icon(row)
        if role == Qt.ItemDataRole.CheckStateRole and column.checked is not None:
            return Qt.CheckState.Checked if column.checked(row) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The columns' headers (and their tooltips); rows have none."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].tip or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Editable or checkable where the column allows it for the row."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row, column = self.rows[index.row()], self.columns[index.column()]
        if column.editable(row):
            if column.set_text is not None:
                flags |= Qt.ItemFlag.ItemIsEditable
            if column.set_checked is not None:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def column(self, index: Index) -> Column:
        """The column of ``index``."""
        return self.columns[index.column()]

    # -- editing ------------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Store a typed text or a check in the row's draft."""
        if not index.isValid() or not self.flags(index) & (
            Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable
        ):
            return False
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.EditRole and column.set_text is not None:
            refused = column.set_text(row, str(value))
            if refused:
                self.sig_edit_refused.emit(refused)
                return False
        elif role == Qt.ItemDataRole.CheckStateRole and column.set_checked is not None:
            column.set_checked(row, _checked(value))
        else:
            return False
        # An edit may change what other cells of the row show (a type, its values).
        self.dataChanged.emit(
            self.index(index.row(), 0), self.index(index.row(), len(self.columns) - 1)
        )
        self.sig_rows_edited.emit()
        return True

    def set_rows(self, rows: list[Any] | None) -> None:
        """Show another list of drafts (None: none)."""
        self.beginResetModel()
        self.rows = rows if rows is not None else []
        self.endResetModel()

    def append(self, draft: Any) -> int:
        """Add ``draft`` at the end; its row."""
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(draft)
        self.endInsertRows()
        self.sig_rows_edited.emit()
        return row

    def remove(self, row: int) -> Any:
        """Take the draft at ``row`` out of the list; that draft."""
        self.beginRemoveRows(QModelIndex(), row, row)
        draft = self.rows.pop(row)
        self.endRemoveRows()
        self.sig_rows_edited.emit()
        return draft

    def move(self, row: int, delta: int) -> bool:
        """Move the draft at ``row`` by ``delta`` places; whether it moved."""
        target = row + delta
        if delta == 0 or not (0 <= row < len(self.rows) and 0 <= target < len(self.rows)):
            return False
        # Qt wants the row before which the moved one lands, counted before the move.
        destination = target + 1 if delta > 0 else target
        if not self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination):
            return False
        self.rows.insert(target, self.rows.pop(row))
        self.endMoveRows()
        self.sig_rows_edited.emit()
        return True

    def refresh(self) -> None:
        """Show every cell anew (after a draft shown here changed elsewhere)."""
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1)
            )


class LabelChoiceModel(QAbstractListModel):
    """A check list of "Any label" and each label, for the labels allowed somewhere."""

    sig_choice_edited = Signal()
    """No arguments: a label was checked or unchecked."""

    def __init__(self, labels: list[LabelDraft]) -> None:
        super().__init__()
        self.labels = labels  # the draft's own list: labels added elsewhere show on refresh()
        self.choice: LabelChoice | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """ "Any label", then one row per label."""
        return 0 if parent.isValid() else len(self.labels) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The label's name, swatch and whether it is allowed."""
        if not self.checkIndex(index, QAbstractItemModel.CheckIndexOption.IndexIsValid):
            return None
        label = self.labels[index.row() - 1] if index.row() else None
        if role == Qt.ItemDataRole.DisplayRole:
            return label.name if label else ANY_LABEL
        if role == Qt.ItemDataRole.DecorationRole and label is not None:
            return swatch(label.color)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if self._allowed(label) else Qt.CheckState.Unchecked
        return None

    def _allowed(self, label: LabelDraft | None) -> bool:
        c = self.choice
        if c is None:
            return False
        return c.any if label is None else any(lb is label for lb in c.labels)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Checkable; the labels are greyed while any label is allowed."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.choice is None or (index.row() and self.choice.any):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Allow or disallow the row's label (or any label)."""
        c = self.choice
        if c is None or role != Qt.ItemDataRole.CheckStateRole or not self.flags(index):
            return False
        checked = _checked(value)
        if index.row() == 0:
            c.any = checked
        else:
            label = self.labels[index.row() - 1]
            c.labels = [lb for lb in c.labels if lb is not label]
            if checked:
                c.labels.append(label)
        self.dataChanged.emit(self.index(0), self.index(len(self.labels)))
        self.sig_choice_edited.emit()
        return True

    def set_choice(self, choice: LabelChoice | None) -> None:
        """Edit ``choice`` (None: nothing to edit)."""
        self.beginResetModel()
        self.choice = choice
        self.endResetModel()

    def refresh(self) -> None:
        """Show the labels anew (added, removed, renamed, recoloured or moved)."""
        self.beginResetModel()
        self.endResetModel()


def _checked(value: Any) -> bool:
    state = Qt.CheckState(value) if isinstance(value, int) else value
    return bool(state == Qt.CheckState.Checked)


class CheckDelegate(QStyledItemDelegate):
    """Draws check boxes that show on dark palettes too.

    Fusion outlines an item's check box in the window colour darkened, which on a dark palette
    is the colour of the view's base: the empty boxes vanish. Here a light window colour is
    handed to the style for the item alone.
    """

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        """The usual option, with an outline colour for check boxes that shows on dark bases."""
        super().initStyleOption(option, index)
        palette = option.palette  # type: ignore[attr-defined]
        if palette.color(QPalette.ColorRole.Base).lightness() < 128:
            palette.setColor(QPalette.ColorRole.Window, QColor(DARK_CHECK_OUTLINE))
            option.palette = palette  # type: ignore[attr-defined]


class ChoiceDelegate(CheckDelegate):
    """Edits the cells of columns with ``choices`` in a combo box; others as text."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        """A combo box of the column's choices, or the usual editor."""
        model = index.model()
        choices = model.column(index).choices if isinstance(model, RowsModel) else None
        if choices is None:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(choices())
        # A pick is the whole edit: store it at once.
        combo.activated.connect(lambda _i: self._picked(combo))
        return combo

    def _picked(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        """Start the combo box at the cell's value."""
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(str(index.data())), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        """Store the combo box's pick."""
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)

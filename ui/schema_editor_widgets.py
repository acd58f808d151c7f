"""Small widget helpers of the schema editor: its tables, button rows and splitters, and row
selection over a :class:`~ui.schema_editor_models.RowsModel`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.schema_editor_models import CheckDelegate, ChoiceDelegate, RowsModel

SELECT_ROW = (
    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
)


def table_view(model: RowsModel, stretch: int) -> QTableView:
    """A table view of ``model`` whose column ``stretch`` takes the spare width."""
    view = QTableView()
    view.setModel(model)
    view.setItemDelegate(ChoiceDelegate(view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.SelectedClicked
    )
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def button(text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
    """A push button that calls ``slot`` and never takes Enter from the tables."""
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setAutoDefault(False)  # Enter in a table edits, it does not press a button
    button.clicked.connect(lambda _checked=False: slot())
    return button


def stacked(container: QWidget, view: QWidget, buttons: list[QPushButton]) -> QWidget:
    """``view`` above a row of ``buttons``, in ``container``."""
    layout = QVBoxLayout(container)
    if not isinstance(container, QGroupBox):
        layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(view, 1)
    if buttons:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
    return container


def split(
    orientation: Qt.Orientation, first: QWidget, second: QWidget, sizes: tuple[int, int]
) -> QSplitter:
    """``first`` and ``second`` side by side (or one above the other), neither collapsible."""
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setChildrenCollapsible(False)
    splitter.setSizes(list(sizes))
    return splitter


def on_current_row(view: QTableView, slot: Callable[[int], None]) -> None:
    """Call ``slot`` with the current row (-1: none) whenever it changes, or the rows reset."""
    view.selectionModel().currentRowChanged.connect(lambda current, _previous: slot(current.row()))
    view.model().modelReset.connect(lambda: slot(view.currentIndex().row()))


def remove_current(view: QTableView) -> Any:
    """Remove the current row's draft from ``view``'s model; that draft (None: no row)."""
    model = view.model()
    row = view.currentIndex().row()
    if not isinstance(model, RowsModel) or row < 0:
        return None
    draft = model.remove(row)
    view.selectionModel().clearSelection()
    if model.rowCount():
        view.selectionModel().setCurrentIndex(
            model.index(min(row, model.rowCount() - 1), 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
    return draft


def select_row(view: QTableView, row: int) -> None:
    """Make ``row`` the current, selected row of ``view`` (if it exists)."""
    model = view.model()
    if 0 <= row < model.rowCount():
        view.selectionModel().setCurrentIndex(model.index(row, 0), SELECT_ROW)


def append_and_edit(view: QTableView, draft: Any) -> None:
    """Add ``draft`` at the end of ``view``'s model, select it and start editing its name."""
    model = view.model()
    assert isinstance(model, RowsModel)
    row = model.append(draft)
    select_row(view, row)
    view.edit(model.index(row, 0))


def check_list(model: QAbstractItemModel) -> QListView:
    """A list view of the check list ``model``."""
    view = QListView()
    view.setModel(model)
    view.setItemDelegate(CheckDelegate(view))
    return view

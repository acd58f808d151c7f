"""The document metadata editor: one article's title, author, date, source and collections."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from corpus.document_edits import published_date
from corpus.store import Store
from ui.dialog_layout import lay_out_editor_dialog

INVALID_STYLE = "border: 1px solid #d62728;"
DATE_HINT = "Also YYYY-MM or YYYY; leave empty when unknown"


class MetadataEditor(QDialog):
    """Edits the metadata of the document ``doc_id``: OK saves it all in one transaction at once;
    a value the store refuses is named under the fields and the dialog stays open."""

    def __init__(self, store: Store, doc_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        summary = store.summary(doc_id)  # raises AnnotatorError for a missing document
        self._store = store
        self._doc_id = doc_id
        self.setWindowTitle("Document Properties")
        self.setMinimumWidth(440)

        self.title_edit = QLineEdit(summary.title)
        self.author_edit = QLineEdit(summary.author or "")
        self.published_edit = QLineEdit(summary.published or "")
        self.published_edit.setPlaceholderText("YYYY-MM-DD, or empty")
        self.published_edit.setToolTip(DATE_HINT)
        self.source_edit = QLineEdit(summary.source or "")
        for edit in (self.title_edit, self.author_edit, self.published_edit, self.source_edit):
            edit.setCursorPosition(0)  # a long title shows its start

        self.collections_list = QListWidget()
        self.collections_list.setToolTip("The collections the article is in")
        mine = set(summary.collections)
        for name in store.collection_names():
            self._add_item(name, name in mine)
        rows = self.collections_list.sizeHintForRow(0) if self.collections_list.count() else 0
        self.collections_list.setMinimumHeight(max(rows, self.fontMetrics().height() + 4) * 5 + 6)
        self.new_collection_edit = QLineEdit(placeholderText="New collection")
        self.new_collection_edit.installEventFilter(self)  # Return adds, not closes the dialog
        self.add_button = QPushButton("Add")
        self.add_button.setAutoDefault(False)
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_collection)
        self.new_collection_edit.textChanged.connect(
            lambda text: self.add_button.setEnabled(bool(text.strip()))
        )
        adding = QHBoxLayout()
        adding.addWidget(self.new_collection_edit, 1)
        adding.addWidget(self.add_button)
        collections = QVBoxLayout()
        collections.setSpacing(4)
        collections.addWidget(self.collections_list, 1)
        collections.addLayout(adding)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Title:", self.title_edit)
        form.addRow("Author:", self.author_edit)
        form.addRow("Published:", self.published_edit)
        form.addRow("Source:", self.source_edit)
        form.addRow("Collections:", collections)

        self.error_label = QLabel()
        self.error_label.setWordWrap(False)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        self.error_label.setStyleSheet(f"color: {'#ff6b6b' if dark else '#c62828'};")
        self.error_label.hide()
        self.buttons = lay_out_editor_dialog(self, form, self.error_label, self.accept)
        self.published_edit.textChanged.connect(self._check_date)

    @classmethod
    def ask(cls, store: Store, doc_id: int, parent: QWidget | None = None) -> bool:
        """Show the editor for ``doc_id`` until closed; True if the user saved."""
        dialog = cls(store, doc_id, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    # -- collections --------------------------------------------------------------------------

    def checked_collections(self) -> list[str]:
        """The names of the collections ticked, in list order."""
        items = (self.collections_list.item(i) for i in range(self.collections_list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def add_collection(self) -> None:
        """Tick the collection named in the new-collection field, adding it to the list if new."""
        name = self.new_collection_edit.text().strip()
        if not name:
            return
        found = self.collections_list.findItems(name, Qt.MatchFlag.MatchExactly)
        item = found[0] if found else self._add_item(name, True)
        item.setCheckState(Qt.CheckState.Checked)
        self.collections_list.scrollToItem(item)
        self.new_collection_edit.clear()

    def _add_item(self, name: str, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(name, self.collections_list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Return in the new-collection field adds the collection instead of pressing OK."""
        if (
            watched is self.new_collection_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_collection()
            return True
        return super().eventFilter(watched, event)

    # -- saving -------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """Show ``message`` under the fields on one line, elided to the dialog's width."""
        layout = self.layout()
        assert layout is not None  # laid out in the constructor
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        metrics = self.error_label.fontMetrics()
        self.error_label.setText(metrics.elidedText(message, Qt.TextElideMode.ElideRight, width))
        self.error_label.setToolTip(message)
        self.error_label.show()

    def _check_date(self, text: str) -> None:
        try:
            published_date(text)
        except AnnotatorError as exc:
            self.published_edit.setStyleSheet(INVALID_STYLE)
            self.published_edit.setToolTip(str(exc))
            return
        self.published_edit.setStyleSheet("")
        self.published_edit.setToolTip(DATE_HINT)

    def accept(self) -> None:
        """Save the fields and collections; close only if the store took them."""
        if self.new_collection_edit.text().strip():
            self.add_collection()  # typed but not added: surely meant
        try:
            self._store.update_document(
                self._doc_id,
                title=self.title_edit.text(),
                author=self.author_edit.text(),
                published=self.published_edit.text(),
                source=self.source_edit.text(),
                collections=self.checked_collections(),
            )
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        super().accept()


def edit_metadata(store: Store, doc_id: int, parent: QWidget | None = None) -> bool:
    """Let the user edit the metadata of ``doc_id``; True if they saved (then the document's
    row and the collection filter want refreshing)."""
    return MetadataEditor.ask(store, doc_id, parent)

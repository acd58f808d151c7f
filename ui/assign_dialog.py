"""The manager's Assign Documents dialog: which documents (the one on show, a collection, or
all that the list shows), to whom, and how many annotators each, shared out in turn."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from annotator.errors import AnnotatorError
from corpus.curation import GOLD
from corpus.filters import DocumentFilter
from corpus.store import Store
from ui.dialog_layout import lay_out_form_dialog


class AssignDialog(QDialog):
    """Put documents into annotators' queues; the store does it in one transaction."""

    def __init__(
        self,
        store: Store,
        current: int | None,
        listed: DocumentFilter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign Documents")
        self._store = store
        self.assigned = 0
        self.documents = QComboBox()
        if current is not None:
            self.documents.addItem(f"The article on show ({current})", ("one", current))
        self.documents.addItem("Every article the list shows", ("listed", listed))
        for name in store.collection_names():
            self.documents.addItem(f"Collection: {name}", ("collection", name))
        self.people = QListWidget()
        for member in store.members():
            if member.name == GOLD:
                continue
            item = QListWidgetItem(f"{member.name}  ({member.role}, {member.assigned} assigned)")
            item.setData(Qt.ItemDataRole.UserRole, member.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.new_people = QLineEdit(placeholderText="more names, separated by commas")
        self.per_document = QSpinBox(minimum=1, maximum=99, value=1)
        self.per_document.setToolTip(
            "How many of the chosen annotators each article goes to; more than one lets "
            "their agreement be measured"
        )
        form = QFormLayout()
        form.addRow("&Articles", self.documents)
        form.addRow("&To", self.people)
        form.addRow("", self.new_people)
        form.addRow("Annotators &each", self.per_document)
        hint = QLabel("Articles are shared out in turn among the annotators chosen.")
        hint.setWordWrap(True)
        lay_out_form_dialog(self, form, hint, "Assign", self.assign)

    def chosen_people(self) -> list[str]:
        """The annotators ticked, then those typed, in that order."""
        ticked = [
            str(self.people.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.people.count())
            if self.people.item(i).checkState() == Qt.CheckState.Checked
        ]
        typed = [n.strip() for n in self.new_people.text().split(",") if n.strip()]
        return list(dict.fromkeys(ticked + typed))

    def document_ids(self) -> list[int]:
        """The ids of the articles chosen."""
        kind, value = self.documents.currentData()
        if kind == "one":
            return [int(value)]
        flt = value if kind == "listed" else DocumentFilter(collection=value)
        return [s.id for s in self._store.documents(flt)]

    def assign(self) -> None:
        """Assign, then close; a refusal is said in one line and the dialog stays open."""
        people = self.chosen_people()
        if GOLD in people:
            QMessageBox.warning(
                self, "Assign Documents", f"'{GOLD}' is the curated set, not a person"
            )
            return
        try:
            per = min(self.per_document.value(), max(1, len(people)))
            self.assigned = self._store.assign(self.document_ids(), people, per)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Assign Documents", str(exc))
            return
        self.accept()

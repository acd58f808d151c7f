"""The query form of annotation search: label, attribute conditions ("count>=10 kind=killed"),
covered text (plain, or a regular expression), annotator, status and collection. It turns what
is filled in into a :class:`corpus.span_search.SpanQuery` and asks for a search when a choice
changes or Return is pressed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.document import Status
from corpus.span_search import SpanQuery, parse_conditions
from ui.document_table_model import status_text

ANY_LABEL, ANYONE, ANY_STATUS, EVERY_DOCUMENT = "Any label", "Anyone", "Any status", "All documents"
CONDITIONS_HINT = "count>=10 kind=killed"


class SpanSearchForm(QWidget):
    """The fields of a search and its Search button."""

    sig_search_requested = Signal()
    """No arguments: a choice changed, Return was pressed or Search clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label_combo = _combo(ANY_LABEL, "Only spans with this label")
        self.conditions_edit = QLineEdit(placeholderText=CONDITIONS_HINT, clearButtonEnabled=True)
        self.conditions_edit.setToolTip(
            "Attribute conditions, all of which must hold: NAME=VALUE, != (or missing), "
            ">=, <=, >, < (numbers compare as numbers), ~ (regular expression).\n"
            'Quote a value with spaces: group="armed group"'
        )
        self.text_edit = QLineEdit(placeholderText="covered text", clearButtonEnabled=True)
        self.text_edit.setToolTip("Text the span covers (case ignored)")
        self.regex_box = QCheckBox("Regex")
        self.regex_box.setToolTip(
            "Search the covered text with a regular expression (case ignored)"
        )
        self.annotator_combo = _combo(ANYONE, "Only this annotator's spans")
        self.status_combo = _combo(ANY_STATUS, "Only spans of documents with this status")
        for status in Status.ALL:
            self.status_combo.addItem(status_text(status).capitalize(), status)
        self.collection_combo = _combo(EVERY_DOCUMENT, "Only documents of this collection")
        self.search_button = QPushButton("Search")
        self.search_button.setDefault(False)

        first = QHBoxLayout()
        first.addLayout(_field("&Label", self.label_combo))
        first.addLayout(_field("Attri&butes", self.conditions_edit), 2)
        first.addLayout(_field("&Text", self.text_edit), 2)
        first.addWidget(self.regex_box)
        second = QHBoxLayout()
        second.addLayout(_field("Annotato&r", self.annotator_combo))
        second.addLayout(_field("Stat&us", self.status_combo))
        second.addLayout(_field("C&ollection", self.collection_combo))
        second.addStretch(1)
        second.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addLayout(second)

        for combo in (
            self.label_combo,
            self.annotator_combo,
            self.status_combo,
            self.collection_combo,
        ):
            combo.activated.connect(self.sig_search_requested)
        for edit in (self.conditions_edit, self.text_edit):
            edit.returnPressed.connect(self.sig_search_requested)
        self.regex_box.toggled.connect(self.sig_search_requested)
        self.search_button.clicked.connect(self.sig_search_requested)

    def set_choices(
        self,
        labels: Sequence[tuple[str, str]],
        annotators: Sequence[str],
        collections: Sequence[str],
    ) -> None:
        """Offer the schema's ``labels`` (name, colour), the ``annotators`` and the
        ``collections``; what was chosen stays chosen while it is still offered."""
        _refill(self.label_combo, [(name, _swatch(colour)) for name, colour in labels])
        _refill(self.annotator_combo, [(name, None) for name in annotators])
        _refill(self.collection_combo, [(name, None) for name in collections])

    def query(self) -> SpanQuery:
        """The search filled in; a one-line :class:`AnnotatorError` for bad conditions or a
        bad regular expression."""
        text = self.text_edit.text()
        regex = self.regex_box.isChecked()
        query = SpanQuery(
            labels=_chosen(self.label_combo),
            conditions=parse_conditions(self.conditions_edit.text()),
            text="" if regex else text.strip(),
            regex=text if regex else "",
            annotators=_chosen(self.annotator_combo),
            statuses=_chosen(self.status_combo),
            collection=self.collection_combo.currentData(),
        )
        query.check()
        return query


def _combo(anything: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(anything, None)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _field(text: str, widget: QWidget) -> QHBoxLayout:
    """``widget`` after a label naming it (its mnemonic focuses the widget)."""
    label = QLabel(text)
    label.setBuddy(widget)
    row = QHBoxLayout()
    row.setSpacing(4)
    row.addWidget(label)
    row.addWidget(widget, 1)
    return row


def _refill(combo: QComboBox, items: Sequence[tuple[str, QIcon | None]]) -> None:
    """Replace the combo's choices after its first ("any") one, keeping the current one."""
    current = combo.currentData()
    combo.blockSignals(True)
    try:
        while combo.count() > 1:
            combo.removeItem(1)
        for name, icon in items:
            if icon is None:
                combo.addItem(name, name)
            else:
                combo.addItem(icon, name, name)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
    finally:
        combo.blockSignals(False)


def _chosen(combo: QComboBox) -> tuple[str, ...]:
    value = combo.currentData()
    return () if value is None else (str(value),)


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)

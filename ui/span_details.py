"""The details panel: the selected span's label, covered text, attributes form and note.

The form is generated from the label's attributes in the schema. Every change is checked by
the schema first and then asked for as an edit (``sig_span_edit_requested``); the owner turns it
into an undoable command, and shows the span again once stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.document import AttributeValue, Span
from annotator.schema import AttributeSpec, AttributeType, LabelSpec, Schema
from ui.label_legend import SWATCH_SIZE, swatch

HINT = "Select a span to see its attributes"
UNSET = "—"
INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e9  # small enough that one step below it is another number
GEO_NAMES = {"latitude", "longitude", "lat", "lon", "lng"}
INVALID_STYLE = "border: 1px solid #d62728;"
NOTE_LINES = 4
EDITOR_MIN_WIDTH = 64


class _UnsetMixin:
    """Spin boxes whose minimum means "unset" (shown as "—"); clearing the text unsets."""

    def validate(self, text: str, pos: int) -> object:
        """An empty text is acceptable: it unsets the value."""
        if text.strip() in ("", UNSET):
            return QValidator.State.Acceptable, text, pos
        return super().validate(text, pos)  # type: ignore[misc]

    def valueFromText(self, text: str) -> object:
        """The minimum (unset) for an empty text, else the number typed."""
        if text.strip() in ("", UNSET):
            return self.minimum()  # type: ignore[attr-defined]
        return super().valueFromText(text)  # type: ignore[misc]


class OptionalSpinBox(_UnsetMixin, QSpinBox):
    """An integer spin box with an unset state at its minimum."""


class OptionalDoubleSpinBox(_UnsetMixin, QDoubleSpinBox):
    """A decimal spin box with an unset state at its minimum."""


class SpanDetails(QStackedWidget):
    """Shows the selected span with a form for its attributes and note, or a hint."""

    sig_span_edit_requested = Signal(int, object, str, bool)
    """(span id, the edited Span, the field changed ("note" or an attribute's name), whether
    the edit is typing that may merge with the next one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, LabelSpec] = {}
        self._span_id: int | None = None
        self._span: Span | None = None
        self._covered = ""
        self._loading = False
        self._setters: dict[str, Callable[[AttributeValue], None]] = {}
        self.editors: dict[str, QWidget] = {}

        self.hint = QLabel(HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.hint.setMargin(12)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # greyed, as a placeholder
        self.addWidget(self.hint)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 4, 6, 4)
        header = QHBoxLayout()
        self.swatch = QLabel()
        self.label_name = QLabel()
        font = self.label_name.font()
        font.setBold(True)
        self.label_name.setFont(font)
        header.addWidget(self.swatch)
        header.addWidget(self.label_name, 1)
        layout.addLayout(header)
        self.covered = QLabel()
        self.covered.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.covered.setMinimumWidth(40)  # elided to the dock's width, never widening it
        self._upright = self.covered.font()
        self._italic = QFont(self._upright)
        self._italic.setItalic(True)
        self.covered.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.covered)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # a narrow dock
        layout.addLayout(self.form)
        layout.addWidget(QLabel("Note"))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        lines = QFontMetrics(self.note.font()).lineSpacing() * NOTE_LINES
        self.note.setFixedHeight(lines + 2 * self.note.frameWidth() + 8)
        self.note.textChanged.connect(self._note_changed)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.addWidget(page)

    # -- what is on show ----------------------------------------------------------------------

    def set_schema(self, schema: Schema | None) -> None:
        """Generate forms from the labels of ``schema`` from now on."""
        self._labels = {label.name: label for label in schema.labels} if schema else {}
        self.show_span(None)

    def span_id(self) -> int | None:
        """The id of the span on show, if any."""
        return self._span_id

    def show_span(self, span_id: int | None, span: Span | None = None, covered: str = "") -> None:
        """Show the span ``span_id`` (``span``, covering ``covered``), or the hint for None."""
        if span_id is None or span is None:
            self._span_id, self._span = None, None
            self.setCurrentIndex(0)
            return
        rebuild = span_id != self._span_id or self._span is None or self._span.label != span.label
        self._span_id, self._span, self._covered = span_id, span, covered
        spec = self._labels.get(span.label)
        self._loading = True
        try:
            if rebuild:
                self._build(span.label, spec)
            for name, set_value in self._setters.items():
                set_value(span.attributes.get(name))
                if spec is not None and (attribute := spec.attribute(name)) is not None:
                    _mark(self.editors[name], attribute, None)  # what is stored is valid
            if self.note.toPlainText() != span.note:  # as typed: keep the caret
                self.note.setPlainText(span.note)
        finally:
            self._loading = False
        self._elide_covered()
        self.setCurrentIndex(1)

    def _build(self, label: str, spec: LabelSpec | None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._setters, self.editors = {}, {}
        color = spec.color if spec else "#808080"
        self.swatch.setPixmap(swatch(color).pixmap(SWATCH_SIZE))
        self.label_name.setText(label)
        self.label_name.setToolTip(spec.description if spec else "")
        for attribute in spec.attributes if spec else ():
            editor = self._editor(attribute)
            editor.setToolTip(attribute.description)
            editor.setMinimumWidth(EDITOR_MIN_WIDTH)  # not the width of the widest number
            self.editors[attribute.name] = editor
            self.form.addRow(attribute.name.replace("_", " ").capitalize(), editor)
        if spec is not None and not spec.attributes:
            self.form.addRow(QLabel("No attributes"))

    def _elide_covered(self) -> None:
        text = " ".join(self._covered.split())
        # Italic only where the italic face has every character: Qt's fallback fonts do not fill
        # in an oblique face (DejaVu Sans Oblique has no Arabic: the text came out as boxes).
        italic = QFontMetrics(self._italic)
        has_all = all(italic.inFontUcs4(ord(c)) for c in text)
        self.covered.setFont(self._italic if has_all else self._upright)
        width = max(self.covered.width(), 40)
        self.covered.setText(
            self.covered.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
        )
        self.covered.setToolTip(self._covered)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Elide the covered text anew for the new width."""
        super().resizeEvent(event)
        self._elide_covered()

    # -- one editor per attribute type --------------------------------------------------------

    def _editor(self, attribute: AttributeSpec) -> QWidget:
        kind = attribute.type
        if kind is AttributeType.ENUM:
            return self._combo(attribute)
        if kind is AttributeType.BOOLEAN:
            return self._check_box(attribute)
        if kind is AttributeType.TEXT:
            return self._line_edit(attribute)
        return self._spin_box(attribute)

    def _combo(self, attribute: AttributeSpec) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)  # long values ("non_state_armed_group") elide
        if not attribute.required:
            combo.addItem(UNSET, None)
        for value in attribute.values:
            combo.addItem(value, value)
        self._setters[attribute.name] = lambda v: combo.setCurrentIndex(max(combo.findData(v), 0))
        combo.currentIndexChanged.connect(
            lambda _i: self._commit(attribute, combo, combo.currentData())
        )
        return combo

    def _check_box(self, attribute: AttributeSpec) -> QCheckBox:
        box = QCheckBox()
        box.setTristate(not attribute.required)
        states = {True: Qt.CheckState.Checked, False: Qt.CheckState.Unchecked}

        def set_value(value: AttributeValue) -> None:
            box.setCheckState(states.get(value, Qt.CheckState.PartiallyChecked))  # type: ignore[arg-type]

        def changed() -> None:
            state = box.checkState()
            value = None if state == Qt.CheckState.PartiallyChecked else state == states[True]
            self._commit(attribute, box, value)

        self._setters[attribute.name] = set_value
        box.stateChanged.connect(changed)
        return box

    def _line_edit(self, attribute: AttributeSpec) -> QLineEdit:
        edit = QLineEdit()
        edit.setClearButtonEnabled(True)

        def set_value(value: AttributeValue) -> None:
            if edit.text() != (value or ""):
                edit.setText("" if value is None else str(value))

        self._setters[attribute.name] = set_value
        edit.textChanged.connect(
            lambda text: self._commit(attribute, edit, text or None, typing=True)
        )
        return edit

    def _spin_box(self, attribute: AttributeSpec) -> QWidget:
        integer = attribute.type is AttributeType.INTEGER
        spin: QSpinBox | QDoubleSpinBox
        if integer:
            spin = OptionalSpinBox()
            limit: float = INT_LIMIT
        else:
            spin = OptionalDoubleSpinBox()
            spin.setDecimals(6 if attribute.name.lower() in GEO_NAMES else 3)
            limit = FLOAT_LIMIT
        step = 1 if integer else 10 ** -spin.decimals()  # type: ignore[union-attr]
        low = attribute.minimum if attribute.minimum is not None else -limit
        high = attribute.maximum if attribute.maximum is not None else limit
        unset = low - step if not attribute.required else low  # the minimum shows "—"
        spin.setRange(int(unset) if integer else unset, int(high) if integer else high)
        if not attribute.required:
            spin.setSpecialValueText(UNSET)
        spin.setKeyboardTracking(False)  # a value is committed on Enter, focus out or a step
        spin.setAccelerated(True)

        def set_value(value: AttributeValue) -> None:
            spin.setValue(spin.minimum() if value is None else value)  # type: ignore[arg-type]

        def changed(number: float) -> None:
            value: AttributeValue = None
            if number != spin.minimum() or attribute.required:
                value = int(number) if integer else float(number)
            self._commit(attribute, spin, value)

        self._setters[attribute.name] = set_value
        spin.valueChanged.connect(changed)
        return spin

    # -- edits --------------------------------------------------------------------------------

    def _commit(
        self, attribute: AttributeSpec, editor: QWidget, value: AttributeValue, typing: bool = False
    ) -> None:
        if self._loading or self._span_id is None or self._span is None:
            return
        problem = attribute.check(value)
        _mark(editor, attribute, problem)
        if problem:
            return  # shown, not saved
        attributes = dict(self._span.attributes)
        if value is None:
            attributes.pop(attribute.name, None)
        else:
            attributes[attribute.name] = value
        if attributes == dict(self._span.attributes):
            return
        self._request(replace(self._span, attributes=attributes), attribute.name, typing)

    def _note_changed(self) -> None:
        note = self.note.toPlainText()
        if self._loading or self._span is None or note == self._span.note:
            return
        self._request(replace(self._span, note=note), "note", True)

    def _request(self, span: Span, field: str, typing: bool) -> None:
        span_id = self._span_id
        assert span_id is not None
        self.sig_span_edit_requested.emit(span_id, span, field, typing)


def _mark(editor: QWidget, attribute: AttributeSpec, problem: str | None) -> None:
    """Show ``problem`` on ``editor`` (red border, tooltip), or its normal look for None."""
    editor.setStyleSheet(INVALID_STYLE if problem else "")
    editor.setToolTip(problem or attribute.description)

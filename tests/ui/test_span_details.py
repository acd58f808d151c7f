"""The details panel: the selected span's attributes form and note, edited through the real
widgets, each edit in the database at once (read back through a second store) and undoable."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from annotator.document import Document, Span
from annotator.schema import AttributeSpec, AttributeType
from corpus import resources
from corpus.store import Store
from tests.conftest import second_store
from tests.ui.shown_window import store  # noqa: F401  (fixture used by name)
from tests.ui.test_annotating import TEXT, click_span, key, reshow
from ui.main_window import MainWindow
from ui.span_details import HINT, UNSET

CASUALTY = "قتلت 𝐀 مدنيين"  # "killed A civilians", with an astral character


@pytest.fixture
def path(tmp_path) -> str:
    """The corpus file."""
    return str(tmp_path / "c.db")


@pytest.fixture
def doc_id(store) -> int:
    """The document to annotate."""
    return store.add_document(Document(text=TEXT, title="Jets strike al-Bab")).id


def open_window(qtbot, store, doc_id, tmp_path) -> MainWindow:
    """A shown main window of annotator alice with TEXT on show."""
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    w = MainWindow(store, settings, annotator="alice")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.browser.select_document(doc_id)
    return w


@pytest.fixture
def window(qtbot, store, doc_id, tmp_path) -> MainWindow:
    """A shown main window of annotator alice with TEXT on show."""
    return open_window(qtbot, store, doc_id, tmp_path)


def add_and_select(qtbot, window, store, doc_id, phrase: str, label: str, **attributes) -> int:
    """Store a span of alice's over ``phrase``, show it and click it."""
    start = TEXT.index(phrase)
    span_id = store.add_span(doc_id, "alice", Span(start, start + len(phrase), label, attributes))
    reshow(window, doc_id)
    click_span(qtbot, window.reader.text_view, span_id)
    qtbot.waitUntil(lambda: window.details.span_id() == span_id)
    return span_id


def saved(path: str, span_id: int) -> Span:
    """The span as another connection to the corpus file reads it."""
    with second_store(path) as other:
        return other.span_state(span_id).span


def type_number(qtbot, spin: QSpinBox | QDoubleSpinBox, text: str) -> None:
    """Replace the spin box's text by ``text`` and press Enter, as a user would."""
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Delete)
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick ``text`` in the combo box by typing it, as a user would with the keyboard."""
    combo.setFocus()
    qtbot.keyClicks(combo, text)
    assert combo.currentText() == text


def test_nothing_selected_shows_the_hint(qtbot, window, store, doc_id):
    details = window.details
    assert details.currentWidget() is details.hint
    assert details.hint.text() == HINT
    add_and_select(qtbot, window, store, doc_id, CASUALTY, "Casualty")
    assert details.currentWidget() is not details.hint
    window.reader.text_view.setFocus()
    key(qtbot, window.reader.text_view, "Escape")
    assert details.currentWidget() is details.hint


def test_a_click_beside_the_spans_clears_the_panel(qtbot, window, store, doc_id):
    add_and_select(qtbot, window, store, doc_id, CASUALTY, "Casualty")
    view = window.reader.text_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    qtbot.waitUntil(lambda: window.details.currentWidget() is window.details.hint)


def test_a_casualty_shows_count_kind_and_group(qtbot, window, store, doc_id):
    add_and_select(qtbot, window, store, doc_id, CASUALTY, "Casualty", count=3)
    details = window.details
    assert details.label_name.text() == "Casualty"
    assert " ".join(CASUALTY.split()) in details.covered.toolTip()
    assert isinstance(details.editors["count"], QSpinBox)
    assert details.editors["count"].value() == 3
    for name in ("kind", "group"):
        combo = details.editors[name]
        assert isinstance(combo, QComboBox)
        assert combo.currentText() == UNSET


def test_setting_attributes_saves_each_at_once_and_undo_restores(
    qtbot, window, store, doc_id, path
):
    span_id = add_and_select(qtbot, window, store, doc_id, CASUALTY, "Casualty", count=3)
    editors = window.details.editors
    choose(qtbot, editors["kind"], "killed")
    assert saved(path, span_id).attributes == {"count": 3, "kind": "killed"}
    type_number(qtbot, editors["count"], "9")
    assert saved(path, span_id).attributes == {"count": 9, "kind": "killed"}
    choose(qtbot, editors["group"], "civilian")
    assert saved(path, span_id).attributes == {"count": 9, "kind": "killed", "group": "civilian"}
    assert window.editor.undo_stack.count() == 3  # one step each

    window.editor.undo_action.trigger()
    assert saved(path, span_id).attributes == {"count": 9, "kind": "killed"}
    assert editors["group"].currentText() == UNSET
    window.editor.undo_action.trigger()
    assert saved(path, span_id).attributes == {"count": 3, "kind": "killed"}
    assert editors["count"].value() == 3
    window.editor.redo_action.trigger()
    assert editors["count"].value() == 9
    assert saved(path, span_id).attributes == {"count": 9, "kind": "killed"}


def test_clearing_a_number_unsets_it(qtbot, window, store, doc_id, path):
    span_id = add_and_select(qtbot, window, store, doc_id, CASUALTY, "Casualty", count=3)
    spin = window.details.editors["count"]
    type_number(qtbot, spin, "")
    assert spin.text() == UNSET
    assert saved(path, span_id).attributes == {}


def test_latitude_and_longitude_take_decimals_within_their_ranges(
    qtbot, window, store, doc_id, path
):
    span_id = add_and_select(qtbot, window, store, doc_id, "al-Bab", "Location")
    latitude = window.details.editors["latitude"]
    longitude = window.details.editors["longitude"]
    assert isinstance(latitude, QDoubleSpinBox)
    assert latitude.decimals() == 6
    assert latitude.text() == UNSET
    assert latitude.maximum() == 90
    type_number(qtbot, latitude, "36.512345")
    type_number(qtbot, longitude, "-37.5")
    assert saved(path, span_id).attributes == {"latitude": 36.512345, "longitude": -37.5}
    type_number(qtbot, latitude, "95")  # out of range: refused by the box, nothing saved
    assert latitude.value() <= 90
    assert saved(path, span_id).attributes["latitude"] <= 90
    type_number(qtbot, latitude, "-90")
    assert saved(path, span_id).attributes["latitude"] == -90


def test_typing_a_note_is_saved_and_undone_in_one_step(qtbot, window, store, doc_id, path):
    span_id = add_and_select(qtbot, window, store, doc_id, CASUALTY, "Casualty")
    note = window.details.note
    note.setFocus()
    qtbot.keyClicks(note, "Checked by phone")
    assert saved(path, span_id).note == "Checked by phone"
    assert note.toPlainText() == "Checked by phone"  # the caret stayed: nothing lost
    assert window.editor.undo_stack.count() == 1
    window.editor.undo_action.trigger()
    assert saved(path, span_id).note == ""
    assert note.toPlainText() == ""


def test_a_weapon_system_shows_its_categories_in_schema_order(qtbot, window, store, doc_id):
    add_and_select(qtbot, window, store, doc_id, "jets", "WeaponSystem")
    combo = window.details.editors["category"]
    values = resources.shipped_schema().label("WeaponSystem").attribute("category").values
    assert [combo.itemText(i) for i in range(combo.count())] == [UNSET, *values]


@pytest.fixture
def sourced_store(store) -> Store:
    """The store with a schema whose Actor has a required text and an optional boolean."""
    schema = resources.shipped_schema()
    extra = (
        AttributeSpec("source", AttributeType.TEXT, required=True, description="Who says so"),
        AttributeSpec("confirmed", AttributeType.BOOLEAN),
    )
    labels = tuple(
        replace(lb, attributes=lb.attributes + extra) if lb.name == "Actor" else lb
        for lb in schema.labels
    )
    store.set_schema(replace(schema, labels=labels))
    return store


def test_invalid_text_is_shown_and_not_saved_and_typing_is_one_step(
    qtbot, sourced_store, doc_id, path, tmp_path
):
    w = open_window(qtbot, sourced_store, doc_id, tmp_path)
    span_id = add_and_select(qtbot, w, sourced_store, doc_id, "Russian", "Actor", source="AP")
    edit = w.details.editors["source"]
    assert isinstance(edit, QLineEdit)
    assert edit.toolTip() == "Who says so"
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)  # required: refused, and shown
    assert "required" in edit.toolTip()
    assert edit.styleSheet()
    assert saved(path, span_id).attributes["source"] == "AP"
    assert w.editor.undo_stack.count() == 0
    qtbot.keyClicks(edit, "Reuters")
    assert saved(path, span_id).attributes["source"] == "Reuters"
    assert not edit.styleSheet()
    assert w.editor.undo_stack.count() == 1
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.styleSheet()
    w.editor.undo_action.trigger()  # the form shows what is stored, valid again
    assert saved(path, span_id).attributes["source"] == "AP"
    assert edit.text() == "AP"
    assert not edit.styleSheet()


def test_a_boolean_is_a_tri_state_check_box(qtbot, sourced_store, doc_id, path, tmp_path):
    w = open_window(qtbot, sourced_store, doc_id, tmp_path)
    span_id = add_and_select(qtbot, w, sourced_store, doc_id, "Russian", "Actor", source="AP")
    box = w.details.editors["confirmed"]
    assert isinstance(box, QCheckBox)
    assert box.checkState() == Qt.CheckState.PartiallyChecked  # unset
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(4, box.height() // 2))
    assert saved(path, span_id).attributes["confirmed"] is True
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(4, box.height() // 2))
    assert saved(path, span_id).attributes["confirmed"] is False


def test_the_covered_text_is_drawn_in_a_face_that_has_its_letters(qtbot):
    """Latin text is shown in italic; Arabic, which the common sans fonts' oblique faces lack
    (Qt does not fill them in from other fonts: the text came out as boxes), upright."""
    from PySide6.QtGui import QFontMetrics

    from ui.span_details import SpanDetails

    details = SpanDetails()
    qtbot.addWidget(details)
    details.set_schema(resources.shipped_schema())
    arabic = "غارة جوية"
    if not all(QFontMetrics(details.font()).inFontUcs4(ord(c)) for c in arabic.replace(" ", "")):
        pytest.skip("no Arabic in this machine's default font")
    details.show_span(1, Span(0, 7, "Actor"), "Reuters")
    assert details.covered.font().italic()
    details.show_span(2, Span(0, 9, "Attack"), arabic)
    shown = QFontMetrics(details.covered.font())
    assert all(shown.inFontUcs4(ord(c)) for c in arabic)
    assert details.covered.text() == arabic

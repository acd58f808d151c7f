"""The schema editor, driven through its real widgets: renames that keep spans, colours, order,
new labels with hotkeys and attributes, removals that ask with the count first, and inline
validation. What the database holds is read back through a second connection."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QColorDialog,
    QComboBox,
    QDialog,
    QLineEdit,
    QListView,
    QMessageBox,
    QTableView,
)

from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError
from annotator.schema import AttributeType
from corpus import db as corpus_db
from corpus.schema_edits import SchemaRenames
from corpus.store import Store
from tests.ui.shown_window import store  # noqa: F401  (fixture used by name)
from ui.label_legend import SWATCH_SIZE
from ui.schema_editor import SchemaEditor, edit_schema
from ui.schema_editor_draft import SchemaDraft

TEXT = "Russian jets struck al-Bab on Wednesday; قتلت الغارة ثلاثة مدنيين 👍🏽 said officials."
LEFT = Qt.MouseButton.LeftButton


def where(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def path(tmp_path) -> str:
    return str(tmp_path / "c.db")


@pytest.fixture
def doc_id(store) -> int:
    """An article with an Actor, a WeaponSystem, an Attack and a Casualty, linked."""
    doc = store.add_document(Document(text=TEXT)).id
    russian = store.add_span(
        doc, "alice", Span(*where("Russian"), "Actor", {"category": "state_force"})
    )
    jets = store.add_span(doc, "alice", Span(*where("jets"), "WeaponSystem"))
    struck = store.add_span(doc, "alice", Span(*where("struck"), "Attack"))
    dead = store.add_span(doc, "alice", Span(*where("ثلاثة مدنيين"), "Casualty", {"count": 3}))
    store.add_relation(Relation("uses", russian, jets))
    store.add_event(Event("Attack", struck, (("attacker", russian), ("casualty", dead))))
    return doc


def read_back(path: str) -> tuple[list[Span], Store]:
    """The spans (in text order) as a second connection to the corpus file reads them, and
    that store (for its schema), closed by the caller."""
    previous = corpus_db.database.obj
    other = Store.open(path)
    spans = [s.span for s in other.spans(1)]
    corpus_db.database.initialize(previous)  # the window's store binds the models again
    return spans, other


@pytest.fixture
def editor(qtbot, store, doc_id) -> SchemaEditor:
    """The editor, shown and active."""
    dialog = SchemaEditor(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def row_of(view: QTableView | QListView, name: str) -> int:
    model = view.model()
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    return rows.index(name)


def click_cell(qtbot, view: QTableView, row: int, column: int = 0) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), LEFT, pos=view.visualRect(index).center())
    assert view.currentIndex().row() == row


def type_into_cell(qtbot, view: QTableView, row: int, column: int, text: str) -> None:
    """Double-click the cell, replace its text by ``text`` and press Enter, as a user would."""
    double_click(qtbot, view, row, column)
    type_name(qtbot, view, text)


def double_click(qtbot, view: QTableView, row: int, column: int) -> None:
    """Click the cell, then double-click it (a view edits what it saw pressed first)."""
    index = view.model().index(row, column)
    view.scrollTo(index)
    point = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), LEFT, pos=point)
    qtbot.mouseDClick(view.viewport(), LEFT, pos=point)


def type_name(qtbot, view: QTableView, text: str) -> None:
    """Replace the text of the cell editor open in ``view`` by ``text`` and press Enter."""
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    edit = QApplication.focusWidget()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:  # QTest knows Latin keys only; a layout's key sends its text like this
            press = QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(edit, press)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def toggle_check(qtbot, view: QTableView | QListView, row: int, column: int = 0) -> None:
    """Make the cell current and press Space, which toggles its check box."""
    index = view.model().index(row, column)
    view.setFocus()
    view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
    qtbot.keyClick(view, Qt.Key.Key_Space)


def press_ok(qtbot, editor: SchemaEditor) -> None:
    assert editor.ok_button.isEnabled(), editor.problem.text()
    qtbot.mouseClick(editor.ok_button, LEFT)


# -- models ------------------------------------------------------------------------------------


def test_models_pass_the_model_tester(qtmodeltester, editor):
    editor.labels.move(0, 2)
    for model in (
        editor.labels,
        editor.attributes,
        editor.relations,
        editor.events,
        editor.roles,
        editor.heads,
        editor.tails,
        editor.role_labels,
    ):
        qtmodeltester.check(model, force_py=True)
    editor.heads.set_choice(None)
    qtmodeltester.check(editor.heads, force_py=True)


# -- renames -----------------------------------------------------------------------------------


def test_renaming_a_label_with_spans_keeps_them_under_the_new_name(qtbot, editor, store, path):
    before = [s.span for s in store.spans(1)]
    view = editor.label_view
    assert view.model().index(row_of(view, "Actor"), 2).data() == "1"  # its spans, counted
    type_into_cell(qtbot, view, row_of(view, "Actor"), 0, "Party")
    # Every mention follows: the relation's heads and the event's role.
    assert editor.relations.index(0, 1).data() == "Party"
    assert editor.attribute_box.title() == "Attributes of Party"
    version = store.schema_version()
    press_ok(qtbot, editor)
    assert editor.result() == QDialog.DialogCode.Accepted
    assert editor.version is not None and editor.version > version

    spans, other = read_back(path)
    try:
        assert [(s.start, s.end) for s in spans] == [(s.start, s.end) for s in before]
        assert [s.label for s in spans] == ["Party", "WeaponSystem", "Attack", "Casualty"]
        assert dict(spans[0].attributes) == {"category": "state_force"}
        schema = other.schema()
        assert schema.labels[0].name == "Party"
        assert schema.relation("uses").heads == ("Party",)
        assert schema.event("Attack").roles[0].labels == ("Party",)
        assert schema.version == 2
    finally:
        other.close()


def test_renaming_an_attribute_keeps_its_values(qtbot, editor, path):
    type_into_cell(qtbot, editor.attribute_view, 0, 0, "side")
    press_ok(qtbot, editor)
    spans, other = read_back(path)
    other.close()
    assert dict(spans[0].attributes) == {"side": "state_force"}


# -- colour, order, new labels -----------------------------------------------------------------


def test_recolouring_and_reordering_are_stored(qtbot, editor, store, monkeypatch):
    asked = []

    def pick(initial, parent, title):
        asked.append(QColor(initial).name())
        return QColor("#123456")

    monkeypatch.setattr(QColorDialog, "getColor", staticmethod(pick))
    view = editor.label_view
    click_cell(qtbot, view, row_of(view, "Casualty"))
    qtbot.mouseClick(editor.color_button, LEFT)
    assert asked == ["#9467bd"]
    image = view.model().index(3, 0).data(Qt.ItemDataRole.DecorationRole).pixmap(SWATCH_SIZE)
    assert image.toImage().pixelColor(SWATCH_SIZE // 2, SWATCH_SIZE // 2).name() == "#123456"
    qtbot.mouseClick(editor.up_button, LEFT)
    qtbot.mouseClick(editor.up_button, LEFT)
    assert view.currentIndex().row() == 1  # the moved label stays selected
    click_cell(qtbot, view, row_of(view, "Actor"))
    qtbot.mouseClick(editor.down_button, LEFT)
    press_ok(qtbot, editor)

    schema = store.schema()
    assert [lb.name for lb in schema.labels] == [
        "Casualty",
        "Actor",
        "Location",
        "WeaponSystem",
        "Attack",
    ]
    assert schema.label("Casualty").color == "#123456"
    assert [s.span.label for s in store.spans(1)][3] == "Casualty"


def test_adding_a_label_with_a_hotkey_and_an_enumeration(qtbot, editor, store, doc_id):
    qtbot.mouseClick(editor.add_label_button, LEFT)
    view = editor.label_view
    type_name(qtbot, view, "Vehicle")
    row = row_of(view, "Vehicle")
    assert view.model().index(row, 2).data() == "new"
    type_into_cell(qtbot, view, row, 1, "v")
    assert editor.attribute_box.title() == "Attributes of Vehicle"

    qtbot.mouseClick(editor.add_attribute_button, LEFT)
    attributes = editor.attribute_view
    type_name(qtbot, attributes, "kind")
    type_cell = attributes.model().index(0, 1)
    double_click(qtbot, attributes, 0, 1)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QComboBox))
    combo = QApplication.focusWidget()
    combo.setCurrentIndex(combo.findText("enum"))
    combo.activated.emit(combo.currentIndex())  # a pick from its list
    assert type_cell.data() == "enum"
    assert not editor.ok_button.isEnabled()
    assert "needs at least one value" in editor.problem.text()
    type_into_cell(qtbot, attributes, 0, 2, "car, truck ,, tank")
    toggle_check(qtbot, attributes, 0, 5)
    press_ok(qtbot, editor)

    label = store.schema().label("Vehicle")
    assert label is not None and label.hotkey == "v"
    (kind,) = label.attributes
    assert (kind.name, kind.type, kind.values, kind.required) == (
        "kind",
        AttributeType.ENUM,
        ("car", "truck", "tank"),
        True,
    )
    assert label.color not in {lb.color for lb in store.schema().labels if lb.name != "Vehicle"}
    store.add_span(doc_id, "alice", Span(*where("jets"), "Vehicle", {"kind": "truck"}))


def test_number_bounds_are_checked_as_typed(qtbot, editor, store):
    view = editor.label_view
    click_cell(qtbot, view, row_of(view, "Casualty"))
    type_into_cell(qtbot, editor.attribute_view, 0, 4, "lots")
    assert "must be a number, not 'lots'" in editor.problem.text()
    type_into_cell(qtbot, editor.attribute_view, 0, 4, "1000")
    type_into_cell(qtbot, editor.attribute_view, 0, 3, "2000")
    assert "above its maximum" in editor.problem.text()
    assert not editor.ok_button.isEnabled()
    type_into_cell(qtbot, editor.attribute_view, 0, 3, "")
    press_ok(qtbot, editor)
    count = store.schema().label("Casualty").attribute("count")
    assert (count.minimum, count.maximum) == (None, 1000)


# -- removals ----------------------------------------------------------------------------------


def remove_casualty(qtbot, editor: SchemaEditor) -> None:
    view = editor.label_view
    click_cell(qtbot, view, row_of(view, "Casualty"))
    qtbot.mouseClick(editor.remove_label_button, LEFT)
    model = view.model()
    assert "Casualty" not in [model.index(r, 0).data() for r in range(model.rowCount())]
    assert editor.ok_button.isEnabled()
    assert editor.problem.text() == (
        "Removed with Casualty: role 'casualty' of event type 'Attack', relation type 'caused'."
    )


def test_removing_a_label_with_spans_asks_with_the_count_and_cancel_keeps_all(
    qtbot, editor, store, path, monkeypatch
):
    shown = []

    def answer_no(box):
        shown.append((box.text(), box.informativeText(), [b.text() for b in box.buttons()]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "exec", answer_no)
    before = ([s.span for s in store.spans(1)], store.relations(1), store.events(1))
    version = store.schema_version()
    remove_casualty(qtbot, editor)
    press_ok(qtbot, editor)

    [(text, detail, buttons)] = shown
    assert text == (
        "Applying the edited schema deletes 1 span (Casualty) and 1 event role "
        "(Attack.casualty) from the corpus."
    )
    assert "cannot be undone" in detail
    assert "Delete and Apply" in buttons and "Keep Editing" in buttons
    assert editor.isVisible()  # back to editing, nothing stored
    assert store.schema_version() == version
    assert ([s.span for s in store.spans(1)], store.relations(1), store.events(1)) == before

    qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Cancel), LEFT)
    assert editor.result() == QDialog.DialogCode.Rejected
    spans, other = read_back(path)
    try:
        assert spans == before[0] and other.schema_version() == version
    finally:
        other.close()


def test_removing_a_label_with_spans_deletes_them_once_confirmed(qtbot, editor, store, monkeypatch):
    asked = []
    monkeypatch.setattr(
        SchemaEditor, "ask", classmethod(lambda cls, *args: asked.append(args[2]) or True)
    )
    remove_casualty(qtbot, editor)
    press_ok(qtbot, editor)
    assert "1 span (Casualty)" in asked[0]
    assert editor.result() == QDialog.DialogCode.Accepted
    assert [s.span.label for s in store.spans(1)] == ["Actor", "WeaponSystem", "Attack"]
    assert [role for role, _ in store.events(1)[0].event.roles] == ["attacker"]
    assert store.schema().label("Casualty") is None


def test_removing_a_trigger_label_removes_its_event_type(qtbot, editor, store, monkeypatch):
    asked = []
    monkeypatch.setattr(
        SchemaEditor, "ask", classmethod(lambda cls, *args: asked.append(args[2]) or True)
    )
    view = editor.label_view
    click_cell(qtbot, view, row_of(view, "Attack"))
    qtbot.mouseClick(editor.remove_label_button, LEFT)
    assert editor.problem.text() == "Removed with Attack: event type 'Attack'."
    assert editor.events.rowCount() == 0 and editor.roles.rowCount() == 0
    assert not editor.add_role_button.isEnabled()
    press_ok(qtbot, editor)
    assert asked == [
        "Applying the edited schema deletes 1 span (Attack) and 1 event (Attack) from the corpus."
    ]
    assert store.events(1) == [] and store.schema().events == ()


# -- validation --------------------------------------------------------------------------------


def test_a_duplicate_hotkey_disables_ok_and_says_why(qtbot, editor):
    view = editor.label_view
    assert editor.ok_button.isEnabled()
    type_into_cell(qtbot, view, row_of(view, "Location"), 1, "A")  # Actor has "a"
    assert not editor.ok_button.isEnabled()
    assert editor.problem.text() == "Hotkey 'a' is used twice."
    type_into_cell(qtbot, view, row_of(view, "Location"), 1, "p")
    assert editor.ok_button.isEnabled()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "Every label needs a name."),
        ("Actor", "Label 'Actor' is defined twice."),
        (
            "موقع",
            "Label name 'موقع' must use Latin letters A-Z, digits, '_' or '-' (a schema rule).",
        ),
        ("two words", "must start with a letter"),
    ],
)
def test_bad_label_names_disable_ok(qtbot, editor, name, problem):
    view = editor.label_view
    type_into_cell(qtbot, view, row_of(view, "Location"), 0, name)
    assert not editor.ok_button.isEnabled()
    assert problem in editor.problem.text()
    editor.accept()  # even when called directly
    assert editor.isVisible() and editor.version is None


def test_relation_ends_are_chosen_from_the_labels(qtbot, editor, store, monkeypatch):
    editor.tabs.setCurrentIndex(1)
    click_cell(qtbot, editor.relation_view, row_of(editor.relation_view, "uses"))
    toggle_check(qtbot, editor.head_view, row_of(editor.head_view, "Actor"))
    assert editor.problem.text() == "Relation 'uses' needs at least one head label."
    toggle_check(qtbot, editor.head_view, row_of(editor.head_view, "Location"))
    assert editor.relations.index(0, 1).data() == "Location"
    toggle_check(qtbot, editor.tail_view, 0)  # any label
    assert not editor.tails.flags(editor.tails.index(1)) & Qt.ItemFlag.ItemIsEnabled
    answers = []
    monkeypatch.setattr(
        SchemaEditor, "ask", classmethod(lambda cls, *a: answers.append(a[2:4]) or True)
    )
    press_ok(qtbot, editor)
    # The stored relation links an Actor, which the type no longer allows: kept, and said.
    [(text, detail)] = answers
    assert text == "The edited schema no longer fits some annotations."
    assert "1 relation between labels no longer allowed" in detail
    assert store.schema().relation("uses").heads == ("Location",)
    assert store.schema().relation("uses").tails == ("*",)
    assert len(store.relations(1)) == 1


def test_event_roles_are_renamed_and_their_fillers_follow(qtbot, editor, store):
    editor.tabs.setCurrentIndex(2)
    roles = editor.role_view
    type_into_cell(qtbot, roles, row_of(roles, "attacker"), 0, "perpetrator")
    assert editor.events.index(0, 2).data().startswith("perpetrator, target")
    type_into_cell(qtbot, roles, row_of(roles, "target"), 2, "1..0")
    assert "must look like 1, 0..1" in editor.problem.text()
    type_into_cell(qtbot, roles, row_of(roles, "target"), 2, "0..2")
    press_ok(qtbot, editor)
    assert store.events(1)[0].event.roles[0][0] == "perpetrator"
    target = store.schema().event("Attack").roles[1]
    assert (target.minimum, target.maximum) == (0, 2)


# -- saving ------------------------------------------------------------------------------------


def test_ok_without_changes_saves_nothing(qtbot, editor, store):
    version = store.schema_version()
    press_ok(qtbot, editor)
    assert editor.result() == QDialog.DialogCode.Accepted and editor.version is None
    assert store.schema_version() == version


def test_a_schema_changed_elsewhere_meanwhile_is_not_overwritten(qtbot, editor, store, monkeypatch):
    told = []
    monkeypatch.setattr(SchemaEditor, "tell", classmethod(lambda cls, _p, m: told.append(m)))
    draft = SchemaDraft(store.schema())
    draft.labels[1].name = "Place"
    store.change_schema(draft.to_schema(), SchemaRenames(labels={"Location": "Place"}))
    type_into_cell(qtbot, editor.label_view, 0, 1, "x")
    press_ok(qtbot, editor)
    assert len(told) == 1 and "changed elsewhere" in told[0] and "\n" not in told[0]
    assert editor.isVisible()
    assert store.schema().label("Actor").hotkey == "a"


def test_edit_schema_says_whether_a_version_was_saved(qtbot, store, doc_id):
    def rename_and_ok() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SchemaEditor)
        dialog.labels.setData(dialog.labels.index(0, 1), "q")
        dialog.ok_button.click()

    QTimer.singleShot(0, rename_and_ok)
    assert edit_schema(store) is True
    assert store.schema().label("Actor").hotkey == "q"

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SchemaEditor)
        dialog.labels.setData(dialog.labels.index(0, 1), "z")
        dialog.reject()

    QTimer.singleShot(0, cancel)
    assert edit_schema(store) is False
    assert store.schema().label("Actor").hotkey == "q"


def test_an_unreadable_schema_is_told_not_raised(qtbot, store, monkeypatch):
    told = []
    monkeypatch.setattr(SchemaEditor, "tell", classmethod(lambda cls, _p, m: told.append(m)))

    def broken() -> None:
        raise AnnotatorError("schema version 1 of the corpus:3: not valid YAML")

    monkeypatch.setattr(store, "schema", broken)
    assert edit_schema(store) is False
    assert told == ["schema version 1 of the corpus:3: not valid YAML"]

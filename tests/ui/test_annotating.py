"""Annotating in the window: select text, label it, relabel and delete spans, undo and redo,
every step in the database at once. Drives the real widgets with the mouse and keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.document import Document, Relation, Span
from cli import main as cli_main
from corpus.store import Store
from tests.ui.shown_window import show_window, store  # noqa: F401  (fixture used by name)
from ui import app as app_module
from ui.annotated_text_view import AnnotatedTextView
from ui.document_table_model import SPANS
from ui.main_window import MainWindow

# Emoji (astral, with a skin tone and a flag) and Arabic before the words labelled.
TEXT = "👍🏽🇸🇾 قال مصدر طبي إن الغارة قتلت 𝐀 مدنيين. Russian jets struck al-Bab on Wednesday.\n"
OTHER_TEXT = "Delegations met in Astana to discuss a ceasefire.\n"
ALT = Qt.KeyboardModifier.AltModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def where(word: str) -> tuple[int, int]:
    """The code-point offsets of the first ``word`` in TEXT."""
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def doc_id(store) -> int:
    """The document to annotate."""
    return store.add_document(Document(text=TEXT, title="Jets strike al-Bab")).id


@pytest.fixture
def window(qtbot, store, doc_id, tmp_path) -> MainWindow:
    """A shown main window of annotator alice, with TEXT on show and the text view focused."""
    w = show_window(qtbot, store, tmp_path)
    assert w.browser.select_document(doc_id)
    assert w.reader.document_id() == doc_id
    w.reader.text_view.setFocus()
    qtbot.waitUntil(w.reader.text_view.hasFocus)
    return w


def view_of(window: MainWindow) -> AnnotatedTextView:
    return window.reader.text_view


def point_at(view: AnnotatedTextView, offset: int) -> QPoint:
    """The viewport point of the caret before code point ``offset``, mid-line."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets().to_qt(offset))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x(), rect.center().y())


def drag(qtbot, view: AnnotatedTextView, start: int, end: int, modifier=NO_MODIFIER) -> None:
    """Select code points start..end by dragging the mouse over the viewport."""
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(view.viewport(), left, modifier, point_at(view, start))
    qtbot.mouseMove(view.viewport(), point_at(view, (start + end) // 2))
    qtbot.mouseMove(view.viewport(), point_at(view, end))
    qtbot.mouseRelease(view.viewport(), left, modifier, point_at(view, end))


def stored(store: Store, doc_id: int) -> list[tuple[int, int, str, str]]:
    """alice's spans in the database: (start, end, label, covered text)."""
    return [
        (s.span.start, s.span.end, s.span.label, TEXT[s.span.start : s.span.end])
        for s in store.spans(doc_id, "alice")
    ]


def reshow(window: MainWindow, doc_id: int) -> None:
    """Show the document again, with the spans added to the store since."""
    window.reader.show_message("")
    window.show_document(doc_id)


def click_span(qtbot, view: AnnotatedTextView, span_id: int) -> None:
    qtbot.waitUntil(lambda: bool(view.span_rects(span_id)))
    point = view.span_rects(span_id)[0].center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_span() == span_id


def key(qtbot, view: AnnotatedTextView, sequence: str) -> None:
    """Press a key (with modifiers) as the user would, the text view having the focus."""
    modifiers = NO_MODIFIER
    *mods, name = sequence.split("+")
    for mod in mods:
        modifiers |= getattr(Qt.KeyboardModifier, f"{mod}Modifier")
    qtbot.keyClick(view, getattr(Qt.Key, f"Key_{name}"), modifiers)


# -- select, then label -----------------------------------------------------------------------


def test_dragging_over_a_word_and_pressing_its_hotkey_stores_code_point_offsets(
    qtbot, window, store, doc_id
):
    view = view_of(window)
    start, end = where("Russian")
    assert view.offsets().to_qt(start) > start  # astral characters come before it
    drag(qtbot, view, start, end)
    assert view.selected_range() == (start, end)
    key(qtbot, view, "A")
    assert stored(store, doc_id) == [(start, end, "Actor", "Russian")]
    [span] = store.spans(doc_id, "alice")
    assert view.span_ids() == [span.id]
    assert view.span_tooltip(span.id) == "Actor: Russian"
    assert view.selected_span() == span.id  # ready to relabel with another key
    assert view.selected_range() is None


def test_a_partial_selection_snaps_to_the_word_by_default(qtbot, window, store, doc_id):
    view = view_of(window)
    start, end = where("Russian")
    drag(qtbot, view, start + 1, end - 2)
    key(qtbot, view, "A")
    assert stored(store, doc_id) == [(start, end, "Actor", "Russian")]


def test_alt_keeps_a_partial_selection_exact(qtbot, window, store, doc_id):
    view = view_of(window)
    start, end = where("Russian")
    drag(qtbot, view, start + 1, end - 2, ALT)
    assert view.alt_selection()
    key(qtbot, view, "A")
    assert stored(store, doc_id) == [(start + 1, end - 2, "Actor", "ussi")]


def test_character_precision_keeps_a_partial_selection_exact(qtbot, window, store, doc_id):
    view = view_of(window)
    assert window.editor.precision_action in window.menuBar().actions()[2].menu().actions()
    window.editor.precision_action.setChecked(True)
    start = where("Wednesday")[0]
    drag(qtbot, view, start, start + 3)
    key(qtbot, view, "E")
    assert stored(store, doc_id) == [(start, start + 3, "Attack", "Wed")]


def test_a_double_clicked_word_is_labelled(qtbot, window, store, doc_id):
    view = view_of(window)
    start, end = where("al-Bab")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, start + 1))
    assert view.selected_range() is not None
    key(qtbot, view, "L")
    assert stored(store, doc_id) == [(start, end, "Location", "al-Bab")]


def test_clicking_a_label_in_the_palette_labels_the_selection(qtbot, window, store, doc_id):
    view = view_of(window)
    start, end = where("jets")
    drag(qtbot, view, start, end)
    legend = window.legend
    qtbot.mouseClick(
        legend.viewport(), Qt.MouseButton.LeftButton, pos=legend.item_rect("WeaponSystem").center()
    )
    assert stored(store, doc_id) == [(start, end, "WeaponSystem", "jets")]


def test_sticky_label_labels_every_new_selection_at_once(qtbot, window, store, doc_id):
    view = view_of(window)
    legend = window.legend
    window.sticky_button.click()
    assert window.editor.sticky_action.isChecked()
    qtbot.mouseClick(
        legend.viewport(), Qt.MouseButton.LeftButton, pos=legend.item_rect("Location").center()
    )
    assert legend.armed() == "Location"
    assert stored(store, doc_id) == []  # nothing was selected
    drag(qtbot, view, *where("al-Bab"))
    drag(qtbot, view, *where("Wednesday"))
    assert [s[3] for s in stored(store, doc_id)] == ["al-Bab", "Wednesday"]
    assert {s[2] for s in stored(store, doc_id)} == {"Location"}
    window.editor.sticky_action.setChecked(False)
    assert legend.armed() is None
    drag(qtbot, view, *where("jets"))
    assert len(stored(store, doc_id)) == 2  # no longer labelled at once


def test_hotkeys_do_nothing_while_another_widget_has_the_focus(qtbot, window, store, doc_id):
    view = view_of(window)
    drag(qtbot, view, *where("jets"))
    table = window.browser.document_view
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_A)
    assert stored(store, doc_id) == []


def test_escape_clears_the_selection(qtbot, window, store, doc_id):
    view = view_of(window)
    drag(qtbot, view, *where("jets"))
    key(qtbot, view, "Escape")
    assert view.selected_range() is None
    key(qtbot, view, "A")
    assert stored(store, doc_id) == []


# -- undo and redo ----------------------------------------------------------------------------


def test_undo_removes_a_new_span_and_redo_restores_it_with_its_id(qtbot, window, store, doc_id):
    view = view_of(window)
    undo, redo = window.editor.undo_action, window.editor.redo_action
    assert [a.text() for a in window.edit_menu.actions()][:2] == [undo.text(), redo.text()]
    assert not undo.isEnabled() and not redo.isEnabled()
    drag(qtbot, view, *where("Russian"))
    key(qtbot, view, "A")
    [span] = store.spans(doc_id, "alice")
    assert undo.text() == "Undo Label 'Russian' as Actor"
    assert undo.shortcut().toString() == "Ctrl+Z"
    assert [s.toString() for s in redo.shortcuts()] == ["Ctrl+Shift+Z", "Ctrl+Y"]

    key(qtbot, view, "Control+Z")
    assert store.spans(doc_id) == []
    assert view.span_ids() == []
    assert redo.text() == "Redo Label 'Russian' as Actor"

    key(qtbot, view, "Control+Y")
    assert store.spans(doc_id, "alice") == [span]  # same id, offsets and timestamps
    assert view.span_ids() == [span.id]
    key(qtbot, view, "Control+Z")
    key(qtbot, view, "Control+Shift+Z")
    assert [s.id for s in store.spans(doc_id)] == [span.id]


def test_delete_and_undo_bring_back_the_same_span_and_its_relation(qtbot, store, doc_id, window):
    view = view_of(window)
    russian = store.add_span(doc_id, "alice", Span(*where("Russian"), "Actor"))
    jets = store.add_span(doc_id, "alice", Span(*where("jets"), "WeaponSystem"))
    uses = store.add_relation(Relation("uses", russian, jets))
    reshow(window, doc_id)
    assert view.span_ids() == [russian, jets]

    click_span(qtbot, view, russian)
    key(qtbot, view, "Delete")
    assert [s.id for s in store.spans(doc_id)] == [jets]
    assert store.relations(doc_id) == []
    assert view.span_ids() == [jets]
    assert window.editor.undo_action.text() == "Undo Delete Actor 'Russian'"

    key(qtbot, view, "Control+Z")
    assert [s.id for s in store.spans(doc_id)] == [russian, jets]
    assert [r.id for r in store.relations(doc_id)] == [uses]
    assert view.span_ids() == [russian, jets]

    click_span(qtbot, view, jets)
    key(qtbot, view, "Backspace")
    assert [s.id for s in store.spans(doc_id)] == [russian]


def test_relabel_keeps_the_attributes_the_new_label_defines_and_undo_restores(
    qtbot, store, doc_id, window
):
    view = view_of(window)
    russian = store.add_span(
        doc_id, "alice", Span(*where("Russian"), "Actor", {"category": "other"})
    )
    jets = store.add_span(
        doc_id, "alice", Span(*where("jets"), "Actor", {"category": "state_force"})
    )
    reshow(window, doc_id)

    click_span(qtbot, view, russian)
    key(qtbot, view, "W")  # WeaponSystem defines category, and "other" is one of its values
    click_span(qtbot, view, jets)
    key(qtbot, view, "W")  # "state_force" is not: dropped
    assert [(s.id, s.span.label, dict(s.span.attributes)) for s in store.spans(doc_id)] == [
        (russian, "WeaponSystem", {"category": "other"}),
        (jets, "WeaponSystem", {}),
    ]
    assert window.editor.undo_action.text() == "Undo Relabel 'jets' as WeaponSystem"
    assert view.span_tooltip(jets) == "WeaponSystem: jets"

    key(qtbot, view, "Control+Z")
    assert [(s.id, s.span.label, dict(s.span.attributes)) for s in store.spans(doc_id)][1] == (
        jets,
        "Actor",
        {"category": "state_force"},
    )
    assert view.span_tooltip(jets) == "Actor: jets\ncategory: state_force"


def test_opening_another_document_clears_the_undo_stack(qtbot, store, doc_id, window):
    other = store.add_document(Document(text=OTHER_TEXT, title="Talks")).id
    window.browser.reload()
    view = view_of(window)
    assert window.browser.select_document(doc_id)
    drag(qtbot, view, *where("Russian"))
    key(qtbot, view, "A")
    assert window.editor.undo_stack.count() == 1
    assert window.browser.select_document(other)
    assert window.editor.undo_stack.count() == 0
    assert not window.editor.undo_action.isEnabled()


# -- who annotates, what is saved -------------------------------------------------------------


def test_status_bar_shows_the_annotator_status_and_span_count(qtbot, store, doc_id, window):
    view = view_of(window)
    label = window.annotation_label
    assert label.text() == "Annotator: alice · new · 0 spans"
    drag(qtbot, view, *where("Russian"))
    key(qtbot, view, "A")
    assert label.text() == "Annotator: alice · in progress · 1 span"
    drag(qtbot, view, *where("jets"))
    key(qtbot, view, "W")
    assert label.text() == "Annotator: alice · in progress · 2 spans"
    key(qtbot, view, "Control+Z")
    assert label.text() == "Annotator: alice · in progress · 1 span"
    model = window.browser.document_model
    assert model.index(model.row_of(doc_id), SPANS).data() == 1  # the list follows, no reload


def test_only_the_annotators_own_spans_are_shown(qtbot, store, doc_id, window):
    mine = store.add_span(doc_id, "alice", Span(*where("Russian"), "Actor"))
    store.add_span(doc_id, "bob", Span(*where("Russian"), "Location"))
    reshow(window, doc_id)
    assert view_of(window).span_ids() == [mine]
    assert "1 span" in window.annotation_label.text()


def test_every_edit_is_in_the_database_at_once(qtbot, store, doc_id, window, tmp_path):
    view = view_of(window)
    drag(qtbot, view, *where("Russian"))
    key(qtbot, view, "A")
    drag(qtbot, view, *where("al-Bab"))
    key(qtbot, view, "L")
    click_span(qtbot, view, store.spans(doc_id)[1].id)
    key(qtbot, view, "Delete")
    # A second connection (as another process would open it) sees every step committed.
    second = Store.open(str(tmp_path / "c.db"))
    try:
        assert [(s.span.start, s.span.end, s.span.label) for s in second.spans(doc_id)] == [
            (*where("Russian"), "Actor")
        ]
        assert second.status(doc_id, "alice") == "in_progress"
    finally:
        second.close()


def test_gui_annotator_option_reaches_the_window(monkeypatch):
    received = {}
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr("cli.commands.open_store", lambda args: "store")
    monkeypatch.setattr(
        app_module, "run", lambda store, annotator=None: received.update(annotator=annotator) or 0
    )
    assert cli_main.main(["gui", "--annotator", "bob"]) == 0
    assert received == {"annotator": "bob"}
    assert cli_main.main(["gui"]) == 0
    assert received == {"annotator": None}  # the window then takes the login name


def test_an_edit_the_store_refuses_is_reported_and_not_kept_for_undo(qtbot, store, doc_id, window):
    view = view_of(window)
    drag(qtbot, view, *where("jets"))
    window.editor.apply_label("NoSuchLabel")  # say, a label dropped from the schema meanwhile
    assert store.spans(doc_id) == []
    assert window.editor.undo_stack.count() == 0
    assert not window.editor.undo_action.isEnabled()
    assert window.statusBar().currentMessage().startswith("Not saved: label 'NoSuchLabel'")

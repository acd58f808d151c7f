"""Moving by keyboard: Tab through spans, next/previous document, mark done, find in document.
Drives the real window with the keyboard and checks the view and the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.document import Document, Span
from corpus.store import Store
from tests.ui.shown_window import show_window, store  # noqa: F401  (fixture used by name)
from ui.main_window import MainWindow

TEXT = "👍🏽🇸🇾 Russian jets struck al-Bab. قال مصدر طبي إن الغارة قتلت مدنيين. Russian 𝐀 jets.\n"
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "c.db")


def open_window(qtbot, store: Store, tmp_path) -> MainWindow:
    """A shown main window of annotator alice, the first document on show, text focused."""
    w = show_window(qtbot, store, tmp_path)
    w.reader.text_view.setFocus()
    qtbot.waitUntil(w.reader.text_view.hasFocus)
    return w


def where(word: str, text: str = TEXT, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


# -- spans ------------------------------------------------------------------------------------


@pytest.fixture
def spans(store) -> tuple[int, list[int]]:
    """A document with three spans of alice (added out of text order) and one of bob's."""
    doc_id = store.add_document(Document(text=TEXT, title="Jets")).id
    ids = {}
    for word, nth, label in (
        ("jets", 1, "WeaponSystem"),
        ("Russian", 0, "Actor"),
        ("مصدر", 0, "Actor"),
    ):
        ids[word] = store.add_span(doc_id, "alice", Span(*where(word, nth=nth), label))
    store.add_span(doc_id, "bob", Span(*where("al-Bab"), "Location"))
    return doc_id, [ids["Russian"], ids["مصدر"], ids["jets"]]


def test_tab_and_shift_tab_visit_the_spans_in_text_order_and_wrap(qtbot, store, spans, tmp_path):
    _doc_id, in_order = spans
    window = open_window(qtbot, store, tmp_path)
    view = window.reader.text_view
    seen = []
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        seen.append(view.selected_span())
    assert seen == [*in_order, in_order[0]]
    assert view.hasFocus()  # Tab did not move the focus away
    back = []
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Backtab, SHIFT)
        back.append(view.selected_span())
    assert back == [in_order[2], in_order[1], in_order[0], in_order[2]]
    assert view.selected_range() is None  # a span is selected, not text


def test_tab_starts_after_the_caret(qtbot, store, spans, tmp_path):
    _doc_id, in_order = spans
    window = open_window(qtbot, store, tmp_path)
    view = window.reader.text_view
    cursor = view.textCursor()
    cursor.setPosition(view.offsets().to_qt(where("struck")[0]))
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_span() == in_order[1]


def test_delete_after_tab_deletes_the_visited_span(qtbot, store, spans, tmp_path):
    doc_id, in_order = spans
    window = open_window(qtbot, store, tmp_path)
    view = window.reader.text_view
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [s.id for s in store.spans(doc_id, "alice")] == [in_order[0], in_order[2]]
    assert view.span_ids() == [in_order[0], in_order[2]]


# -- documents --------------------------------------------------------------------------------


@pytest.fixture
def many(store) -> list[int]:
    """250 documents: more than one page of the lazy document table."""
    return [
        store.add_document(Document(text=f"Article number {i}.\n", title=f"Article {i}")).id
        for i in range(250)
    ]


def current_row(window: MainWindow) -> int:
    return window.browser.current_view().currentIndex().row()


def test_next_and_previous_document_move_the_table_and_the_reader(qtbot, store, many, tmp_path):
    window = open_window(qtbot, store, tmp_path)
    view = window.reader.text_view
    assert window.reader.document_id() == many[0]
    qtbot.keyClick(view, Qt.Key.Key_Down, ALT)
    assert window.reader.document_id() == many[1]
    assert current_row(window) == 1
    qtbot.keyClick(view, Qt.Key.Key_PageDown, CTRL)
    assert window.reader.document_id() == many[2]
    qtbot.keyClick(view, Qt.Key.Key_Up, ALT)
    assert (window.reader.document_id(), current_row(window)) == (many[1], 1)
    qtbot.keyClick(view, Qt.Key.Key_Up, ALT)
    qtbot.keyClick(view, Qt.Key.Key_Up, ALT)  # at the first: stays
    assert (window.reader.document_id(), current_row(window)) == (many[0], 0)


def test_next_document_loads_past_the_first_page(qtbot, store, many, tmp_path):
    window = open_window(qtbot, store, tmp_path)
    model = window.browser.document_model
    page = model.rowCount()
    assert page < len(many)
    window.browser.select_document(many[page - 1])
    qtbot.keyClick(window.reader.text_view, Qt.Key.Key_Down, ALT)
    assert window.reader.document_id() == many[page]
    assert current_row(window) == page
    assert model.rowCount() > page


def test_ctrl_enter_marks_done_and_opens_the_next_not_done(qtbot, store, many, db_path, tmp_path):
    store.set_status(many[1], "alice", "done")
    store.set_status(many[2], "bob", "done")  # bob's status does not count for alice
    window = open_window(qtbot, store, tmp_path)
    view = window.reader.text_view
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert window.reader.document_id() == many[2]
    other = Store.open(db_path)
    try:
        assert other.status(many[0], "alice") == "done"
        assert other.status(many[2], "alice") == "new"
    finally:
        other.close()
    assert current_row(window) == 2
    assert "new" in window.annotation_label.text()  # the status of the document now on show


def test_ctrl_enter_on_the_last_not_done_stays_and_says_so(qtbot, store, tmp_path):
    ids = [store.add_document(Document(text=f"Text {i}.\n")).id for i in range(3)]
    store.set_status(ids[0], "alice", "done")
    store.set_status(ids[2], "alice", "reviewed")
    window = open_window(qtbot, store, tmp_path)
    window.browser.select_document(ids[1])
    qtbot.keyClick(
        window.reader.text_view, Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier
    )
    assert window.reader.document_id() == ids[1]
    assert store.status(ids[1], "alice") == "done"
    assert window.statusBar().currentMessage() == "All documents are done"
    assert "done" in window.annotation_label.text()


def test_status_menu_sets_the_status(qtbot, store, many, tmp_path):
    window = open_window(qtbot, store, tmp_path)
    window.navigator.status_actions["reviewed"].trigger()
    assert store.status(many[0], "alice") == "reviewed"
    assert "reviewed" in window.annotation_label.text()
    window.navigator.status_actions["in_progress"].trigger()
    assert store.status(many[0], "alice") == "in_progress"


# -- find in document -------------------------------------------------------------------------


def find_window(qtbot, store, tmp_path, text: str = TEXT) -> MainWindow:
    store.add_document(Document(text=text, title="Find"))
    window = open_window(qtbot, store, tmp_path)
    qtbot.keyClick(window.reader.text_view, Qt.Key.Key_F, CTRL | SHIFT)
    assert window.find_bar.isVisible()
    assert window.find_bar.line_edit.hasFocus()
    return window


def selected(window: MainWindow) -> str:
    """The text the view has selected, in Python terms (Qt gives U+2029 for a line break)."""
    return window.reader.text_view.textCursor().selectedText()


def test_find_counts_and_steps_through_the_matches(qtbot, store, tmp_path):
    window = find_window(qtbot, store, tmp_path)
    bar = window.find_bar
    qtbot.keyClicks(bar.line_edit, "russian")  # case-insensitive
    assert bar.hits() == [where("Russian"), where("Russian", nth=1)]
    assert bar.count_label.text() == "1 of 2"
    assert selected(window) == "Russian"
    assert window.reader.text_view.selected_range() == where("Russian")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 2"
    assert window.reader.text_view.selected_range() == where("Russian", nth=1)
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "1 of 2"  # wraps
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return, SHIFT)
    assert bar.count_label.text() == "2 of 2"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_F3, SHIFT)
    assert bar.count_label.text() == "1 of 2"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_F3)
    assert bar.count_label.text() == "2 of 2"
    bar.line_edit.setText("nowhere")
    assert bar.count_label.text() == "No matches"


@pytest.mark.parametrize(
    ("needle", "nth"),
    [("jets", 1), ("𝐀 jets", 0), ("مصدر طبي", 0), ("الغارة", 0), ("🇸🇾 russian", 0)],
)
def test_find_selects_exactly_the_match_after_emoji_and_in_arabic(
    qtbot, store, tmp_path, needle, nth
):
    window = find_window(qtbot, store, tmp_path)
    bar = window.find_bar
    bar.line_edit.setText(needle)
    while bar.current() != nth:
        bar.find_next()
    start, end = bar.hits()[nth]
    assert TEXT[start:end].lower() == needle.lower()
    assert selected(window) == TEXT[start:end]
    assert window.reader.text_view.selected_range() == (start, end)


def test_escape_closes_the_find_bar_and_gives_the_focus_back(qtbot, store, tmp_path):
    window = find_window(qtbot, store, tmp_path)
    bar = window.find_bar
    bar.line_edit.setText("jets")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    qtbot.waitUntil(window.reader.text_view.hasFocus)
    assert selected(window) == "jets"  # the match found stays selected
    assert QApplication.focusWidget() is window.reader.text_view


def test_find_follows_the_document_on_show(qtbot, store, tmp_path):
    window = find_window(qtbot, store, tmp_path)
    other = store.add_document(Document(text="jets, jets and jets.\n")).id
    window.browser.reload()
    window.find_bar.line_edit.setText("jets")
    assert len(window.find_bar.hits()) == 2
    window.browser.select_document(other)
    assert len(window.find_bar.hits()) == 3
    assert window.find_bar.count_label.text() == "1 of 3"


def test_next_document_works_from_the_document_table(qtbot, store, many, tmp_path):
    window = open_window(qtbot, store, tmp_path)
    table = window.browser.document_view
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Down, ALT)
    assert (window.reader.document_id(), current_row(window)) == (many[1], 1)
    assert table.hasFocus()

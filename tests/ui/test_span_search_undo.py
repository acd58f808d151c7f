"""The annotation search dock's bulk steps have their own undo stack, in the window's undo
group: opening another document (a double click on a hit does) clears the editor's stack but
not the dock's; Ctrl+Z and Edit › Undo act on the dock's steps while the focus is in the dock,
on the document's edits otherwise; the curation window keeps its own stack."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from corpus.curation import GOLD
from tests.ui.test_annotating import drag, key
from tests.ui.test_span_search_dock import (  # noqa: F401  (fixtures used by name)
    TWO,
    choose,
    docs,
    labels,
    open_dock,
    search,
    select_rows,
    store,
    window,
)
from ui import span_search_dock
from ui.main_window import MainWindow
from ui.span_search_dock import SpanSearchPanel
from ui.span_search_model import MATCH

CTRL = Qt.KeyboardModifier.ControlModifier


def relabel_two_locations_as_actors(qtbot, window: MainWindow, monkeypatch) -> SpanSearchPanel:
    """al-Bab (first document) and حلب (second) become Actors, by the dock's Relabel…"""
    panel = open_dock(qtbot, window)
    choose(panel.form.label_combo, "Location")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    assert [h.text for h in panel.model.hits()] == ["al-Bab", "Idlib", "حلب"]
    monkeypatch.setattr(span_search_dock.RelabelDialog, "ask", lambda *_: "Actor")
    select_rows(panel, 0, 2)
    QTest.mouseClick(panel.relabel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_busy() and panel.model.rowCount() == 1)
    return panel


def click_row(qtbot, panel: SpanSearchPanel, row: int, double: bool = False) -> None:
    """Click (or double click) a hit's row, as the user does."""
    point = panel.table.visualRect(panel.model.index(row, MATCH)).center()
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    if double:
        QTest.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=point)


def shown_labels(window: MainWindow) -> list[tuple[str, str]]:
    """(label, covered text) of the spans the open document shows."""
    text = window.reader.text_view.text()
    return [(s.label, text[s.start : s.end]) for _id, s in window.editor.spans_in_order()]


def test_a_bulk_step_survives_opening_a_hit_and_undoes_where_the_focus_is(
    qtbot, window, docs, store, monkeypatch
):
    panel = relabel_two_locations_as_actors(qtbot, window, monkeypatch)
    dock_stack = window.span_search.undo_stack
    assert dock_stack.count() == 1 and window.editor.undo_stack.count() == 0
    assert window.undo_group.activeStack() is dock_stack  # the button had the focus
    assert window.undo_action.text() == "Undo Relabel 2 spans as Actor"
    assert window.edit_menu.actions()[:2] == [window.undo_action, window.redo_action]

    choose(panel.form.label_combo, "Any label")
    search(qtbot, panel, "", "حلب")
    click_row(qtbot, panel, 0, double=True)  # the second document opens, the text focused
    view = window.reader.text_view
    assert window.reader.document_id() == docs["two"]
    qtbot.waitUntil(view.hasFocus)
    assert dock_stack.count() == 1  # opening the document kept the bulk step
    assert window.undo_group.activeStack() is window.editor.undo_stack
    assert window.undo_action.text() == "Undo" and not window.undo_action.isEnabled()
    assert ("Actor", "حلب") in shown_labels(window)

    start = TWO.index("Another")
    drag(qtbot, view, start, start + len("Another"))
    key(qtbot, view, "A")  # a span edit of the open document
    assert ("Actor", "Another") in labels(store, docs["two"])
    assert window.undo_action.text() == "Undo Label 'Another' as Actor"
    key(qtbot, view, "Control+Z")  # the text focused: the span edit goes, the bulk step stays
    assert ("Actor", "Another") not in labels(store, docs["two"])
    assert ("Actor", "حلب") in labels(store, docs["two"])
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")

    click_row(qtbot, panel, 0)  # back in the dock
    assert window.undo_group.activeStack() is dock_stack
    assert window.undo_action.text() == "Undo Relabel 2 spans as Actor"
    QTest.keyClick(panel.table, Qt.Key.Key_Z, CTRL)
    assert ("Location", "حلب") in labels(store, docs["two"])
    assert labels(store, docs["one"])[1] == ("Location", "al-Bab")
    assert [s.attributes for _id, s in window.editor.spans_in_order()] == [
        {"count": 12, "kind": "killed"},
        {"type": "city"},  # حلب is a Location again, its type back, in the open view
        {"count": 10, "kind": "killed"},
    ]
    assert ("Location", "حلب") in shown_labels(window)
    assert window.redo_action.text() == "Redo Relabel 2 spans as Actor"
    QTest.keyClick(panel.table, Qt.Key.Key_Y, CTRL)
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")
    assert ("Actor", "حلب") in shown_labels(window)
    window.undo_action.trigger()  # Edit › Undo, the dock focused
    assert labels(store, docs["one"])[1] == ("Location", "al-Bab")
    assert ("Location", "حلب") in shown_labels(window)
    assert window.editor.undo_stack.count() == 1  # the undone span edit, still redoable there


def test_the_dock_has_the_undo_only_while_the_focus_is_in_it(
    qtbot, window, docs, store, monkeypatch
):
    panel = relabel_two_locations_as_actors(qtbot, window, monkeypatch)
    group, dock_stack = window.undo_group, window.span_search.undo_stack
    browser_list = window.browser.document_view
    QTest.mouseClick(
        browser_list.viewport(), Qt.MouseButton.LeftButton, pos=browser_list.rect().center()
    )
    qtbot.waitUntil(browser_list.hasFocus)
    assert group.activeStack() is window.editor.undo_stack
    assert window.undo_action.text() == "Undo"
    QTest.keyClick(browser_list, Qt.Key.Key_Z, CTRL)  # nothing of the editor's to undo
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")

    panel.form.text_edit.setFocus()
    qtbot.waitUntil(panel.form.text_edit.hasFocus)
    assert group.activeStack() is dock_stack  # any widget of the dock
    window.span_search.dock.close()  # closed with the focus in it
    assert group.activeStack() is window.editor.undo_stack
    QTest.keyClick(window.reader.text_view, Qt.Key.Key_Z, CTRL)
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")
    assert dock_stack.count() == 1  # still there when the dock opens again
    window.span_search.action.trigger()
    assert group.activeStack() is dock_stack
    assert window.undo_action.text() == "Undo Relabel 2 spans as Actor"

    dock = window.span_search.dock
    window.reader.text_view.setFocus()
    qtbot.waitUntil(lambda: group.activeStack() is window.editor.undo_stack)
    dock.setFloating(True)  # a window of its own: its widgets still count as the dock's
    qtbot.waitExposed(dock)
    dock.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dock)
    click_row(qtbot, panel, 0)
    assert group.activeStack() is dock_stack
    QTest.keyClick(panel.table, Qt.Key.Key_Z, CTRL)  # the window's shortcut, in the floating dock
    assert labels(store, docs["one"])[1] == ("Location", "al-Bab")


def test_the_curation_window_keeps_its_own_undo(qtbot, window, docs, store, monkeypatch):
    relabel_two_locations_as_actors(qtbot, window, monkeypatch)
    QTest.keyClick(
        window.span_search.panel.table, Qt.Key.Key_K, CTRL | Qt.KeyboardModifier.ShiftModifier
    )
    curation = window.curation
    assert curation is not None and curation.isVisible()
    curation.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is curation)
    assert curation.editor.undo_stack not in window.undo_group.stacks()
    qtbot.addWidget(curation)
    qtbot.waitExposed(curation)
    point = curation.table.visualRect(curation.model.index(0, 0)).center()
    QTest.mouseClick(curation.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    QTest.keyClick(curation.table, Qt.Key.Key_Return)  # accept the first candidate as gold
    assert len(store.spans(docs["one"], GOLD)) == 1
    QTest.keyClick(curation.table, Qt.Key.Key_Z, CTRL)
    assert store.spans(docs["one"], GOLD) == []
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")  # the bulk step stays
    assert window.span_search.undo_stack.count() == 1
    assert window.undo_action.text() == "Undo Relabel 2 spans as Actor"

"""The window in team work: the queue filter, changes saved elsewhere shown without a
restart, an edit of a span changed elsewhere refused and the stored version shown, and the
manager's Assign Documents dialog."""

from __future__ import annotations

import multiprocessing

from PySide6.QtCore import Qt

from annotator.document import Document, Span
from annotator.suggest.model import Suggestion
from corpus.store import Store
from tests.ui.shown_window import show_window
from tests.ui.test_annotating import (  # noqa: F401  (fixtures used by name)
    click_span,
    doc_id,
    key,
    reshow,
    store,
    view_of,
    where,
    window,
)
from ui.assign_dialog import AssignDialog
from ui.main_window import MainWindow
from ui.suggestion_controller import AUTOMATIC_SETTING

SPAWN = multiprocessing.get_context("spawn")


def _add_for_alice(url: str, doc_id: int, start: int, end: int) -> None:
    """Another app process (alice's second window) labels a span."""
    other = Store.open(url)
    other.add_span(doc_id, "alice", Span(start, end, "Location"))
    other.close()


def test_a_span_saved_by_another_process_appears_without_a_restart(
    qtbot, window: MainWindow, store: Store, doc_id: int
):
    assert window.editor.span_count() == 0
    child = SPAWN.Process(target=_add_for_alice, args=(store.url, doc_id, *where("al-Bab")))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0
    qtbot.waitUntil(lambda: window.editor.span_count() == 1, timeout=5000)
    [(span_id, span)] = window.editor.spans_in_order()
    assert (span.start, span.end, span.label) == (*where("al-Bab"), "Location")
    assert view_of(window).span_rects(span_id)
    assert "saved elsewhere" in window.statusBar().currentMessage()


def _suggest_for_alice(url: str, doc_id: int, start: int, end: int) -> None:
    """A pre-annotation run elsewhere (another process) saves a suggestion for alice."""
    other = Store.open(url)
    other.save_suggestions(doc_id, "alice", [Suggestion(start, end, "Actor")])
    other.close()


def test_a_suggestion_saved_by_another_process_appears_without_a_restart(
    qtbot, store: Store, doc_id: int, tmp_path
):
    window = show_window(qtbot, store, tmp_path, settings={AUTOMATIC_SETTING: "false"})
    assert window.browser.select_document(doc_id)
    assert window.suggester.pending == []
    child = SPAWN.Process(target=_suggest_for_alice, args=(store.url, doc_id, *where("Russia")))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0
    qtbot.waitUntil(lambda: len(window.suggester.pending) == 1, timeout=5000)
    [shown] = window.suggester.pending
    assert (shown.start, shown.end, shown.label) == (*where("Russia"), "Actor")
    assert window.editor.span_count() == 0


def test_relabelling_a_span_changed_elsewhere_is_refused_and_the_stored_one_shown(
    qtbot, window: MainWindow, store: Store, doc_id: int
):
    start, end = where("jets")
    span_id = store.add_span(doc_id, "alice", Span(start, end, "Actor"))
    reshow(window, doc_id)
    window.follower.stop()  # the user acts before the next tick would have told them
    store.update_span(span_id, Span(start, end, "Location"))  # another window's edit
    click_span(qtbot, view_of(window), span_id)
    key(qtbot, view_of(window), "W")  # WeaponSystem's hotkey
    assert "changed elsewhere" in window.statusBar().currentMessage()
    assert [s.span.label for s in store.spans(doc_id, "alice")] == ["Location"]
    assert dict(window.editor.spans_in_order())[span_id].label == "Location"
    assert window.editor.undo_stack.count() == 0
    key(qtbot, view_of(window), "W")  # now it applies to the version on show
    assert [s.span.label for s in store.spans(doc_id, "alice")] == ["WeaponSystem"]


def test_my_queue_keeps_the_articles_assigned_to_me(qtbot, store: Store, doc_id: int, tmp_path):
    from PySide6.QtCore import QSettings

    others = [
        store.add_document(Document(text=f"Other report {i}.", title=f"o{i}")).id for i in range(3)
    ]
    store.assign([others[1]], ["alice"])
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    w = MainWindow(store, settings, annotator="alice")
    qtbot.addWidget(w)
    assert w.browser.queue_filter.isChecked()
    assert w.browser.document_model.total() == 1
    w.browser.queue_filter.setChecked(False)
    assert w.browser.document_model.total() == 4


def test_a_manager_shares_a_collection_out_two_annotators_an_article(
    qtbot, window: MainWindow, store: Store, doc_id: int
):
    ids = [
        store.add_document(Document(text=f"Syria report {i}.", title=f"s{i}")).id for i in range(4)
    ]
    store.add_to_collection(ids, "syria")
    for name in ("bob", "carol", "dan"):
        store.annotator_id(name)
    dialog = AssignDialog(store, doc_id, window.browser.current_filter(), window)
    qtbot.addWidget(dialog)
    dialog.documents.setCurrentIndex(dialog.documents.findText("Collection: syria"))
    for row in range(dialog.people.count()):
        item = dialog.people.item(row)
        if item.data(Qt.ItemDataRole.UserRole) in ("bob", "carol", "dan"):
            item.setCheckState(Qt.CheckState.Checked)
    dialog.new_people.setText("erin")
    dialog.per_document.setValue(2)
    dialog.assign()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.assigned == 8
    assert sum(len(store.queue(n)) for n in ("bob", "carol", "dan", "erin")) == 8
    assert all(len(store.assignees(i)) == 2 for i in ids)

"""View › Find Annotations…: the dock searches every document's spans in the background and
lists them as a concordance; double click or Enter opens the document at the span; Relabel…
and Delete change the selected spans of several documents as one step on the dock's undo
stack (Edit › Undo while the dock has the focus: see test_span_search_undo.py), in the
database at once, and the document on show follows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.document import Span, Status
from corpus.span_search import SpanHit
from corpus.store import Store
from tests.span_text import at, two_annotated_documents
from tests.ui.shown_window import show_window, store  # noqa: F401  (fixture used by name)
from ui import span_search_dock
from ui.main_window import MainWindow
from ui.span_search_dock import SpanSearchPanel
from ui.span_search_model import (
    LABEL,
    LEFT,
    MATCH,
    PAGE,
    RIGHT,
    RTL_ROLE,
    SpanHitsModel,
    readable_on,
)

ONE = "Russian jets struck al-Bab on Wednesday, killing nine civilians.\nRebels fled to Idlib."
# An emoji and Arabic: offsets are code points, and the line reads right to left.
TWO = "👍🏽 قال مصدر طبي إن 12 مدنيا قتلوا في قصف على حلب. Another strike killed 10 people."


@pytest.fixture
def docs(store: Store) -> dict[str, int]:
    """alice annotated both documents, bob the first."""
    alice_one = [
        at(ONE, "Russian", "Actor"),
        at(ONE, "al-Bab", "Location", type="city"),
        at(ONE, "nine civilians", "Casualty", count=9, kind="killed"),
        at(ONE, "Idlib", "Location"),
    ]
    alice_two = [
        at(TWO, "12 مدنيا", "Casualty", count=12, kind="killed"),
        at(TWO, "حلب", "Location", type="city"),
        at(TWO, "10 people", "Casualty", count=10, kind="killed"),
    ]
    bob = [at(ONE, "Russian jets", "WeaponSystem")]
    return two_annotated_documents(store, ONE, TWO, (alice_one, alice_two), bob)


@pytest.fixture
def window(qtbot, store, docs, tmp_path) -> MainWindow:
    """alice's window on the first document."""
    w = show_window(qtbot, store, tmp_path)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    assert w.browser.select_document(docs["one"])
    return w


def open_dock(qtbot, window: MainWindow) -> SpanSearchPanel:
    """The dock, opened by its key."""
    QTest.keyClick(
        window.browser.document_view,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    panel = window.span_search.panel
    assert panel is not None and window.span_search.dock.isVisible()
    return panel


def search(qtbot, panel: SpanSearchPanel, conditions: str = "", text: str = "") -> None:
    """Type conditions and text, press Return, wait for the hits."""
    form = panel.form
    form.conditions_edit.setText(conditions)
    form.text_edit.setText(text)
    form.text_edit.setFocus()
    qtbot.waitUntil(form.text_edit.hasFocus)
    QTest.keyClick(form.text_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not panel.is_busy() and panel.status_label.text() != "Searching…")


def choose(combo, value: str) -> None:
    """Pick ``value`` in a form combo as the user does (activated)."""
    combo.setCurrentIndex(combo.findText(value))
    combo.activated.emit(combo.currentIndex())


def shown(panel: SpanSearchPanel) -> list[tuple[str, str, str]]:
    """(left, match, right) as the rows show them."""
    model = panel.model
    return [
        tuple(str(model.index(row, column).data()) for column in (LEFT, MATCH, RIGHT))
        for row in range(model.rowCount())
    ]  # type: ignore[misc]


def relabel_all_as_actor(qtbot, window: MainWindow, monkeypatch, label: str) -> SpanSearchPanel:
    """Open the dock, list the three spans labelled ``label`` and relabel them all Actor."""
    panel = open_dock(qtbot, window)
    choose(panel.form.label_combo, label)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    monkeypatch.setattr(span_search_dock.RelabelDialog, "ask", lambda *_: "Actor")
    panel.table.selectAll()
    panel.relabel_selected()
    return panel


def select_rows(panel: SpanSearchPanel, *rows: int) -> None:
    """Click the first row, Ctrl+click the others."""
    for n, row in enumerate(rows):
        index = panel.model.index(row, LABEL)
        point = panel.table.visualRect(index).center()
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier.NoModifier
        QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def labels(store: Store, doc_id: int, annotator: str = "alice") -> list[tuple[str, str]]:
    text = store.document(doc_id).text
    return [(s.span.label, text[s.span.start : s.span.end]) for s in store.spans(doc_id, annotator)]


def test_a_search_lists_hits_as_a_concordance(qtbot, window, docs):
    panel = open_dock(qtbot, window)
    choose(panel.form.label_combo, "Casualty")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    assert panel.status_label.text() == "3 spans in 2 documents"
    search(qtbot, panel, "count>=10 kind=killed")  # numbers as numbers: not 9
    assert [panel.model.hit(r).text for r in range(2)] == ["12 مدنيا", "10 people"]
    assert panel.model.rowCount() == 2
    arabic, english = shown(panel)
    # The Arabic line reads right to left: what follows the match is on its left.
    assert arabic == (
        " قتلوا في قصف على حلب. Another strike killed 10 people.",
        "12 مدنيا",
        "👍🏽 قال مصدر طبي إن ",
    )
    assert english[1:] == ("10 people", ".")
    assert panel.model.index(0, LEFT).data(RTL_ROLE) and not panel.model.index(1, LEFT).data(
        RTL_ROLE
    )
    align = panel.model.index(1, LEFT).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight  # the left context ends at the match
    match = panel.model.index(1, MATCH)
    assert match.data(Qt.ItemDataRole.FontRole).bold()
    purple = QColor("#9467bd")  # Casualty's colour, darkened until it reads on white
    colour = match.data(Qt.ItemDataRole.ForegroundRole)
    assert colour.hue() == pytest.approx(purple.hue(), abs=3)
    choose(panel.form.label_combo, "Any label")
    search(qtbot, panel, "", "IDLIB")
    ((left, match_text, right),) = shown(panel)
    assert left.endswith("nine civilians. Rebels fled to ")  # the line break as a space
    assert (match_text, right) == ("Idlib", ".")
    search(qtbot, panel, "", "russian")
    assert [(h.annotator, h.text) for h in panel.model.hits()] == [
        ("alice", "Russian"),
        ("bob", "Russian jets"),
    ]
    choose(panel.form.annotator_combo, "bob")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)


def test_bad_input_is_one_line_and_searches_nothing(qtbot, window, docs):
    panel = open_dock(qtbot, window)
    search(qtbot, panel, "count>=ten")
    assert (
        panel.status_label.text()
        == "Not searched: bad condition 'count>=ten': 'ten' is not a number"
    )
    panel.form.regex_box.setChecked(True)
    search(qtbot, panel, "", "(killed")
    assert panel.status_label.text().startswith("Not searched: bad regular expression '(killed'")
    search(qtbot, panel, "", r"^\d+ ")
    assert [h.text for h in panel.model.hits()] == ["12 مدنيا", "10 people"]


def test_double_click_or_enter_opens_the_document_at_the_span(qtbot, window, docs):
    panel = open_dock(qtbot, window)
    search(qtbot, panel, "", "حلب")
    point = panel.table.visualRect(panel.model.index(0, MATCH)).center()
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    QTest.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    view = window.reader.text_view
    assert window.reader.document_id() == docs["two"]
    start = TWO.index("حلب")
    assert view.selected_range() == (start, start + 3)  # code points, past the emoji
    assert view.hasFocus() or QApplication.focusWidget() is view
    search(qtbot, panel, "", "Idlib")
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    panel.table.setCurrentIndex(panel.model.index(0, MATCH))
    QTest.keyClick(panel.table, Qt.Key.Key_Return)
    assert window.reader.document_id() == docs["one"]
    assert view.selected_range() == (ONE.index("Idlib"), ONE.index("Idlib") + 5)


def test_relabel_across_documents_is_one_undo_step_and_the_open_document_follows(
    qtbot, window, docs, store, monkeypatch
):
    panel = open_dock(qtbot, window)
    choose(panel.form.label_combo, "Location")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    asked: list[tuple[list[str], int]] = []

    def ask(_parent, names, count):
        asked.append((names, count))
        return "Actor"

    monkeypatch.setattr(span_search_dock.RelabelDialog, "ask", ask)
    select_rows(panel, 0, 2)  # al-Bab in the first document, حلب in the second
    assert panel.relabel_button.isEnabled()
    QTest.mouseClick(panel.relabel_button, Qt.MouseButton.LeftButton)
    assert asked == [(["Actor", "Location", "WeaponSystem", "Casualty", "Attack"], 2)]
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")
    assert ("Actor", "حلب") in labels(store, docs["two"])
    stack = window.span_search.undo_stack
    assert stack.count() == 1 and stack.undoText() == "Relabel 2 spans as Actor"
    assert window.undo_action.text() == "Undo Relabel 2 spans as Actor"
    # The document on show (the first) shows the new label; the search ran again.
    shown_labels = [span.label for _id, span in window.editor.spans_in_order()]
    assert shown_labels == ["Actor", "Actor", "Casualty", "Location"]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.model.hit(0).text == "Idlib"
    window.undo_action.trigger()  # Edit › Undo, the dock focused
    assert labels(store, docs["one"])[1] == ("Location", "al-Bab")
    assert ("Location", "حلب") in labels(store, docs["two"])
    assert [s.span.attributes for s in store.spans(docs["one"], "alice")][1] == {"type": "city"}
    assert [span.label for _id, span in window.editor.spans_in_order()][1] == "Location"
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    window.redo_action.trigger()
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")


def test_delete_is_one_undo_step_that_brings_the_spans_back_with_their_ids(
    qtbot, window, docs, store
):
    panel = open_dock(qtbot, window)
    choose(panel.form.label_combo, "Casualty")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    before = {d: store.spans(d, "alice") for d in docs.values()}
    panel.table.selectAll()
    QTest.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert [label for label, _ in labels(store, docs["one"])] == ["Actor", "Location", "Location"]
    assert [label for label, _ in labels(store, docs["two"])] == ["Location"]
    assert window.editor.span_count() == 3  # the document on show lost its Casualty
    qtbot.waitUntil(lambda: panel.status_label.text() == "No spans match")
    assert window.undo_action.text() == "Undo Delete 3 spans"
    window.undo_action.trigger()
    assert {d: store.spans(d, "alice") for d in docs.values()} == before
    assert window.editor.span_count() == 4
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)


def test_a_locked_document_refuses_the_whole_step(qtbot, window, docs, store, monkeypatch):
    store.set_status(docs["two"], "alice", Status.LOCKED)
    panel = relabel_all_as_actor(qtbot, window, monkeypatch, "Casualty")
    assert panel.status_label.text() == (
        f"Not saved: document {docs['two']} is locked for alice: set its status back to "
        "in progress to change its annotations"
    )
    assert window.span_search.undo_stack.count() == 0
    assert [label for label, _ in labels(store, docs["one"])].count("Casualty") == 1


def test_the_hits_model_passes_the_model_tester_and_pages(qtmodeltester):
    model = SpanHitsModel()
    hits = [
        SpanHit(
            i,
            i // 10,
            f"doc {i // 10}",
            "alice",
            "new",
            "Actor",
            {},
            5,
            9,
            "word",
            "left ",
            " right",
            1,
        )
        for i in range(PAGE + 20)
    ]
    model.set_hits(hits, {"Actor": "#1f77b4"})
    assert model.rowCount() == PAGE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE + 20 and not model.canFetchMore()
    model.set_hits(hits)
    qtmodeltester.check(model, force_py=True)  # fetches the rest itself, checking the inserts
    model.set_hits([])
    qtmodeltester.check(model, force_py=True)


def test_label_colours_are_made_to_read_on_light_and_dark_bases():
    white, dark = QColor("#ffffff"), QColor("#1e1e1e")
    for colour in ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#ffdd00", "#202060"):
        for base in (white, dark):
            shown_colour = readable_on(QColor(colour), base)
            lighter, darker = sorted((_lum(shown_colour), _lum(base)), reverse=True)
            assert (lighter + 0.05) / (darker + 0.05) >= 4.5 or shown_colour in (
                white,
                QColor("#000000"),
            )


def _lum(colour: QColor) -> float:
    from ui.span_search_model import _luminance

    return _luminance(colour)


def test_the_dark_palette_keeps_the_match_readable(qtbot, window, docs):
    from ui.palette import dark_palette

    app = QApplication.instance()
    previous = app.palette()
    app.setPalette(dark_palette())
    try:
        panel = open_dock(qtbot, window)
        search(qtbot, panel, "", "Russian")
        colour = panel.model.index(0, MATCH).data(Qt.ItemDataRole.ForegroundRole)
        base = QPalette().color(QPalette.ColorRole.Base)
        assert colour.lightness() > base.lightness() + 100
    finally:
        app.setPalette(previous)


def test_a_selection_survives_a_search_run_again(qtbot, window, docs):
    panel = open_dock(qtbot, window)
    search(qtbot, panel, "", "")
    assert panel.model.rowCount() == 8
    selection = panel.table.selectionModel()
    selection.select(
        panel.model.index(3, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    chosen = [h.span_id for h in panel.selected_hits()]
    panel.spans_changed(set())  # as after an undo in the window
    qtbot.waitUntil(lambda: not panel.is_busy())
    qtbot.waitUntil(lambda: [h.span_id for h in panel.selected_hits()] == chosen)


def test_undo_after_the_editor_changed_a_span_and_changed_it_back(
    qtbot, window, docs, store, monkeypatch
):
    """The editor's edit and its undo leave the span as the bulk step left it (at another
    version): the bulk step still undoes; a change that stays refuses it, saying why."""
    panel = relabel_all_as_actor(qtbot, window, monkeypatch, "Location")
    al_bab = next(i for i, s in window.editor.spans_in_order() if ONE[s.start : s.end] == "al-Bab")
    old = window.editor.span(al_bab)[0]
    noted = Span(old.start, old.end, old.label, old.attributes, "checked")
    window.editor.edit_span(al_bab, noted, "note")
    assert window.editor.undo_stack.count() == 1 and window.span_search.undo_stack.count() == 1
    window.editor.undo_action.trigger()  # the note
    assert window.undo_group.activeStack() is window.span_search.undo_stack  # the dock focused
    window.undo_action.trigger()  # the relabelling
    assert [label for label, _ in labels(store, docs["one"])] == [
        "Actor",
        "Location",
        "Casualty",
        "Location",
    ]
    window.redo_action.trigger()
    assert labels(store, docs["one"])[1] == ("Actor", "al-Bab")
    store.update_span(al_bab, Span(old.start, old.end, "Actor", {}, "kept"))  # elsewhere
    store.relabel_spans([al_bab], "WeaponSystem")
    window.undo_action.trigger()
    assert panel.status_label.text().startswith("Not saved: the WeaponSystem span at")
    assert labels(store, docs["one"])[1] == ("WeaponSystem", "al-Bab")

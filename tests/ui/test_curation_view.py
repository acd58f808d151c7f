"""The curation window (Edit › Curate…, Ctrl+Shift+K): three annotators' spans side by side,
disagreements tinted and named, accepting one candidate, one annotator's version or all agreed
ones, rejecting, editing the gold set by hand; each step one undo step, in the database at
once, there again when the corpus is opened anew."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.document import Document, Span, Status
from corpus.curation import GOLD, Kind
from corpus.store import Store
from tests.conftest import close_bound_database
from tests.ui.shown_window import show_window, store  # noqa: F401  (fixture used by name)
from tests.ui.test_annotating import drag, key
from ui import session
from ui.curation_model import LABEL, STATUS, TEXT
from ui.curation_view import SHOW_DISAGREEMENTS, CurationWindow
from ui.main_window import MainWindow

# An emoji and Arabic before the words: offsets in the gold view are code points, not UTF-16.
BODY = "👍🏽 قال مصدر طبي. Russian jets struck al-Bab on Wednesday, killing nine civilians.\n"


def at(word: str, label: str, **attributes: object) -> Span:
    start = BODY.index(word)
    return Span(start, start + len(word), label, attributes)  # type: ignore[arg-type]


RUSSIAN = at("Russian", "Actor")
JETS = at("jets", "WeaponSystem")
RUSSIAN_JETS = at("Russian jets", "WeaponSystem")
TOWN = at("al-Bab", "Location", type="city")
TOWN_AS_ACTOR = at("al-Bab", "Actor")
STRUCK = at("struck", "Attack")


@pytest.fixture
def doc_id(store: Store) -> int:
    """A document that alice, bob and carol annotated: all marked Russian and struck; alice and
    bob the jets, carol 'Russian jets'; al-Bab is a Location for alice, an Actor for bob."""
    doc = store.add_document(Document(text=BODY, title="Jets strike al-Bab")).id
    store.add_annotation_set(doc, "alice", [RUSSIAN, JETS, STRUCK, TOWN])
    store.add_annotation_set(doc, "bob", [RUSSIAN, JETS, STRUCK, TOWN_AS_ACTOR])
    store.add_annotation_set(doc, "carol", [RUSSIAN, RUSSIAN_JETS, STRUCK])
    return doc


def open_curation(qtbot, store: Store, doc_id: int, tmp_path) -> CurationWindow:
    """A main window of alice's on the document, and its curation window opened by the key."""
    window = show_window(qtbot, store, tmp_path)
    assert window.browser.select_document(doc_id)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(
        window.browser.document_view,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    curation = window.curation
    assert curation is not None and curation.isVisible()
    qtbot.addWidget(curation)
    qtbot.waitExposed(curation)
    return curation


@pytest.fixture
def curation(qtbot, store, doc_id, tmp_path) -> CurationWindow:
    return open_curation(qtbot, store, doc_id, tmp_path)


def rows(curation: CurationWindow) -> list[tuple[str, ...]]:
    """What the table shows: each row's cells but the context, as text."""
    model = curation.model
    return [
        tuple(
            str(model.index(row, column).data())
            for column in range(model.columnCount())
            if column != TEXT
        )
        for row in range(model.rowCount())
    ]


def select(curation: CurationWindow, span: Span) -> int:
    """Click the row of ``span``'s candidate; its row."""
    row = curation.model.row_of((span.start, span.end, span.label))
    assert row is not None
    index = curation.model.index(row, STATUS)
    curation.table.scrollTo(index)
    point = curation.table.visualRect(index).center()
    QTest.mouseClick(curation.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert [c.start for c in curation.selected_candidates()] == [span.start]
    return row


def gold(store: Store, doc_id: int) -> dict[int, Span]:
    return {s.id: s.span for s in store.spans(doc_id, GOLD)}


def test_every_annotators_spans_side_by_side_with_disagreements_highlighted(
    qtbot, curation: CurationWindow, qtmodeltester
):
    model = curation.model
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Status", "Text in context", "Label", "alice", "bob", "carol", "Gold"]
    assert rows(curation) == [
        (
            "Conflict 1/3",
            "WeaponSystem",
            "≈ Actor ≈ WeaponSystem",
            "≈ Actor ≈ WeaponSystem",
            "✓ WeaponSystem",
            "—",
        ),
        ("Agreed 3/3", "Actor", "✓ Actor", "✓ Actor", "✓ Actor", "—"),
        ("Conflict 2/3", "WeaponSystem", "✓ WeaponSystem", "✓ WeaponSystem", "≈ WeaponSystem", "—"),
        ("Agreed 3/3", "Attack", "✓ Attack", "✓ Attack", "✓ Attack", "—"),
        ("Conflict 1/3", "Actor", "✗ Location", "✓ Actor", "—", "—"),
        ("Conflict 1/3", "Location", "✓ Location", "✗ Actor", "—", "—"),
    ]
    # the candidate in its context, the covered words apart
    before, covered, after = model.index(4, TEXT).data(Qt.ItemDataRole.UserRole + 1)
    assert (covered, after) == ("al-Bab", " on Wednesday, killing nine…")
    assert before.startswith("…") and before.endswith(" Russian jets struck ")
    # a disagreement: a tint, an icon and words; an agreement none of the tint
    conflict, agreed = model.index(0, STATUS), model.index(1, STATUS)
    assert isinstance(conflict.data(Qt.ItemDataRole.BackgroundRole), QColor)
    assert agreed.data(Qt.ItemDataRole.BackgroundRole) is None
    assert not conflict.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert "carol" in conflict.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, LABEL).data(Qt.ItemDataRole.DecorationRole) == QColor("#1f77b4")
    assert "annotated by alice, bob, carol · 6 candidates" in curation.summary.text().casefold()

    curation.show_combo.setCurrentText(SHOW_DISAGREEMENTS)
    assert [r[0] for r in rows(curation)] == ["Conflict 1/3", "Conflict 2/3"] + ["Conflict 1/3"] * 2
    qtmodeltester.check(model)


def test_accepting_one_candidate_is_one_undo_step(qtbot, curation, store, doc_id):
    select(curation, RUSSIAN)
    assert curation.accept_action.isEnabled() and not curation.reject_action.isEnabled()
    qtbot.keyClick(curation.table, Qt.Key.Key_Return)
    [(gold_id, span)] = gold(store, doc_id).items()
    assert span == RUSSIAN
    view = curation.reader.text_view
    assert view.span_ids() == [gold_id] and view.selected_span() == gold_id
    assert curation.model.index(select(curation, RUSSIAN), 6).data() == "✓ Actor"
    assert curation.reject_action.isEnabled()
    assert curation.editor.undo_stack.undoText() == "Accept 'Russian' as Actor"

    curation.editor.undo_action.trigger()
    assert gold(store, doc_id) == {} and view.span_ids() == []
    assert curation.model.index(select(curation, RUSSIAN), 6).data() == "—"
    curation.editor.redo_action.trigger()
    assert gold(store, doc_id) == {gold_id: RUSSIAN}  # the same id again
    assert view.span_ids() == [gold_id]


def test_one_annotators_version_replaces_another_at_the_same_offsets(
    qtbot, curation, store, doc_id
):
    select(curation, TOWN)
    curation.accept_version("bob")
    assert list(gold(store, doc_id).values()) == [TOWN_AS_ACTOR]
    select(curation, TOWN)
    curation.accept_version("alice")  # alice's Location, with its type
    assert list(gold(store, doc_id).values()) == [TOWN]
    assert curation.editor.undo_stack.undoText() == "Accept alice's 'al-Bab' as Location"
    row = select(curation, TOWN)
    assert curation.model.index(row, 6).data() == "✓ Location"
    curation.editor.undo_action.trigger()
    assert list(gold(store, doc_id).values()) == [TOWN_AS_ACTOR]
    curation.editor.redo_action.trigger()
    assert list(gold(store, doc_id).values()) == [TOWN]
    # the version menu offers each annotator's span at these offsets
    select(curation, TOWN)
    curation.version_menu.aboutToShow.emit()
    texts = [a.text() for a in curation.version_menu.actions()]
    assert texts == ["alice: Location (type: city)", "bob: Actor"]


def test_accept_all_agreed_is_one_step_and_the_threshold_counts(qtbot, curation, store, doc_id):
    assert curation.min_annotators.value() == 3 and curation.min_annotators.suffix() == " of 3"
    curation.agreed_action.trigger()
    assert sorted(gold(store, doc_id).values(), key=lambda s: s.start) == [RUSSIAN, STRUCK]
    assert curation.editor.undo_stack.undoText() == "Accept 2 agreed spans"
    curation.min_annotators.setValue(2)
    curation.agreed_action.trigger()  # the jets too, two against one
    assert sorted(gold(store, doc_id).values(), key=lambda s: s.start) == [RUSSIAN, JETS, STRUCK]
    curation.agreed_action.trigger()
    assert curation.statusBar().currentMessage() == "No agreed span left to accept"
    assert curation.editor.undo_stack.count() == 2
    curation.editor.undo_action.trigger()
    curation.editor.undo_action.trigger()
    assert gold(store, doc_id) == {}


def test_rejecting_a_gold_span_and_editing_the_gold_set_by_hand(qtbot, curation, store, doc_id):
    curation.agreed_action.trigger()
    select(curation, STRUCK)
    qtbot.keyClick(curation.table, Qt.Key.Key_Delete)
    assert list(gold(store, doc_id).values()) == [RUSSIAN]
    assert curation.editor.undo_stack.undoText() == "Reject Attack 'struck'"
    curation.editor.undo_action.trigger()
    assert STRUCK in gold(store, doc_id).values()

    # the curator's own span: select words in the gold view and press a label's key
    view = curation.reader.text_view
    view.setFocus()
    start, end = BODY.index("Wednesday"), BODY.index("Wednesday") + len("Wednesday")
    drag(qtbot, view, start, end)
    key(qtbot, view, "L")
    assert Span(start, end, "Location") in gold(store, doc_id).values()
    row = curation.model.row_of((start, end, "Location"))
    assert row is not None
    assert curation.model.candidate(row).kind == Kind.GOLD_ONLY
    assert curation.model.index(row, STATUS).data() == "Gold only"


def test_the_gold_status_is_set_like_any_sets(qtbot, curation, store, doc_id):
    curation.agreed_action.trigger()
    curation.set_gold_status(Status.REVIEWED)
    assert store.status(doc_id, GOLD) == Status.REVIEWED
    assert curation.status_combo.currentData() == Status.REVIEWED
    select(curation, TOWN)
    curation.accept_selected()  # frozen: refused, said, nothing stored
    assert "reviewed for gold" in curation.statusBar().currentMessage()
    assert TOWN not in gold(store, doc_id).values()


def test_a_reopened_corpus_shows_the_gold_set(qtbot, store, doc_id, curation, tmp_path):
    select(curation, RUSSIAN)
    curation.accept_selected()
    curation.close()
    url = store.url
    close_bound_database()
    reopened = Store.open(url)
    try:
        again = open_curation(qtbot, reopened, doc_id, tmp_path)
        row = again.model.row_of((RUSSIAN.start, RUSSIAN.end, RUSSIAN.label))
        assert row is not None and again.model.index(row, 6).data() == "✓ Actor"
        assert len(again.reader.text_view.span_ids()) == 1
        assert again.editor.undo_stack.count() == 0
    finally:
        reopened.close()


def test_the_window_follows_the_document_opened_in_the_main_window(qtbot, store, curation):
    other = store.add_document(Document(text="Talks resumed in Astana.\n", title="Talks")).id
    main = curation.parent()
    assert isinstance(main, MainWindow)
    main.browser.reload()
    assert main.browser.select_document(other)
    assert curation.doc_id == other and curation.windowTitle() == "Curate — Talks"
    assert curation.model.rowCount() == 0
    assert curation.summary.text().startswith("Annotated by nobody yet · 0 candidates")


def test_gold_is_no_persons_name(qtbot, monkeypatch):
    warned: list[str] = []
    offered: list[list[str]] = []

    def get_item(_parent, _title, _label, choices, *_args):
        offered.append(list(choices))
        return "Gold", True

    monkeypatch.setattr(session.QInputDialog, "getItem", get_item)
    monkeypatch.setattr(session.QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    assert session.ask_annotator(None, "alice", ["alice", GOLD]) is None
    assert warned and "gold set" in warned[0]
    assert offered == [["alice"]]  # the gold set is not offered as a name

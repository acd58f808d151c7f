"""Suggestions in the editor: drawn dashed under the spans, answered from the keyboard (F8,
Enter, Backspace) or in bulk from the Suggestions menu, every answer one undo step that puts
back the view and the database alike (span ids kept), and suggested in the background, by the
real engine, whenever a document opens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor

from annotator.document import Document, Span, Status
from annotator.suggest.model import Suggestion
from corpus import resources
from corpus.store import Store
from tests.conftest import ENGINES, close_bound_database, corpus_url

# The SQLite ``store``; the tests below that need both engines take ``either_store``.
from tests.ui.screenshot_script import picture_sizes
from tests.ui.shown_window import show_window, store  # noqa: F401  (fixture used by name)
from ui import suggestion_screenshots
from ui.main_window import MainWindow
from ui.suggestion_controller import AUTOMATIC_SETTING
from ui.suggestion_worker import EngineCache, SuggestionWorker

# Emoji (astral, a skin tone, a flag) and Arabic before the words suggested.
TEXT = (
    "👍🏽🇸🇾 قال مصدر طبي إن الغارة قتلت مدنيين. Russian jets struck al-Bab on Wednesday, "
    "killing nine civilians near the old market in Aleppo.\n"
)
ENGINE_TIMEOUT_MS = 90_000  # the first engine of a process loads the GeoNames places


def at(phrase: str, label: str, **attributes: object) -> Suggestion:
    """A suggestion of the first ``phrase`` in TEXT."""
    start = TEXT.index(phrase)
    return Suggestion(start, start + len(phrase), label, attributes, "test")  # type: ignore[arg-type]


JETS = at("jets", "WeaponSystem", category="aircraft")
TOWN = at("al-Bab", "Location", type="city", geonames_id=174018)
DEAD = at("killing nine civilians", "Casualty", count=9, kind="killed", group="civilian")
MARKET = at("old market", "Location")
ALEPPO = at("Aleppo", "Location", type="city")
STRIKE = at("الغارة", "Attack")
ALL = [STRIKE, JETS, TOWN, DEAD, MARKET, ALEPPO]  # text order


@pytest.fixture(params=ENGINES)
def either_store(request, tmp_path) -> Iterator[Store]:
    """A corpus with the shipped schema on each engine."""
    url = corpus_url(request, request.param, tmp_path)
    close_bound_database()
    s = Store.open(url)
    s.set_schema(resources.shipped_schema())
    yield s
    s.close()


@pytest.fixture
def doc_id(store: Store) -> int:
    doc = store.add_document(Document(text=TEXT, title="Jets strike al-Bab")).id
    store.save_suggestions(doc, "alice", ALL)
    return doc


def make_window(qtbot, store: Store, tmp_path, automatic: bool) -> MainWindow:
    """alice's window, suggesting in the background (``automatic``) or not."""
    return show_window(qtbot, store, tmp_path, (1100, 700), {AUTOMATIC_SETTING: automatic})


@pytest.fixture
def window(qtbot, store, doc_id, tmp_path) -> MainWindow:
    """alice's window on TEXT with the suggestions stored by hand (no background runs)."""
    w = make_window(qtbot, store, tmp_path, automatic=False)
    assert w.browser.select_document(doc_id)
    w.reader.text_view.setFocus()
    qtbot.waitUntil(w.reader.text_view.hasFocus)
    return w


def key(qtbot, window: MainWindow, name: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.reader.text_view, getattr(Qt.Key, f"Key_{name}"), modifier)


def shown(window: MainWindow) -> list[str]:
    """The covered text of each suggestion drawn, in text order."""
    by_id = {s.id: s for s in window.suggester.pending}
    view = window.reader.text_view
    return [TEXT[by_id[i].start : by_id[i].end] for i in view.suggestion_ids()]


def current(window: MainWindow) -> str | None:
    chosen = window.reader.text_view.current_suggestion()
    found = [s for s in window.suggester.pending if s.id == chosen]
    return TEXT[found[0].start : found[0].end] if found else None


def pending(store: Store, doc_id: int) -> list[str]:
    return [TEXT[s.start : s.end] for s in store.suggestions(doc_id, "alice")]


def spans(store: Store, doc_id: int) -> list[tuple[int, str, str]]:
    return [(s.id, TEXT[s.span.start : s.span.end], s.span.label) for s in store.spans(doc_id)]


def phrases(suggestions: list[Suggestion]) -> list[str]:
    return [TEXT[s.start : s.end] for s in suggestions]


# -- drawn --------------------------------------------------------------------------------------


def test_suggestions_are_drawn_dashed_and_captioned_beside_the_spans(qtbot, store, window, doc_id):
    view = window.reader.text_view
    store.add_span(doc_id, "alice", Span(*_range("Russian"), "Actor"))
    window.editor.reload_spans()
    assert shown(window) == phrases(ALL)
    assert window.suggester.count_label.text() == "6 suggestions"
    jets = window.suggester.pending[1]
    qtbot.waitUntil(lambda: bool(view.suggestion_rects(jets.id)))
    [rect] = view.suggestion_rects(jets.id)
    assert view.suggestion_at(rect.center().toPoint()) == jets.id
    assert view.span_at(rect.center().toPoint()) is None  # a suggestion is no span
    # The outline is dashed in the label's colour: along its top edge, red and not red alternate.
    image = view.viewport().grab().toImage()
    red = QColor("#d62728")
    row = [
        _near(image.pixelColor(x, round(rect.top())), red)
        for x in range(int(rect.left()), int(rect.right()))
    ]
    assert any(row) and not all(row)
    # No caption overlaps another, spans' and suggestions' alike; every suggestion has one.
    captions = view.visible_captions() + view.visible_suggestion_captions()
    assert {c.span.id for c in view.visible_suggestion_captions()} == set(view.suggestion_ids())
    for i, a in enumerate(captions):
        for b in captions[i + 1 :]:
            assert not a.rect.intersects(b.rect), (a.span, b.span)
    tip = view.suggestion_tooltip(jets.id)
    assert tip.splitlines() == [
        "Suggested WeaponSystem: jets",
        "source: test",
        "category: aircraft",
        "Enter accepts, Backspace rejects",
    ]


def test_a_click_on_a_suggestion_makes_it_current_and_a_click_on_a_span_selects_the_span(
    qtbot, store, window, doc_id
):
    view = window.reader.text_view
    russian = store.add_span(doc_id, "alice", Span(*_range("Russian"), "Actor"))
    window.editor.reload_spans()
    town = window.suggester.pending[2]
    qtbot.waitUntil(lambda: bool(view.suggestion_rects(town.id)))
    point = view.suggestion_rects(town.id)[0].center().toPoint()
    with qtbot.waitSignal(view.sig_suggestion_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [town.id]
    assert current(window) == "al-Bab"
    assert "Enter accepts" in window.statusBar().currentMessage()
    span_point = view.span_rects(russian)[0].center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=span_point)
    assert view.selected_span() == russian and view.current_suggestion() is None


# -- the keyboard loop ----------------------------------------------------------------------


def test_f8_enter_and_backspace_answer_one_suggestion_after_another(qtbot, store, window, doc_id):
    view = window.reader.text_view
    key(qtbot, window, "F8")
    assert current(window) == "الغارة"
    key(qtbot, window, "Backspace")  # rejected: the next one is current
    assert current(window) == "jets"
    key(qtbot, window, "Return")
    assert current(window) == "al-Bab"
    key(qtbot, window, "Enter")  # the keypad's Enter too
    assert current(window) == "killing nine civilians"
    key(qtbot, window, "F8")
    assert current(window) == "old market"
    key(qtbot, window, "F8", Qt.KeyboardModifier.ShiftModifier)
    assert current(window) == "killing nine civilians"

    assert [(t, label) for _, t, label in spans(store, doc_id)] == [
        ("jets", "WeaponSystem"),
        ("al-Bab", "Location"),
    ]
    made = store.spans(doc_id, "alice")
    assert dict(made[1].span.attributes) == {"type": "city", "geonames_id": 174018}
    assert view.span_ids() == [s.id for s in made]  # ordinary spans, on show at once
    assert window.editor.span(made[0].id) is not None  # and editable like any other
    assert pending(store, doc_id) == ["killing nine civilians", "old market", "Aleppo"]
    assert shown(window) == pending(store, doc_id)
    assert window.suggester.count_label.text() == "3 suggestions"
    # the rejected one is never suggested again
    store.save_suggestions(doc_id, "alice", ALL)
    assert "الغارة" not in pending(store, doc_id)


def test_next_and_previous_start_from_the_caret_and_wrap(qtbot, store, window, doc_id):
    view = window.reader.text_view
    put_caret(window, TEXT.index("on Wednesday"))
    key(qtbot, window, "F8")
    assert current(window) == "killing nine civilians"
    view.set_current_suggestion(None)
    put_caret(window, TEXT.index("on Wednesday"))
    key(qtbot, window, "F8", Qt.KeyboardModifier.ShiftModifier)
    assert current(window) == "al-Bab"
    put_caret(window, 0)  # nothing before the caret: Shift+F8 wraps to the last one
    key(qtbot, window, "F8", Qt.KeyboardModifier.ShiftModifier)
    assert current(window) == "Aleppo"
    key(qtbot, window, "F8")  # and F8 from the last to the first
    assert current(window) == "الغارة"


def test_undo_and_redo_of_an_accept_keep_the_span_and_suggestion_ids(qtbot, store, window, doc_id):
    view = window.reader.text_view
    before = [s.id for s in store.suggestions(doc_id, "alice")]
    key(qtbot, window, "F8")
    key(qtbot, window, "F8")
    key(qtbot, window, "Return")
    [(span_id, covered, label)] = spans(store, doc_id)
    assert (covered, label) == ("jets", "WeaponSystem")
    assert window.editor.undo_action.text() == "Undo Accept WeaponSystem 'jets'"

    window.editor.undo_action.trigger()
    assert spans(store, doc_id) == [] and view.span_ids() == []
    assert [s.id for s in store.suggestions(doc_id, "alice")] == before
    assert shown(window) == phrases(ALL)
    assert current(window) == "jets"  # back where it was answered

    window.editor.redo_action.trigger()
    assert spans(store, doc_id) == [(span_id, "jets", "WeaponSystem")]
    assert view.span_ids() == [span_id]
    assert "jets" not in shown(window)
    assert [s.id for s in store.suggestions(doc_id, "alice")] == [
        i for i in before if i != before[1]
    ]


def test_undo_and_redo_of_a_reject(qtbot, store, window, doc_id):
    key(qtbot, window, "F8")
    key(qtbot, window, "Backspace")
    assert window.editor.undo_action.text() == "Undo Reject Attack 'الغارة'"
    assert "الغارة" not in pending(store, doc_id)
    window.editor.undo_action.trigger()
    assert pending(store, doc_id) == phrases(ALL) == shown(window)
    assert current(window) == "الغارة"
    window.editor.redo_action.trigger()
    assert "الغارة" not in pending(store, doc_id)
    assert "الغارة" not in shown(window)


def test_backspace_still_deletes_the_selected_span_when_no_suggestion_is_current(
    qtbot, store, window, doc_id
):
    view = window.reader.text_view
    russian = store.add_span(doc_id, "alice", Span(*_range("Russian"), "Actor"))
    window.editor.reload_spans()
    key(qtbot, window, "F8")  # a suggestion current…
    point = view.span_rects(russian)[0].center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)  # …then a span
    assert view.current_suggestion() is None
    key(qtbot, window, "Backspace")
    assert spans(store, doc_id) == []
    assert pending(store, doc_id) == phrases(ALL)  # no suggestion rejected
    assert window.editor.undo_action.text() == "Undo Delete Actor 'Russian'"


def test_enter_is_left_alone_while_no_suggestion_is_current(qtbot, window, store, doc_id):
    accept = window.suggester.accept_action
    assert not accept.isEnabled()  # Enter goes to the widgets (a form's spin box, say)
    key(qtbot, window, "Return")
    assert spans(store, doc_id) == []
    key(qtbot, window, "F8")
    assert accept.isEnabled()
    window.reader.text_view.set_current_suggestion(None)
    assert not accept.isEnabled()


# -- in bulk ------------------------------------------------------------------------------------


def test_accept_all_of_a_label_from_the_menu_is_one_undo_step(qtbot, store, window, doc_id):
    menu = window.suggester.label_menu
    menu.aboutToShow.emit()
    entries = {a.text(): a for a in menu.actions()}
    assert list(entries) == ["Attack (1)", "Casualty (1)", "Location (3)", "WeaponSystem (1)"]
    entries["Location (3)"].trigger()
    assert [t for _, t, label in spans(store, doc_id)] == ["al-Bab", "old market", "Aleppo"]
    assert shown(window) == ["الغارة", "jets", "killing nine civilians"]
    assert window.editor.undo_action.text() == "Undo Accept 3 Location suggestions"
    ids = [i for i, _, _ in spans(store, doc_id)]
    window.editor.undo_stack.undo()
    assert spans(store, doc_id) == [] and window.reader.text_view.span_ids() == []
    assert shown(window) == phrases(ALL)
    window.editor.undo_stack.redo()
    assert [i for i, _, _ in spans(store, doc_id)] == ids


def test_accept_all_and_reject_all(qtbot, store, window, doc_id):
    window.suggester.reject_all_action.trigger()
    assert pending(store, doc_id) == [] and shown(window) == []
    assert window.suggester.count_label.text() == "0 suggestions"
    assert window.editor.undo_action.text() == "Undo Reject 6 suggestions"
    window.editor.undo_stack.undo()
    assert shown(window) == phrases(ALL)
    window.suggester.accept_all_action.trigger()
    assert [t for _, t, _ in spans(store, doc_id)] == phrases(ALL)
    assert len(window.reader.text_view.span_ids()) == 6 and shown(window) == []
    assert window.editor.undo_stack.count() == 1  # the undone rejection was replaced


# -- spans and suggestions ------------------------------------------------------------------


def test_a_span_of_the_same_label_over_a_suggestion_hides_it(qtbot, store, window, doc_id):
    view = window.reader.text_view
    start, end = _range("market")  # inside "old market"
    cursor = view.textCursor()
    cursor.setPosition(view.offsets().to_qt(start))
    cursor.setPosition(view.offsets().to_qt(end), cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    key(qtbot, window, "L")
    assert "old market" not in shown(window)
    assert window.suggester.count_label.text() == "5 suggestions"
    window.editor.undo_stack.undo()
    assert "old market" in shown(window)


def test_a_locked_document_refuses_answers_in_the_status_bar(qtbot, store, window, doc_id):
    store.set_status(doc_id, "alice", Status.LOCKED)
    key(qtbot, window, "F8")
    key(qtbot, window, "Return")
    assert window.statusBar().currentMessage().startswith("Not saved:")
    assert "locked" in window.statusBar().currentMessage()
    assert len(window.statusBar().currentMessage().splitlines()) == 1
    key(qtbot, window, "Backspace")
    assert spans(store, doc_id) == [] and pending(store, doc_id) == phrases(ALL)
    assert window.editor.undo_stack.count() == 0


def test_offsets_are_code_points_in_an_emoji_and_arabic_text(qtbot, store, window, doc_id):
    view = window.reader.text_view
    strike = window.suggester.pending[0]
    assert view.offsets().to_qt(strike.start) > strike.start  # astral characters before it
    qtbot.waitUntil(lambda: bool(view.suggestion_rects(strike.id)))
    point = view.suggestion_rects(strike.id)[0].center().toPoint()
    under = view.offsets().from_qt(view.cursorForPosition(point).position())
    assert strike.start <= under < strike.end  # drawn over its own characters
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    key(qtbot, window, "Return")
    [(span_id, covered, label)] = spans(store, doc_id)
    assert (covered, label) == ("الغارة", "Attack")
    assert view.span_tooltip(span_id) == "Attack: الغارة"


# -- in the background ----------------------------------------------------------------------


def test_opening_a_document_suggests_in_the_background_with_the_real_engine(qtbot, store, tmp_path):
    text = "Footage showed a Bayraktar TB2 over the town, and HIMARS hit a depot on Monday.\n"
    doc = store.add_document(Document(text=text, title="Drones")).id
    other = store.add_document(Document(text="Talks resumed in Astana.\n", title="Talks")).id
    w = make_window(qtbot, store, tmp_path, automatic=True)
    assert w.suggester.automatic_action.isChecked()
    assert w.browser.select_document(other)
    assert w.browser.select_document(doc)  # before the first run ends: it is ignored
    qtbot.waitUntil(lambda: not w.suggester.running(), timeout=ENGINE_TIMEOUT_MS)
    found = {(text[s.start : s.end], s.label): dict(s.attributes) for s in w.suggester.pending}
    assert found[("Bayraktar TB2", "WeaponSystem")] == {"category": "drone"}
    assert found[("HIMARS", "WeaponSystem")] == {"category": "rocket"}
    assert w.reader.text_view.suggestion_ids() == [s.id for s in w.suggester.pending]
    assert w.suggester.count_label.text() == f"{len(found)} suggestions"
    # the window remembers the choice
    w.suggester.automatic_action.setChecked(False)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    assert settings.value(AUTOMATIC_SETTING) in (False, "false")


def test_the_first_run_waits_for_the_window_to_be_painted(qtbot, store, tmp_path):
    """The engine's first build takes seconds on another thread and holds the GIL in stretches:
    started before the window is on screen, it held the window's first paint up."""
    text = "Footage showed a Bayraktar TB2 over the town.\n"
    doc = store.add_document(Document(text=text, title="Drones")).id
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue(AUTOMATIC_SETTING, True)
    w = MainWindow(store, settings, annotator="alice")
    qtbot.addWidget(w)
    assert w.reader.document_id() == doc  # opened as the window was made, not yet painted
    assert w.suggester.running()  # a run is due: waiting counts as running
    assert not w.suggester._workers  # but none has started
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.suggester.running(), timeout=ENGINE_TIMEOUT_MS)
    found = {(text[s.start : s.end], s.label) for s in w.suggester.pending}
    assert ("Bayraktar TB2", "WeaponSystem") in found


def test_suggest_now_runs_when_automatic_is_off_and_learns_from_the_corpus(
    qtbot, store, window, doc_id
):
    labelled = store.add_document(Document(text="The Wagner convoy moved north.\n", title="W"))
    store.add_span(labelled.id, "bob", Span(4, 10, "Actor"))  # "Wagner", labelled elsewhere
    fresh = store.add_document(Document(text="Wagner fighters left the town.\n", title="F")).id
    window.browser.reload()
    assert window.browser.select_document(fresh)
    assert window.suggester.pending == []
    key(qtbot, window, "G", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.suggester.running(), timeout=ENGINE_TIMEOUT_MS)
    assert [(s.start, s.end, s.label, s.source) for s in window.suggester.pending] == [
        (0, 6, "Actor", "corpus")
    ]
    assert window.statusBar().currentMessage() == "1 suggestion for this document"


def put_caret(window: MainWindow, offset: int) -> None:
    """The caret before code point ``offset``, no suggestion current."""
    view = window.reader.text_view
    view.set_current_suggestion(None)
    cursor = view.textCursor()
    cursor.setPosition(view.offsets().to_qt(offset))
    view.setTextCursor(cursor)


def _range(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _near(colour: QColor, target: QColor, tolerance: int = 60) -> bool:
    return (
        abs(colour.red() - target.red())
        + abs(colour.green() - target.green())
        + abs(colour.blue() - target.blue())
        <= tolerance
    )


def test_answers_and_a_background_run_on_both_engines(qtbot, either_store, tmp_path):
    store = either_store
    doc_id = store.add_document(Document(text=TEXT, title="Jets strike al-Bab")).id
    w = make_window(qtbot, store, tmp_path, automatic=True)
    assert w.browser.select_document(doc_id)
    qtbot.waitUntil(lambda: not w.suggester.running(), timeout=ENGINE_TIMEOUT_MS)
    found = {(TEXT[s.start : s.end], s.label) for s in w.suggester.pending}
    assert {("jets", "WeaponSystem"), ("al-Bab", "Location"), ("Aleppo", "Location")} <= found
    assert ("killing nine civilians", "Casualty") in found  # the casualty rules
    before = [s.id for s in store.suggestions(doc_id, "alice")]
    w.suggester.accept_all_action.trigger()
    made = [s.id for s in store.spans(doc_id, "alice")]
    assert len(made) == len(before) and store.suggestions(doc_id, "alice") == []
    w.editor.undo_stack.undo()
    assert store.spans(doc_id) == [] and w.reader.text_view.span_ids() == []
    assert [s.id for s in store.suggestions(doc_id, "alice")] == before
    w.editor.undo_stack.redo()
    assert [s.id for s in store.spans(doc_id, "alice")] == made
    assert w.reader.text_view.span_ids() == made


def test_a_run_cancelled_before_it_starts_stores_nothing(qtbot, store, tmp_path):
    doc = store.add_document(Document(text="Jets hit Aleppo.\n", title="A")).id
    worker = SuggestionWorker(store, EngineCache(), doc, "alice", ticket=7, refresh_learned=True)
    worker.cancel()
    with qtbot.waitSignal(worker.signals.sig_finished) as blocker:
        worker.run()
    [outcome] = blocker.args
    assert (outcome.doc_id, outcome.ticket, outcome.cancelled) == (doc, 7, True)
    assert store.suggestions(doc, "alice") == []


def test_the_screenshot_script_writes_its_pictures(qapp, tmp_path):
    names = ("suggestions", "suggestions-dark", "suggestions-arabic")
    for name, size in picture_sizes(qapp, suggestion_screenshots.main, tmp_path, names).items():
        assert size == (1280, 800), name

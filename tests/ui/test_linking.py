"""Linking and reshaping spans in the window: relations and event roles made with Ctrl+L and a
click, events with Ctrl+E, links listed and removed in the details panel, all occurrences
labelled at once, span ends moved with the keyboard and the mouse; each step undoable and in
the database at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from annotator.document import Document, Event, Relation, Span, Status
from corpus.store import Store
from tests.ui.test_annotating import (  # noqa: F401  (fixtures used by name)
    TEXT,
    click_span,
    doc_id,
    key,
    point_at,
    reshow,
    store,
    view_of,
    where,
    window,
)
from ui.link_editor import LinkOption
from ui.main_window import MainWindow


def add(store: Store, doc_id: int, word: str, label: str) -> int:
    return store.add_span(doc_id, "alice", Span(*where(word), label))


def show_spans(
    window: MainWindow, store: Store, doc_id: int, *spans: tuple[str, str]
) -> tuple[Any, list[int]]:
    """Add ``spans`` (word, label) to the document and show it again: the text view, and the
    spans' ids."""
    ids = [add(store, doc_id, word, label) for word, label in spans]
    reshow(window, doc_id)
    return view_of(window), ids


def relations(store: Store, doc_id: int) -> list[tuple[str, int, int]]:
    return [(r.relation.type, r.relation.head, r.relation.tail) for r in store.relations(doc_id)]


def link_by_hand(qtbot, window: MainWindow, head: int, tail: int) -> None:
    view = view_of(window)
    click_span(qtbot, view, head)
    key(qtbot, view, "Control+L")
    assert window.linker.is_linking()
    point = view.span_rects(tail)[0].center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_ctrl_l_then_a_click_links_two_spans_as_the_schema_allows(qtbot, window, store, doc_id):
    russian = add(store, doc_id, "Russian", "Actor")
    jets = add(store, doc_id, "jets", "WeaponSystem")
    reshow(window, doc_id)
    link_by_hand(qtbot, window, russian, jets)  # Actor to WeaponSystem: only "uses" fits

    assert relations(store, doc_id) == [("uses", russian, jets)]
    [relation] = store.relations(doc_id)
    view = view_of(window)
    assert [(link.head, link.tail, link.caption) for link in view.links()] == [
        (russian, jets, "uses")
    ]
    assert view.selected_span() == russian
    assert window.link_list.texts() == ["uses → 'jets'"]
    assert not window.linker.is_linking()

    window.editor.undo_action.trigger()
    assert store.relations(doc_id) == [] and view.links() == []
    assert window.link_list.texts() == []
    window.editor.redo_action.trigger()
    assert [r.id for r in store.relations(doc_id)] == [relation.id]  # the same id again
    assert len(view.links()) == 1


def test_a_role_creates_its_event_in_the_same_undo_step(qtbot, window, store, doc_id, monkeypatch):
    russian = add(store, doc_id, "Russian", "Actor")
    struck = add(store, doc_id, "struck", "Attack")
    reshow(window, doc_id)
    offered: list[str] = []

    def choose(options: list[LinkOption]) -> LinkOption:
        offered.extend(o.text for o in options)
        return next(o for o in options if o.role == "attacker")

    monkeypatch.setattr(window.linker, "choose", choose)
    link_by_hand(qtbot, window, struck, russian)

    assert offered == ["'struck' Attack: attacker 'Russian'", "'struck' Attack: target 'Russian'"]
    [event] = store.events(doc_id)
    assert (event.event.type, event.event.trigger, event.event.roles) == (
        "Attack",
        struck,
        (("attacker", russian),),
    )
    assert window.link_list.texts() == ["Attack event, 1 role", "attacker: 'Russian'"]
    assert window.editor.undo_stack.count() == 1
    window.editor.undo_action.trigger()
    assert store.events(doc_id) == []
    window.editor.redo_action.trigger()
    assert store.events(doc_id) == [event]


def test_a_link_the_schema_does_not_allow_is_refused_with_a_reason(qtbot, window, store, doc_id):
    jets = add(store, doc_id, "jets", "WeaponSystem")
    civilians = add(store, doc_id, "مدنيين", "Casualty")
    reshow(window, doc_id)
    messages: list[str] = []
    window.editor.sig_message.connect(messages.append)
    link_by_hand(qtbot, window, jets, civilians)
    assert store.relations(doc_id) == [] and store.events(doc_id) == []
    assert messages[-1] == (
        "The schema has no relation or event role joining WeaponSystem and Casualty"
    )


def test_escape_cancels_a_link_in_progress(qtbot, window, store, doc_id):
    view, [russian, jets] = show_spans(
        window, store, doc_id, ("Russian", "Actor"), ("jets", "WeaponSystem")
    )
    click_span(qtbot, view, russian)
    key(qtbot, view, "Control+L")
    key(qtbot, view, "Escape")
    assert not window.linker.is_linking()
    click_span(qtbot, view, jets)
    assert store.relations(doc_id) == []


def test_ctrl_e_makes_the_selected_span_an_event_trigger(qtbot, window, store, doc_id):
    view, [struck, russian] = show_spans(
        window, store, doc_id, ("struck", "Attack"), ("Russian", "Actor")
    )
    click_span(qtbot, view, struck)
    key(qtbot, view, "Control+E")
    assert [(e.event.type, e.event.trigger) for e in store.events(doc_id)] == [("Attack", struck)]
    assert window.link_list.texts() == ["Attack event, 0 roles"]
    click_span(qtbot, view, russian)
    key(qtbot, view, "Control+E")  # an Actor triggers nothing
    assert len(store.events(doc_id)) == 1


def test_a_link_is_removed_from_the_details_panel_and_undo_brings_it_back(
    qtbot, window, store, doc_id
):
    russian = add(store, doc_id, "Russian", "Actor")
    jets = add(store, doc_id, "jets", "WeaponSystem")
    uses = store.add_relation(Relation("uses", russian, jets))
    reshow(window, doc_id)
    click_span(qtbot, view_of(window), jets)
    assert window.link_list.texts() == ["'Russian' uses →"]
    links = window.link_list.list
    links.setFocus()
    links.setCurrentRow(0)
    qtbot.keyClick(links, Qt.Key.Key_Delete)
    assert store.relations(doc_id) == []
    assert window.link_list.texts() == []
    window.editor.undo_action.trigger()
    assert [r.id for r in store.relations(doc_id)] == [uses]
    # Activating the row selects the span at the other end.
    window.link_list.list.setCurrentRow(0)
    window.link_list.list.itemActivated.emit(window.link_list.list.item(0))
    assert view_of(window).selected_span() == russian


def test_deleting_a_span_takes_its_arcs_and_undo_restores_them(qtbot, window, store, doc_id):
    russian = add(store, doc_id, "Russian", "Actor")
    jets = add(store, doc_id, "jets", "WeaponSystem")
    store.add_relation(Relation("uses", russian, jets))
    reshow(window, doc_id)
    view = view_of(window)
    assert len(view.links()) == 1
    click_span(qtbot, view, jets)
    key(qtbot, view, "Delete")
    assert view.links() == [] and store.relations(doc_id) == []
    window.editor.undo_action.trigger()
    assert len(view.links()) == 1 and len(store.relations(doc_id)) == 1
    window.linker.all_links_action.setChecked(False)  # only the selected span's arcs
    assert not window.grab().isNull()


def test_label_all_occurrences_is_one_undo_step(qtbot, window, store):
    text = "Su-34 jets hit Idlib. Another Su-34 struck; the Su-34s and a Su-34, again.\n"
    other = store.add_document(Document(text=text, title="Repeats")).id
    window.refresh()
    assert window.browser.select_document(other)
    first = store.add_span(other, "alice", Span(0, 5, "WeaponSystem"))
    reshow(window, other)
    view = view_of(window)
    click_span(qtbot, view, first)
    key(qtbot, view, "Control+Shift+A")
    spans = [(s.span.start, s.span.end, s.span.label) for s in store.spans(other, "alice")]
    assert [text[a:b] for a, b, _ in spans] == ["Su-34"] * 3  # not inside "Su-34s"
    assert {label for *_, label in spans} == {"WeaponSystem"}
    assert len(view.span_ids()) == 3
    window.editor.undo_action.trigger()
    assert [s.id for s in store.spans(other, "alice")] == [first]
    key(qtbot, view, "Control+Shift+A")  # again: still two new ones, not the one there
    assert len(store.spans(other, "alice")) == 3


def test_span_ends_move_by_words_from_the_keyboard(qtbot, window, store, doc_id):
    view, [jets] = show_spans(window, store, doc_id, ("jets", "WeaponSystem"))
    click_span(qtbot, view, jets)

    def covered() -> str:
        [span] = store.spans(doc_id, "alice")
        return TEXT[span.span.start : span.span.end]

    key(qtbot, view, "Alt+Shift+Right")
    assert covered() == "jets struck"
    key(qtbot, view, "Alt+Left")
    assert covered() == "Russian jets struck"
    key(qtbot, view, "Alt+Right")
    key(qtbot, view, "Alt+Shift+Left")
    assert covered() == "jets"
    window.editor.undo_action.trigger()
    window.editor.undo_action.trigger()
    assert covered() == "Russian jets struck"
    assert [s.id for s in store.spans(doc_id, "alice")] == [jets]


def test_dragging_a_span_end_moves_it_to_a_word_boundary(qtbot, window, store, doc_id):
    view, [jets] = show_spans(window, store, doc_id, ("jets", "WeaponSystem"))
    click_span(qtbot, view, jets)
    rect = view.span_rects(jets)[0]
    grip = QPoint(int(rect.right()), int(rect.center().y()))
    assert view.edge_at(grip) == "end"
    _start, end = where("struck")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=grip)
    qtbot.mouseMove(view.viewport(), point_at(view, end - 2))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, end - 2))
    [span] = store.spans(doc_id, "alice")
    assert TEXT[span.span.start : span.span.end] == "jets struck"  # snapped to the word's end
    assert view.selected_range() is None


def test_a_locked_document_refuses_edits_with_a_message(qtbot, window, store, doc_id):
    russian = add(store, doc_id, "Russian", "Actor")
    store.set_status(doc_id, "alice", Status.LOCKED)
    reshow(window, doc_id)
    messages: list[str] = []
    window.editor.sig_message.connect(messages.append)
    view = view_of(window)
    click_span(qtbot, view, russian)
    key(qtbot, view, "Delete")
    assert [s.id for s in store.spans(doc_id, "alice")] == [russian]
    assert russian in view.span_ids()
    assert messages[-1].startswith(f"Not saved: document {doc_id} is locked for alice")
    assert window.editor.undo_stack.count() == 0


def test_right_click_on_a_span_offers_the_annotate_menu(qtbot, window, store, doc_id, monkeypatch):
    view, [russian] = show_spans(window, store, doc_id, ("Russian", "Actor"))
    qtbot.waitUntil(lambda: bool(view.span_rects(russian)))
    offered: list[str] = []

    def pick(_pos):
        offered.extend(a.text() for a in window.editor.menu.actions() if a.text())
        window.editor.label_actions["Location"].trigger()

    monkeypatch.setattr(window.editor.menu, "exec", pick)
    point = view.span_rects(russian)[0].center().toPoint()
    view.customContextMenuRequested.emit(point)
    assert "Label as Location" in offered and "&Link To…" in offered
    assert [s.span.label for s in store.spans(doc_id, "alice")] == ["Location"]


def test_shift_click_extends_the_selection_before_labelling(qtbot, window, store, doc_id):
    view = view_of(window)
    start, _ = where("Russian")
    _, end = where("struck")
    left = Qt.MouseButton.LeftButton
    qtbot.mouseClick(view.viewport(), left, pos=point_at(view, start))
    qtbot.mouseClick(view.viewport(), left, Qt.KeyboardModifier.ShiftModifier, point_at(view, end))
    assert view.selected_range() == (start, end)
    key(qtbot, view, "A")
    [span] = store.spans(doc_id, "alice")
    assert TEXT[span.span.start : span.span.end] == "Russian jets struck"


def test_a_role_refused_by_the_store_leaves_no_empty_undo_step(
    qtbot, window, store, doc_id, monkeypatch
):
    russian = add(store, doc_id, "Russian", "Actor")
    struck = add(store, doc_id, "struck", "Attack")
    store.set_status(doc_id, "alice", Status.REVIEWED)
    reshow(window, doc_id)
    monkeypatch.setattr(window.linker, "choose", lambda options: options[0])
    link_by_hand(qtbot, window, struck, russian)
    assert store.events(doc_id) == []
    assert window.editor.undo_stack.count() == 0


def test_a_role_filled_already_is_not_offered_again(qtbot, window, store, doc_id, monkeypatch):
    russian = add(store, doc_id, "Russian", "Actor")
    struck = add(store, doc_id, "struck", "Attack")
    store.add_event(Event("Attack", struck, (("attacker", russian),)))
    reshow(window, doc_id)
    options = window.linker.link_options(struck, russian)
    assert [o.role for o in options] == ["target"]


def test_relabelling_a_linked_span_out_of_its_link_is_refused(qtbot, window, store, doc_id):
    russian = add(store, doc_id, "Russian", "Actor")
    jets = add(store, doc_id, "jets", "WeaponSystem")
    store.add_relation(Relation("uses", russian, jets))
    reshow(window, doc_id)
    messages: list[str] = []
    window.editor.sig_message.connect(messages.append)
    click_span(qtbot, view_of(window), russian)
    key(qtbot, view_of(window), "L")  # Location: 'uses' takes an Actor
    assert [s.span.label for s in store.spans(doc_id, "alice")] == ["Actor", "WeaponSystem"]
    assert "remove the link first" in messages[-1]
    assert window.editor.undo_stack.count() == 0


def test_a_click_on_a_span_end_is_not_a_drag(qtbot, window, store, doc_id):
    view, [jets] = show_spans(window, store, doc_id, ("jets", "WeaponSystem"))
    click_span(qtbot, view, jets)
    rect = view.span_rects(jets)[0]
    grip = QPoint(int(rect.right()), int(rect.center().y()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=grip)
    assert window.editor.undo_stack.count() == 0
    [span] = store.spans(doc_id, "alice")
    assert TEXT[span.span.start : span.span.end] == "jets"


def test_right_to_left_text_is_isolated_so_the_quotes_stay_around_it():
    from ui.link_editor import isolated

    assert isolated("al-Bab") == "al-Bab"  # left-to-right rows are as typed
    assert isolated("سوقاً شعبية") == "\u2068سوقاً شعبية\u2069"
    assert isolated("قصف ISIS") == "\u2068قصف ISIS\u2069"

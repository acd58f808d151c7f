"""The workspace issue's "done means", end to end with the real widgets: on the default corpus
(seed article, default schema) label an actor, a location, a weapon system and a casualty with
their attributes, link them, undo and redo, quit, reopen and find everything there. Also: a
document imported from a CRLF file is labelled at the right code points."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSpinBox

from corpus.ingest import import_paths
from corpus.seed import prepare
from corpus.store import Store
from tests.ui.shown_window import show_window
from tests.ui.test_annotating import click_span, drag, key
from tests.ui.test_span_details import type_number
from ui.main_window import MainWindow


def open_window(qtbot, store: Store, tmp_path: Path) -> MainWindow:
    window = show_window(qtbot, store, tmp_path, (1280, 800))
    window.browser.select_first()
    focus(qtbot, window)
    return window


def focus(qtbot, window: MainWindow) -> None:
    """Give the reader the keyboard focus, as a click in it would."""
    window.reader.text_view.setFocus()
    qtbot.waitUntil(window.reader.text_view.hasFocus)


def label(qtbot, window: MainWindow, text: str, phrase: str, after: str, hotkey: str) -> int:
    """Drag over ``phrase`` (the first after ``after``), press ``hotkey``; the new span's id."""
    view = window.reader.text_view
    focus(qtbot, window)
    start = text.index(phrase, text.index(after))
    view.scroll_to_offset(text.rfind("\n", 0, start) + 1)
    drag(qtbot, view, start, start + len(phrase))
    key(qtbot, view, hotkey)
    span_id = view.selected_span()
    assert span_id is not None
    return span_id


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick ``text`` in the combo box by typing it, once it has the keyboard focus."""
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClicks(combo, text)
    assert combo.currentText() == text


def link(qtbot, window: MainWindow, head: int, tail: int) -> None:
    view = window.reader.text_view
    shown = window.editor.span(head)
    assert shown is not None
    view.scroll_to_offset(shown[0].start)  # its line at the top
    click_span(qtbot, view, head)
    key(qtbot, view, "Control+L")
    other = window.editor.span(tail)
    assert other is not None
    if not view.span_rects(tail):  # scroll to it, as the user would; linking goes on
        view.scroll_to_offset(other[0].start)
    qtbot.waitUntil(lambda: bool(view.span_rects(tail)))
    point = view.span_rects(tail)[0].center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_label_link_undo_redo_quit_and_reopen(qtbot, tmp_path):
    path = str(tmp_path / "corpus.db")
    store = Store.open(path)
    prepare(store, with_seeds=True)  # what `make run` opens: the seed article, default schema
    window = open_window(qtbot, store, tmp_path)
    doc_id = window.reader.document_id()
    assert doc_id is not None
    text = store.document(doc_id).text
    paragraph = "Lieutenant-General"

    actor = label(qtbot, window, text, "Russian", paragraph, "A")
    choose(qtbot, window.details.editors["category"], "state_force")
    weapon = label(qtbot, window, text, "jets", paragraph, "W")
    choose(qtbot, window.details.editors["category"], "aircraft")
    place = label(qtbot, window, text, "al-Bab", paragraph, "L")
    choose(qtbot, window.details.editors["type"], "city")
    casualty = label(qtbot, window, text, "brother killed", "FSA fighter", "C")
    editors = window.details.editors  # the form of the span selected
    assert isinstance(editors["count"], QSpinBox) and isinstance(editors["kind"], QComboBox)
    type_number(qtbot, window.details.editors["count"], "1")
    choose(qtbot, window.details.editors["kind"], "killed")
    focus(qtbot, window)

    link(qtbot, window, actor, weapon)  # Actor to WeaponSystem: "uses"
    link(qtbot, window, weapon, place)  # anything to a Location: "located_at"
    link(qtbot, window, actor, casualty)  # Actor to Casualty: "caused"
    relations = {
        (r.relation.type, r.relation.head, r.relation.tail) for r in store.relations(doc_id)
    }
    assert relations == {
        ("uses", actor, weapon),
        ("located_at", weapon, place),
        ("caused", actor, casualty),
    }

    undo, redo = window.editor.undo_action, window.editor.redo_action
    for _ in range(5):  # the three links, then the casualty's kind and count
        undo.trigger()
    assert store.relations(doc_id) == []
    assert store.span_state(casualty).span.attributes == {}
    for _ in range(5):
        redo.trigger()
    assert len(store.relations(doc_id)) == 3
    expected_spans = {
        (s.id, s.span.start, s.span.end, s.span.label, tuple(sorted(s.span.attributes.items())))
        for s in store.spans(doc_id, "alice")
    }
    assert {label for *_, label, _ in expected_spans} == {
        "Actor",
        "WeaponSystem",
        "Location",
        "Casualty",
    }
    for span_id, start, end, _label, _attributes in expected_spans:
        covered = text[start:end]
        assert covered in {"Russian", "jets", "al-Bab", "brother killed"}, (span_id, covered)
    assert dict(store.span_state(casualty).span.attributes) == {"count": 1, "kind": "killed"}
    assert dict(store.span_state(actor).span.attributes) == {"category": "state_force"}

    window.close()  # quit: nothing to save, every step is in the database already
    store.close()

    reopened = Store.open(path)
    try:
        again = open_window(qtbot, reopened, tmp_path)
        assert again.reader.document_id() == doc_id
        shown = {
            (s.id, s.span.start, s.span.end, s.span.label, tuple(sorted(s.span.attributes.items())))
            for s in reopened.spans(doc_id, "alice")
        }
        assert shown == expected_spans
        view = again.reader.text_view
        assert sorted(view.span_ids()) == sorted(s[0] for s in expected_spans)
        assert {(link.head, link.tail, link.caption) for link in view.links()} == {
            (actor, weapon, "uses"),
            (weapon, place, "located_at"),
            (actor, casualty, "caused"),
        }
        assert "4 spans" in again.annotation_label.text()
        assert "in progress" in again.annotation_label.text()
    finally:
        reopened.close()


def test_a_document_imported_from_crlf_is_labelled_at_code_points(qtbot, tmp_path):
    source = tmp_path / "report.txt"
    source.write_bytes(
        "Strike on market\r\n\r\nTwo 🇸🇾 drones hit the market.\r\nNine civilians were killed.\r\n".encode()
    )
    store = Store.open(str(tmp_path / "c.db"))
    try:
        prepare(store, with_seeds=False)
        report = import_paths(store, [source])
        [doc_id] = report.document_ids
        text = store.document(doc_id).text
        assert "\r" not in text
        window = open_window(qtbot, store, tmp_path)
        assert window.reader.document_id() == doc_id
        view = window.reader.text_view
        start = text.index("Nine civilians")
        drag(qtbot, view, start, start + len("Nine civilians"))
        key(qtbot, view, "C")
        drones = text.index("drones")
        drag(qtbot, view, drones, drones + len("drones"))
        key(qtbot, view, "W")
        stored = sorted(
            (s.span.start, s.span.end, text[s.span.start : s.span.end], s.span.label)
            for s in store.spans(doc_id, "alice")
        )
        assert stored == [
            (drones, drones + 6, "drones", "WeaponSystem"),
            (start, start + 14, "Nine civilians", "Casualty"),
        ]
    finally:
        store.close()

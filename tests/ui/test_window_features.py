"""The window's conveniences: F1 lists every shortcut, zoom, light and dark themes, recent
corpora opening in a new window, and switching (or, at first start, choosing) the annotator;
each remembered in the settings."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton

from annotator.document import Span
from annotator.schema import LabelSpec
from corpus.schema_edits import SchemaRenames
from corpus.store import Store
from tests.ui.test_annotating import (  # noqa: F401  (fixtures used by name)
    doc_id,
    drag,
    key,
    store,
    view_of,
    where,
    window,
)
from ui import app as app_module
from ui import main_menus, window_session
from ui import main_window as main_window_module
from ui.appearance import VisibleIndicatorStyle
from ui.main_window import MainWindow
from ui.palette import dark_palette
from ui.shortcut_help import MOUSE_GESTURES, ShortcutHelp, shortcut_rows


def test_ctrl_o_imports_in_the_background_and_the_list_follows(
    qtbot, window: MainWindow, store: Store, monkeypatch, tmp_path
):
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(f"Report {n}\n\nShelling hit village {n} at dawn.\n")
    monkeypatch.setattr(main_menus, "choose_import_paths", lambda parent: [str(folder)])
    before = window.browser.document_model.total()
    shown = window.reader.document_id()
    drag(qtbot, view_of(window), *where("jets"))
    key(qtbot, view_of(window), "W")
    with qtbot.waitSignal(window.importer.sig_finished, timeout=30_000) as finished:
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert finished.args[0].report.imported == 3
    window.importer.summary_dialog.close()
    assert window.reader.document_id() == shown  # the article on show stays, with its undo
    assert window.editor.undo_stack.count() == 1
    assert window.browser.document_model.total() == before + 3
    assert store.count_documents() == before + 3


def test_a_label_added_in_the_schema_editor_gets_its_hotkey_at_once(
    qtbot, window: MainWindow, store: Store, doc_id: int, monkeypatch
):
    def add_vehicle(shown_store: Store, parent) -> bool:
        schema = shown_store.schema()
        vehicle = LabelSpec("Vehicle", "#8c564b", "v")
        shown_store.change_schema(
            replace(schema, labels=(*schema.labels, vehicle)), SchemaRenames()
        )
        return True

    monkeypatch.setattr("ui.schema_editor.edit_schema", add_vehicle)  # imported when asked for
    window.schema_action.trigger()
    assert "Vehicle" in window.editor.label_actions  # the palette and hotkeys follow
    assert window.reader.document_id() == doc_id  # the same article stays on show
    view = view_of(window)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    drag(qtbot, view, *where("jets"))
    key(qtbot, view, "V")
    assert [s.span.label for s in store.spans(doc_id, "alice")] == ["Vehicle"]


def test_f1_lists_every_shortcut_of_the_menus(qtbot, window: MainWindow, monkeypatch):
    rows = shortcut_rows(window.menuBar())
    keys = {(what, keys) for _where, what, keys in rows}
    for expected in [
        ("Link To…", "Ctrl+L"),
        ("Add Event", "Ctrl+E"),
        ("Label as Actor", "A"),
        ("Label All Occurrences", "Ctrl+Shift+A"),
        ("Undo", "Ctrl+Z"),
        ("Keyboard Shortcuts", "F1"),
        ("Zoom In", "Ctrl++, Ctrl+="),
        ("Move End Right", "Alt+Shift+Right"),
    ]:
        assert expected in keys
    assert ("Annotate › Span Boundaries", "Move Start Left", "Alt+Left") in rows
    shown: list[ShortcutHelp] = []
    monkeypatch.setattr(ShortcutHelp, "exec", lambda self: shown.append(self) or 0)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    [dialog] = shown
    assert ("Reader", "Select a word", "Double-click") in dialog.rows()
    assert len(dialog.rows()) == len(rows) + len(MOUSE_GESTURES)


def test_zoom_grows_the_text_keeps_the_spans_and_is_remembered(
    qtbot, window: MainWindow, store: Store, doc_id: int, tmp_path
):
    span_id = store.add_span(doc_id, "alice", Span(*where("Russian"), "Actor"))
    window.reader.show_message("")
    window.show_document(doc_id)
    view = view_of(window)
    view.select_span(span_id)
    before = view.font().pointSizeF()
    width = view.span_rects(span_id)[0].width()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSizeF() == before + 2
    assert view.span_rects(span_id)[0].width() > width  # drawn at the new size
    assert view.span_ids() == [span_id] and view.selected_span() == span_id
    window.close()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    again = MainWindow(store, settings, annotator="alice")
    qtbot.addWidget(again)
    assert again.reader.zoom() == 2
    again.reset_zoom_action.trigger()
    assert again.reader.text_view.font().pointSizeF() == before


def test_the_theme_is_applied_and_remembered(qtbot, window: MainWindow, tmp_path):
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        window.appearance.actions["dark"].trigger()
        assert app.palette().color(QPalette.ColorRole.Base).lightness() < 64
        window.appearance.actions["light"].trigger()
        assert app.palette().color(QPalette.ColorRole.Base).lightness() > 192
        window.appearance.actions["dark"].trigger()
        settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        assert settings.value("appearance/theme") == "dark"
    finally:
        window.appearance.set_theme("system")


def test_a_recent_corpus_opens_in_a_new_window(qtbot, window: MainWindow, monkeypatch, tmp_path):
    started: list[tuple[str, str]] = []
    monkeypatch.setattr(
        window_session,
        "open_in_new_window",
        lambda url, who: started.append((url, who)) or True,
    )
    other = str(tmp_path / "other.db")
    window.open_corpus(other)
    assert started == []  # not there: nothing to open (opening would create an empty one)
    (tmp_path / "other.db").touch()
    window.open_corpus(other)
    assert started == [(other, "alice")]
    window.recent_menu.aboutToShow.emit()
    entries = {a.text(): a for a in window.recent_menu.actions()}
    assert list(entries) == [other, window.store.url]
    assert not entries[window.store.url].isEnabled()  # the open one
    entries[other].trigger()
    assert started == [(other, "alice")] * 2


def test_switching_annotator_shows_their_spans_and_status(
    qtbot, window: MainWindow, store: Store, doc_id: int, monkeypatch
):
    store.add_span(doc_id, "alice", Span(*where("Russian"), "Actor"))
    bobs = store.add_span(doc_id, "bob", Span(*where("jets"), "WeaponSystem"))
    window.reader.show_message("")
    window.show_document(doc_id)
    monkeypatch.setattr(window_session, "ask_annotator", lambda parent, current, names: names[-1])
    window.annotator_action.trigger()  # the names offered: alice, bob
    assert window.annotator == window.editor.annotator == "bob"
    assert view_of(window).span_ids() == [bobs]
    assert "Annotator: bob" in window.annotation_label.text()
    key(qtbot, view_of(window), "Delete")  # nothing selected: nothing happens
    assert [s.id for s in store.spans(doc_id, "bob")] == [bobs]


def test_first_start_asks_who_annotates_and_remembers(monkeypatch, tmp_path, qtbot):
    store = Store.open(str(tmp_path / "c.db"))
    settings = QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(app_module, "QSettings", lambda: settings)
    asked: list[str] = []
    monkeypatch.setattr(
        app_module, "ask_annotator", lambda parent, default, names: asked.append(default) or "Dana"
    )
    windows: list[MainWindow] = []
    monkeypatch.setattr(MainWindow, "show", lambda self: windows.append(self))
    monkeypatch.setattr(QApplication, "exec", lambda *args: 0)
    try:
        assert app_module.run(store) == 0
        assert asked == [main_window_module.login_name()]
        assert windows[0].annotator == "Dana"
        assert app_module.run(store) == 0  # the second start does not ask again
        assert len(asked) == 1 and windows[1].annotator == "Dana"
        assert app_module.run(store, annotator="Eve") == 0
        assert windows[2].annotator == "Eve" and settings.value("annotator/name") == "Eve"
    finally:
        for w in windows:
            w.deleteLater()
        store.close()


def test_document_properties_update_the_heading_and_the_list(
    qtbot, window: MainWindow, store: Store, doc_id: int, monkeypatch
):
    def retitle(shown_store: Store, shown: int, parent) -> bool:
        shown_store.update_document(
            shown,
            title="Jets strike al-Bab again",
            author="Desk",
            published="2017-01-19",
            source=None,
        )
        return True

    monkeypatch.setattr("ui.metadata_editor.edit_metadata", retitle)
    window.properties_action.trigger()
    assert window.reader.title_label.text() == "Jets strike al-Bab again"
    assert "Desk" in window.reader.meta_label.text()
    model = window.browser.document_model
    row = model.row_of(doc_id)
    assert row is not None
    assert model.index(row, 0).data() == "Jets strike al-Bab again"
    assert [hit.id for hit in store.search("again")] == [doc_id]


def test_the_list_shows_the_status_the_annotator_reaches(
    qtbot, window: MainWindow, store: Store, doc_id: int
):
    model = window.browser.document_model
    row = model.row_of(doc_id)
    status_column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Status"
    )
    assert model.index(row, status_column).data() == "new"
    view = view_of(window)
    drag(qtbot, view, *where("jets"))
    key(qtbot, view, "W")
    assert model.index(row, status_column).data() == "in progress"


def test_check_boxes_show_on_the_dark_palette(qtbot):
    box = QCheckBox("Sticky label")
    style = VisibleIndicatorStyle()
    box.setStyle(style)
    box.setPalette(dark_palette())
    qtbot.addWidget(box)
    box.resize(140, 28)
    image = box.grab().toImage()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    left_edge = [
        image.pixelColor(rect.left() + 1, y).lightness()
        for y in range(rect.top() + 3, rect.bottom() - 3)
    ]
    assert max(left_edge) > 120  # the window is lightness 43: the outline stands out


def test_ctrl_and_the_wheel_zoom_like_the_keys(qtbot, window: MainWindow):
    view = view_of(window)
    before = view.font().pointSizeF()
    QApplication.sendEvent(
        view.viewport(),
        QWheelEvent(
            QPointF(20, 20),
            QPointF(view.mapToGlobal(QPoint(20, 20))),
            QPoint(0, 0),
            QPoint(0, 240),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.ControlModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
    )
    assert window.reader.zoom() == 2 and view.font().pointSizeF() == before + 2
    window.reset_zoom_action.trigger()
    assert view.font().pointSizeF() == before

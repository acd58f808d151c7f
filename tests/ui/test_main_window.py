"""The main window: corpus browser, article reader, label legend, status bar and menus."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView

from annotator.document import Document, Span
from corpus.store import Store
from tests.ui.shown_window import add_wire_article, show_window, store  # noqa: F401  (fixture used by name)
from ui import app as app_module
from ui.main_window import EMPTY_CORPUS_MESSAGE, MainWindow

ARABIC = (
    "قال مصدر طبي إن ثمانية مدنيين قُتلوا في غارة جوية استهدفت سوقاً شعبية في ريف إدلب. "
    "وأضاف أن فرق الدفاع المدني ما زالت تبحث عن ناجين.\n"
)
ARTICLES = [
    ("Jets strike al-Bab", "Russian and Turkish jets struck al-Bab, near Aleppo, on Wednesday.\n"),
    ("Aid convoy arrives", "A convoy of trucks reached the besieged town on Friday.\n"),
    ("Talks resume", "Delegations met in Astana to discuss a ceasefire.\n"),
]


@pytest.fixture
def ids(store) -> list[int]:
    """Three English articles in the store."""
    return [add_wire_article(store, text, title) for title, text in ARTICLES]


@pytest.fixture
def make_window(qtbot, store, tmp_path) -> Callable[[], MainWindow]:
    """Build, show and register a main window whose settings live in tmp_path."""

    def make() -> MainWindow:
        return show_window(qtbot, store, tmp_path, annotator="ann")

    return make


def click_row(qtbot, view: QTableView, row: int) -> None:
    """Click the middle of the first cell of ``row``."""
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_first_document_is_shown_at_start(make_window, ids):
    window = make_window()
    assert window.reader.document_id() == ids[0]
    assert window.reader.title_label.text() == "Jets strike al-Bab"
    assert (
        window.reader.meta_label.text()
        .replace("\u2068", "")
        .replace("\u2069", "")
        .endswith("Reuters · 2017-01-18 · Wire")
    )
    assert window.reader.text_view.toPlainText() == ARTICLES[0][1]
    assert window.reader.text_view.isReadOnly()
    assert window.browser.document_view.currentIndex().row() == 0


def test_clicking_a_row_shows_that_document(qtbot, make_window, ids):
    window = make_window()
    click_row(qtbot, window.browser.document_view, 2)
    qtbot.waitUntil(lambda: window.reader.document_id() == ids[2])
    assert window.reader.title_label.text() == "Talks resume"
    assert window.reader.text_view.toPlainText() == ARTICLES[2][1]


def test_arrow_keys_move_to_the_next_document(qtbot, make_window, ids):
    window = make_window()
    qtbot.keyClick(window.browser.document_view, Qt.Key.Key_Down)
    assert window.reader.document_id() == ids[1]


def test_selection_signal_carries_the_document_id(qtbot, make_window, ids):
    window = make_window()
    with qtbot.waitSignal(window.browser.sig_document_selected) as blocker:
        click_row(qtbot, window.browser.document_view, 1)
    assert blocker.args == [ids[1]]


def test_typing_a_query_shows_matches_and_clearing_restores_all(qtbot, make_window, ids):
    window = make_window()
    browser = window.browser
    qtbot.keyClicks(browser.search_box, "Aleppo")
    assert not browser.is_searching()  # debounced: nothing until typing pauses
    qtbot.waitUntil(browser.is_searching)
    results = browser.search_view.model()
    assert results.rowCount() == 1
    assert results.index(0, 0).data() == "Jets strike al-Bab"
    assert "[Aleppo]" in results.index(0, 1).data()
    assert browser.count_label.text() == "1 article matches “Aleppo”"
    assert browser.search_view.isVisible() and not browser.document_view.isVisible()

    qtbot.keyClick(browser.search_box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Backspace)
    assert not browser.is_searching()
    assert browser.document_view.isVisible()
    assert browser.document_view.model().rowCount() == 3
    assert browser.count_label.text() == "3 articles"


def test_a_query_without_matches_says_so(qtbot, make_window, ids):
    window = make_window()
    qtbot.keyClicks(window.browser.search_box, "zeppelin")
    qtbot.keyClick(window.browser.search_box, Qt.Key.Key_Return)  # no wait for the timer
    assert window.browser.is_searching()
    assert window.browser.search_view.model().rowCount() == 0
    assert window.browser.count_label.text() == "No articles match “zeppelin”"


def test_clicking_a_search_result_shows_it(qtbot, make_window, ids):
    window = make_window()
    qtbot.keyClicks(window.browser.search_box, "convoy")
    qtbot.waitUntil(window.browser.is_searching)
    click_row(qtbot, window.browser.search_view, 0)
    qtbot.waitUntil(lambda: window.reader.document_id() == ids[1])
    assert window.reader.text_view.toPlainText() == ARTICLES[1][1]


def test_ctrl_f_focuses_the_search_box(qtbot, make_window, ids):
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.browser.search_box.placeholderText() == "Search the corpus…"
    assert not window.browser.search_box.hasFocus()
    qtbot.keyClick(window.browser.document_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.browser.search_box.hasFocus)
    assert window.find_action.shortcut() == QKeySequence("Ctrl+F")


def test_legend_lists_the_schema_labels(make_window, store):
    window = make_window()
    expected = [(lb.name, lb.color.lower(), lb.hotkey or "") for lb in store.schema().labels]
    assert window.legend.labels() == expected
    assert window.legend_dock.isVisible()


def test_legend_can_be_hidden_from_the_view_menu(make_window):
    window = make_window()
    window.legend_dock.toggleViewAction().trigger()
    assert not window.legend_dock.isVisible()


def test_empty_corpus_shows_how_to_import(make_window):
    window = make_window()
    assert window.reader.message() == EMPTY_CORPUS_MESSAGE
    assert EMPTY_CORPUS_MESSAGE.replace("\u00a0", " ") == (
        "No articles yet — import some with File › Import Articles… (Ctrl+O), by dropping "
        "files here, or with: annotator import PATH"
    )
    assert window.reader.message_label.isVisible()
    assert window.reader.document_id() is None
    assert window.browser.count_label.text() == "No articles"
    assert window.count_label.text() == "0 articles"


def test_arabic_text_is_shown_unchanged_and_right_aligned(qtbot, make_window, store, ids):
    arabic_id = store.add_document(Document(text=ARABIC, title="غارة جوية على سوق في إدلب")).id
    window = make_window()
    assert window.browser.select_document(arabic_id)
    assert window.reader.text_view.toPlainText() == ARABIC
    assert window.reader.title_label.alignment() & Qt.AlignmentFlag.AlignRight
    layout = window.reader.text_view.document().firstBlock().layout()
    qtbot.waitUntil(lambda: layout.lineCount() > 1)
    first, last = layout.lineAt(0), layout.lineAt(layout.lineCount() - 1)
    # Right-aligned: a short last line ends where the full first line does, not at the left.
    assert abs(last.naturalTextRect().right() - first.naturalTextRect().right()) < 2
    assert last.naturalTextRect().width() < first.naturalTextRect().width()
    assert window.browser.select_document(ids[0])
    assert window.reader.title_label.alignment() & Qt.AlignmentFlag.AlignLeft


def test_the_reader_draws_the_documents_spans_in_schema_colours(qtbot, make_window, store, ids):
    text = ARTICLES[0][1]
    russian = store.add_span(ids[0], "ann", Span(0, 7, "Actor"))
    start = text.index("al-Bab")
    al_bab = store.add_span(ids[0], "ann", Span(start, start + 6, "Location"))
    store.add_span(ids[0], "other", Span(start, start + 6, "Actor"))  # another annotator's
    store.add_span(ids[1], "ann", Span(2, 8, "WeaponSystem"))  # another document's
    window = make_window()
    view = window.reader.text_view
    assert view.span_ids() == [russian, al_bab]  # the annotator's own, this document's only
    qtbot.waitUntil(lambda: bool(view.span_rects(al_bab)))
    point = view.span_rects(al_bab)[0].center().toPoint()
    assert view.span_at(point) == al_bab
    location = store.schema().label("Location").color
    assert view.span_tooltip(al_bab) == "Location: al-Bab"
    image = view.viewport().grab().toImage()
    underline = view.span_rects(al_bab)[0]
    ratio = image.devicePixelRatio()
    pixel = image.pixelColor(
        int(underline.center().x() * ratio), int((underline.bottom() + 2) * ratio)
    )
    assert pixel.name() == location.lower()
    with qtbot.waitSignal(view.sig_span_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [al_bab]
    assert window.browser.select_document(ids[1])
    assert len(view.span_ids()) == 1


def test_status_bar_shows_corpus_count_and_schema(make_window, store, ids):
    window = make_window()
    assert window.location_label.text() == store.url
    assert window.count_label.text() == "3 articles"
    assert window.schema_label.text() == "Schema: conflict v1"


def test_status_bar_hides_a_server_password(make_window, store):
    store.url = "postgresql://annotator:s3cret@db.example.org/news"
    window = make_window()
    assert window.location_label.text() == "postgresql://annotator:***@db.example.org/news"
    assert "s3cret" not in window.windowTitle()


def test_geometry_and_layout_are_remembered(qtbot, make_window, ids):
    window = make_window()
    window.resize(700, 500)  # within the offscreen screen (800x600): restoring clamps to it
    window.legend_dock.hide()
    window.quit_action.trigger()
    assert not window.isVisible()
    again = make_window()
    assert (again.width(), again.height()) == (700, 500)
    assert not again.legend_dock.isVisible()


def test_quit_is_ctrl_q(make_window):
    window = make_window()
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")


def test_about_names_the_app(make_window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, text: shown.append(text))
    window = make_window()
    window.about_action.trigger()
    assert len(shown) == 1 and "News Annotator" in shown[0]


def test_run_shows_the_window_and_returns_the_exit_code(qtbot, store, tmp_path, monkeypatch):
    app = QApplication.instance()
    names = app.applicationName(), app.organizationName()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    opened = []

    def window_for_test(s, _settings=None, annotator=None):
        window = MainWindow(s, settings, annotator=annotator)
        opened.append(window)
        QTimer.singleShot(0, window.close)  # closing the last window ends the event loop
        return window

    monkeypatch.setattr(app_module, "MainWindow", window_for_test)
    try:
        assert app_module.run(store, ["annotator"], annotator="zoe") == 0
        assert (app.applicationName(), app.organizationName()) == (
            "News Annotator",
            "news-annotator",
        )
    finally:
        app.setApplicationName(names[0])
        app.setOrganizationName(names[1])
    assert len(opened) == 1
    assert opened[0].annotator == "zoe"
    opened[0].deleteLater()


def test_a_corpus_without_schema_says_so(qtbot, tmp_path):
    bare = Store.open(str(tmp_path / "bare.db"))
    try:
        settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(bare, settings)
        qtbot.addWidget(window)
        assert window.legend.labels() == []
        assert window.legend.topLevelItem(0).text(0) == "No schema set"
        assert window.schema_label.text() == "No schema"
    finally:
        bare.close()


def test_title_column_takes_the_spare_width(qtbot, make_window, ids):
    window = make_window()
    view = window.browser.document_view
    for column in range(1, view.model().columnCount()):
        view.setColumnWidth(column, 50)
    others = 50 * (view.model().columnCount() - 1)
    window.legend_dock.hide()  # room to widen the browser within the small offscreen screen
    window.details_dock.hide()
    window.splitter.setSizes([600, 200])
    qtbot.waitUntil(lambda: view.columnWidth(0) == view.viewport().width() - others)
    wide = view.columnWidth(0)
    assert wide > 180
    window.splitter.setSizes([250, 550])
    qtbot.waitUntil(lambda: view.columnWidth(0) == 180)  # the minimum: the table scrolls instead
    assert view.viewport().width() - others < 180

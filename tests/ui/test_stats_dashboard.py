"""View ▸ Statistics…: the dashboard counts in the background what ``Store.statistics`` gives,
draws it (bars, a histogram, stacked bars, the map), follows the collection and annotator
filters, counts again when reopened, and saves each chart as PNG and its figures as CSV."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from matplotlib.colors import to_hex
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QToolTip

from annotator.document import Document, Span
from corpus import resources
from corpus.statistics import StatisticsScope
from corpus.store import Store
from tests.corpus import statistics_corpus as corpus
from tests.ui.screenshot_script import picture_sizes
from tests.ui.test_agreement_dashboard import read_csv, saving_to
from ui import stats_screenshots, stats_worker
from ui.main_window import MainWindow
from ui.palette import dark_palette
from ui.stats_dashboard import StatisticsDashboard

SARA = "سارة"


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    """A SQLite corpus file (the worker opens its own connection) with known figures."""
    s = Store.open(str(tmp_path / "c.db"))
    s.set_schema(resources.shipped_schema())
    corpus.build(s)
    yield s
    s.close()


@pytest.fixture
def window(qtbot, store, tmp_path) -> MainWindow:
    return shown_window(qtbot, store, tmp_path)


def shown_window(qtbot, store: Store, tmp_path: Path) -> MainWindow:
    """The main window on ``store``, shown; counts in flight end before it closes."""
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    w = MainWindow(store, settings, annotator="alice")
    qtbot.addWidget(w, before_close_func=_wait_for_counts)
    w.show()
    return w


def _wait_for_counts(window: MainWindow) -> None:
    if window.statistics.dashboard is not None:
        window.statistics.dashboard.runs.wait(20_000)


def settle(qtbot, dashboard: StatisticsDashboard) -> None:
    """Wait until the figures for the filters on show are counted and shown."""
    qtbot.waitUntil(
        lambda: not dashboard.runs.is_busy() and not dashboard.filters.timer.isActive(),
        timeout=20_000,
    )


def open_dashboard(qtbot, window: MainWindow) -> StatisticsDashboard:
    """Open the dashboard as a user does, from the View menu, and wait for its figures."""
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    next(a for a in view.actions() if a.text() == "&Statistics…").trigger()
    settle(qtbot, window.statistics.dashboard)
    assert window.statistics.dashboard.isVisible()
    return window.statistics.dashboard


def bars(panel) -> dict[str, float]:
    """The names and lengths of a horizontal bar chart's bars."""
    axes = panel.figure.axes[0]
    names = [t.get_text() for t in axes.get_yticklabels()]
    return dict(zip(names, [p.get_width() for p in axes.patches], strict=True))


# -- figures --------------------------------------------------------------------------------------


def test_the_view_menu_opens_the_dashboard_with_the_stores_figures(qtbot, window, store):
    dashboard = open_dashboard(qtbot, window)
    expected = store.statistics()
    assert dashboard.statistics == expected
    shown = {card.caption.text(): card.value.text() for card in dashboard.cards}
    assert shown == {
        "Documents": "4",
        "Spans": "20",
        "Annotators": "3",
        "Casualties": "30",
        "Places on the map": "3",
    }
    assert dashboard.filters.status.text() == "4 document(s), 20 spans."
    assert not dashboard.filters.busy.isVisible() and dashboard.pages.currentIndex() == 0


def test_every_chart_draws_the_figures(qtbot, window, store):
    dashboard = open_dashboard(qtbot, window)
    assert bars(dashboard.status_panel) == {
        "new": 1,
        "in progress": 2,
        "done": 1,
        "reviewed": 1,
        "locked": 0,
    }
    assert bars(dashboard.label_panel) == {
        "Casualty": 6,
        "Location": 6,
        "Actor": 5,
        "WeaponSystem": 3,
    }
    # Progress: four bars (assigned, started, done, reviewed) per annotator, alice first.
    progress = dashboard.progress_panel.figure.axes[0]
    assert [t.get_text() for t in progress.get_yticklabels()] == ["alice", "bob", SARA]
    widths = [p.get_width() for p in progress.patches]
    assert widths[0::3] == [3, 2, 2, 1]  # alice's: series after series
    histogram = dashboard.histogram_panel.figure.axes[0]
    assert [p.get_height() for p in histogram.patches] == [1, 0, 0, 0, 1, 0, 0, 1, 0, 1]
    casualties = dashboard.casualty_panel.figure.axes[0]
    assert [t.get_text() for t in casualties.get_yticklabels()] == ["injured", "killed"]
    totals = {t.get_text().strip() for t in casualties.texts}
    assert {"4", "26"} <= totals


def test_the_choosers_pick_an_attribute_and_the_frequent_labels(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    assert bars(dashboard.attribute_panel) == {"non_state_armed_group": 3, "state_force": 1}
    dashboard.attribute.setCurrentIndex(dashboard.attribute.findText("Casualty · kind"))
    assert bars(dashboard.attribute_panel) == {"killed": 4, "injured": 2}
    chosen = [choice.currentData() for choice in dashboard.frequent_choices]
    assert chosen == ["Actor", "Location", "WeaponSystem"]
    assert bars(dashboard.frequent_panels[0]) == {"Islamic State": 4, "Russian": 1}
    assert bars(dashboard.frequent_panels[1]) == {"al-Bab": 2, "Idlib": 2, "حلب": 2}
    first = dashboard.frequent_choices[0]
    first.setCurrentIndex(first.findData("Casualty"))
    assert bars(dashboard.frequent_panels[0])["nine civilians were killed"] == 2
    assert dashboard.frequent_panels[0].stem == "statistics-frequent-Casualty"


def test_the_map_puts_a_point_on_each_place_and_names_the_largest(qtbot, window, store):
    dashboard = open_dashboard(qtbot, window)
    axes = dashboard.map_panel.figure.axes[0]
    [points] = axes.collections[-1:]
    places = store.statistics().places
    assert points.get_offsets().tolist() == [[p.longitude, p.latitude] for p in places]
    sizes = points.get_sizes()
    assert sizes[0] == sizes[1] > sizes[2]  # two spans each, then one
    assert {"al-Bab", "حلب", "Idlib"} >= {t.get_text() for t in axes.texts} >= {"al-Bab"}
    assert len(axes.collections) > 3  # land, lakes, islands, borders drawn under the points
    left, right = axes.get_xlim()
    assert 30 < left < 36.6 and 37.5 < right < 45  # fitted to the places
    dashboard.view.setCurrentIndex(dashboard.view.findData(True))
    axes = dashboard.map_panel.figure.axes[0]
    left, right = axes.get_xlim()
    assert left <= -180 and right >= 180


def test_hovering_a_place_names_it_in_a_tool_tip(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    dashboard.tabs.setCurrentIndex(3)
    canvas = dashboard.map_panel.canvas
    canvas.draw()
    axes = dashboard.map_panel.figure.axes[0]
    x, y = axes.transData.transform((37.16, 36.2))  # Aleppo
    canvas.callbacks.process("motion_notify_event", MouseEvent("motion_notify_event", canvas, x, y))
    assert QToolTip.text() == "حلب: 2 spans\n36.2000, 37.1600\nGeoNames 170063"
    canvas.callbacks.process(
        "motion_notify_event", MouseEvent("motion_notify_event", canvas, x + 200, y + 150)
    )
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


# -- filters --------------------------------------------------------------------------------------


def test_the_collection_and_annotator_filters_change_the_figures(qtbot, window, store):
    dashboard = open_dashboard(qtbot, window)
    filters = dashboard.filters
    filters.collection.setCurrentIndex(filters.collection.findData("wire"))
    settle(qtbot, dashboard)
    assert dashboard.statistics == store.statistics(StatisticsScope("wire"))
    assert dashboard.cards[0].value.text() == "3"
    assert filters.status.text() == "3 document(s) in ‘wire’, 16 spans."
    filters.set_annotators(["bob", SARA])
    settle(qtbot, dashboard)
    expected = store.statistics(StatisticsScope("wire", ("bob", SARA)))
    assert dashboard.statistics == expected
    assert bars(dashboard.label_panel) == {"Actor": 1, "Casualty": 1}
    assert "No place has coordinates" in dashboard.map_panel.message.text()
    assert not dashboard.map_panel.is_chart_shown()


def test_reopening_counts_the_work_saved_since(qtbot, window, store):
    dashboard = open_dashboard(qtbot, window)
    quiet = next(d.id for d in store.documents() if d.title == "Quiet")
    store.add_span(quiet, "bob", Span(0, 7, "Actor", {"category": "civilian"}))
    window.statistics.action.trigger()
    settle(qtbot, dashboard)
    assert dashboard.statistics.spans == 21
    assert dashboard.statistics.spans_per_document == {1: 1, 4: 1, 7: 1, 9: 1}
    assert bars(dashboard.label_panel)["Actor"] == 6


def test_an_empty_corpus_says_so_in_place_of_the_charts(qtbot, tmp_path):
    store = Store.open(str(tmp_path / "empty.db"))
    store.set_schema(resources.shipped_schema())
    store.add_document(Document("Nothing happened."))
    dashboard = open_dashboard(qtbot, shown_window(qtbot, store, tmp_path))
    assert dashboard.label_panel.message.text() == "No spans yet."
    assert not dashboard.label_panel.png_button.isEnabled()
    assert not dashboard.casualty_panel.csv_button.isEnabled()
    assert dashboard.status_panel.is_chart_shown()  # one new document


def test_it_counts_off_the_gui_thread_and_shows_the_latest_filters(
    qtbot, window, store, monkeypatch
):
    threads: list[threading.Thread] = []
    release = threading.Event()
    real = Store.statistics

    def held(self, scope=None, **options):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(self, scope, **options)

    monkeypatch.setattr(stats_worker.Store, "statistics", held)
    window.statistics.action.trigger()
    dashboard = window.statistics.dashboard
    assert dashboard.runs.is_busy() and dashboard.filters.busy.isVisible()
    assert dashboard.filters.status.text() == "Counting…"
    qtbot.wait(100)  # the event loop runs meanwhile
    filters = dashboard.filters
    filters.collection.setCurrentIndex(filters.collection.findData("wire"))
    release.set()
    settle(qtbot, dashboard)
    assert threads and threading.main_thread() not in threads
    assert dashboard.statistics == real(store, StatisticsScope("wire"))
    assert not filters.busy.isVisible()


def test_an_error_is_one_line_in_place_of_the_figures(qtbot, window, monkeypatch):
    def broken(self, *args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(stats_worker.Store, "statistics", broken)
    dashboard = open_dashboard(qtbot, window)
    assert dashboard.pages.currentIndex() == 1
    assert dashboard.message.text() == "Could not count the statistics: disk I/O error"


# -- colours and export ---------------------------------------------------------------------------


def test_the_charts_take_the_palettes_colours(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    figure = dashboard.label_panel.figure
    dashboard.setPalette(dark_palette())
    qtbot.waitUntil(lambda: to_hex(figure.get_facecolor()) == "#2b2b2b")
    assert to_hex(figure.axes[0].get_yticklabels()[0].get_color()) == "#e6e6e6"


def test_save_png_writes_the_map(qtbot, window, monkeypatch, tmp_path):
    dashboard = open_dashboard(qtbot, window)
    told = saving_to(monkeypatch, tmp_path / "map")
    qtbot.mouseClick(dashboard.map_panel.png_button, Qt.MouseButton.LeftButton)
    image = QImage(str(tmp_path / "map.png"))
    assert not told and not image.isNull() and image.width() > 600
    row = image.height() // 2
    colours = {image.pixel(x, row) for x in range(0, image.width(), 7)}
    assert len(colours) > 3  # land, sea, borders, points: not a blank image


def test_save_csv_writes_the_stores_figures(qtbot, window, monkeypatch, tmp_path, store):
    dashboard = open_dashboard(qtbot, window)
    expected = store.statistics()

    saving_to(monkeypatch, tmp_path / "progress.csv")
    qtbot.mouseClick(dashboard.progress_panel.csv_button, Qt.MouseButton.LeftButton)
    header, *rows = read_csv(tmp_path / "progress.csv")
    assert header == ["annotator", "assigned", "started", "done", "reviewed", "spans"]
    assert rows == [
        [p.name, str(p.assigned), str(p.started), str(p.done), str(p.reviewed), str(p.spans)]
        for p in expected.progress
    ]

    saving_to(monkeypatch, tmp_path / "places.csv")
    dashboard.map_panel.ask_save_csv()
    header, *rows = read_csv(tmp_path / "places.csv")
    assert header == ["place", "latitude", "longitude", "geonames_id", "spans"]
    assert rows[1] == ["حلب", "36.2", "37.16", "170063", "2"]
    assert rows[0] == ["al-Bab", "36.37", "37.52", "", "2"]

    saving_to(monkeypatch, tmp_path / "casualties.csv")
    dashboard.casualty_panel.ask_save_csv()
    _, *rows = read_csv(tmp_path / "casualties.csv")
    assert [[r[0], r[1], int(r[2]), int(r[4])] for r in rows] == [
        [c.kind, c.group, c.total, c.without_count] for c in expected.casualties
    ]

    saving_to(monkeypatch, tmp_path / "spans.csv")
    dashboard.histogram_panel.ask_save_csv()
    _, *rows = read_csv(tmp_path / "spans.csv")
    assert {int(n): int(d) for n, d in rows} == expected.spans_per_document
    assert np.sum([int(d) for _, d in rows]) == expected.documents


def test_the_screenshot_script_writes_its_pictures(qapp, tmp_path):
    names = ("statistics", "statistics-map", "statistics-dark", "statistics-arabic")
    for name, (width, height) in picture_sizes(
        qapp, stats_screenshots.main, tmp_path, names
    ).items():
        assert width >= 1200 and height >= 800, name

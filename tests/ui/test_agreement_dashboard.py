"""View ▸ Agreement…: the dashboard computes in the background what ``compute_agreement`` gives on
the same documents, draws it (heat maps, bars, a table), follows the collection and annotator
filters, says so when there is nothing to compare, and saves each chart as PNG and its figures
as CSV."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from annotator.agreement import compute_agreement
from annotator.document import Document, Span, Status
from annotator.errors import AnnotatorError
from corpus import resources
from corpus.agreement_data import agreement_documents
from corpus.curation import GOLD
from corpus.store import Store
from tests.ui.shown_window import show_window
from ui import agreement_worker
from ui.agreement_dashboard import CHOOSE_TWO, FEWER_THAN_TWO, AgreementDashboard
from ui.agreement_panels import SavePrompts
from ui.main_window import MainWindow
from ui.palette import dark_palette

ROOT = Path(__file__).resolve().parents[2]
SARA = "سارة"  # an Arabic name: sorted after the Latin ones, written to CSV as UTF-8

# (text, in the collection "wire", each annotator's (phrase, label) spans)
DOCS = [
    (
        "Russian jets struck Islamic State targets in al-Bab on Tuesday.",
        True,
        {
            "alice": [("Russian", "Actor"), ("jets", "WeaponSystem"), ("al-Bab", "Location")],
            "bob": [("Russian jets", "Actor"), ("al-Bab", "Location")],
            SARA: [("Russian", "Actor"), ("struck", "Attack"), ("al-Bab", "Location")],
        },
    ),
    (
        "Artillery shelling killed five civilians in Donetsk.",
        True,
        {
            "alice": [
                ("Artillery shelling", "Attack"),
                ("five civilians", "Casualty"),
                ("Donetsk", "Location"),
            ],
            "bob": [
                ("Artillery shelling", "Attack"),
                ("five civilians", "Casualty"),
                ("Donetsk", "Location"),
            ],
            SARA: [("shelling", "Attack"), ("five civilians", "Casualty")],
        },
    ),
    (
        "Houthi drones struck Marib, officials said.",
        False,
        {
            "alice": [("Houthi", "Actor"), ("drones", "WeaponSystem"), ("Marib", "Location")],
            "bob": [("Houthi drones", "Actor"), ("Marib", "Location")],
            SARA: [("Houthi", "Actor"), ("drones", "WeaponSystem"), ("Marib", "Location")],
        },
    ),
    (
        "Troops entered Idlib after a week of shelling.",
        False,
        {
            "alice": [("Troops", "Actor"), ("Idlib", "Location")],
            "bob": [("Idlib", "Location"), ("shelling", "Attack")],
            SARA: [("Troops", "Actor"), ("Idlib", "Location")],
        },
    ),
]


def spans_of(text: str, marks: list[tuple[str, str]]) -> list[Span]:
    return [Span(text.index(p), text.index(p) + len(p), label) for p, label in marks]


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    """A SQLite corpus file (the worker thread opens its own connection) with DOCS annotated."""
    s = Store.open(str(tmp_path / "c.db"))
    s.set_schema(resources.shipped_schema())
    for i, (text, wire, marks_of) in enumerate(DOCS):
        doc_id = s.add_document(Document(text=text, title=f"doc {i}")).id
        if wire:
            s.add_to_collection([doc_id], "wire")
        for name, marks in marks_of.items():
            s.add_spans(doc_id, name, spans_of(text, marks))
    yield s
    s.close()


@pytest.fixture
def window(qtbot, store, tmp_path) -> Iterator[MainWindow]:
    w = show_window(qtbot, store, tmp_path)
    yield w
    if w.agreement.dashboard is not None:
        w.agreement.dashboard.wait(20_000)


def settle(qtbot, dashboard: AgreementDashboard) -> None:
    """Wait until the figures for the filters on show are computed and shown."""
    qtbot.waitUntil(
        lambda: not dashboard.is_busy() and not dashboard._timer.isActive(), timeout=20_000
    )


def open_dashboard(qtbot, window: MainWindow) -> AgreementDashboard:
    """Open the dashboard as a user does, from the View menu, and wait for its figures."""
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    [action] = [a for a in view_menu.actions() if a.text() == "A&greement…"]
    action.trigger()
    dashboard = window.agreement.dashboard
    assert dashboard is not None and dashboard.isVisible()
    settle(qtbot, dashboard)
    return dashboard


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def saving_to(monkeypatch, path: Path) -> list[str]:
    """Answer every save dialog with ``path``; the messages the user is told are returned."""
    told: list[str] = []
    monkeypatch.setattr(SavePrompts, "path", classmethod(lambda cls, *args: str(path)))
    monkeypatch.setattr(SavePrompts, "tell", classmethod(lambda cls, parent, m: told.append(m)))
    return told


# -- figures --------------------------------------------------------------------------------------


def test_the_view_menu_opens_the_dashboard_with_the_figures_of_compute_agreement(
    qtbot, window, store
):
    dashboard = open_dashboard(qtbot, window)
    expected = compute_agreement(agreement_documents(store))
    assert dashboard.report == expected
    assert expected.annotators == ("alice", "bob", SARA) and expected.documents == 4
    shown = {card.caption.text(): card.value.text() for card in dashboard.cards}
    assert expected.mean_kappa is not None and expected.alpha is not None
    assert shown["Cohen's κ, mean"] == f"{expected.mean_kappa:.3f}"
    assert shown["Krippendorff's α"] == f"{expected.alpha:.3f}"
    assert expected.unitizing is not None
    assert shown["Unitizing αU"] == f"{expected.unitizing:.3f}"
    assert shown["Documents"] == "4" and shown["Annotators"] == "3"
    assert dashboard.pages.currentIndex() == 0
    assert dashboard.status.text() == "4 document(s) compared."
    assert not dashboard.busy.isVisible()


def test_the_kappa_heat_map_draws_the_pairwise_kappas(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    report = dashboard.report
    names = list(report.annotators)
    [image] = dashboard.kappa_panel.figure.axes[0].images
    drawn = image.get_array()
    assert drawn.shape == (3, 3)
    for p in report.pairs:
        i, j = names.index(p.reference), names.index(p.other)
        assert drawn[i, j] == pytest.approx(p.kappa) and drawn[j, i] == pytest.approx(p.kappa)
    assert all(np.ma.is_masked(drawn[i, i]) for i in range(3))  # no kappa of one with oneself
    axes = dashboard.kappa_panel.figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == names
    written = {t.get_text() for t in axes.texts}
    assert {f"{p.kappa:.2f}" for p in report.pairs} <= written


def test_the_bars_follow_the_chosen_measure(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    report = dashboard.report

    def bars() -> dict[str, float]:
        axes = dashboard.label_panel.figure.axes[0]
        names = [t.get_text() for t in axes.get_yticklabels()]
        return dict(zip(names, [p.get_width() for p in axes.patches], strict=True))

    assert bars() == pytest.approx({label: report.label_alpha[label] for label in report.labels})
    dashboard.measure.setCurrentIndex(dashboard.measure.findData("f1_overlap"))
    f1 = {label: c.scores("overlap").f1 for label, c in report.label_spans.items()}
    assert bars() == pytest.approx(f1)  # no "O": it has no spans
    assert "O" not in bars()
    dashboard.measure.setCurrentIndex(dashboard.measure.findData("unitizing"))
    unitizing = {k: v for k, v in report.label_unitizing.items() if v is not None}
    assert unitizing and bars() == pytest.approx(unitizing)


def test_cells_are_written_in_ink_that_reads_on_their_colour(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    axes = dashboard.confusion_panel.figure.axes[0]
    labels = list(dashboard.report.labels)
    ink = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in axes.texts}
    outside = labels.index("O")
    # The "O" row is nearly all agreement: its diagonal cell is bright, its others dark.
    assert to_hex(ink[outside, outside].get_color()) == "#000000"
    assert to_hex(ink[outside, labels.index("Casualty")].get_color()) == "#ffffff"


def test_the_span_table_shows_pooled_or_one_pairs_scores(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    report = dashboard.report
    view = dashboard.span_panel.view
    last = view.rowCount() - 1
    assert view.item(last, 0).text() == "all labels"
    total = report.spans.scores("overlap")
    assert view.item(last, view.columnCount() - 1).text() == f"{total.f1:.3f}"
    dashboard.pair.setCurrentIndex(1)  # the first pair
    pair = report.pairs[0]
    assert dashboard.pair.currentText() == f"{pair.reference} → {pair.other}"
    rows = {view.item(r, 0).text(): r for r in range(view.rowCount())}
    location = pair.label_spans["Location"]
    assert view.item(rows["Location"], 1).text() == str(location.reference)
    assert view.item(rows["Location"], 5).text() == f"{location.scores('exact').f1:.3f}"


# -- filters --------------------------------------------------------------------------------------


def test_the_collection_filter_changes_the_figures(qtbot, window, store):
    dashboard = open_dashboard(qtbot, window)
    [kappa] = [c for c in dashboard.cards if c.caption.text() == "Cohen's κ, mean"]
    everywhere = kappa.value.text()
    dashboard.collection.setCurrentIndex(dashboard.collection.findData("wire"))
    settle(qtbot, dashboard)
    expected = compute_agreement(agreement_documents(store, "wire"))
    assert dashboard.report == expected and expected.documents == 2
    assert kappa.value.text() == f"{expected.mean_kappa:.3f}" != everywhere
    assert dashboard.status.text() == "2 document(s) in ‘wire’ compared."


def test_the_annotator_selection_narrows_the_comparison(qtbot, window, store):
    dashboard = open_dashboard(qtbot, window)
    dashboard.set_annotators(["alice", SARA])
    settle(qtbot, dashboard)
    expected = compute_agreement(agreement_documents(store, None, ["alice", SARA]), ["alice", SARA])
    assert dashboard.report == expected
    assert dashboard.kappa_panel.figure.axes[0].images[0].get_array().shape == (2, 2)
    dashboard.set_annotators(["bob"])
    settle(qtbot, dashboard)
    assert dashboard.pages.currentIndex() == 1 and dashboard.message.text() == CHOOSE_TWO


def test_the_gold_set_counts_only_when_ticked(qtbot, window, store):
    text, _, marks_of = DOCS[0]
    first = next(iter(store.documents())).id
    store.add_spans(first, GOLD, spans_of(text, marks_of["alice"]))  # curated: alice's
    dashboard = open_dashboard(qtbot, window)
    ticks = {
        item.text(): item.checkState() == Qt.CheckState.Checked
        for item in dashboard._annotator_items()
    }
    assert ticks == {"alice": True, "bob": True, GOLD: False, SARA: True}
    assert dashboard.report.annotators == ("alice", "bob", SARA)
    dashboard.set_annotators(["alice", GOLD])
    settle(qtbot, dashboard)
    assert dashboard.report.annotators == ("alice", GOLD)
    assert dashboard.report.documents == 1 and dashboard.report.pairs[0].kappa == 1.0


def test_a_single_annotator_corpus_says_there_is_nothing_to_compare(qtbot, tmp_path):
    store = Store.open(str(tmp_path / "one.db"))
    store.set_schema(resources.shipped_schema())
    text, _, marks_of = DOCS[0]
    doc_id = store.add_document(Document(text=text)).id
    store.add_spans(doc_id, "alice", spans_of(text, marks_of["alice"]))
    window = MainWindow(
        store, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), annotator="alice"
    )
    qtbot.addWidget(window)
    window.show()
    try:
        dashboard = open_dashboard(qtbot, window)
        assert dashboard.report is not None and dashboard.report.documents == 0
        assert dashboard.pages.currentIndex() == 1
        assert dashboard.message.isVisible() and dashboard.message.text() == FEWER_THAN_TWO
        assert not dashboard.kappa_panel.isVisible()
    finally:
        store.close()


def test_undefined_figures_are_said_in_place_of_their_charts(qtbot, window, store):
    doc_id = store.add_document(Document(text="Nothing happened in the town today.")).id
    store.add_to_collection([doc_id], "quiet")
    for name in ("alice", "bob"):
        store.set_status(doc_id, name, Status.DONE)  # looked, and found nothing
    dashboard = open_dashboard(qtbot, window)
    dashboard.collection.setCurrentIndex(dashboard.collection.findData("quiet"))
    settle(qtbot, dashboard)
    assert dashboard.report.documents == 1 and dashboard.report.pairs[0].kappa is None
    assert dashboard.pages.currentIndex() == 0
    assert not dashboard.kappa_panel.is_chart_shown()
    assert "undefined for every pair" in dashboard.kappa_panel.message.text()
    assert not dashboard.kappa_panel.png_button.isEnabled()
    assert not dashboard.kappa_panel.csv_button.isEnabled()
    assert dashboard.confusion_panel.is_chart_shown()  # every token O by both: one cell
    assert dashboard.cards[0].value.text() == "–"  # alpha undefined too


# -- the background -------------------------------------------------------------------------------


def test_it_computes_in_the_background_and_shows_only_the_latest_request(
    qtbot, window, store, monkeypatch
):
    release = threading.Event()
    real = agreement_worker.compute_agreement

    def held(documents, annotators=None):
        release.wait(10)
        return real(documents, annotators)

    monkeypatch.setattr(agreement_worker, "compute_agreement", held)
    window.agreement.action.trigger()
    dashboard = window.agreement.dashboard
    assert dashboard.is_busy() and dashboard.busy.isVisible()
    assert dashboard.status.text() == "Computing…"
    qtbot.wait(100)  # the event loop runs meanwhile: the window answers
    dashboard.collection.setCurrentIndex(dashboard.collection.findData("wire"))
    release.set()
    settle(qtbot, dashboard)
    assert dashboard.report == real(agreement_documents(store, "wire"))
    assert not dashboard.busy.isVisible()


def test_an_error_is_one_line_in_place_of_the_figures(qtbot, window, monkeypatch):
    def gone(*args, **kwargs):
        raise AnnotatorError("no collection named 'wire'")

    monkeypatch.setattr(agreement_worker, "agreement_documents", gone)
    dashboard = open_dashboard(qtbot, window)
    assert dashboard.pages.currentIndex() == 1
    assert dashboard.message.text() == "Could not compute the agreement: no collection named 'wire'"


def test_matplotlib_loads_only_when_the_dashboard_opens(tmp_path):
    script = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from corpus.store import Store\n"
        "from ui.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "w = MainWindow(Store.open(sys.argv[1]), QSettings(sys.argv[2], QSettings.Format.IniFormat))\n"
        "before = 'matplotlib' in sys.modules\n"
        "w.agreement.action.trigger()\n"
        "print(before, 'matplotlib' in sys.modules, flush=True)\n"
        "w.close()\n"
        "print(w.agreement.dashboard.pool.activeThreadCount())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "c.db"), str(tmp_path / "ui.ini")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # matplotlib came with the dashboard; closing the window ended its computation
    assert done.stdout.split() == ["False", "True", "0"], done.stderr
    assert done.returncode == 0, done.stderr


# -- colours and export ---------------------------------------------------------------------------


def test_the_charts_take_the_palettes_colours(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    figure = dashboard.kappa_panel.figure
    light = dashboard.palette().color(dashboard.palette().ColorRole.Window).name()
    assert to_hex(figure.get_facecolor()) == light
    dashboard.setPalette(dark_palette())
    qtbot.waitUntil(lambda: to_hex(figure.get_facecolor()) == "#2b2b2b")
    axes = figure.axes[0]
    assert to_hex(axes.get_xticklabels()[0].get_color()) == "#e6e6e6"


def test_save_png_writes_the_chart(qtbot, window, monkeypatch, tmp_path):
    dashboard = open_dashboard(qtbot, window)
    told = saving_to(monkeypatch, tmp_path / "kappa")  # no suffix: .png is added
    qtbot.mouseClick(dashboard.kappa_panel.png_button, Qt.MouseButton.LeftButton)
    image = QImage(str(tmp_path / "kappa.png"))
    assert not told and not image.isNull()
    assert image.width() > 600 and image.height() > 400
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 13) for y in (image.height() // 2,)
    }
    assert len(colours) > 5  # cells of several colours, not a blank image


def test_save_csv_writes_the_reports_numbers(qtbot, window, monkeypatch, tmp_path):
    dashboard = open_dashboard(qtbot, window)
    report = dashboard.report
    names = list(report.annotators)

    saving_to(monkeypatch, tmp_path / "kappa.csv")
    qtbot.mouseClick(dashboard.kappa_panel.csv_button, Qt.MouseButton.LeftButton)
    header, *rows = read_csv(tmp_path / "kappa.csv")
    assert header == ["Cohen's kappa", *names]
    assert [row[0] for row in rows] == names
    for p in report.pairs:
        i, j = names.index(p.reference), names.index(p.other)
        assert number(rows[i][j + 1]) == p.kappa == number(rows[j][i + 1])
    assert all(rows[i][i + 1] == "" for i in range(len(names)))

    saving_to(monkeypatch, tmp_path / "confusion.csv")
    dashboard.confusion_panel.ask_save_csv()
    header, *rows = read_csv(tmp_path / "confusion.csv")
    assert header == ["reference \\ other", *report.labels]
    assert [[int(v) for v in row[1:]] for row in rows] == [list(r) for r in report.confusion]

    saving_to(monkeypatch, tmp_path / "labels.csv")
    dashboard.label_panel.ask_save_csv()
    _, *rows = read_csv(tmp_path / "labels.csv")
    by_label = {row[0]: row for row in rows}
    assert {label: number(by_label[label][1]) for label in report.labels} == dict(
        report.label_alpha
    )
    assert number(by_label["all labels"][2]) == report.fleiss

    saving_to(monkeypatch, tmp_path / "spans.csv")
    dashboard.span_panel.ask_save_csv()
    _, *rows = read_csv(tmp_path / "spans.csv")
    total = rows[-1]
    s = report.spans
    assert total[:4] == ["all labels", str(s.reference), str(s.other), str(s.exact)]
    assert number(total[6]) == s.scores("exact").f1
    assert number(total[10]) == s.scores("overlap").f1


def test_a_failed_save_is_one_line_in_a_message(qtbot, window, monkeypatch, tmp_path):
    dashboard = open_dashboard(qtbot, window)
    told = saving_to(monkeypatch, tmp_path / "missing" / "kappa.csv")
    dashboard.kappa_panel.ask_save_csv()
    assert len(told) == 1 and "\n" not in told[0]
    assert told[0].startswith(str(tmp_path / "missing" / "kappa.csv"))

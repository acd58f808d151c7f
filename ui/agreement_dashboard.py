"""View ▸ Agreement…: how far the annotators agree, over the corpus or one collection and all or
some annotators, computed in the background (:mod:`annotator.agreement`) and shown as a summary,
heat maps of pairwise Cohen's kappa and of the label confusion matrix, a bar chart of per-label
agreement and a table of span precision, recall and F1, each exportable (PNG, CSV).

The charts (and matplotlib) load when the dashboard first opens, not with the app.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement import AgreementReport
from corpus.curation import GOLD
from corpus.store import Store
from ui import agreement_figures as figures
from ui.agreement_panels import SummaryCard, TablePanel
from ui.agreement_worker import AgreementOutcome, AgreementRequest, AgreementWorker

if TYPE_CHECKING:
    from ui.agreement_charts import ChartPanel

RECOMPUTE_DELAY_MS = 350  # ticking several annotators in a row computes once
FEWER_THAN_TWO = (
    "Fewer than two annotators on these documents: nothing to compare.\n\n"
    "A document counts once at least two of the chosen annotators have annotated it "
    "(a span, or their set marked done)."
)
CHOOSE_TWO = "Choose at least two annotators to compare."
SPAN_COLUMNS = {  # the span table's columns on screen (the CSV has all), with their tool tips
    0: ("label", "The label; the last row pools them all"),
    1: ("reference\nspans", "Spans of the reference (the first of each pair)"),
    2: ("other\nspans", "Spans of the other annotator"),
    4: ("P\nexact", "Precision, exact matching: same start, end and label"),
    5: ("R\nexact", "Recall, exact matching"),
    6: ("F1\nexact", "F1, exact matching"),
    8: ("P\noverlap", "Precision, overlap matching: same label and a shared character"),
    9: ("R\noverlap", "Recall, overlap matching"),
    10: ("F1\noverlap", "F1, overlap matching"),
}


# -- the dashboard --------------------------------------------------------------------------------


class AgreementDashboard(QDialog):
    """Filters on the left (collection, annotators), the figures on the right; recomputed in
    the background whenever a filter changes or Refresh is pressed."""

    sig_report_shown = Signal(object)
    """The :class:`AgreementOutcome` whose figures (or error) are now on show."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui import agreement_charts as charts  # matplotlib: loaded now, not at start-up

        self.store = store
        self.setWindowTitle("Agreement")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.workers: dict[AgreementWorker, None] = {}  # running or queued, oldest first
        self.request: AgreementRequest | None = None  # the one whose figures are wanted
        self.report: AgreementReport | None = None  # the one on show

        self.collection = QComboBox()
        self.collection.setToolTip("Count only the documents of one collection")
        self.annotator_list = QListWidget()
        self.annotator_list.setToolTip("The annotators to compare (tick two or more)")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.setToolTip("Compute again with the annotations saved since (F5)")
        self.refresh_button.setAutoDefault(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: how long it takes is not known
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.status = QLabel()
        self.status.setWordWrap(True)
        filters = QWidget()
        side = QVBoxLayout(filters)
        side.setContentsMargins(0, 0, 6, 0)
        side.addWidget(QLabel("Collection"))
        side.addWidget(self.collection)
        side.addSpacing(6)
        side.addWidget(QLabel("Annotators"))
        side.addWidget(self.annotator_list, 1)
        ticks = QHBoxLayout()
        for text, tip, tick in (
            ("All", "Tick every annotator (but the gold set)", True),
            ("None", "Untick all", False),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, t=tick: self._tick_all(t))
            ticks.addWidget(button)
        side.addLayout(ticks)
        side.addWidget(self.refresh_button)
        side.addWidget(self.busy)
        side.addWidget(self.status)

        self.cards = [SummaryCard() for _ in range(6)]
        card_row = QHBoxLayout()
        for card in self.cards:
            card_row.addWidget(card)
        self.measure = QComboBox()
        for key, name in figures.MEASURES.items():
            self.measure.addItem(name, key)
        self.measure.setToolTip("The measure of agreement the bars show")
        self.pair = QComboBox()
        self.pair.setToolTip("Pool the spans of every pair, or show one pair")
        self.pair.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kappa_panel: ChartPanel = charts.ChartPanel(
            "Cohen's κ between annotators", "agreement-kappa"
        )
        self.label_panel: ChartPanel = charts.ChartPanel(
            "Agreement per label", "agreement-per-label", [self.measure]
        )
        self.confusion_panel: ChartPanel = charts.ChartPanel(
            "Confusion of token labels", "agreement-confusion"
        )
        self.span_panel = TablePanel(
            "Spans: precision, recall, F1", "agreement-spans", SPAN_COLUMNS, [self.pair]
        )
        grid = QGridLayout()
        grid.addWidget(self.kappa_panel, 0, 0)
        grid.addWidget(self.label_panel, 0, 1)
        grid.addWidget(self.confusion_panel, 1, 0)
        grid.addWidget(self.span_panel, 1, 1)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(card_row)
        content_layout.addLayout(grid, 1)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(40)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.message.setFont(font)
        self.pages = QStackedWidget()
        self.pages.addWidget(content)
        self.pages.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(filters)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1090])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.resize(1280, 860)

        self._timer = QTimer(self, singleShot=True, interval=RECOMPUTE_DELAY_MS)
        self._timer.timeout.connect(self.compute)
        self.collection.currentIndexChanged.connect(self.compute)
        self.annotator_list.itemChanged.connect(self._timer.start)
        self.refresh_button.clicked.connect(self.refresh)
        self.measure.currentIndexChanged.connect(self._show_labels)
        self.pair.currentIndexChanged.connect(self._show_spans)
        self.refresh()

    # -- filters --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the collections and annotators again (keeping the choices) and recompute. A new
        annotator comes ticked, except the gold set: the agreement is between people unless
        the user asks to compare with it."""
        chosen = self.collection.currentData()
        items = self._annotator_items()
        known = {item.text() for item in items}
        ticked = {item.text() for item in items if item.checkState() == Qt.CheckState.Checked}
        with _signals_blocked(self.collection, self.annotator_list):
            self.collection.clear()
            self.collection.addItem("All collections", None)
            for name in self.store.collection_names():
                self.collection.addItem(name, name)
            self.collection.setCurrentIndex(max(0, self.collection.findData(chosen)))
            self.annotator_list.clear()
            for name in self.store.annotators():
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = name in ticked if name in known else name != GOLD
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                if name == GOLD:
                    item.setToolTip("The curated gold set: tick it to compare the others with it")
                self.annotator_list.addItem(item)
        self.compute()

    def _annotator_items(self) -> list[QListWidgetItem]:
        return [self.annotator_list.item(i) for i in range(self.annotator_list.count())]

    def set_annotators(self, names: Iterable[str]) -> None:
        """Tick exactly ``names`` in the list (and recompute after a moment)."""
        wanted = set(names)
        for item in self._annotator_items():
            ticked = item.text() in wanted
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _tick_all(self, ticked: bool) -> None:
        self.set_annotators(
            i.text() for i in self._annotator_items() if ticked and i.text() != GOLD
        )

    def current_request(self) -> AgreementRequest:
        """The computation the filters ask for; every annotator but gold ticked is everyone."""
        items = self._annotator_items()
        ticked = tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)
        everyone = set(ticked) == {i.text() for i in items} - {GOLD}
        return AgreementRequest(self.collection.currentData(), None if everyone else ticked)

    # -- computing ------------------------------------------------------------------------------

    def compute(self) -> None:
        """Start computing what the filters ask for; a computation still running is dropped."""
        self._timer.stop()
        request = self.current_request()
        self.request = request
        for worker in self.workers:
            worker.cancel()
        if request.annotators is not None and len(request.annotators) < 2:
            self._show_outcome(AgreementOutcome(request, None))
            return
        worker = AgreementWorker(self.store, request)
        worker.signals.sig_finished.connect(self._finished)
        self.workers[worker] = None
        self._set_busy(True)
        self.pool.start(worker)

    def is_busy(self) -> bool:
        """Whether a computation is running or queued."""
        return bool(self.workers)

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the computations in flight (tests, closing)."""
        return self.pool.waitForDone(msecs)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if busy:
            self.status.setText("Computing…")

    def _finished(self, outcome: AgreementOutcome) -> None:
        for worker in list(self.workers):
            if worker.request is outcome.request:
                del self.workers[worker]
                break
        self._set_busy(self.is_busy())
        if outcome.request is self.request and not outcome.cancelled:
            self._show_outcome(outcome)

    # -- showing --------------------------------------------------------------------------------

    def _show_outcome(self, outcome: AgreementOutcome) -> None:
        report = outcome.report
        self.report = report
        self.status.setText("")
        if outcome.error is not None:
            self._say(f"Could not compute the agreement: {outcome.error}")
        elif report is None:
            self._say(CHOOSE_TWO)
        elif report.documents == 0 or len(report.annotators) < 2:
            self._say(FEWER_THAN_TWO)
        else:
            self.pages.setCurrentIndex(0)
            for card, figure in zip(self.cards, figures.summary(report), strict=True):
                card.show_figure(figure)
            self._show_kappas(report)
            self.confusion_panel.show_heat_map(
                figures.confusion_grid(report),
                row_shares=True,
                colorbar="share of the reference's tokens",
                xlabel="other annotator's label",
                ylabel="reference's label (first of each pair)",
            )
            with _signals_blocked(self.pair):
                self.pair.clear()
                self.pair.addItem("All pairs, pooled", None)
                for p in report.pairs:
                    self.pair.addItem(f"{p.reference} → {p.other}", p)
            self._show_labels()
            self._show_spans()
            where = f" in ‘{outcome.request.collection}’" if outcome.request.collection else ""
            self.status.setText(f"{report.documents:,} document(s){where} compared.")
        self.sig_report_shown.emit(outcome)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.pages.setCurrentIndex(1)

    def _show_kappas(self, report: AgreementReport) -> None:
        grid = figures.kappa_grid(report)
        if all(v is None for row in grid.values for v in row):
            self.kappa_panel.show_message(
                "Cohen's κ is undefined for every pair: each gave all their tokens one label."
            )
            return
        self.kappa_panel.show_heat_map(grid, row_shares=False, colorbar="Cohen's κ")

    def _show_labels(self) -> None:
        report = self.report
        if report is None or report.documents == 0:
            return
        bars = figures.label_bars(report, self.measure.currentData())
        if all(v is None for v in bars.values):
            self.label_panel.show_message(f"{bars.measure}: undefined for every label here.")
        else:
            self.label_panel.show_bars(bars, figures.label_table(report))

    def _show_spans(self) -> None:
        report = self.report
        if report is None or report.documents == 0:
            return
        self.span_panel.show_table(figures.span_table(report, self.pair.currentData()))

    def stop(self, msecs: int = -1) -> bool:
        """Cancel the computations in flight and wait for them to end (the window closes)."""
        for worker in self.workers:
            worker.cancel()
        return self.wait(msecs)


@contextlib.contextmanager
def _signals_blocked(*widgets: QWidget) -> Iterator[None]:
    previous = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for widget, was in zip(widgets, previous, strict=True):
            widget.blockSignals(was)


class AgreementLauncher(QObject):
    """The View ▸ Agreement… action of a window: opens its dashboard, or brings it forward and
    computes again."""

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self._parent = parent
        self.dashboard: AgreementDashboard | None = None
        self.action = QAction("A&greement…", parent)
        self.action.setToolTip("How far the annotators agree: kappa, alpha, span F1, as charts")
        self.action.triggered.connect(self.open)
        parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """When the window closes, stop a computation in flight: no thread outlives the app."""
        if event.type() == QEvent.Type.Close and self.dashboard is not None:
            self.dashboard.stop()
        return False

    def open(self) -> AgreementDashboard:
        """Show the dashboard (made the first time)."""
        if self.dashboard is None:
            self.dashboard = AgreementDashboard(self.store, self._parent)
        else:
            self.dashboard.refresh()
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()
        return self.dashboard

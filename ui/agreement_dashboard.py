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

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement import AgreementReport
from corpus.curation import GOLD
from corpus.store import Store
from ui import agreement_figures as figures
from ui.agreement_panels import SummaryCard, TablePanel
from ui.agreement_worker import AgreementOutcome, AgreementRequest, AgreementWorker
from ui.dashboard_parts import DashboardFilters, LatestRun, lay_out

if TYPE_CHECKING:
    from ui.agreement_charts import ChartPanel

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
        self.runs = LatestRun(self)
        self.pool = self.runs.pool
        self.request: AgreementRequest | None = None  # the one whose figures are wanted
        self.report: AgreementReport | None = None  # the one on show

        self.filters = filters = DashboardFilters(
            store,
            "The annotators to compare (tick two or more)",
            "Compute again with the annotations saved since (F5)",
            "The curated gold set: tick it to compare the others with it",
        )
        self.collection, self.annotator_list = filters.collection, filters.annotator_list
        self.busy, self.status, self._timer = filters.busy, filters.status, filters.timer

        self.cards = [SummaryCard() for _ in range(7)]
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
        self.pages, self.message = lay_out(self, filters, content)

        filters.sig_filters_changed.connect(self.compute)
        filters.sig_refresh_requested.connect(self.refresh)
        self.measure.currentIndexChanged.connect(self._show_labels)
        self.pair.currentIndexChanged.connect(self._show_spans)
        self.refresh()

    # -- filters --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the collections and annotators again (keeping the choices) and recompute. A new
        annotator comes ticked, except the gold set: the agreement is between people unless
        the user asks to compare with it."""
        self.filters.reload()
        self.compute()

    def _annotator_items(self) -> list[QListWidgetItem]:
        return self.filters.annotator_items()

    def set_annotators(self, names: Iterable[str]) -> None:
        """Tick exactly ``names`` in the list (and recompute after a moment)."""
        self.filters.set_annotators(names)

    def current_request(self) -> AgreementRequest:
        """The computation the filters ask for; every annotator but gold ticked is everyone."""
        items = self._annotator_items()
        ticked = self.filters.ticked()
        everyone = set(ticked) == {i.text() for i in items} - {GOLD}
        return AgreementRequest(self.collection.currentData(), None if everyone else ticked)

    # -- computing ------------------------------------------------------------------------------

    def compute(self) -> None:
        """Start computing what the filters ask for; a computation still running is dropped."""
        self._timer.stop()
        request = self.current_request()
        self.request = request
        self.runs.cancel()
        if request.annotators is not None and len(request.annotators) < 2:
            self._show_outcome(AgreementOutcome(request, None))
            return
        worker = AgreementWorker(self.store, request)
        worker.signals.sig_finished.connect(self._finished)
        self._set_busy(True)
        self.runs.start(worker)

    def is_busy(self) -> bool:
        """Whether a computation is running or queued."""
        return self.runs.is_busy()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the computations in flight (tests, closing)."""
        return self.runs.wait(msecs)

    def _set_busy(self, busy: bool) -> None:
        self.filters.set_busy(busy, "Computing…")

    def _finished(self, outcome: AgreementOutcome) -> None:
        self.runs.finished(lambda worker: worker.request is outcome.request)
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
        return self.runs.stop(msecs)


@contextlib.contextmanager
def _signals_blocked(*widgets: QWidget) -> Iterator[None]:
    previous = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for widget, was in zip(widgets, previous, strict=True):
            widget.blockSignals(was)

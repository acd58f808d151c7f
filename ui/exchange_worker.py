"""Exports and annotation imports off the GUI thread: a ``QRunnable`` that runs one job of
:mod:`corpus.exchange` and reports progress (documents done) and its outcome through signals."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from annotator.formats.model import Report
from corpus.exchange import Progress
from corpus.store import Store
from ui.corpus_worker import CorpusWorker

PROGRESS_INTERVAL = 0.1  # seconds between progress signals

Job = Callable[[Store, Progress, Callable[[], bool]], Report]
"""The work: given a store of the worker's thread, a progress callback and a cancel check."""


@dataclass(frozen=True)
class ExchangeOutcome:
    """How a job ended: its report, whether it was cancelled, the one-line error that stopped
    it early (if one did)."""

    report: Report
    cancelled: bool = False
    error: str | None = None


class ExchangeSignals(QObject):
    """The signals of an :class:`ExchangeWorker`, emitted from its thread."""

    sig_progress = Signal(int)
    """How many documents are done so far."""

    sig_finished = Signal(object)
    """An :class:`ExchangeOutcome`, emitted once, last."""


class ExchangeWorker(CorpusWorker):
    """Runs ``job`` on a pool thread with a store of its own; :meth:`cancel` stops it at the
    next document."""

    def __init__(self, store: Store, job: Job) -> None:
        super().__init__(store)
        self.signals = ExchangeSignals()
        self._job = job
        self._sent_at = 0.0

    def run(self) -> None:
        """Run the job, then emit ``sig_finished``; never raises."""
        report, error = self._work_on_own_store(
            lambda store: self._job(store, self._progress, self._cancel.is_set)
        )
        outcome = ExchangeOutcome(report or Report(), self.is_cancelled(), error)
        self.signals.sig_finished.emit(outcome)

    def _progress(self, done: int) -> None:
        if time.monotonic() - self._sent_at >= PROGRESS_INTERVAL:
            self._sent_at = time.monotonic()
            self.signals.sig_progress.emit(done)

"""Exports and annotation imports off the GUI thread: a ``QRunnable`` that runs one job of
:mod:`corpus.exchange` and reports progress (documents done) and its outcome through signals."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from annotator.formats.model import Report
from corpus.exchange import Progress
from corpus.store import Store
from ui.import_worker import one_line_error

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


class ExchangeWorker(QRunnable):
    """Runs ``job`` on a pool thread with a store of its own; cancel with :meth:`cancel`."""

    def __init__(self, store: Store, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = ExchangeSignals()
        self._db, self._url = store.db, store.url
        self._job = job
        self._cancel = threading.Event()
        self._sent_at = 0.0

    def cancel(self) -> None:
        """Ask the job to stop at the next document; safe from any thread."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Whether a cancel was asked for."""
        return self._cancel.is_set()

    def run(self) -> None:
        """Run the job, then emit ``sig_finished``; never raises."""
        store = Store(self._db, self._url)
        report, error = Report(), None
        try:
            report = self._job(store, self._progress, self._cancel.is_set)
        except Exception as exc:  # the GUI shows one line; what was written stays
            error = one_line_error(exc)
        finally:
            with contextlib.suppress(Exception):
                store.close()
        self.signals.sig_finished.emit(ExchangeOutcome(report, self.is_cancelled(), error))

    def _progress(self, done: int) -> None:
        if time.monotonic() - self._sent_at >= PROGRESS_INTERVAL:
            self._sent_at = time.monotonic()
            self.signals.sig_progress.emit(done)

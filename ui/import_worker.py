"""Importing articles off the GUI thread: a ``QRunnable`` that runs the corpus importer and
reports its progress and outcome through signals.

The importer commits one batch at a time and reports an article only once its batch is
committed, so a cancel (asked between batches) leaves whole articles only, all of them counted.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from corpus.ingest import ImportEvent, ImportReport, IngestOptions, import_paths
from corpus.store import Store
from ui.corpus_worker import CorpusWorker

PROGRESS_INTERVAL = 0.1  # seconds between progress signals: a burst of events is coalesced


@dataclass(frozen=True)
class ImportProgress:
    """Counts so far (as in the final report) and where the article last reported came from."""

    imported: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failed: int = 0
    current: str = ""

    @classmethod
    def of(cls, report: ImportReport, current: str) -> ImportProgress:
        """The counts of ``report``, with ``current`` as the latest article's origin."""
        return cls(
            report.imported, report.duplicates, report.near_duplicates, report.failed, current
        )


@dataclass(frozen=True)
class ImportOutcome:
    """How an import ended: its report (what is in the corpus), whether the user cancelled it,
    and the one-line reason when an error stopped it early."""

    report: ImportReport
    cancelled: bool = False
    error: str | None = None


class ImportSignals(QObject):
    """The signals of an :class:`ImportWorker`, emitted from its thread (queued to receivers)."""

    sig_progress = Signal(object)
    """An :class:`ImportProgress`: the counts so far, at most every ``PROGRESS_INTERVAL``."""

    sig_finished = Signal(object)
    """An :class:`ImportOutcome`: emitted once, last, however the import ended."""


class ImportWorker(CorpusWorker):
    """Imports ``paths`` into the corpus of ``store`` on a pool thread; :meth:`cancel` stops it
    after the batch in flight.

    It writes through a store of its own on the same database (peewee gives each thread its own
    connection) and closes that thread's connection when done.
    """

    def __init__(
        self,
        store: Store,
        paths: Sequence[str | Path],
        collection: str | None = None,
        options: IngestOptions | None = None,
    ) -> None:
        super().__init__(store)
        self.signals = ImportSignals()
        self._paths = list(paths)
        self._collection = collection
        self._options = options
        self._report = ImportReport()
        self._current = ""
        self._unsent = False
        self._sent_at = 0.0

    def run(self) -> None:
        """Import, then emit ``sig_finished``; never raises (errors end up in the outcome)."""
        report, error = self._work_on_own_store(
            lambda store: import_paths(
                store,
                self._paths,
                self._collection,
                self._options,
                progress=self._noted,
                cancelled=self._cancelled,
            )
        )
        outcome = ImportOutcome(report or self._report, self.is_cancelled(), error)
        self.signals.sig_finished.emit(outcome)

    def _noted(self, event: ImportEvent) -> None:
        # Counted here too, so an import stopped by an error still reports what it committed.
        self._report.note(event)
        self._current = event.where
        self._unsent = True
        if time.monotonic() - self._sent_at >= PROGRESS_INTERVAL:
            self._send_progress()

    def _cancelled(self) -> bool:
        # The importer asks between articles it reads: the time to send a coalesced burst.
        if self._unsent:
            self._send_progress()
        return self._cancel.is_set()

    def _send_progress(self) -> None:
        self._unsent = False
        self._sent_at = time.monotonic()
        self.signals.sig_progress.emit(ImportProgress.of(self._report, self._current))

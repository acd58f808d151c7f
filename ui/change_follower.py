"""Follow what others change in the corpus: another window, another process, another annotator.

A timer asks the store's change watcher (:meth:`corpus.store.Store.watch_changes`) every
second; the watcher reads a notification queue (PostgreSQL) or a counter (SQLite), so a tick
costs next to nothing and never blocks the window.
"""

from __future__ import annotations

import contextlib

import peewee as pw
import psycopg2
from PySide6.QtCore import QObject, QTimer, Signal

from corpus.changes import ChangeWatcher
from corpus.store import Store

INTERVAL_MS = 1000


class ChangeFollower(QObject):
    """Emits ``sig_changed`` with the ids of the documents changed elsewhere (None: some
    documents, which ones unknown)."""

    sig_changed = Signal(object)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._watcher: ChangeWatcher | None = None
        self._lost = False
        self._start()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        """Ask once; a lost connection is opened again at the next tick, and the documents on
        show are then reloaded, since what happened meanwhile is unknown."""
        if self._watcher is None:
            if self._start() and self._lost:
                self._lost = False
                self.sig_changed.emit(None)
            return
        try:
            changed = self._watcher.changed()
        except (psycopg2.Error, pw.PeeweeException):
            self._lost = True
            self._drop()
            return
        if changed is None or changed:
            self.sig_changed.emit(changed)

    def _start(self) -> bool:
        try:
            self._watcher = self._store.watch_changes()
        except (psycopg2.Error, pw.PeeweeException):
            self._lost = True
            return False
        return True

    def stop(self) -> None:
        """Stop watching (the window closes)."""
        self.timer.stop()
        self._drop()

    def _drop(self) -> None:
        if self._watcher is not None:
            with contextlib.suppress(psycopg2.Error):
                self._watcher.close()
            self._watcher = None

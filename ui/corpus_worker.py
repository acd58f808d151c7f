"""What the workers that work on the corpus off the GUI thread share: a store of the worker's
own thread, a cancel flag, and the one-line reason the GUI shows when the work failed."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

import peewee as pw
from PySide6.QtCore import QRunnable

from annotator.errors import AnnotatorError
from corpus.db import first_database_error, first_line
from corpus.store import Store

Result = TypeVar("Result")


class CorpusWorker(QRunnable):
    """A ``QRunnable`` its owner keeps (and reads after the end) that works through a store of
    its own on the database of ``store`` (peewee gives each thread its own connection)."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner keeps it, and reads it after the end
        self._db, self._url = store.db, store.url
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point (see the subclass); safe from any thread."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Whether a cancel was asked for."""
        return self._cancel.is_set()

    def _work_on_own_store(
        self, work: Callable[[Store], Result]
    ) -> tuple[Result, None] | tuple[None, str]:
        """Run ``work`` with a store of this thread, then close that store: what ``work``
        returned, or the one-line reason it raised (what it wrote stays). Never raises."""
        # A store of this thread's own: the GUI's store keeps its bulk state to itself.
        store = Store(self._db, self._url)
        try:
            return work(store), None
        except Exception as exc:  # whatever it was, the GUI shows one line and what was kept
            return None, one_line_error(exc)
        finally:
            # Whatever closing the connection says (it may be gone already), the end is reported.
            with contextlib.suppress(Exception):
                store.close()


def one_line_error(exc: BaseException) -> str:
    """A one-line reason for ``exc``, without a traceback."""
    first = first_line(exc)
    if isinstance(exc, AnnotatorError):
        return first
    if isinstance(exc, pw.PeeweeException):
        cause = str(first_database_error(exc)).strip() or first
        return f"cannot write to the corpus: {cause.splitlines()[0]}"
    if isinstance(exc, OSError):
        return f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else first
    return f"{type(exc).__name__}: {first}"

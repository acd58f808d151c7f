"""A second process that fingerprints the next batch of an import while this one stores the
batch before it (both the article import and the annotation import use it)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import TYPE_CHECKING

# The process imports only corpus.dedup (numpy, datasketch), not the readers.
from corpus.dedup import Fingerprint, fingerprints

if TYPE_CHECKING:  # multiprocessing loads when an import starts the process, not with the app
    from concurrent.futures import Future, ProcessPoolExecutor

Prints = list[Fingerprint | None]

_PARENT_POLL = 0.5  # seconds between the process's looks at whether its parent still lives


def _end_with(parent: int) -> None:
    """Run in the process as it starts: end it once ``parent`` has gone (killed, say), which
    it would otherwise outlive, waiting for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class FingerprintJob:
    """The fingerprints of some texts, made by the process (or, without one, here when asked)."""

    def __init__(self, texts: list[str], job: Future[Prints] | None) -> None:
        self._texts = texts
        self._job = job

    def ready(self) -> bool:
        """Whether asking now would not wait for the process."""
        return self._job is None or self._job.done()

    def __call__(self) -> Prints:
        if self._job is not None:
            try:
                return self._job.result()
            except Exception:  # the process failed: fingerprint here instead
                pass
        return fingerprints(self._texts)


class FingerprintWorker:
    """Fingerprints texts in a process of its own once :meth:`start` is called, here until then.

    The process takes about a second to start: it imports numpy and datasketch (and with it
    scipy), which this process then need not do. Its answers are waited for, so the two
    processes share the work instead of both doing it; should it fail, the fingerprints are
    computed here. It ends with this process, also when this one is killed.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        """Start the process (once); nothing happens when no process can be started."""
        if self._pool is not None:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with contextlib.suppress(OSError, RuntimeError):
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_end_with,
                initargs=(os.getpid(),),
            )

    def submit(self, texts: list[str]) -> FingerprintJob:
        """Begin fingerprinting ``texts``; calling the job gives their fingerprints."""
        job = None
        if self._pool is not None:
            try:
                job = self._pool.submit(fingerprints, texts)
            except RuntimeError:  # BrokenProcessPool among them
                job = None
        return FingerprintJob(texts, job)

    def close(self) -> None:
        """End the process, dropping the batches it has not begun (the one it is on takes a
        fraction of a second)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

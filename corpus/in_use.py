"""The mark that a SQLite corpus is open: a shared ``flock`` on ``NAME.in-use`` beside the file.

Every open store holds it shared; a restore takes it exclusively, so it refuses while any store
(of this process or another) has the corpus open, and a store opened during a restore waits for
its end. The operating system drops a process's locks when it ends, however it ends, so no stale
mark is left behind. The file itself stays (removing it would race with another opener). Where
``fcntl`` is missing (Windows) there is no mark.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.errors import AnnotatorError

if sys.platform != "win32":
    import fcntl

OPEN_WAIT = 15.0  # seconds a store waits for a restore to end (SQLite's busy timeout)
_POLL = 0.05


class Mark:
    """A lock held on a corpus's ``.in-use`` file, given up by :meth:`release`, by the garbage
    collector or at exit, whichever comes first (once)."""

    def __init__(self, fd: int) -> None:
        self._close = weakref.finalize(self, os.close, fd)

    def release(self) -> None:
        """Give up the lock (closing its file); later calls do nothing."""
        self._close()


def sidecar(corpus: Path) -> Path:
    """The file whose lock marks ``corpus`` in use: ``NAME.in-use`` beside the real file."""
    real = corpus.expanduser().resolve()
    return real.with_name(real.name + ".in-use")


def _lock_file(corpus: Path) -> int:
    path = sidecar(corpus)
    # Read-only is enough for flock, and lets users who may only read the file mark it too.
    return os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)


def hold(corpus: Path) -> Mark | None:
    """Mark ``corpus`` open for as long as the returned mark is held; waits up to
    :data:`OPEN_WAIT` seconds while a restore replaces it, then refuses in one line. None
    where there is no mark: Windows, or a folder where the file cannot be made (said in a
    warning)."""
    if sys.platform == "win32":
        return None
    try:
        fd = _lock_file(corpus)
    except OSError as exc:
        logging.getLogger(__name__).warning(
            "%s: cannot mark the corpus in use (%s); a restore will not know it is open",
            corpus,
            exc.strerror,
        )
        return None
    deadline = time.monotonic() + OPEN_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return Mark(fd)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise AnnotatorError(
                    f"{corpus}: the corpus is being restored from a backup; open it again when "
                    "the restore is done"
                ) from None
            time.sleep(_POLL)


@contextmanager
def exclusive(corpus: Path) -> Iterator[None]:
    """Hold ``corpus`` alone while the block runs (a restore): refused in one line, at once,
    while any store has it open; stores opened meanwhile wait (see :func:`hold`)."""
    if sys.platform == "win32":
        yield
        return
    try:
        fd = _lock_file(corpus)
    except OSError as exc:
        raise AnnotatorError(f"{corpus}: cannot lock the corpus: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AnnotatorError(
                f"{corpus}: the corpus is open in another annotator window or command; close "
                "it and restore again"
            ) from None
        yield
    finally:
        os.close(fd)

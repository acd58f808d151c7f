"""Where an export's files go: written aside, beside the target under a ``.partial-`` prefix, and
put in place only once complete, so that a cancel or an error leaves what was there as it was;
and the parts of a split, written side by side from one reading of the corpus."""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.formats.model import AnnotatedDocument, Report

PARTIAL = ".partial-"
"""The prefix of what an export in the making writes, renamed without it when complete."""

QUEUE_DOCUMENTS = 16
"""Documents read ahead of each part's writer in a split (what memory holds at most)."""

PartWriter = Callable[[Iterable[AnnotatedDocument], Path, Report], None]
"""Writes one part's documents to its output, reporting into the report given."""


@contextmanager
def written_aside(out: Path, folder: bool, what: str) -> Iterator[Path]:
    """The path to write ``out`` at instead (a folder when ``folder``): its name with the
    partial prefix, in the same folder. Leaving the block normally puts what was written in
    place (files a format writes beside it too, named after it); an exception removes it all,
    and ``out`` stays as it was. Into a folder that exists and holds files, the export's files
    are moved one by one, replacing those of the same name (the others stay)."""
    _check_target(out, folder, what)
    for path in _aside(out):  # left by an earlier run that was killed
        _remove(path)
    try:
        yield out.with_name(PARTIAL + out.name)
        for path in sorted(_aside(out)):
            _put_in_place(path, path.with_name(path.name[len(PARTIAL) :]))
    except OSError as exc:
        if exc.filename is not None:  # it names its file already
            raise
        raise AnnotatorError(f"cannot write {out}: {exc.strerror or exc}") from None  # disk full
    finally:
        for path in _aside(out):  # what was not put in place: cancelled or failed
            _remove(path)


def _check_target(out: Path, folder: bool, what: str) -> None:
    if folder:
        if out.exists() and not out.is_dir():
            raise AnnotatorError(f"cannot write {out}: it is a file ({what} writes a folder)")
        out.parent.mkdir(parents=True, exist_ok=True)
        return
    if not out.parent.is_dir():
        raise AnnotatorError(f"cannot write {out}: there is no folder {out.parent}")
    if out.is_dir():
        raise AnnotatorError(f"cannot write {out}: it is a folder ({what} writes a file)")


def _aside(out: Path) -> list[Path]:
    """What is written aside for ``out``: the partial file or folder, and the files a format
    writes beside it, named after it (``<stem>.config.xml``)."""
    name, siblings = PARTIAL + out.name, PARTIAL + out.stem + "."
    return [p for p in out.parent.iterdir() if p.name == name or p.name.startswith(siblings)]


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _put_in_place(written: Path, target: Path) -> None:
    """Rename ``written`` to ``target``; a folder into an existing folder holding files is
    merged into it, file by file."""
    if not written.is_dir():
        os.replace(written, target)
        return
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        os.rename(written, target)
        return
    moves = [(p, target / p.relative_to(written)) for p in sorted(written.rglob("*"))]
    moves = [(file, to) for file, to in moves if not file.is_dir()]
    for _, to in moves:  # checked before anything moves
        if to.is_dir():
            raise AnnotatorError(f"cannot write {to}: there is a folder of that name")
    for file, to in moves:
        to.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, to)
    shutil.rmtree(written)


def write_parts(
    write: PartWriter,
    docs: Iterable[AnnotatedDocument],
    outs: Mapping[str, Path],
    part_of: Callable[[AnnotatedDocument], str],
    report: Report,
) -> None:
    """Write each of ``docs``, read once, to the output of its part (``outs`` by part name).

    Formats write from an iterator, so each part's writer runs on a thread of its own, fed
    through a short queue; the reading stays here. A writer's error stops the reading and the
    other writers, and is raised; so is an exception of the reading, once the writers have
    stopped. Each part reports apart, added to ``report`` at the end."""
    feeds = {name: _Feed(write, out, name) for name, out in outs.items()}
    try:
        for doc in docs:
            feeds[part_of(doc)].put(doc)
        for feed in feeds.values():
            feed.put(_END)
    except BaseException:
        for feed in feeds.values():
            feed.stop()
        raise
    finally:
        for feed in feeds.values():
            feed.thread.join()
            _add(report, feed.report)
    for feed in feeds.values():
        if feed.error is not None:
            raise feed.error


_END = object()  # no more documents
_STOP = object()  # stop writing: the export failed or was cancelled


class _Stopped(Exception):
    """Raised inside a part's writer to stop it."""


class _Feed:
    """One part's writer on its thread, and the queue of documents it writes."""

    def __init__(self, write: PartWriter, out: Path, name: str) -> None:
        self.queue: queue.Queue[object] = queue.Queue(QUEUE_DOCUMENTS)
        self.name = name
        self.report = Report()
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._run, args=(write, out), name=f"export-{name}", daemon=True
        )
        self.thread.start()

    def _run(self, write: PartWriter, out: Path) -> None:
        try:
            write(self._documents(), out, self.report)
        except _Stopped:
            pass
        except BaseException as exc:  # raised again on the reading thread
            self.error = exc

    def _documents(self) -> Iterator[AnnotatedDocument]:
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if item is _STOP:
                raise _Stopped
            assert isinstance(item, AnnotatedDocument)
            yield item

    def put(self, item: object) -> None:
        """Hand ``item`` to the writer, waiting while its queue is full; its error if it
        stopped."""
        while True:
            if self.error is not None:
                raise self.error
            if not self.thread.is_alive():
                raise AnnotatorError(f"the writer of the {self.name} part stopped early")
            try:
                self.queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def stop(self) -> None:
        """Make the writer stop at its next document (it is still draining its queue)."""
        while self.thread.is_alive():
            try:
                self.queue.put(_STOP, timeout=0.05)
                return
            except queue.Full:
                continue


def _add(total: Report, part: Report) -> None:
    total.documents += part.documents
    total.spans += part.spans
    total.lost.update(part.lost)
    for error in part.errors:
        total.refuse(error)
    total.errors_dropped += part.errors_dropped
    total.notes.extend(part.notes)

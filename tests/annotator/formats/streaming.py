"""Proving that a reader streams: how far it has read its file when it yields the first
document, and the peak of memory while it reads files of different sizes."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import pytest


class ReadPositions:
    """Records the files opened through ``Path.open`` to tell how far the last one has been
    read from the disk (what its buffers took, not only what the reader used)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[IO[Any]] = []
        real = Path.open

        def recording_open(path: Path, *args: Any, **kwargs: Any) -> IO[Any]:
            f = real(path, *args, **kwargs)
            self.files.append(f)
            return f

        monkeypatch.setattr(Path, "open", recording_open)

    def read_so_far(self) -> int:
        """Bytes of the last file opened that have been read from the disk."""
        f: Any = self.files[-1]
        f = getattr(f, "buffer", f)  # a text file's bytes
        return int(getattr(f, "raw", f).tell())


def peak_memory(read: Callable[[], Iterable[Any]]) -> tuple[int, int]:
    """How many documents ``read()`` yields, and the peak of memory traced while they are
    read one after another (none kept)."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in read())
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

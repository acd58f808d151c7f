"""How much memory a benchmark's process (and the processes it starts) holds, read from Linux's
``/proc``: the current resident size, the peak, and the peaks of child processes."""

from __future__ import annotations

import os
import resource
import sys
import threading
from pathlib import Path


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MB (Linux only)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def hwm_mb(pid: int | str = "self") -> float | None:
    """A process's own peak resident memory in MB (Linux's VmHWM), or None where unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def maxrss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    VmHWM where Linux gives it: ``ru_maxrss`` survives fork and exec there, so a child spawned
    by a large parent would report the parent's size. Elsewhere ``ru_maxrss`` (macOS: bytes).
    """
    own = hwm_mb()
    if own is not None:
        return own
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in threads:
        try:
            children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


class WorkerWatch:
    """Tracks the peak memory of the processes this one starts (the importer may start workers
    to fingerprint articles), sampling them until the block ends. Linux only; else zero."""

    def __init__(self) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> WorkerWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while True:
            for pid in _descendants(os.getpid()):
                peak = hwm_mb(pid)
                if peak is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)
            if self._stop.wait(0.1):
                return

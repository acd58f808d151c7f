"""The fingerprinting process an import starts: the same fingerprints, here until started, and
here again when it fails."""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from corpus import dedup
from corpus.fingerprint_worker import FingerprintWorker

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    f"Shelling near checkpoint {k} went on through the night, officials in district {k * 3} said."
    for k in range(6)
]


def test_the_process_gives_the_fingerprints_this_process_would() -> None:
    worker = FingerprintWorker()
    here = worker.submit(TEXTS[:3])  # not started: computed here when asked
    worker.start()
    assert worker.started
    there = [worker.submit(TEXTS[k : k + 1]) for k in range(3, 6)]
    try:
        assert here() == dedup.fingerprints(TEXTS[:3])
        assert [job()[0] for job in there] == dedup.fingerprints(TEXTS[3:])
    finally:
        worker.close()
    assert not worker.started


def test_a_failed_process_leaves_the_work_to_this_one(monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def submit(self, *args: object) -> Future[object]:
            future: Future[object] = Future()
            future.set_exception(BrokenProcessPool("worker died"))
            return future

        def shutdown(self, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", BrokenPool)
    worker = FingerprintWorker()
    worker.start()
    assert worker.submit(TEXTS)() == dedup.fingerprints(TEXTS)


def test_a_process_that_cannot_start_leaves_the_work_to_this_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    worker = FingerprintWorker()
    worker.start()
    assert not worker.started
    assert worker.submit(TEXTS)() == dedup.fingerprints(TEXTS)


_KILLED_PARENT = """
import sys, time
from corpus.fingerprint_worker import FingerprintWorker
worker = FingerprintWorker()
worker.start()
worker.submit(["the process starts and answers before its parent is killed"])()
print(*[p.pid for p in worker._pool._processes.values()], flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_the_process_ends_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _KILLED_PARENT], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert parent.stdout is not None
        (pid,) = map(int, parent.stdout.readline().split())
        assert _alive(pid)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False

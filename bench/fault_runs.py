"""The machinery every fault case shares: a child process whose acknowledgements are collected
(with the moment each came), a case's outcome, a fresh corpus, and the loop repeating a run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.document import Document
from corpus.resources import shipped_schema
from corpus.store import Store

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = "faults"
WINDOW_ANNOTATOR = "alice"
"""Who the app's window annotates as when the harness runs it."""
TEXT = " ".join(
    f"Report {i}: artillery shelled the northern district of Kafr Nabl while convoys waited."
    for i in range(12)
)


@dataclass
class Outcome:
    """One case's runs: how many, which failed and why, the time taken and what was checked."""

    case: str
    checked: str
    runs: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    acknowledged: int = 0
    note: str = ""
    when: str = ""


class Child:
    """A child process whose stdout JSON lines are collected as they come (acknowledgements),
    each with the moment it came (``"at"``: seconds since the child started)."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.lines: list[dict[str, Any]] = []
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        )
        self._errors: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_errors, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.stderr = ""

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{") and line.endswith("\n"):  # a killed writer's last may be cut
                self.lines.append({**json.loads(line), "at": time.monotonic() - self.started})

    def _read_errors(self) -> None:
        assert self.proc.stderr is not None
        self._errors.extend(self.proc.stderr)

    def wait_for(self, kind: str, timeout: float) -> bool:
        """Whether a line of ``kind`` came within ``timeout`` seconds."""
        return self.wait_until(
            lambda: any(line.get("kind") == kind for line in self.lines), timeout
        )

    def wait_until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Whether ``ready()`` came true within ``timeout`` seconds, before the child ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if ready():
                return True
            time.sleep(0.01)
        return ready()

    def descendants(self) -> list[int]:
        """The ids of the child's own children and theirs (Linux's /proc), now."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                try:
                    kids = [int(k) for k in task.read_text().split()]
                except OSError:  # it ended meanwhile
                    continue
                found += kids
                todo += kids
        return found

    def kill(self) -> list[int]:
        """SIGKILL the child (only it, as a crash would) and wait for it; the ids of its
        descendants that outlived it by 3 s, which are then killed too."""
        orphans = self.descendants()
        self.proc.send_signal(signal.SIGKILL)
        self.finish()
        deadline = time.monotonic() + 3
        while orphans and time.monotonic() < deadline:
            orphans = [pid for pid in orphans if _alive(pid)]
            time.sleep(0.05)
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)
        return orphans

    def finish(self, timeout: float = 600) -> int:
        """Wait for the end; keeps stderr. Returns the exit code."""
        code = self.proc.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=10)
        self.stderr = "".join(self._errors)
        return code


@dataclass(frozen=True)
class Commits:
    """An uninterrupted import's timeline: for each commit, how many articles (or documents)
    it had acknowledged (or stored) by then and the moment that was first seen; and the moment
    the import ended."""

    acknowledged: list[int]
    at: list[float]
    ended: float

    @classmethod
    def measured(cls, lines: list[dict[str, Any]], ended: float, gap: float = 0.2) -> Commits:
        """The commits of the acknowledgements ``lines``: a batch's come together, so a pause
        of ``gap`` seconds or more starts the next commit's."""
        acknowledged: list[int] = []
        at: list[float] = []
        for n, line in enumerate(lines):
            if not at or line["at"] - lines[n - 1]["at"] >= gap:
                at.append(line["at"])
                acknowledged.append(n)
            acknowledged[-1] = n + 1
        return cls(acknowledged, at, ended)

    def kill_moment(self, rng: random.Random) -> tuple[int, float, float]:
        """Where to kill, drawn at random: (the count to wait for, then the seconds to wait,
        and the moment that count came uninterrupted, 0 for none). Most come after a commit
        and before the next, a few before the first commit or after the end."""
        draw = rng.random()
        if draw < 0.08 or not self.at:
            return 0, rng.uniform(0.2, self.at[0] if self.at else self.ended), 0.0
        if draw > 0.94:
            return self.acknowledged[-1], self.ended - self.at[-1] + 0.5, self.at[-1]
        k = rng.randrange(max(len(self.at) - 1, 1))  # after commit k, before the next
        following = self.at[k + 1] if k + 1 < len(self.at) else self.ended
        first = self.acknowledged[k - 1] + 1 if k else 1  # commit k's first acknowledgement
        return first, rng.uniform(0.0, following - self.at[k]), self.at[k]


def wait_for_moment(
    moment: tuple[int, float, float], count: Callable[[], int], elapsed: Callable[[], float]
) -> None:
    """Wait until ``count()`` reaches the moment's count, then its seconds, stretched or
    shrunk by how much slower or faster than uninterrupted the count came (the machine's
    load changes), so that the kill lands where it was drawn."""
    wanted, seconds, reached = moment
    deadline = time.monotonic() + 600
    while count() < wanted and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(seconds * (elapsed() / reached if reached > 0 else 1.0))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def cli_argv(db: Path | str, *args: str) -> list[str]:
    """The command line of ``annotator --db DB ARGS``."""
    return [sys.executable, "-m", "cli", "--db", str(db), *args]


def import_argv(db: Path | str, jsonl: Path) -> list[str]:
    """The command line of an article import that prints its acknowledgements."""
    return cli_argv(db, "import", str(jsonl), "--collection", COLLECTION, "--events")


def new_corpus(db: Path | str) -> int:
    """A fresh corpus (a SQLite file, its old files removed, or an empty database's URL) with
    the shipped schema and one document to annotate; its id."""
    if isinstance(db, Path):
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
    store = Store.open(str(db))
    try:
        store.set_schema(shipped_schema())
        return store.add_document(Document(text=TEXT, title="to annotate"), [COLLECTION]).id
    finally:
        store.close()


def orphan_problems(orphans: list[int]) -> list[str]:
    """A problem when processes of the killed child outlived it."""
    return [f"processes {orphans} outlived the killed child"] if orphans else []


def repeat(
    outcome: Outcome, runs: int, once: Callable[[int], list[str]], say: Callable[[str], None]
) -> Outcome:
    """Run ``once(i)`` ``runs`` times, each returning its problems, into ``outcome``."""
    started = time.monotonic()
    for i in range(runs):
        problems = once(i)
        outcome.runs += 1
        if problems:
            outcome.failures.append(f"run {i + 1}: " + "; ".join(problems[:3]))
        say(f"{outcome.case}: run {i + 1}/{runs}: {'; '.join(problems[:3]) or 'ok'}")
    outcome.seconds = time.monotonic() - started
    return outcome

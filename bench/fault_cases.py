"""The faults the corpus must survive, each a function running one experiment ``runs`` times and
returning a :class:`Outcome`: SIGKILL of an import and of the app during annotation, two apps and
an import at once, and a full disk. Used by ``python -m bench.faults`` and, with few runs, by
tests/reliability."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import fault_checks as checks
from bench.fault_runs import (
    COLLECTION,
    Child,
    Commits,
    Outcome,
    cli_argv,
    import_argv,
    new_corpus,
    orphan_problems,
    repeat,
    wait_for_moment,
)
from corpus.store import Store

BURST_SECONDS = 8.0  # the app is killed this long at most after it is ready to edit
HEAD_ARTICLES = 300  # imported first in the disk-full case: about 1 MB, fits in the 4 MB


def editor_argv(db: Path, doc_id: int, annotator: str, seed: int, actions: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench.fault_editor",
        str(db),
        str(doc_id),
        annotator,
        str(seed),
        str(actions),
    ]


def _import_problems(db: Path, events: list[dict[str, Any]]) -> list[str]:
    con = checks.connect(db)
    try:
        return (
            checks.integrity_problems(con)
            + checks.missing_acknowledged(con, events)
            + checks.incomplete_documents(con, COLLECTION)
        )
    finally:
        con.close()


def _editor_problems(
    db: Path, doc_id: int, annotator: str, lines: list[dict[str, Any]]
) -> list[str]:
    state: checks.SpanState = {}
    pending: dict[str, Any] | None = None
    problems = []
    for line in lines:
        if line["kind"] == "intent":
            pending = line
        elif line["kind"] == "ack":
            pending = None
            if line["op"] == "add":
                state[line["id"]] = (line["start"], line["end"], line["label"])
            elif line["op"] == "relabel":
                start, end, _ = state[line["id"]]
                state[line["id"]] = (start, end, line["label"])
            else:
                state.pop(line["id"])
        elif line["kind"] == "refused":
            problems.append(f"{annotator}: the editor refused {line}")
            pending = None
    con = checks.connect(db)
    try:
        stored = checks.stored_spans(con, doc_id, annotator)
        return (
            problems + checks.integrity_problems(con) + checks.span_problems(stored, state, pending)
        )
    finally:
        con.close()


def calibrate(db: Path | str, jsonl: Path, prepare: Callable[[], object]) -> Commits:
    """The commits of an uninterrupted import of ``jsonl`` into a fresh corpus at ``db``."""
    prepare()
    child = Child(import_argv(db, jsonl))
    child.finish()
    return Commits.measured(child.lines, time.monotonic() - child.started)


def kill_import_once(
    db: Path | str, jsonl: Path, commits: Commits, rng: random.Random, phases: dict[str, int]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Import ``jsonl`` into ``db`` (made fresh before) and SIGKILL it at a moment drawn from
    ``commits``, counting the phase it came in; the acknowledgements and processes left."""
    child = Child(import_argv(db, jsonl))
    wait_for_moment(
        commits.kill_moment(rng),
        lambda: len(child.lines),
        lambda: time.monotonic() - child.started,
    )
    ended = child.proc.poll() is not None
    problems = orphan_problems(child.kill())
    acked = len(child.lines)
    if ended:
        phases["after the end"] += 1
    elif not acked:
        phases["before the first commit"] += 1
    elif acked >= commits.acknowledged[-1]:
        phases["after the last commit"] += 1
    else:
        phases["between commits"] += 1
    return child.lines, problems


def phase_note(phases: dict[str, int]) -> str:
    """How many kills came in each phase of an import."""
    return "killed " + ", ".join(f"{n} {phase}" for phase, n in phases.items())


def new_phases() -> dict[str, int]:
    return dict.fromkeys(
        ("before the first commit", "between commits", "after the last commit", "after the end"),
        0,
    )


def kill_import(
    work: Path, jsonl: Path, runs: int, seed: int, say: Callable[[str], None]
) -> Outcome:
    """SIGKILL ``annotator import`` of ``jsonl`` at a random moment of each run, drawn from
    the commits of an uninterrupted import (:meth:`Commits.kill_moment`)."""
    outcome = Outcome(
        "SIGKILL of `annotator import`",
        "integrity_check, foreign keys, FTS5 integrity-check; every reported article there; "
        "every document complete (hash, MinHash and bands, search index, collection)",
    )
    rng = random.Random(seed)
    db = work / "import.db"
    commits = calibrate(db, jsonl, lambda: new_corpus(db))
    phases = new_phases()

    def once(i: int) -> list[str]:
        new_corpus(db)
        events, problems = kill_import_once(db, jsonl, commits, rng, phases)
        outcome.acknowledged += len(events)
        return problems + _import_problems(db, events)

    repeat(outcome, runs, once, say)
    outcome.note = (
        f"{jsonl.stat().st_size / 1e6:.0f} MB of articles, {len(commits.at)} commits; "
        + phase_note(phases)
    )
    return outcome


def kill_app(work: Path, runs: int, seed: int, say: Callable[[str], None]) -> Outcome:
    """SIGKILL the app at a random moment of a burst of span edits."""
    outcome = Outcome(
        "SIGKILL of the app annotating",
        "integrity_check, foreign keys; every acknowledged add, relabel and delete in the corpus",
    )
    rng = random.Random(seed)
    db = work / "app.db"

    def once(i: int) -> list[str]:
        doc_id = new_corpus(db)
        child = Child(editor_argv(db, doc_id, "alice", seed + i, 5000))
        if not child.wait_for("ready", 120):
            child.kill()
            return [f"the app did not start: {child.stderr.strip()[-300:]}"]
        time.sleep(rng.uniform(0.0, BURST_SECONDS))
        child.kill()
        outcome.acknowledged += sum(1 for line in child.lines if line["kind"] == "ack")
        return _editor_problems(db, doc_id, "alice", child.lines)

    return repeat(outcome, runs, once, say)


def crowd(
    work: Path, jsonl: Path, runs: int, seed: int, say: Callable[[str], None], actions: int = 150
) -> Outcome:
    """Two apps editing (alice and bob) and an import, all on one SQLite corpus at once."""
    outcome = Outcome(
        "two apps and an import at once",
        "all exit 0; no 'database is locked' (or any message) on stderr; every acknowledged "
        "edit and reported article there; integrity and documents as above",
    )
    db = work / "crowd.db"

    def once(i: int) -> list[str]:
        doc_id = new_corpus(db)
        apps = {
            name: Child(editor_argv(db, doc_id, name, seed + 2 * i + n, actions))
            for n, name in enumerate(("alice", "bob"))
        }
        importer = Child(import_argv(db, jsonl))
        problems = []
        for name, child in [*apps.items(), ("import", importer)]:
            code = child.finish()
            noise = [
                line
                for line in child.stderr.splitlines()
                if "locked" in line or line.startswith(checks.MESSAGE) or name == "import"
            ]
            if code != 0 or noise:
                problems.append(f"{name}: exit {code}, stderr {noise[-3:]}")
        acks = [line for c in apps.values() for line in c.lines if line["kind"] == "ack"]
        outcome.acknowledged += len(acks) + len(importer.lines)
        for name, child in apps.items():
            problems += _editor_problems(db, doc_id, name, child.lines)
        return problems + _import_problems(db, importer.lines)

    return repeat(outcome, runs, once, say)


def _one_line_error(child: Child, code: int) -> list[str]:
    lines = [line for line in child.stderr.splitlines() if line.strip()]
    if code == 0:
        return ["it succeeded on a full disk"]
    if len(lines) != 1 or not lines[0].startswith("annotator: "):
        return [f"not a one-line error (exit {code}): {lines[-5:]}"]
    if not any(word in lines[0].lower() for word in ("full", "space")):
        return [f"the error does not say the disk is full: {lines[0]}"]
    return []


def disk_full(work: Path, jsonl: Path, runs: int, say: Callable[[str], None]) -> Outcome:
    """An import, then an export, into a 4 MB tmpfs folder holding the corpus."""
    outcome = Outcome(
        "disk full (4 MB tmpfs) during import and export",
        "a one-line error naming the cause, exit code not 0; then integrity, every reported "
        "article there and complete, the corpus opens; no partial export left",
    )
    folder = work / "small-disk"
    folder.mkdir(exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        reason = (mounted.stderr.strip() or f"exit {mounted.returncode}").splitlines()[0]
        outcome.note = f"skipped: cannot mount a tmpfs here ({reason})"
        say(f"{outcome.case}: {outcome.note}")
        return outcome

    head = work / "head.jsonl"
    with jsonl.open(encoding="utf-8") as lines, head.open("w", encoding="utf-8") as out:
        out.writelines(line for _, line in zip(range(HEAD_ARTICLES), lines, strict=False))

    def once(i: int) -> list[str]:
        for path in folder.iterdir():
            path.unlink()
        db = folder / "corpus.db"
        new_corpus(db)
        first = Child(import_argv(db, head))  # what fits: committed before the disk fills
        problems = [] if first.finish() == 0 else [f"the first import failed: {first.stderr}"]
        importer = Child(import_argv(db, jsonl))
        problems += [f"import: {p}" for p in _one_line_error(importer, importer.finish())]
        events = first.lines + importer.lines
        outcome.acknowledged += len(events)
        filler = folder / "filler"
        with filler.open("wb") as f:  # what the import left free, taken
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        exporter = Child(
            cli_argv(db, "export", "--format", "jsonl", "--out", str(folder / "out.jsonl"))
        )
        problems += [f"export: {p}" for p in _one_line_error(exporter, exporter.finish())]
        filler.unlink()
        outcome.note = (
            f"import said `{importer.stderr.strip()}`; export said `{exporter.stderr.strip()}`"
        )
        left = [p.name for p in folder.iterdir() if not p.name.startswith("corpus.db")]
        if left:
            problems.append(f"export left files behind: {left}")
        problems += _import_problems(db, events)
        try:
            Store.open(str(db)).close()
        except Exception as exc:
            problems.append(f"the corpus no longer opens: {exc}")
        return problems

    try:
        return repeat(outcome, runs, once, say)
    finally:
        subprocess.run(["umount", str(folder)], check=False)

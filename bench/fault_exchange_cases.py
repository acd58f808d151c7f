"""SIGKILL of the app while it runs an annotation import or an export itself (File ▸ Import
Annotations… and File ▸ Export…, driven by ``python -m bench.fault_exchange``): the corpus
stays whole, every document is imported with all its spans or not at all, and the export's
file is absent, as it was, or complete, never partial. Used by ``python -m bench.faults`` and,
with few runs, by tests/reliability."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import fault_checks as checks
from bench.corpus_import import ArticleGenerator
from bench.fault_runs import (
    WINDOW_ANNOTATOR,
    Child,
    Commits,
    Outcome,
    cli_argv,
    new_corpus,
    orphan_problems,
    repeat,
    wait_for_moment,
)
from corpus.resources import shipped_schema
from corpus.store import Store

ANNOTATOR = "importer"
"""Whose annotations the annotation import stores."""
SPANS_PER_DOCUMENT = 8
EARLIER = b'{"text": "an earlier export, to be kept or replaced whole"}\n'
"""What the export's target holds before every other run."""

AFTER_THE_END = 1.15
"""Export kills are drawn over this much of an uninterrupted export's time: a few come after
it put its file in place."""

Spans = frozenset[tuple[int, int, str]]


def write_annotations(n: int, path: Path, seed: int = 5) -> dict[str, Spans]:
    """Write ``n`` generated articles with spans on some of their words as doccano JSONL to
    ``path``; each text's spans."""
    rng = random.Random(seed)
    labels = [spec.name for spec in shipped_schema().labels][:6]
    expected: dict[str, Spans] = {}
    with path.open("w", encoding="utf-8") as out:
        for article in ArticleGenerator(seed).articles(n):
            text = article["text"]
            if text in expected:  # matched to the same document: one set of spans per text
                continue
            words = [(m.start(), m.end()) for m in re.finditer(r"\w{4,}", text)]
            chosen = sorted(rng.sample(words, min(SPANS_PER_DOCUMENT, len(words))))
            spans = [(start, end, rng.choice(labels)) for start, end in chosen]
            expected[text] = frozenset(spans)
            record = {"text": text, "label": spans, "meta": {"title": article["title"]}}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return expected


def exchange_argv(db: Path, *args: str) -> list[str]:
    """The command line of the app running an export or an annotation import."""
    return [sys.executable, "-m", "bench.fault_exchange", str(db), *args]


def _finished(child: Child) -> dict[str, object] | None:
    return next((line for line in child.lines if line["kind"] == "finished"), None)


def _timed(child: Child, watch: Callable[[], int] = lambda: 0) -> tuple[Commits, list[str]]:
    """The timeline of an uninterrupted job, from its start: the moments ``watch()`` (the
    documents stored) grew, and its end; or the problems when it failed."""
    child.wait_for("started", 120)
    samples: list[tuple[float, int]] = []
    while child.proc.poll() is None:
        count = watch()
        if count != (samples[-1][1] if samples else 0):
            samples.append((time.monotonic() - child.started, count))
        time.sleep(0.02)
    child.finish()
    started = next((line["at"] for line in child.lines if line["kind"] == "started"), None)
    done = _finished(child)
    if started is None or done is None or done["error"]:
        return Commits([], [], 0.0), [
            f"the uninterrupted run failed: {child.lines[-2:]} {child.stderr[-300:]}"
        ]
    at = [moment - started for moment, _ in samples]
    return Commits([count for _, count in samples], at, float(done["at"]) - started), []  # type: ignore[arg-type]


def _stored(con: sqlite3.Connection) -> Callable[[], int]:
    """How many documents the import has stored so far (all but the one the corpus began with)."""
    return lambda: int(con.execute("SELECT count(*) FROM document").fetchone()[0]) - 1


def _kill_at(child: Child, moment: tuple[int, float, float], watch: Callable[[], int]) -> list[str]:
    """Kill ``child`` at ``moment`` of its job (:func:`wait_for_moment`, counting by
    ``watch()``); problems when it never started."""
    if not child.wait_for("started", 120):
        child.kill()
        return [f"the app did not start the job: {child.stderr.strip()[-300:]}"]
    started = next(line["at"] for line in child.lines if line["kind"] == "started")
    wait_for_moment(moment, watch, lambda: time.monotonic() - child.started - started)
    return orphan_problems(child.kill())


def annotation_problems(
    db: Path, expected: dict[str, Spans], finished: bool
) -> tuple[int, list[str]]:
    """How many of ``expected``'s documents the corpus at ``db`` holds, and what is wrong:
    integrity, a document not whole (hash, MinHash, search index), a document without all its
    spans or with others, one missing after the import said it finished."""
    con = checks.connect(db)
    try:
        problems = checks.integrity_problems(con) + checks.incomplete_documents(con, None)
        held = 0
        for doc_id, text in con.execute("SELECT id, text FROM document"):
            if text not in expected:
                continue
            held += 1
            spans = frozenset(checks.stored_spans(con, doc_id, ANNOTATOR).values())
            if spans != expected[text]:
                problems.append(
                    f"document {doc_id}: {len(spans)} spans stored of {len(expected[text])}"
                )
    finally:
        con.close()
    if finished and held != len(expected):
        problems.append(f"the import finished, but {held} of {len(expected)} documents are there")
    return held, problems


def kill_app_import(
    work: Path, documents: int, runs: int, seed: int, say: Callable[[str], None]
) -> Outcome:
    """SIGKILL the app at a random moment of an annotation import it runs (``documents`` new
    documents with their spans, doccano JSONL), drawn from an uninterrupted import's commits
    (:meth:`Commits.kill_moment`)."""
    outcome = Outcome(
        "SIGKILL of the app importing annotations",
        "integrity_check, foreign keys, FTS5 integrity-check; every document whole (hash, "
        "MinHash and bands, search index) with all its spans or absent; all there once "
        "the window said finished",
    )
    rng = random.Random(seed)
    source = work / "annotations.jsonl"
    expected = write_annotations(documents, source)
    db = work / "app-import.db"
    argv = exchange_argv(db, "import", str(source), ANNOTATOR)
    new_corpus(db)
    con = checks.connect(db)
    try:
        commits, problems = _timed(Child(argv), _stored(con))
    finally:
        con.close()
    problems += annotation_problems(db, expected, True)[1]
    if problems:
        outcome.failures.append("uninterrupted: " + "; ".join(problems[:3]))
        return outcome
    counts = {"none": 0, "some": 0, "all": 0}

    def once(i: int) -> list[str]:
        new_corpus(db)
        child = Child(argv)
        con = checks.connect(db)
        try:
            problems = _kill_at(child, commits.kill_moment(rng), _stored(con))
        finally:
            con.close()
        done = _finished(child) is not None
        held, found = annotation_problems(db, expected, done)
        outcome.acknowledged += len(expected) if done else 0
        counts["all" if held == len(expected) else "some" if held else "none"] += 1
        return problems + found

    repeat(outcome, runs, once, say)
    outcome.note = (
        f"{len(expected):,} documents with {SPANS_PER_DOCUMENT} spans each, "
        f"{len(commits.at)} commits in {commits.ended:.0f} s uninterrupted; after the kill "
        f"{counts['none']} held none, {counts['some']} some, {counts['all']} all"
    )
    return outcome


def kill_app_export(
    work: Path, documents: int, runs: int, seed: int, say: Callable[[str], None]
) -> Outcome:
    """SIGKILL the app at a random moment of an export it runs (doccano JSONL of a corpus of
    ``documents`` annotated documents), drawn over an uninterrupted export's time (and a
    little after); every other run has an earlier file in the target's place."""
    outcome = Outcome(
        "SIGKILL of the app exporting",
        "integrity_check, foreign keys, FTS5 integrity-check; the target absent, the earlier "
        "file as it was, or byte for byte the uninterrupted export (then parsed: every "
        "document); complete once the window said finished",
    )
    rng = random.Random(seed)
    source = work / "export-annotations.jsonl"
    write_annotations(documents, source, seed=seed)
    db, out = work / "app-export.db", work / "exported" / "out.jsonl"
    out.parent.mkdir(exist_ok=True)
    shown = new_corpus(db)
    loaded = Child(cli_argv(db, "import", "--format", "jsonl", str(source), "--annotator", "bob"))
    argv = exchange_argv(db, "export", str(out))
    problems = [f"loading failed: {loaded.stderr}"] if loaded.finish() else []
    # The window stores suggestions for the document it shows, in a set of its annotator's,
    # when it lives long enough (a run killed after it finished): every export after that
    # has the set. It is made here, empty, so that the reference has it too.
    store = Store.open(str(db))
    store.save_suggestions(shown, WINDOW_ANNOTATOR, [])
    store.close()
    if not problems:
        timeline, problems = _timed(Child(argv))
        took = timeline.ended
    reference = out.read_bytes() if out.exists() else b""
    lines = [json.loads(line) for line in reference.decode("utf-8").splitlines()]
    con = checks.connect(db)
    held = con.execute("SELECT count(*) FROM document").fetchone()[0]
    con.close()
    if len(lines) != held:  # each document once: bob's set, or bare
        problems.append(f"the uninterrupted export holds {len(lines)} of {held} documents")
    if problems:
        outcome.failures.append("uninterrupted: " + "; ".join(problems[:3]))
        return outcome
    counts = {"absent": 0, "earlier": 0, "complete": 0, "partial file beside it": 0}

    def once(i: int) -> list[str]:
        for path in out.parent.iterdir():
            path.unlink()
        if i % 2:
            out.write_bytes(EARLIER)
        child = Child(argv)
        problems = _kill_at(child, (0, rng.uniform(0.0, took * AFTER_THE_END), 0.0), lambda: 0)
        done = _finished(child) is not None
        outcome.acknowledged += len(lines) if done else 0
        now = out.read_bytes() if out.exists() else None
        state = {None: "absent", EARLIER: "earlier", reference: "complete"}.get(now, "partial")
        if state == "partial" or (done and state != "complete"):
            size = "none" if now is None else f"{len(now):,} bytes"
            problems.append(f"{state} export in place ({size}; finished: {done})")
        elif (state == "absent" and i % 2) or (state == "earlier" and not i % 2):
            problems.append(f"the target is {state}, but it was {'there' if i % 2 else 'not'}")
        else:
            counts[state] += 1
        counts["partial file beside it"] += any(
            p.name.startswith(".partial-") for p in out.parent.iterdir()
        )
        con = checks.connect(db)
        try:
            return problems + checks.integrity_problems(con)
        finally:
            con.close()

    repeat(outcome, runs, once, say)
    outcome.note = (
        f"{len(lines):,} documents, {len(reference) / 1e6:.0f} MB, {took:.0f} s uninterrupted; "
        "after the kill the target was " + ", ".join(f"{n} {what}" for what, n in counts.items())
    )
    return outcome

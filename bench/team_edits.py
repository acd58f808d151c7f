"""The annotator processes of ``bench.team_load`` and the check of what they were told against
what the database holds.

Each process is spawned (nothing inherited), opens its own connection, gets ready, waits at a
barrier with the others, then makes :data:`EDITS` edits, timing each call with
``time.perf_counter``, and puts on a queue what it was acknowledged: the spans it holds at the
end with their last values, the ids it deleted, its latencies, its statement counts.
"""

from __future__ import annotations

import cProfile
import json
import multiprocessing
import random
import time
import traceback
from collections import Counter
from collections.abc import Callable
from queue import Empty
from typing import Any

SEED = 20240705
WORKERS = 8
EDITS = 1000  # per process
ADD, UPDATE = 0.60, 0.25  # the shares of adds and updates; the rest are deletes
NAMES = ("amira", "bruno", "chen", "dalia", "emil", "farah", "goran", "hana")
LABELS = ("Actor", "Location", "WeaponSystem", "Casualty", "Attack")
CATEGORIES = ("state_force", "non_state_armed_group", "political", "civilian")
BARRIER_TIMEOUT = 300  # seconds a process waits for the others to be ready
RESULT_TIMEOUT = 900  # seconds the parent waits for all of them

# A span as acknowledged: id, document, start, end, label, version, attributes.
Row = tuple[int, int, int, int, str, int, dict[str, Any]]
Docs = list[tuple[int, int]]  # (id, length) of the documents edited


def _new_span(rng: random.Random, docs: Docs) -> tuple[int, int, int, str, dict[str, Any]]:
    """A document, a stretch of its text and a label (half the Actors with a category)."""
    doc_id, length = rng.choice(docs)
    size = rng.randint(3, 25)
    start = rng.randrange(length - size)
    label = rng.choice(LABELS)
    attrs = {"category": rng.choice(CATEGORIES)} if label == "Actor" and rng.random() < 0.5 else {}
    return doc_id, start, start + size, label, attrs


class EditPlan:
    """One annotator's edits, drawn from the mix: the spans it holds and the next edit."""

    def __init__(self, index: int, docs: Docs) -> None:
        self.rng = random.Random(SEED + index)
        self.docs = docs
        self.lengths = dict(docs)
        self.live: dict[int, Row] = {}
        self.deleted: list[int] = []
        self._taken: set[tuple[int, int, int, str]] = set()  # no two alike in a set

    def next_edit(self) -> tuple[str, tuple[Any, ...]]:
        """("add", (doc, start, end, label, attrs)), ("update", (id, start, end, label,
        attrs)) of one of its spans, a new label or new bounds, or ("delete", (id,))."""
        rng, draw = self.rng, self.rng.random()
        if not self.live or draw < ADD:
            new = _new_span(rng, self.docs)
            while new[:4] in self._taken:
                new = _new_span(rng, self.docs)
            return "add", new
        span_id = rng.choice(list(self.live))
        if draw >= ADD + UPDATE:
            return "delete", (span_id,)
        _, doc_id, start, end, label, _, attrs = self.live[span_id]
        while (doc_id, start, end, label) in self._taken:
            _, _, start, end, label, _, attrs = self.live[span_id]
            if rng.random() < 0.5:
                label, attrs = rng.choice([x for x in LABELS if x != label]), {}
            else:
                start = min(max(0, start + rng.randint(-4, 4)), self.lengths[doc_id] - 2)
                end = max(start + 1, min(self.lengths[doc_id], end + rng.randint(-4, 4)))
        return "update", (span_id, start, end, label, attrs)

    def acknowledge(self, kind: str, args: tuple[Any, ...], result: Any) -> None:
        """Record an edit the store acknowledged (``result``: an add's new id)."""
        if kind == "add":
            self.live[result] = (result, *args[:4], 1, args[4])
            self._taken.add(args[:4])
            return
        old = self.live.pop(args[0])
        self._taken.discard(old[1:5])
        if kind == "update":
            span_id, start, end, label, attrs = args
            self.live[span_id] = (span_id, old[1], start, end, label, old[5] + 1, attrs)
            self._taken.add((old[1], start, end, label))
        else:
            self.deleted.append(args[0])


def _store_edits(index: int, url: str, docs: Docs, barrier: Any) -> dict[str, Any]:
    """Open a store, wait for the others, make :data:`EDITS` edits through it."""
    from annotator import document as dom
    from corpus.store import Store

    name, plan = NAMES[index], EditPlan(index, docs)
    store = Store.open(url)
    store.schema()  # parsed once, as the app has by the time its user edits
    calls: dict[str, Callable[[tuple[Any, ...]], Any]] = {
        "add": lambda a: store.add_span(a[0], name, dom.Span(*a[1:])),
        # As the app does: each edit states the version it changes.
        "update": lambda a: store.update_span(a[0], dom.Span(*a[1:]), plan.live[a[0]][5]),
        "delete": lambda a: store.delete_span(a[0], plan.live[a[0]][5]),
    }
    statements: Counter[str] = Counter()
    kind = "add"
    execute = store.db.execute_sql

    def counted(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        statements[kind] += 1
        return execute(sql, params, *args, **kwargs)

    store.db.execute_sql = counted  # type: ignore[method-assign]
    times: dict[str, list[float]] = {"add": [], "update": [], "delete": []}
    errors: list[str] = []
    barrier.wait(BARRIER_TIMEOUT)
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(EDITS):
        kind, args = plan.next_edit()
        try:
            t0 = time.perf_counter()
            result = calls[kind](args)
            times[kind].append(time.perf_counter() - t0)
        except Exception as exc:  # counted and reported, never fatal: the rest still runs
            errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            continue
        plan.acknowledge(kind, args, result)
    ended, cpu = time.perf_counter(), time.process_time() - cpu
    store.close()
    return {
        "times": times,
        "live": list(plan.live.values()),
        "deleted": plan.deleted,
        "errors": errors,
        "statements": dict(statements),
        "window": (began, ended),
        "cpu": cpu,
    }


def _raw_inserts(index: int, url: str, docs: Docs, barrier: Any) -> dict[str, Any]:
    """The baseline: :data:`EDITS` single-row INSERT ... RETURNING by raw psycopg2."""
    import psycopg2

    from corpus.models import utcnow
    from corpus.store import Store

    name, rng = NAMES[index], random.Random(SEED + index)
    store = Store.open(url)  # the annotator and their sets, made the store's way beforehand
    for doc_id, _ in docs:
        store.set_status(doc_id, name, "in_progress")
    store.close()
    conn = psycopg2.connect(url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(
        "SELECT s.document_id, s.id FROM annotation_set s JOIN annotator a "
        "ON a.id = s.annotator_id WHERE a.name = %s",
        [name],
    )
    sets = dict(cur.fetchall())
    insert = (
        'INSERT INTO span (annotation_set_id, start, "end", label, attributes, note, fragments, '
        "version, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, '', NULL, 1, %s, %s) "
        "RETURNING id"
    )
    times: list[float] = []
    live: list[Row] = []
    taken: set[tuple[Any, ...]] = set()  # as in the project's sets, no two spans alike
    barrier.wait(BARRIER_TIMEOUT)
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(EDITS):
        new = _new_span(rng, docs)
        while new[:4] in taken:
            new = _new_span(rng, docs)
        taken.add(new[:4])
        doc_id, start, end, label, attrs = new
        now = utcnow()
        t0 = time.perf_counter()
        cur.execute(insert, [sets[doc_id], start, end, label, json.dumps(attrs), now, now])
        span_id = cur.fetchone()[0]
        times.append(time.perf_counter() - t0)
        live.append((span_id, doc_id, start, end, label, 1, attrs))
    ended, cpu = time.perf_counter(), time.process_time() - cpu
    conn.close()
    return {
        "times": {"add": times},
        "live": live,
        "deleted": [],
        "errors": [],
        "statements": {},
        "window": (began, ended),
        "cpu": cpu,
    }


def _process(
    kind: str, index: int, url: str, docs: Docs, barrier: Any, queue: Any, profile: str | None
) -> None:
    """One annotator process: its edits (under cProfile when ``profile`` names a file), and
    what it recorded put on ``queue``."""
    run = _store_edits if kind == "project" else _raw_inserts
    try:
        if profile:
            profiler = cProfile.Profile()
            result = profiler.runcall(run, index, url, docs, barrier)
            profiler.dump_stats(profile)
        else:
            result = run(index, url, docs, barrier)
        queue.put({"index": index, "annotator": NAMES[index], **result})
    except BaseException:
        barrier.abort()  # the others must not wait for this one
        queue.put({"index": index, "failed": traceback.format_exc()})


def run_team(
    kind: str, url: str, docs: Docs, workers: int = WORKERS, profile: str | None = None
) -> list[dict[str, Any]]:
    """Start ``workers`` processes of ``kind`` ("project" or "baseline") on the corpus at
    ``url``, the first under cProfile if ``profile`` names a file; what each recorded."""
    spawn = multiprocessing.get_context("spawn")
    barrier, queue = spawn.Barrier(workers), spawn.Queue()
    procs = [
        spawn.Process(
            target=_process, args=(kind, i, url, docs, barrier, queue, profile if i == 0 else None)
        )
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    results: list[dict[str, Any]] = []
    deadline = time.monotonic() + RESULT_TIMEOUT
    try:
        while len(results) < workers:
            try:
                results.append(queue.get(timeout=1))
            except Empty:
                done = {r["index"] for r in results}
                dead = [i for i, p in enumerate(procs) if p.exitcode and i not in done]
                if dead or time.monotonic() > deadline:
                    how = (
                        f"{dead[0]} exited with {procs[dead[0]].exitcode}" if dead else "timed out"
                    )
                    raise RuntimeError(f"a {kind} process {how}") from None
    finally:
        barrier.abort()  # releases any process still waiting, if something went wrong
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.terminate()
    failed = [r["failed"] for r in results if "failed" in r]
    if failed:
        raise RuntimeError(f"a {kind} process failed:\n{failed[0]}")
    return sorted(results, key=lambda r: r["index"])


def verify(url: str, results: list[dict[str, Any]]) -> dict[str, int]:
    """Compare what every process was told with what the database holds.

    Lost: an acknowledged span missing, stored with other values than its last acknowledged
    edit (bounds, label, attributes, version), or in another annotator's set. Duplicated: a
    stored span nobody holds (a delete undone, an add stored twice), an id acknowledged twice,
    or two acknowledged spans the same (bounds and label) in one annotator's set.
    """
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                'SELECT s.id, a.name, t.document_id, s.start, s."end", s.label, s.version, '
                "s.attributes FROM span s JOIN annotation_set t ON t.id = s.annotation_set_id "
                "JOIN annotator a ON a.id = t.annotator_id"
            )
            stored = {
                span_id: (*values, attrs if isinstance(attrs, dict) else json.loads(attrs))
                for span_id, *values, attrs in cur.fetchall()
            }
    finally:
        conn.close()
    expected: dict[int, tuple[Any, ...]] = {}
    twice = 0
    for r in results:
        for span_id, *values in r["live"]:
            twice += span_id in expected
            expected[span_id] = (r["annotator"], *values)
    deleted = {span_id for r in results for span_id in r["deleted"]}
    found = {span_id: stored[span_id] for span_id in expected if span_id in stored}
    elsewhere = sum(found[i][0] != e[0] for i, e in expected.items() if i in found)
    stale = sum(found[i][0] == e[0] and found[i] != e for i, e in expected.items() if i in found)
    alike = Counter(values[:5] for values in found.values())
    counts = {
        "missing": len(expected) - len(found),
        "stale": stale,
        "elsewhere": elsewhere,
        "undeleted": len(deleted & stored.keys()),
        "unknown": sum(i not in expected and i not in deleted for i in stored),
        "alike": sum(n - 1 for n in alike.values()),
        "acknowledged_twice": twice,
        "stored": len(stored),
        "expected": len(expected),
        "errors": sum(len(r["errors"]) for r in results),
    }
    counts["lost"] = counts["missing"] + stale + elsewhere
    counts["duplicated"] = twice + counts["undeleted"] + counts["unknown"] + counts["alike"]
    return counts

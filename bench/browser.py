"""The corpus browser's figures on a million documents: how long it takes to open (built, shown
and painted with its first page) and how its memory behaves as the table is scrolled, each beside
the same on a thousand documents, every case in a child process of its own.

The two corpora are generated once (a raw ``executemany`` into a corpus that ``Store.open``
created, its search index filled by the store's deferred indexing) and cached in
``bench/.cache`` under a name that carries :data:`CORPUS_VERSION` (bump it when the generator
changes) and the store's schema version. ``python -m bench.browser build N`` builds (or finds) the corpus of N documents,
``python -m bench.browser measure DB`` opens the browser on one and prints JSON, and
``python -m bench.browser queries DB`` times the store's queries behind the first page.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import Context, Result, cached_corpus, register
from bench.children import compared, run_child
from bench.process_memory import rss_mb
from bench.text_view import PLACES, SUBJECTS, TAILS, VERBS

CORPUS_VERSION = 2  # part of the cached corpora's names: bump when the generator changes
SEED = 20240612
BIG, SMALL = 1_000_000, 1_000
PAGES = 20  # pages fetched by scrolling after the first
PAGE_ROWS = 200  # DocumentTableModel.PAGE_SIZE, for the expected row count
RUNS = 5  # children per corpus; medians are reported
OPEN_TARGET_MS = 200.0
SQLITE_CACHE_MB = 32.0  # the corpus's cache_size pragma: what SQLite may keep per connection
VIEW_SIZE = (620, 760)  # the browser's share of the main window
BATCH = 20_000  # documents per executemany while building

SOURCES = (
    "Reuters",
    "AFP",
    "AP",
    "Middle East Eye",
    "Al Jazeera",
    "BBC",
    "The Guardian",
    "Le Monde",
    "Der Spiegel",
    "Anadolu",
    "TASS",
    "Syrian Observatory",
)
COLLECTIONS = ("syria", "iraq", "yemen", "libya", "sahel", "ukraine", "sudan", "review")
ANNOTATORS = (("alice", "annotator"), ("bob", "annotator"))
LABELS = ("Actor", "Location", "WeaponSystem", "Casualty", "Attack")
STATUSES = ("new", "in_progress", "done", "reviewed", "locked")
_FIRST = (
    "Anna Ben Carla David Elena Farid Grace Hiro Ines Jonas Kemal Laura Mehdi Nadia Omar".split()
)
_LAST = "Adams Bauer Costa Dubois Evans Fischer Garcia Haddad Ivanova Jensen Lopez Moreau".split()


# -- the generated corpus ----------------------------------------------------------------------


def ensure_corpus(n: int) -> tuple[Path, float | None]:
    """The cached corpus of ``n`` documents, built first if missing; with its build seconds
    (None when it was already there)."""
    return cached_corpus.ensure_corpus("browser", CORPUS_VERSION, n, build_corpus)


def _rows(n: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """``n`` document rows (id, title, text, source, author, published, language,
    content_hash, imported_at, metadata, near_duplicate_of_id), news-like and short (about
    0.5 KB of text each), every text unique."""
    # A pool of sentences to draw from: drawing whole sentences keeps a million rows quick.
    sentences = []
    for _ in range(4000):
        parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)]
        parts += rng.sample(TAILS, rng.randint(0, 2))
        sentences.append(" ".join(parts) + rng.choice([".", ".", ".", ", officials said."]))
    authors = [f"{f} {last}" for f in _FIRST for last in _LAST]
    first_day = date(2015, 1, 1)
    days = [(first_day + timedelta(d)).isoformat() for d in range(3653)]
    for doc_id in range(1, n + 1):
        author, source, day = rng.choice(authors), rng.choice(SOURCES), rng.choice(days)
        body = " ".join(rng.choices(sentences, k=rng.randint(4, 8)))
        place = rng.choice(PLACES).removeprefix("the ").removeprefix("a ")
        text = f"{place.upper()}, {day} ({source}) - {body} ({author} reporting; story {doc_id})"
        title = " ".join(
            [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES), rng.choice(TAILS)]
        )
        near = doc_id - rng.randint(1, 50) if doc_id > 50 and doc_id % 100 == 0 else None
        yield (
            doc_id,
            title,
            text,
            source,
            author,
            day,
            "en",
            hashlib.sha256(text.encode("utf-8")).hexdigest(),  # as corpus.dedup.content_hash
            f"2025-01-{1 + doc_id % 28:02d} 12:{doc_id // 60 % 60:02d}:{doc_id % 60:02d}",
            "{}",
            near,
        )


def build_corpus(path: Path, n: int) -> None:
    """Create a corpus at ``path`` with the store's schema and the default annotation schema,
    then add ``n`` generated documents by raw ``executemany`` in one transaction: most in one
    or two of eight collections, one in 50 annotated (3 to 15 spans), one in 100 marked a near
    copy; the FTS5 index filled at the end by the store's deferred indexing."""
    from corpus import seed
    from corpus.store import Store

    rng = random.Random(SEED)
    store = Store.open(str(path))
    seed.prepare(store, with_seeds=False)
    insert_document = (
        'INSERT INTO "document" ("id", "title", "text", "source", "author", "published", '
        '"language", "content_hash", "imported_at", "metadata", "near_duplicate_of_id") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    now = "2025-02-01 09:00:00"
    with cached_corpus.bulk_insert(store, COLLECTIONS, ANNOTATORS, now) as (cursor, indexed):
        rows = _rows(n, rng)
        set_id = span_id = 0
        while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
            cursor.executemany(insert_document, batch)
            members, sets, spans = [], [], []
            for row in batch:
                doc_id, text = row[0], row[2]
                draw = rng.random()
                if draw < 0.75:  # a quarter of the documents are in no collection
                    picked = rng.sample(range(1, len(COLLECTIONS) + 1), 2 if draw < 0.15 else 1)
                    members += [(doc_id, c) for c in sorted(picked)]
                if doc_id % 50 == 0:
                    set_id += 1
                    sets.append((set_id, doc_id, 1 + set_id % 2, rng.choice(STATUSES), now))
                    taken: set[tuple[int, int, str]] = set()  # a set holds a span once
                    for _ in range(rng.randint(3, 15)):
                        span_id += 1
                        key = (0, 0, "")
                        while key[1] == 0 or key in taken:
                            start = rng.randrange(len(text) - 20)
                            key = (start, start + rng.randint(3, 18), rng.choice(LABELS))
                        taken.add(key)
                        spans.append((span_id, set_id, *key, "{}", "", 1, now, now))
            cursor.executemany(
                'INSERT INTO "document_collection" ("document_id", "collection_id") VALUES (?, ?)',
                members,
            )
            cursor.executemany(
                'INSERT INTO "annotation_set" ("id", "document_id", "annotator_id", '
                '"status", "updated_at") VALUES (?, ?, ?, ?, ?)',
                sets,
            )
            cursor.executemany(
                'INSERT INTO "span" ("id", "annotation_set_id", "start", "end", "label", '
                '"attributes", "note", "version", "created_at", "updated_at") '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                spans,
            )
            indexed.extend(row[0] for row in batch)


# -- the children ------------------------------------------------------------------------------


def measure(db_path: str) -> dict[str, Any]:
    """In this process: open the store and a CorpusBrowser on it, show it and wait for its first
    paint; then scroll to the bottom :data:`PAGES` times, each fetching a page. Times in ms,
    memory in MB (VmRSS, after a garbage collection)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QEventLoop, QObject
    from PySide6.QtWidgets import QApplication

    from annotator import document as dom
    from corpus.store import Store
    from ui.corpus_browser import CorpusBrowser

    app = QApplication.instance() or QApplication(sys.argv[:1])

    class PaintProbe(QObject):
        """Notes that its watched widget received a paint event."""

        painted = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    def show_and_paint(widget: Any, viewport: Any) -> None:
        probe = PaintProbe()
        viewport.installEventFilter(probe)
        widget.resize(*VIEW_SIZE)
        widget.show()
        deadline = time.perf_counter() + 10
        while not probe.painted and time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        viewport.removeEventFilter(probe)
        if not probe.painted:
            raise RuntimeError("the table was never painted")

    # A throwaway browser on a corpus of three documents first pays what the app has paid
    # before it builds its browser: Python's imports (some of them lazy, inside the browser),
    # Qt's fonts and style. What is left is the browser's own work on the corpus.
    with tempfile.TemporaryDirectory(prefix="browser-warm-") as scratch:
        warm_store = Store.open(str(Path(scratch) / "small.db"))
        for n in range(3):
            text = f"Witnesses reached the main road on day {n}. Aid workers followed."
            warm_store.add_document(dom.Document(text=text, title=f"Day {n}", author="Anna"))
        warm = CorpusBrowser(warm_store)
        show_and_paint(warm, warm.current_view().viewport())
        warm.close()
        del warm
        app.processEvents()
        warm_store.close()
    gc.collect()

    rss_before = rss_mb()
    started = time.perf_counter()
    store = Store.open(db_path)
    opened = time.perf_counter()
    browser = CorpusBrowser(store)
    built = time.perf_counter()
    view = browser.current_view()
    show_and_paint(browser, view.viewport())
    painted = time.perf_counter()
    model = view.model()
    gc.collect()
    figures: dict[str, Any] = {
        "store_open_ms": (opened - started) * 1000,
        "construct_ms": (built - opened) * 1000,
        "show_paint_ms": (painted - built) * 1000,
        "open_ms": (painted - opened) * 1000,
        "first_rows": model.rowCount(),
        "first_rss_mb": rss_mb() - rss_before,
    }
    page_times = []
    for _ in range(PAGES):
        if not model.canFetchMore(view.rootIndex()):
            break
        began = time.perf_counter()
        view.scrollToBottom()
        app.processEvents()
        page_times.append((time.perf_counter() - began) * 1000)
    gc.collect()
    figures.update(
        scrolled_rows=model.rowCount(),
        scrolled_rss_mb=rss_mb() - rss_before,
        page_ms=statistics.median(page_times) if page_times else 0.0,
        page_max_ms=max(page_times, default=0.0),
    )
    browser.close()
    store.close()
    return figures


def _timed(fn: Any, repeat: int = 1) -> tuple[Any, list[float]]:
    """``fn()``'s last result and the ms each of ``repeat`` calls took."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - began) * 1000)
    return result, times


def queries(db_path: str) -> dict[str, Any]:
    """In this process: time the store's queries behind the browser's first page, cold (the
    first call in the process; the OS file cache is warm) and then warm, and each SQL statement
    they run, re-run raw; plus the alternatives a fix could use. Times in ms."""
    from corpus.store import Store

    store = Store.open(db_path)
    db = store.db
    total, count_times = _timed(store.count_documents, 4)
    _, page_times = _timed(lambda: list(store.documents(limit=PAGE_ROWS)), 4)

    # Which statements the page and the count run: captured as the store runs them, then each
    # re-run raw (warm, median of 5), so the time is the engine's, not peewee's.
    captured: list[tuple[str, tuple[Any, ...]]] = []
    execute_sql = db.execute_sql

    def capture(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        captured.append((sql, tuple(params or ())))
        return execute_sql(sql, params, *args, **kwargs)

    db.execute_sql = capture  # type: ignore[method-assign]
    try:
        store.count_documents()
        list(store.documents(limit=PAGE_ROWS))
    finally:
        db.execute_sql = execute_sql  # type: ignore[method-assign]
    conn = db.connection()
    statements = []
    for sql, params in captured:
        _, times = _timed(lambda s=sql, p=params: conn.execute(s, p).fetchall(), 5)
        plan = " / ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        statements.append(
            {"label": _label(sql), "sql": sql[:160], "ms": statistics.median(times), "plan": plan}
        )

    def raw(sql: str, params: tuple[Any, ...] = ()) -> float:
        return statistics.median(_timed(lambda: conn.execute(sql, params).fetchall(), 5)[1])

    last_page_offset = max(total - PAGE_ROWS, 0)
    _, deep = _timed(lambda: list(store.documents(limit=PAGE_ROWS, offset=last_page_offset)), 2)
    last_id = conn.execute(
        "SELECT id FROM document ORDER BY id LIMIT 1 OFFSET ?", (last_page_offset,)
    )
    keyset_from = (last_id.fetchone() or (0,))[0] - 1
    return {
        "documents": total,
        "count_cold_ms": count_times[0],
        "count_warm_ms": statistics.median(count_times[1:]),
        "page_cold_ms": page_times[0],
        "page_warm_ms": statistics.median(page_times[1:]),
        "statements": statements,
        "raw_count_star_ms": raw("SELECT COUNT(*) FROM document"),
        "raw_max_id_ms": raw("SELECT MAX(id) FROM document"),
        "page_without_length_ms": raw(
            "SELECT id, title, source, author, published, language, imported_at, "
            "near_duplicate_of_id FROM document ORDER BY id LIMIT ?",
            (PAGE_ROWS,),
        ),
        "last_page_offset_ms": deep[-1],
        "last_page_keyset_ms": raw(
            "SELECT id, title, source, author, published, language, imported_at, "
            "LENGTH(text), near_duplicate_of_id FROM document WHERE id > ? ORDER BY id LIMIT ?",
            (keyset_from, PAGE_ROWS),
        ),
    }


# -- the parent --------------------------------------------------------------------------------


def _child(*args: str) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return run_child("bench.browser", *args, env=env, timeout=900)


def _run_cases(ctx: Context) -> dict[str, Any]:
    """Both corpora measured RUNS times each in fresh children, alternating; medians."""
    if "browser" in ctx.cache:
        return ctx.cache["browser"]
    built = {}
    paths = {}
    for n in (SMALL, BIG):
        print(f"   corpus of {n:,} documents…", file=sys.stderr, flush=True)
        paths[n], built[n] = ensure_corpus(n)
    runs: dict[int, list[dict[str, Any]]] = {SMALL: [], BIG: []}
    for _ in range(RUNS):
        for n in runs:
            runs[n].append(_child("measure", str(paths[n])))
    medians = {
        n: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for n, results in runs.items()
    }
    result = {
        "measure": medians,
        "queries": {n: _child("queries", str(paths[n])) for n in (SMALL, BIG)},
        "built": built,
        "size_mb": paths[BIG].stat().st_size / 1e6,
    }
    ctx.cache["browser"] = result
    return result


def _label(sql: str) -> str:
    """A short name for one of the statements behind the first page."""
    table = sql.split(" FROM ", 1)[-1].split()[0].strip('"')
    if table == "document":
        return "page"
    if table == "(SELECT" or sql.startswith("SELECT COUNT"):
        return "count"
    return {"document_collection": "collections", "annotation_set": "span counts"}.get(table, table)


def _build_note(c: dict[str, Any]) -> str:
    seconds = c["built"][BIG]
    how = f"built in {seconds:.0f} s" if seconds is not None else "cached"
    return f"corpus {c['size_mb']:.0f} MB ({how}) in bench/.cache"


@register("browser.open")
def bench_open(ctx: Context) -> Result:
    """Build the corpus browser on 1,000,000 documents, show it and wait for its first paint."""
    c = _run_cases(ctx)
    big, small = c["measure"][BIG], c["measure"][SMALL]
    q = c["queries"][BIG]
    figure, baseline = big["open_ms"], small["open_ms"]
    statements = ", ".join(f"{s['label']} {s['ms']:.1f}" for s in q["statements"])
    return compared(
        "browser.open",
        figure,
        baseline,
        1,
        unit="ms",
        target=f"at most {OPEN_TARGET_MS:g} ms on {BIG:,} documents",
        met=figure <= OPEN_TARGET_MS,
        notes=(
            f"baseline: the same on {SMALL:,} documents; median of {RUNS} children each; "
            f"constructing {big['construct_ms']:.1f} ms + showing and painting "
            f"{big['show_paint_ms']:.1f} ms; Store.open {big['store_open_ms']:.1f} ms (not "
            f"counted); count_documents {q['count_cold_ms']:.1f} ms cold / "
            f"{q['count_warm_ms']:.1f} warm (raw COUNT(*) {q['raw_count_star_ms']:.1f}, "
            f"MAX(id) {q['raw_max_id_ms']:.2f}); first page {q['page_cold_ms']:.1f} ms cold / "
            f"{q['page_warm_ms']:.1f} warm; its statements re-run raw (ms): {statements} (the page "
            f"without LENGTH(text) {q['page_without_length_ms']:.1f}); "
            f"documents(offset={BIG - PAGE_ROWS:,}) {q['last_page_offset_ms']:.0f} ms vs the "
            f"same page by id (keyset) {q['last_page_keyset_ms']:.1f}; " + _build_note(c)
        ),
    )


@register("browser.memory")
def bench_memory(ctx: Context) -> Result:
    """Resident memory the browser adds on 1,000,000 documents, after its first page and after
    scrolling through 20 more."""
    c = _run_cases(ctx)
    big, small = c["measure"][BIG], c["measure"][SMALL]
    figure, baseline = big["scrolled_rss_mb"], big["first_rss_mb"]
    rows, first_rows = int(big["scrolled_rows"]), int(big["first_rows"])
    per_row_kb = (figure - baseline) * 1024 / max(rows - first_rows, 1)
    expected_rows = PAGE_ROWS * (PAGES + 1)
    extra_open = big["first_rss_mb"] - small["first_rss_mb"]
    return compared(
        "browser.memory",
        figure,
        baseline,
        1,
        unit="MB",
        target=(
            f"bounded: rows held = rows fetched; opening {BIG:,} documents within "
            f"{SQLITE_CACHE_MB:g} MB (SQLite's page cache) of opening {SMALL:,}"
        ),
        met=rows == expected_rows and extra_open <= SQLITE_CACHE_MB,
        notes=(
            f"VmRSS added after {PAGES} more pages ({rows:,} rows held) vs after the first "
            f"({first_rows} rows): {per_row_kb:.1f} KB per fetched row; opening {SMALL:,} "
            f"documents adds {small['first_rss_mb']:.1f} MB ({extra_open:+.1f} MB for "
            f"{BIG:,}); a page fetched by scrolling {big['page_ms']:.1f} ms median, "
            f"{big['page_max_ms']:.1f} max"
        ),
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("measure", "queries"):
        print(json.dumps((measure if sys.argv[1] == "measure" else queries)(sys.argv[2])))
    elif len(sys.argv) == 3 and sys.argv[1] == "build":
        built_path, seconds = ensure_corpus(int(sys.argv[2]))
        took = f"built in {seconds:.1f} s" if seconds is not None else "already built"
        print(f"{built_path}: {took}")
    else:
        print("usage: python -m bench.browser build N | measure DB | queries DB", file=sys.stderr)
        sys.exit(2)

"""The copy command's figure: a corpus of N documents copied from SQLite to PostgreSQL by
``corpus.copy.copy_corpus``, against a raw ``COPY`` of the same rows into the same schema.

The corpus is generated once and cached in ``bench/.cache`` (named by :data:`CORPUS_VERSION`
and the store's schema version): N news-like documents of about 3 KB (paragraphs drawn from
:class:`bench.corpus_import.ArticleGenerator` articles, each text unique), with metadata, a
256-byte MinHash signature and 16 band rows each, one in 100 marked a near copy; 8 collections
holding three quarters of the documents; 3 annotators; one document in ten annotated by two of
them (12 spans each, some with attributes, notes or fragments, 2 relations, an event with 2
roles, a status); two schema versions. Rows are put in by raw ``executemany`` into a corpus that
``Store.open`` created, its search index filled by the store's deferred indexing.

A throwaway PostgreSQL cluster is started as the tests start theirs (``bench/pg_cluster.py``).
Each measurement runs in a child process (``python -m bench.copy KIND ...``) that prints JSON:

- **project**: ``copy_corpus(sqlite_file, postgresql_url)`` into an empty database: the schema
  created, every table read from SQLite, converted and streamed by ``COPY``, ids and sequences,
  then every table read back and compared by count and checksum, and the commit;
- **baseline**: raw psycopg2, the same rows as COPY text files (written by the server itself with
  ``COPY ... TO`` from the project's copy, before the clock starts), ``COPY ... FROM`` each into a
  database holding a new corpus's schema (tables, keys, indexes, the generated search column),
  in one transaction;
- the notes add the same raw COPY into bare tables (the columns only: no keys, indexes or search
  column) and the copying process's peak memory at N/4 and at N documents.

Each kind runs :data:`RUNS` times, alternating; the best time of each is reported.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench import Context, Result, cached_corpus, pg_cluster, register
from bench.children import compared, run_child
from bench.corpus_import import ArticleGenerator
from bench.process_memory import maxrss_mb

CORPUS_VERSION = 2  # part of the cached corpora's names: bump when the generator changes
SEED = 20240620
TARGET = 3.0  # the copy takes at most this many times the raw COPY
RUNS = 2
BATCH = 5000  # documents per executemany while building
POOL = 2000  # generated articles whose paragraphs make up the documents

COLLECTIONS = ("syria", "iraq", "yemen", "libya", "sahel", "ukraine", "sudan", "review")
ANNOTATORS = (("alice", "annotator"), ("bob", "annotator"), ("carol", "curator"))
LABELS = ("Actor", "Location", "WeaponSystem", "Casualty", "Attack")
STATUSES = ("new", "in_progress", "done", "reviewed", "locked")
SOURCES = ("Reuters", "AFP", "AP", "Al Jazeera", "BBC", "Le Monde", "Anadolu", "TASS")


# -- the generated corpus ----------------------------------------------------------------------


def _texts(rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """Paragraphs, titles and authors of a pool of generated articles."""
    paragraphs, titles, authors = [], [], set()
    for article in ArticleGenerator(SEED).articles(POOL):
        paragraphs += article["text"].split("\n\n")
        titles.append(article["title"])
        if article["author"]:
            authors.add(article["author"])
    return paragraphs, titles, sorted(authors)


def build_corpus(path: Path, n: int) -> None:
    """Create a corpus at ``path`` and fill it with ``n`` generated documents and their
    annotations by raw ``executemany`` in one transaction (see the module's docstring)."""
    from corpus.resources import shipped_schema, shipped_schema_text
    from corpus.store import Store

    rng = random.Random(SEED)
    paragraphs, titles, authors = _texts(rng)
    store = Store.open(str(path))
    store.set_schema(shipped_schema(), shipped_schema_text())
    store.set_schema(shipped_schema())  # a second version, as written by the schema editor
    now = "2025-02-01 09:00:00.123456"
    columns = (
        "id, title, text, source, author, published, language, content_hash, imported_at, "
        "metadata, near_duplicate_of_id, minhash"
    )
    insert = {
        "document": f'INSERT INTO "document" ({columns}) VALUES ({", ".join("?" * 12)})',
        "band": 'INSERT INTO "document_band" ("band", "document_id") VALUES (?, ?)',
        "member": 'INSERT INTO "document_collection" VALUES (?, ?)',
        "set": 'INSERT INTO "annotation_set" VALUES (?, ?, ?, ?, ?)',
        "span": 'INSERT INTO "span" ("id", "annotation_set_id", "start", "end", "label", '
        '"attributes", "note", "fragments", "version", "created_at", "updated_at") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "relation": 'INSERT INTO "relation" VALUES (?, ?, ?, ?, ?, ?, ?)',
        "event": 'INSERT INTO "event" VALUES (?, ?, ?, ?, ?, ?)',
        "role": 'INSERT INTO "event_role" VALUES (?, ?, ?, ?)',
    }
    ids = {"set": 0, "span": 0, "relation": 0, "event": 0, "role": 0}
    with cached_corpus.bulk_insert(store, COLLECTIONS, ANNOTATORS, now) as (cursor, indexed):
        for first in range(1, n + 1, BATCH):
            rows: dict[str, list[tuple[Any, ...]]] = {key: [] for key in insert}
            for doc_id in range(first, min(first + BATCH, n + 1)):
                _document(doc_id, rng, paragraphs, titles, authors, now, rows, ids)
            for key, sql in insert.items():
                cursor.executemany(sql, rows[key])
            indexed.extend(row[0] for row in rows["document"])


def _document(
    doc_id: int,
    rng: random.Random,
    paragraphs: list[str],
    titles: list[str],
    authors: list[str],
    now: str,
    rows: dict[str, list[tuple[Any, ...]]],
    ids: dict[str, int],
) -> None:
    """Add one document's rows (and, for one in ten, its annotations) to ``rows``."""
    parts = [f"Story {doc_id}."]
    size = 0
    while size < 3000:
        parts.append(rng.choice(paragraphs))
        size += len(parts[-1])
    text = "\n\n".join(parts)
    day = f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    metadata = {"feed": rng.choice(SOURCES).lower(), "words": text.count(" ") + 1}
    near = doc_id - rng.randint(1, 50) if doc_id > 50 and doc_id % 100 == 0 else None
    rows["document"].append(
        (
            doc_id,
            f"{rng.choice(titles)} ({doc_id})",
            text,
            rng.choice(SOURCES),
            rng.choice(authors) if rng.random() < 0.9 else None,
            day,
            "en",
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
            now,
            json.dumps(metadata),
            near,
            rng.randbytes(256),
        )
    )
    rows["band"] += [(rng.getrandbits(64) - (1 << 63), doc_id) for _ in range(16)]
    draw = rng.random()
    if draw < 0.75:
        picked = rng.sample(range(1, len(COLLECTIONS) + 1), 2 if draw < 0.15 else 1)
        rows["member"] += [(doc_id, c) for c in sorted(picked)]
    if doc_id % 10:
        return
    for annotator in rng.sample(range(1, len(ANNOTATORS) + 1), 2):
        ids["set"] += 1
        set_id = ids["set"]
        rows["set"].append((set_id, doc_id, annotator, rng.choice(STATUSES), now))
        spans: list[int] = []
        taken: set[tuple[int, int, str]] = set()  # a set holds a span once
        for k in range(12):
            ids["span"] += 1
            start, end, label = 0, 0, ""
            while end == 0 or (start, end, label) in taken:
                start = rng.randrange(len(text) - 40)
                end = start + rng.randint(3, 30)
                label = rng.choice(LABELS)
            taken.add((start, end, label))
            attributes = json.dumps({"category": "state_force"} if k % 3 == 0 else {})
            fragments = json.dumps([[start, start + 2], [end - 1, end]]) if k == 5 else None
            note = "check the source" if k == 7 else ""
            rows["span"].append(
                (ids["span"], set_id, start, end, label, attributes, note, fragments, 1, now, now)
            )
            spans.append(ids["span"])
        for head, tail in ((spans[0], spans[1]), (spans[2], spans[3])):
            ids["relation"] += 1
            rows["relation"].append((ids["relation"], set_id, "located_at", head, tail, "{}", now))
        ids["event"] += 1
        rows["event"].append((ids["event"], set_id, "Attack", spans[4], "{}", now))
        for role, span in (("attacker", spans[0]), ("target", spans[6])):
            ids["role"] += 1
            rows["role"].append((ids["role"], ids["event"], role, span))


# -- the children ------------------------------------------------------------------------------


def _project(source: str, url: str) -> dict[str, Any]:
    from corpus.copy import copy_corpus

    started = time.perf_counter()
    report = copy_corpus(source, url)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": maxrss_mb(),
        "matches": report.matches,
        "rows": {t.table: t.target_rows for t in report.tables},
    }


def _export(url: str, folder: str) -> dict[str, Any]:
    """Write every table of the corpus at ``url`` as a COPY text file in ``folder``."""
    import psycopg2

    from corpus.copy_tables import TABLES

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            for tbl in TABLES:
                with open(Path(folder) / f"{tbl.name}.copy", "w", encoding="utf-8") as out:
                    cur.copy_expert(f'COPY "{tbl.name}" ({tbl.column_list()}) TO STDOUT', out)
    finally:
        conn.close()
    return {}


def _raw(folder: str, url: str, bare: bool) -> dict[str, Any]:
    """COPY the files of ``folder`` into the database ``url`` in one transaction: into a new
    corpus's schema, or (``bare``) into plain tables of the same columns."""
    import psycopg2

    from corpus.copy_tables import TABLES
    from corpus.store import Store

    Store.open(url).close()  # the schema, before the clock starts
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            if bare:
                for tbl in TABLES:
                    cur.execute(
                        f'CREATE TABLE "bare_{tbl.name}" AS SELECT {tbl.column_list()} '
                        f'FROM "{tbl.name}" WITH NO DATA'
                    )
                conn.commit()
            started = time.perf_counter()
            for tbl in TABLES:
                name = f"bare_{tbl.name}" if bare else tbl.name
                if tbl.name == "corpus_meta" and not bare:
                    cur.execute('DELETE FROM "corpus_meta"')
                with open(Path(folder) / f"{tbl.name}.copy", encoding="utf-8") as data:
                    cur.copy_expert(
                        f'COPY "{name}" ({tbl.column_list()}) FROM STDIN', data, size=1 << 20
                    )
            conn.commit()
            seconds = time.perf_counter() - started
    finally:
        conn.close()
    return {"seconds": seconds, "peak_mb": maxrss_mb()}


def child_main(argv: list[str]) -> None:
    """``python -m bench.copy build N | project SRC URL | export URL DIR | raw DIR URL |
    bare DIR URL``: one measurement, printed as JSON."""
    kind, *args = argv
    if kind == "build":
        path, seconds = cached_corpus.ensure_corpus(
            "copy", CORPUS_VERSION, int(args[0]), build_corpus
        )
        result: dict[str, Any] = {"path": str(path), "seconds": seconds}
    elif kind == "project":
        result = _project(args[0], args[1])
    elif kind == "export":
        result = _export(args[0], args[1])
    elif kind in ("raw", "bare"):
        result = _raw(args[0], args[1], bare=kind == "bare")
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    print(json.dumps(result))


def _child(*args: str) -> dict[str, Any]:
    return run_child("bench.copy", *args, timeout=3600)


def _say(message: str) -> None:
    print(f"   {message}", file=sys.stderr, flush=True)


@register("copy.time")
def copy_time(ctx: Context) -> Result:
    """Copy N documents from SQLite to PostgreSQL, against a raw COPY of the same rows."""
    n, quarter = ctx.articles, max(ctx.articles // 4, 1)
    corpora = {}
    for size in (quarter, n):
        _say(f"corpus of {size:,} documents…")
        corpora[size] = _child("build", str(size))
    with pg_cluster.cluster("copy") as server:
        folder = ctx.workdir / "copy-rows"
        folder.mkdir(exist_ok=True)
        project: list[dict[str, Any]] = []
        raw: list[dict[str, Any]] = []
        bare: list[dict[str, Any]] = []
        name, url = server.fresh()
        _say(f"copy of {quarter:,} documents (memory)…")
        small = _child("project", corpora[quarter]["path"], url)
        server.drop(name)
        for run in range(RUNS):
            name, url = server.fresh()
            _say(f"run {run + 1}: project copy…")
            project.append(_child("project", corpora[n]["path"], url))
            if run == 0:
                _child("export", url, str(folder))
            server.drop(name)
            for kind, results in (("raw", raw), ("bare", bare)):
                name, url = server.fresh()
                _say(f"run {run + 1}: {kind} COPY…")
                results.append(_child(kind, str(folder), url))
                server.drop(name)
    best = min(project, key=lambda r: r["seconds"])
    figure = best["seconds"]
    baseline = min(r["seconds"] for r in raw)
    bare_best = min(r["seconds"] for r in bare)
    rows = best["rows"]
    built = corpora[n]["seconds"]
    peak_n = max(r["peak_mb"] for r in project)
    times = ", ".join(f"{r['seconds']:.1f}" for r in project)
    raw_times = ", ".join(f"{r['seconds']:.1f}" for r in raw)
    return compared(
        "copy.time",
        figure,
        baseline,
        2,
        unit="s",
        target=f"<= {TARGET:g}x baseline",
        met=figure <= TARGET * baseline and all(r["matches"] for r in project),
        notes=(
            f"{n} documents, {sum(rows.values())} rows ({rows['document_band']} band rows, "
            f"{rows['span']} spans, {rows['document_collection']} memberships), SQLite to "
            f"PostgreSQL with checksums verified; best of {RUNS} (all: {times} s vs "
            f"{raw_times} s); raw COPY into bare tables "
            f"{bare_best:.1f} s ({figure / bare_best:.2f}x); copying process peak memory "
            f"{small['peak_mb']:.0f} MB at N/4, {peak_n:.0f} MB at N; corpus "
            + (f"built in {built:.0f} s" if built is not None else "cached")
            + " in bench/.cache"
        ),
    )


if __name__ == "__main__":
    child_main(sys.argv[1:])

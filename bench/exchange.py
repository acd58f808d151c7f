"""The exchange formats' figures: importing annotated documents from doccano JSONL, exporting
them to CoNLL (BIO), and the peak memory of every export, each beside a baseline in the same run.

The corpus: up to 10,000 generated news articles (:class:`bench.corpus_import.ArticleGenerator`,
about 3 KB each) with 20 spans each, labels of the default schema (Actor, Location,
WeaponSystem, Casualty) on word boundaries within a sentence, one span in ten overlapping
another, written as doccano JSONL in the ``label`` form. Every measurement runs in a child
process (``python -m bench.exchange KIND ...``) that prints its figures as JSON.

- ``exchange.import``: ``corpus.exchange.import_annotations(store, "jsonl", [file])`` into a
  fresh SQLite corpus with the default schema, against raw ``sqlite3``: the same file read and
  parsed, the documents and spans put by ``executemany`` into two plain tables (document: id,
  text; span: id, document id, start, end, label) in one transaction, with the corpus's pragmas.
- ``exchange.export_conll``: ``corpus.exchange.export_corpus`` to ``conll`` (BIO) of that
  corpus, against spaCy: the same texts and spans read from the same database by raw SQL (two
  queries), ``spacy.blank("en")``'s tokenizer and ``spacy.training.offsets_to_biluo_tags`` on
  each text, the tags turned into BIO and written in the same CoNLL layout. spaCy refuses
  overlapping spans, so it gets each document's spans already flattened (longest first, as the
  export's default policy), worked out before its clock starts. The notes add spaCy's second
  pass in the same process (its vocabulary warm), and the conversion alone, from the JSONL file
  to a CoNLL file without any database: the project's doccano reader and CoNLL writer against
  ``json.loads`` and spaCy.
- ``exchange.export_memory``: each format's export in a child, on the corpus of N/4 documents
  and of N, SQLite's page cache held to 1 MB (the corpus's own, up to 32 MB, fills with what is
  read and would hide the rest; the notes give it apart); the figure is the largest of what an
  export adds to the child's memory at N, beside the same at N/4. spaCy's DocBin holds every
  document's token arrays until it is written, by design, so it is reported beside the others,
  not counted.

``python -m bench.exchange generate N JSONL`` writes the documents, and ``python -m
bench.exchange profile import-project JSONL DB`` (or another kind) runs one measurement under
cProfile.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench import Context, Result, ratio, register
from bench.children import at_most_times, cached, compared, print_profile, run_child, say
from bench.corpus_import import ArticleGenerator, _connect_raw, write_records
from bench.exchange_spacy import convert_spacy, export_spacy
from bench.process_memory import maxrss_mb

SEED = 20240607
DOCUMENTS = 10_000  # at most; fewer when --articles asks for fewer
SPANS_PER_DOCUMENT = 20
ANNOTATOR = "bench"
LABELS = ("Actor", "Location", "WeaponSystem", "Casualty")
LABEL_WEIGHTS = (35, 30, 15, 20)
OVERLAP_EVERY = 10  # one span in this many overlaps another

IMPORT_TARGET = 2.0  # the import takes at most this many times raw sqlite3's time
EXPORT_TARGET = 0.5  # the CoNLL export takes at most this share of spaCy's time
MEMORY_FORMATS = (
    "jsonl",
    "conll",
    "brat",
    "labelstudio",
    "w3c",
    "xmi",
    "webanno-tsv",
    "hf",
    "csv",
    "spacy",
)
HOLDS_ALL = frozenset({"spacy"})  # formats that hold the whole export by design
READ_ONLY = "read"  # the memory reference: the export's reading of the corpus, nothing written
SMALL_PAGE_CACHE_KIB = 1000  # SQLite's page cache while an export's memory is measured
MEMORY_GROWTH = (1.5, 5.0)  # an export's memory at N grows if over 1.5x that at N/4 + 5 MB

_WORD = re.compile(r"\w+")

# -- generated annotated documents -------------------------------------------------------------


def _spans(text: str, rng: random.Random) -> list[list[Any]]:
    """Twenty spans of one to three words within a sentence, one in ten overlapping another,
    no two with the same offsets and label; in text order."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    used: set[int] = set()
    spans: set[tuple[int, int, str]] = set()
    placed: list[tuple[int, int]] = []  # word index ranges of the non-overlapping spans
    while len(spans) < SPANS_PER_DOCUMENT:
        label = rng.choices(LABELS, LABEL_WEIGHTS)[0]
        if placed and len(spans) % OVERLAP_EVERY == OVERLAP_EVERY - 1:
            first, last = rng.choice(placed)
            # one word more on either side, or one word less: shares words with that span
            first, last = rng.choice(
                [(first - 1, last), (first, last + 1), (first + 1, last), (first, last - 1)]
            )
        else:
            first = rng.randrange(len(words))
            last = first + rng.choices((0, 1, 2), (60, 30, 10))[0]
            if any(k in used for k in range(first - 1, last + 2)):
                continue
        if first < 0 or last >= len(words) or last < first:
            continue
        start, end = words[first][0], words[last][1]
        if text[start:end].count(" ") != last - first or "." in text[start:end]:
            continue  # across a sentence's end or a paragraph break
        if (start, end, label) in spans:
            continue
        if not any(k in used for k in range(first, last + 1)):
            used.update(range(first, last + 1))
            placed.append((first, last))
        spans.add((start, end, label))
    return [list(s) for s in sorted(spans)]


def documents(n: int) -> Iterator[dict[str, Any]]:
    """``n`` doccano records (``id``, ``text``, ``label``), deterministic."""
    rng = random.Random(SEED)
    for i, article in enumerate(ArticleGenerator(SEED).articles(n), 1):
        text = article["text"]
        yield {"id": i, "text": text, "label": _spans(text, rng)}


# -- the children ------------------------------------------------------------------------------


def _import_raw(jsonl: Path, db: Path) -> dict[str, Any]:
    """The baseline: read and parse the file, executemany into two plain tables, one transaction."""
    con = _connect_raw(db)
    con.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    con.execute(
        "CREATE TABLE span (id INTEGER PRIMARY KEY, "
        "document_id INTEGER NOT NULL REFERENCES document (id), "
        'start INTEGER NOT NULL, "end" INTEGER NOT NULL, label TEXT NOT NULL)'
    )
    before = maxrss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    con.execute("BEGIN")
    doc_id = 0
    with jsonl.open(encoding="utf-8") as lines:
        while True:
            docs: list[tuple[int, str]] = []
            spans: list[tuple[int, int, int, str]] = []
            for line in lines:
                record = json.loads(line)
                doc_id += 1
                docs.append((doc_id, record["text"]))
                spans.extend((doc_id, a, b, label) for a, b, label in record["label"])
                if len(docs) == 1000:
                    break
            if not docs:
                break
            con.executemany("INSERT INTO document (id, text) VALUES (?, ?)", docs)
            con.executemany(
                'INSERT INTO span (document_id, start, "end", label) VALUES (?, ?, ?, ?)', spans
            )
    con.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    documents, spans_stored = (
        con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ("document", "span")
    )
    con.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "counts": {"documents": documents, "spans": spans_stored},
    }


def _open_corpus(db: Path) -> Any:
    from corpus.resources import shipped_schema
    from corpus.store import Store

    store = Store.open(str(db))
    if not store.has_schema():
        store.set_schema(shipped_schema())
    return store


def _import_project(jsonl: Path, db: Path) -> dict[str, Any]:
    """``corpus.exchange.import_annotations`` into a fresh corpus with the default schema."""
    from corpus.exchange import import_annotations

    store = _open_corpus(db)
    before = maxrss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    report = import_annotations(store, "jsonl", [jsonl], annotator=ANNOTATOR)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    stats = store.stats()
    store.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "counts": {
            "documents": report.documents,
            "spans": report.spans,
            "refused": len(report.errors) + report.errors_dropped,
            "lost": sum(report.lost.values()),
            "near_duplicates": stats.near_duplicates,
        },
    }


def _export_project(db: Path, out: Path) -> dict[str, Any]:
    """``corpus.exchange.export_corpus`` of the annotator's sets to ``conll`` (BIO)."""
    from annotator.formats.model import ExportOptions
    from corpus.exchange import ExportRequest, export_corpus

    store = _open_corpus(db)
    request = ExportRequest("conll", out, annotator=ANNOTATOR, options=ExportOptions(scheme="bio"))
    start = time.perf_counter()
    report = export_corpus(store, request)
    seconds = time.perf_counter() - start
    store.close()
    return {
        "seconds": seconds,
        "counts": {
            "documents": report.documents,
            "spans": report.spans,
            "overlapping": sum(n for why, n in report.lost.items() if why.startswith("overlap")),
            "lost": sum(report.lost.values()),
        },
    }


def _convert_project(jsonl: Path, out: Path) -> dict[str, Any]:
    """The conversion alone, no database: the doccano reader and the CoNLL writer."""
    from annotator.formats import conll, doccano
    from annotator.formats.model import ExportOptions, ImportOptions, Report

    start = time.perf_counter()
    report = Report()
    docs = doccano.read([jsonl], ImportOptions(), report)
    conll.write(docs, out, ExportOptions(scheme="bio"), report)
    return {"seconds": time.perf_counter() - start, "counts": {"documents": report.documents}}


def _export_memory(db: Path, out: Path, name: Path, page_cache: bool = False) -> dict[str, Any]:
    """One format's export of the annotator's sets, for its peak memory: what the process
    holds before (the format's libraries imported, the corpus open) and at its peak.

    SQLite's page cache is held to 1 MB, so that the figure is what the export holds: the
    corpus's own cache (up to 32 MB) fills with whatever is read, and hides the rest until
    it is full. With ``page_cache`` the corpus keeps it, to show how much it takes.
    """
    from annotator import formats
    from annotator.formats.model import Format
    from corpus.exchange import ExportRequest, annotated_documents, export_corpus

    # A format's libraries (cassis, spaCy) are imported before measuring.
    fmt = formats.get(str(name)) if str(name) != READ_ONLY else Format(READ_ONLY, "", "")
    store = _open_corpus(db)
    if not page_cache:
        store.db.execute_sql(f"PRAGMA cache_size = -{SMALL_PAGE_CACHE_KIB}")
    before = maxrss_mb()
    start = time.perf_counter()
    if fmt.name == READ_ONLY:
        docs = list(map(len, (d.spans for d in annotated_documents(store, annotator=ANNOTATOR))))
        documents, spans = len(docs), sum(docs)
    else:
        report = export_corpus(store, ExportRequest(fmt.name, out, annotator=ANNOTATOR))
        documents, spans = report.documents, report.spans
    seconds = time.perf_counter() - start
    store.close()
    return {
        "seconds": seconds,
        "rss_before_mb": before,
        "counts": {"documents": documents, "spans": spans},
    }


def _read_memory(db: Path, out: Path) -> dict[str, Any]:
    """The export's reading of the corpus alone, with the corpus's own page cache."""
    return _export_memory(db, out, Path(READ_ONLY), page_cache=True)


KINDS = {
    "import-raw": _import_raw,
    "import-project": _import_project,
    "export-project": _export_project,
    "export-spacy": partial(export_spacy, annotator=ANNOTATOR),
    "convert-project": _convert_project,
    "convert-spacy": convert_spacy,
    "export-memory": _export_memory,
    "read-memory": _read_memory,
}


def child_main(argv: list[str]) -> None:
    """Entry point of a child process: one measurement, its figures printed as JSON.

    ``generate N JSONL`` writes the documents; ``profile KIND ARGS...`` runs a measurement under
    cProfile and prints where the time goes (the raw data lands in /tmp/exchange-KIND.prof).
    """
    kind, *args = argv
    if kind == "generate":
        write_records(documents(int(args[0])), Path(args[1]))
        return
    if kind == "profile":
        kind, *args = args
        raw_stats = f"/tmp/exchange-{kind}.prof"
        run = KINDS[kind]
        print_profile(lambda: run(*map(Path, args)), raw_stats, 30)
        return
    figures = KINDS[kind](*map(Path, args))
    figures["rss_peak_mb"] = maxrss_mb()
    print(json.dumps(figures))


def _run_child(kind: str, *args: Path | str) -> dict[str, Any]:
    what = " ".join(Path(a).name for a in args[:1])
    say(f"{kind} {what} ...")
    figures = run_child("bench.exchange", kind, *map(str, args))
    say(f"  {figures['seconds']:.2f} s, peak {figures['rss_peak_mb']:.0f} MB")
    return figures


# -- the shared set-up: the generated file, imported both ways, and a quarter of it -----------


@dataclass
class _Corpora:
    documents: int
    jsonl: Path
    quarter_jsonl: Path
    project_db: Path
    quarter_db: Path
    raw: dict[str, Any]
    project: dict[str, Any]
    quarter: dict[str, Any]


def _corpora(ctx: Context) -> _Corpora:
    return cached(ctx, "exchange", lambda: _import_all(ctx))


def _import_all(ctx: Context) -> _Corpora:
    n = min(ctx.articles, DOCUMENTS)
    folder = ctx.workdir / "exchange"
    folder.mkdir(exist_ok=True)
    jsonl, quarter_jsonl = folder / f"doccano-{n}.jsonl", folder / f"doccano-{n // 4}.jsonl"
    say(f"generating {n} annotated documents ...")
    write_records(documents(n), jsonl, n // 4, quarter_jsonl)
    raw = _run_child("import-raw", jsonl, folder / "raw.db")
    project_db, quarter_db = folder / "project.db", folder / "quarter.db"
    project = _run_child("import-project", jsonl, project_db)
    quarter = _run_child("import-project", quarter_jsonl, quarter_db)
    return _Corpora(n, jsonl, quarter_jsonl, project_db, quarter_db, raw, project, quarter)


# -- the three figures -------------------------------------------------------------------------


@register("exchange.import")
def import_time(ctx: Context) -> Result:
    """Seconds to import N documents with 20 spans each from doccano JSONL, against raw sqlite3."""
    c = _corpora(ctx)
    figure, baseline = c.project["seconds"], c.raw["seconds"]
    counts = c.project["counts"]
    spans = c.raw["counts"]["spans"]
    return at_most_times(
        "exchange.import",
        figure,
        baseline,
        IMPORT_TARGET,
        (
            f"{c.documents} documents, {spans} spans, {c.jsonl.stat().st_size / 1e6:.0f} MB "
            f"JSONL; via import_annotations: {counts['documents']} documents, "
            f"{counts['spans']} spans, {counts['refused']} refused, "
            f"{counts['near_duplicates']} near-duplicates flagged; main process CPU "
            f"{c.project['cpu_seconds']:.1f} s vs {c.raw['cpu_seconds']:.1f} s; "
            f"{c.quarter['seconds']:.1f} s for N/4; "
            f"{spans / figure:.0f} spans/s vs {spans / baseline:.0f} spans/s"
        ),
    )


@register("exchange.export_conll")
def export_conll(ctx: Context) -> Result:
    """Seconds to export the corpus to CoNLL (BIO), against spaCy's conversion of the same."""
    c = _corpora(ctx)
    folder = c.project_db.parent
    ours = _run_child("export-project", c.project_db, folder / "project.conll")
    theirs = _run_child("export-spacy", c.project_db, folder / "spacy.conll")
    convert_ours = _run_child("convert-project", c.jsonl, folder / "convert-project.conll")
    convert_theirs = _run_child("convert-spacy", c.jsonl, folder / "convert-spacy.conll")
    figure, baseline = ours["seconds"], theirs["seconds"]
    converted = ratio(convert_ours["seconds"], convert_theirs["seconds"])
    warm = ratio(figure, theirs["seconds_warm"])
    return at_most_times(
        "exchange.export_conll",
        figure,
        baseline,
        EXPORT_TARGET,
        (
            f"{ours['counts']['documents']} documents, {ours['counts']['spans']} spans written "
            f"({ours['counts']['overlapping']} overlapping ones left out by the longest-first "
            f"policy, as spaCy is given); both read the corpus (spaCy by two raw SQL queries) "
            f"and write the file; spaCy left {theirs['counts']['misaligned']} tokens of spans "
            f"off its tokens unlabelled ('-'); spaCy again with its vocabulary warm: "
            f"{theirs['seconds_warm']:.2f} s ({warm:.2f}x); the conversion alone, JSONL to "
            f"CoNLL without a database: {convert_ours['seconds']:.2f} s vs spaCy "
            f"{convert_theirs['seconds']:.2f} s ({converted:.2f}x)"
        ),
    )


@register("exchange.export_memory")
def export_memory(ctx: Context) -> Result:
    """Peak resident MB each export adds at N documents against N/4: does it grow?"""
    c = _corpora(ctx)
    folder = c.project_db.parent
    added: dict[str, tuple[float, float]] = {}

    def measure(kind: str, *name: str) -> tuple[float, float]:
        sizes = []
        for db in (c.quarter_db, c.project_db):
            out = folder / f"memory-{kind}-{'-'.join(name)}-{db.stem}"
            figures = _run_child(kind, db, out, *name)
            sizes.append(figures["rss_peak_mb"] - figures["rss_before_mb"])
            _remove(out)
        return sizes[0], sizes[1]

    for name in (READ_ONLY, *MEMORY_FORMATS):
        added[name] = measure("export-memory", name)
    cached = measure("read-memory")

    def grows(name: str) -> bool:
        quarter, full = added[name]
        factor, slack = MEMORY_GROWTH
        return full > factor * quarter + slack  # streaming keeps it flat; linear would be 4x

    streaming = [n for n in MEMORY_FORMATS if n not in HOLDS_ALL]
    worst = max(streaming, key=lambda n: added[n][1])
    figure, baseline = added[worst][1], added[worst][0]
    shown = "; ".join(
        f"{n} {q:.1f} -> {f:.1f}{' (grows)' if grows(n) else ''}"
        for n, (q, f) in added.items()
        if n not in HOLDS_ALL
    )
    held = "; ".join(f"{n} {added[n][0]:.0f} -> {added[n][1]:.0f}" for n in HOLDS_ALL)
    factor, slack = MEMORY_GROWTH
    return compared(
        "exchange.export_memory",
        figure,
        baseline,
        1,
        unit="MB (peak RSS added)",
        target=f"flat in N (at N at most {factor:g}x N/4 + {slack:g} MB)",
        met=not any(grows(n) for n in streaming),
        notes=(
            f"MB each export adds to its process at N/4={c.documents // 4} -> N={c.documents}, "
            f"SQLite's page cache held to {SMALL_PAGE_CACHE_KIB // 1000} MB; figure and "
            f"baseline: the largest ({worst}) at N and N/4; {shown} ('read': the export's "
            f"reading alone, nothing written); with the corpus's own page cache (up to 32 MB) "
            f"reading adds {cached[0]:.0f} -> {cached[1]:.0f} MB; known exception, a DocBin "
            f"holds every document until it is written: {held}"
        ),
    )


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    child_main(sys.argv[1:])

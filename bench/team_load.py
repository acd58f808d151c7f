"""A team editing one PostgreSQL corpus at once: 8 annotator processes, each making 1,000 span
edits through the store, started together behind a barrier; every call timed, and afterwards
every acknowledged edit checked against the database.

The corpus (the default schema, :data:`DOCUMENTS` generated news articles from
:class:`bench.corpus_import.ArticleGenerator`) is made through ``Store`` in a fresh database of
a throwaway cluster (``bench/pg_cluster.py``). All annotators work on the same first
:data:`SHARED` documents, so they write to the same documents at the same time. Each process
(spawned, so nothing is inherited) opens its own ``Store``, reads the schema as the app has by
the time its user edits, waits at the barrier, then makes its edits with the calls the app's
undo commands make: ``add_span`` (60%), ``update_span`` of one of its own spans, a new label or
new bounds (25%), and ``delete_span`` (15%), timing each with ``time.perf_counter``.

- **project**: those 8,000 edits; the median and 95th percentile over all of them are the
  figures, lost and duplicated edits the third;
- **baseline**: the same 8 processes, each making 1,000 single-row ``INSERT ... RETURNING id``
  into the span table by raw psycopg2 in autocommit mode, in a copy of the same corpus.

The processes and the check are in ``bench/team_edits.py``. The notes add the same edits made
by the first process alone, and each process's CPU time. ``python -m bench.team_load profile``
runs the measurement with the first project process under cProfile and prints where its time
goes.
"""

from __future__ import annotations

import json
import os
import pstats
import statistics
import sys
import tempfile
from collections import Counter
from typing import Any

from bench import Context, Result, pg_cluster, register
from bench.children import cached, compared
from bench.team_edits import EDITS, SEED, WORKERS, Docs, run_team, verify

DOCUMENTS = 200  # in the corpus
SHARED = 25  # the documents every annotator edits
MEDIAN_TARGET_MS, P95_TARGET_MS = 10.0, 50.0


# -- the corpus --------------------------------------------------------------------------------


def build_corpus(url: str) -> Docs:
    """Create a corpus at ``url`` with the default schema and :data:`DOCUMENTS` articles;
    returns the (id, length) of the first :data:`SHARED`."""
    from annotator import document as dom
    from bench.corpus_import import ArticleGenerator
    from corpus.resources import shipped_schema, shipped_schema_text
    from corpus.store import Store

    store = Store.open(url)
    try:
        store.set_schema(shipped_schema(), shipped_schema_text())
        ids = []
        with store.bulk():
            for article in ArticleGenerator(SEED).articles(DOCUMENTS):
                ids.append(store.add_document(dom.Document(**article)).id)
        return [(doc_id, store.document_length(doc_id)) for doc_id in ids[:SHARED]]
    finally:
        store.close()


# -- figures -----------------------------------------------------------------------------------


def _ms(values: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values)
    return {
        "median": statistics.median(ms),
        "p95": statistics.quantiles(ms, n=20, method="inclusive")[18],
        "max": ms[-1],
    }


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Latency over all edits and by kind, throughput over the processes' common window."""
    by_kind = {
        k: [t for r in results for t in r["times"].get(k, [])] for k in ("add", "update", "delete")
    }
    everything = [t for values in by_kind.values() for t in values]
    began = min(r["window"][0] for r in results)
    ended = max(r["window"][1] for r in results)
    statements: Counter[str] = Counter()
    for r in results:
        statements.update(r["statements"])
    return {
        **_ms(everything),
        "edits": len(everything),
        "per_second": len(everything) / (ended - began),
        "seconds": ended - began,
        "cpu_ms": 1000 * sum(r["cpu"] for r in results) / len(everything),
        "kinds": {
            k: {**_ms(v), "n": len(v), "statements": statements[k] / len(v)}
            for k, v in by_kind.items()
            if v
        },
        "errors": [e for r in results for e in r["errors"]][:3],
    }


def measure(profile: str | None = None) -> dict[str, Any]:
    """The whole measurement: a cluster, the corpus, the baseline then the project's edits,
    both checked, then the first process's edits alone; the figures as a dict."""
    with pg_cluster.cluster("team") as server:
        name, url = server.fresh()
        _say(f"corpus of {DOCUMENTS} documents…")
        docs = build_corpus(url)
        _, raw_url = server.fresh(template=name)
        _, solo_url = server.fresh(template=name)
        load = [os.getloadavg()[0]]
        _say(f"baseline: {WORKERS} x {EDITS:,} raw inserts…")
        raw = run_team("baseline", raw_url, docs)
        raw_check = verify(raw_url, raw)
        load.append(os.getloadavg()[0])
        _say(f"project: {WORKERS} x {EDITS:,} span edits through the store…")
        project = run_team("project", url, docs, profile=profile)
        check = verify(url, project)
        load.append(os.getloadavg()[0])
        _say(f"project: 1 x {EDITS:,} span edits alone…")
        solo = run_team("project", solo_url, docs, workers=1)
    return {
        "project": _summary(project),
        "solo": _summary(solo),
        "baseline": _summary(raw),
        "check": check,
        "baseline_check": raw_check,
        "load": load,
        "cpus": os.cpu_count(),
    }


def _say(message: str) -> None:
    print(f"   {message}", file=sys.stderr, flush=True)


def _measured(ctx: Context) -> dict[str, Any]:
    return cached(ctx, "team_load", measure)


def _setting(m: dict[str, Any]) -> str:
    p, raw, solo = m["project"], m["baseline"], m["solo"]
    return (
        f"{WORKERS} processes x {EDITS:,} edits on {SHARED} shared documents of {DOCUMENTS}; "
        f"{p['per_second']:.0f} edits/s vs {raw['per_second']:.0f} raw inserts/s; client CPU "
        f"{p['cpu_ms']:.1f} ms an edit vs {raw['cpu_ms']:.2f} an insert; the first process's "
        f"edits alone: median {solo['median']:.1f} ms, p95 {solo['p95']:.1f}; "
        f"load average {m['load'][0]:.1f} / {m['load'][1]:.1f} / {m['load'][2]:.1f} on "
        f"{m['cpus']} CPUs (before, between, after)"
    )


def _kinds(m: dict[str, Any], key: str) -> str:
    return ", ".join(
        f"{kind} {k[key]:.1f} ms ({k['n']:,}, {k['statements']:.1f} statements)"
        for kind, k in m["project"]["kinds"].items()
    )


def _latency(ctx: Context, key: str, target_ms: float, notes: str) -> Result:
    """The row of one latency figure (``key``: median or p95) against its target."""
    m = _measured(ctx)
    figure, baseline = m["project"][key], m["baseline"][key]
    return compared(
        f"team_load.{key}",
        figure,
        baseline,
        2,
        unit=f"ms ({key})",
        target=f"{key} <= {target_ms:g} ms",
        met=figure <= target_ms,
        notes=f"by kind: {_kinds(m, key)}; {notes}",
    )


@register("team_load.median")
def team_median(ctx: Context) -> Result:
    """Median write latency of 8 annotators editing one PostgreSQL corpus at once."""
    return _latency(ctx, "median", MEDIAN_TARGET_MS, _setting(_measured(ctx)))


@register("team_load.p95")
def team_p95(ctx: Context) -> Result:
    """95th percentile write latency of the same edits."""
    m = _measured(ctx)
    maxima = f"max {m['project']['max']:.0f} ms vs raw {m['baseline']['max']:.0f} ms"
    return _latency(ctx, "p95", P95_TARGET_MS, maxima)


@register("team_load.lost")
def team_lost(ctx: Context) -> Result:
    """Edits lost or duplicated among the same edits, checked against the database."""
    m = _measured(ctx)
    c, raw = m["check"], m["baseline_check"]
    figure = c["lost"] + c["duplicated"]
    return Result(
        name="team_load.lost",
        figure=figure,
        unit="edits lost or duplicated",
        target="0 lost, 0 duplicated",
        baseline=None,
        ratio=None,
        met=figure == 0 and c["errors"] == 0 and c["stored"] == c["expected"],
        notes=(
            f"lost {c['lost']} (missing {c['missing']}, other values {c['stale']}, in another's "
            f"set {c['elsewhere']}), duplicated {c['duplicated']} (deleted but there "
            f"{c['undeleted']}, unacknowledged {c['unknown']}, two alike in a set {c['alike']}, id "
            f"acknowledged twice {c['acknowledged_twice']}); {c['stored']:,} spans stored, "
            f"{c['expected']:,} expected; {c['errors']} edits refused"
            + (f" ({'; '.join(m['project']['errors'])})" if c["errors"] else "")
            + f"; baseline: {raw['stored']:,} rows of {raw['expected']:,}, lost {raw['lost']}, "
            f"duplicated {raw['duplicated']}"
        ),
    )


def profile_main() -> None:
    """Run the measurement with the first project process under cProfile; print its profile."""
    with tempfile.TemporaryDirectory(prefix="team-load-") as folder:
        path = os.path.join(folder, "worker.prof")
        figures = measure(profile=path)
        stats = pstats.Stats(path)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == ["profile"]:
        profile_main()
    else:
        print("usage: python -m bench.team_load profile", file=sys.stderr)
        sys.exit(2)

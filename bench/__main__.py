"""``python -m bench [--only NAME] [--articles N] [--out DIR]``: run the benchmarks, print a
table, save the results as JSON and, for a full run, write the table into docs/BENCHMARKS.md."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sqlite3
import sys
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import MODULES, REGISTRY, Context, Result

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

INTRO = f"""# Benchmarks

`make bench` (or `.venv/bin/python -m bench`) prints figures; it does not pass or fail. The
machines it runs on are small and noisy, so every figure is measured side by side with a
baseline in the same run and reported as a ratio to it. The run also saves its results as JSON
in `bench/results/latest.json` (not committed); a full run (no `--only`) rewrites the table
below.

Options: `--only NAME` runs one benchmark (or every benchmark whose name starts with `NAME.`),
`--articles N` sets the corpus size (default 100,000; use 2,000 for a quick check), `--out DIR`
puts the JSON elsewhere. Temporary corpora live in a temporary folder, deleted at the end.

## What each benchmark measures

The corpus benchmarks (`bench/corpus_import.py`) generate N news-like articles as one JSONL
file (keys title, text, author, published), deterministic from a seed: about 3 KB each, one or
two of eight topics per article, words drawn Zipf-wise from English function words and 40,000
made-up words (the rare ones match a few hundred articles, as names do) with a share of the
topics' words and two-word phrases mixed in (so a topic word is in 10-20% of the articles, a
phrase in 6-9%), 300 authors, dates over ten years, and one article in 100 a lightly edited
copy of a recent one. They import the file twice, each time in a child process:

- **project**: `corpus.ingest.import_paths(store, [jsonl])` into a fresh corpus, the path the
  app and the command line use: reading and field mapping, the exact-duplicate check (content
  hash), MinHash bands and the near-duplicate check, the FTS5 index kept by triggers, in the
  transactions the importer chooses;
- **baseline**: raw `sqlite3`, the same rows (title, text, author, published, SHA-256 of the
  text) by `executemany` into a plain table, then its FTS5 external-content index (same
  tokenizer) built with `'rebuild'`, all in one transaction, with the corpus's pragmas. Building
  the index after the rows measured about twice as fast as filling it by trigger row by row, so
  this is the stricter baseline.

| Benchmark | Figure | Baseline | Target |
|---|---|---|---|
| `corpus_import.time` | seconds to import N articles | the raw `sqlite3` import | at most {2.0:g} times the baseline |
| `corpus_import.search` | median ms of about 50 queries (common words, rare words, two-word phrases, a word with an exclusion) through `Store.search(q, limit=20)`, each timed once after a warm-up pass; p95 in the notes | the same queries as bare FTS5 `MATCH ... ORDER BY rank LIMIT 20` on the baseline database | median at most 20 ms |
| `corpus_import.memory` | peak resident memory of the child that imports N articles, plus the peaks of any worker processes it starts (a sum, so an upper bound) | the same child's memory just before it starts importing | peak at most 300 MB; the notes say whether what the import adds grows from N/4 to N (streaming means it should not) |

Memory is each process's own high-water mark, read from `/proc/<pid>/status` (`VmHWM`) on
Linux, not `ru_maxrss`, which Linux carries over from the parent through fork and exec (a child
of a 300 MB parent reports 300 MB). The child's worker processes are found through
`/proc/<pid>/task/*/children` and sampled every 0.1 s. Elsewhere only the child's `ru_maxrss`
counts. At small N the SQLite page cache (up to 32 MB per connection) is still filling, so the
"flat or grows" verdict means something only at the full size.

When the import misses its target, two commands (run from the repository root) help find out
why: `.venv/bin/python -m bench.corpus_import generate 20000 /tmp/a.jsonl` writes the articles,
and `.venv/bin/python -m bench.corpus_import profile /tmp/a.jsonl /tmp/new.db` imports them the
project's way under cProfile and prints where the time goes.

## Latest run

"""


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks and report them; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", metavar="NAME", help="run only this benchmark (or group)")
    parser.add_argument("--articles", type=int, default=100_000, metavar="N")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", metavar="DIR")
    args = parser.parse_args(argv)
    if args.articles < 8:
        parser.error("--articles must be at least 8")

    for module in MODULES:
        importlib.import_module(module)
    names = [
        n for n in REGISTRY if not args.only or n == args.only or n.startswith(args.only + ".")
    ]
    if not names:
        parser.error(f"no benchmark named {args.only!r}; there are: {', '.join(REGISTRY)}")

    started = datetime.now().astimezone()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        ctx = Context(articles=args.articles, workdir=Path(workdir))
        for name in names:
            print(f"== {name}", file=sys.stderr, flush=True)
            results.append(REGISTRY[name](ctx))

    machine = _machine()
    table = _table(results)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    record = {
        "date": started.isoformat(timespec="seconds"),
        "articles": args.articles,
        "machine": machine,
        "results": [asdict(r) for r in results],
    }
    (args.out / "latest.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if not args.only:  # the table in the docs is one whole run's, never a part of one
        _write_docs(started, args.articles, machine, table)
    return 0


def _machine() -> dict[str, Any]:
    """What the figures were measured on."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        ram = None
    return {
        "host": platform.node() or "unnamed",
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "ram_gb": round(ram, 1) if ram else None,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _table(results: list[Result]) -> str:
    rows = [
        "| Benchmark | Figure | Baseline | Ratio | Target | Met | Notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        baseline = f"{r.baseline:g} {r.unit.split()[0]}" if r.baseline is not None else "-"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        met = "yes" if r.met else "**no**"
        rows.append(
            f"| `{r.name}` | {r.figure:g} {r.unit} | {baseline} | {ratio} | {r.target} | {met} "
            f"| {r.notes.replace('|', '/')} |"
        )
    return "\n".join(rows)


def _write_docs(started: datetime, articles: int, machine: dict[str, Any], table: str) -> None:
    """Put this run's table between the markers of docs/BENCHMARKS.md, creating it if needed."""
    ram = f"{machine['ram_gb']} GB RAM" if machine["ram_gb"] else "RAM unknown"
    block = (
        f"{BEGIN}\n"
        f"Run on {started:%Y-%m-%d %H:%M %Z} with N = {articles:,} articles, on the machine "
        f"`{machine['host']}`: {machine['platform']}, {machine['processor']}, {machine['cpus']} CPUs, {ram}, "
        f"Python {machine['python']}, SQLite {machine['sqlite']}.\n\n"
        f"{table}\n"
        f"{END}"
    )
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else INTRO + f"{BEGIN}\n{END}\n"
    head, sep, rest = text.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:  # markers lost: put the block back at the end
        head, tail = text.rstrip() + "\n\n", "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(head + block + tail, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

"""``python -m bench.faults [--runs N] [--articles N] [--only CASE] [--no-write]``: the faults a
corpus must survive, each repeated, with a results table written into the "Faults survived"
section of docs/RELIABILITY.md. Cases on SQLite: ``import`` (SIGKILL of an import), ``app``
(SIGKILL of the app annotating), ``app-import`` and ``app-export`` (SIGKILL of the app running
an annotation import or an export), ``crowd`` (two apps and an import at once), ``disk`` (a
4 MB tmpfs filling up during an import and an export; needs root to mount); on PostgreSQL:
``pg-import`` (SIGKILL of an import; needs PostgreSQL's server binaries). Each case's latest
outcome is kept, so cases run apart make one table."""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from bench import fault_cases as cases
from bench import fault_exchange_cases as exchange_cases
from bench.corpus_import import write_jsonl
from bench.fault_pg import kill_pg_import
from bench.fault_runs import ROOT, Outcome

DOCS = ROOT / "docs" / "RELIABILITY.md"
RESULTS = ROOT / "bench" / "results" / "faults.json"
BEGIN, END = "<!-- faults:begin -->", "<!-- faults:end -->"
SHOWN_FAILURES = 3
CASES = ("import", "app", "app-import", "app-export", "crowd", "disk", "pg-import")


def run(runs: int, articles: int, only: list[str], seed: int = 7) -> list[Outcome]:
    """Run the chosen cases in a temporary folder; their outcomes."""
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        work = Path(tmp)
        jsonl = work / "articles.jsonl"
        write_jsonl(articles, jsonl)
        small = work / "small.jsonl"
        write_jsonl(max(articles // 10, 200), small)
        if "import" in only:
            outcomes.append(cases.kill_import(work, jsonl, runs, seed, say))
        if "app" in only:
            outcomes.append(cases.kill_app(work, runs, seed, say))
        documents, fewer = articles // 2, max(runs // 2, 1)
        if "app-import" in only:
            outcomes.append(exchange_cases.kill_app_import(work, documents, fewer, seed, say))
        if "app-export" in only:
            outcomes.append(exchange_cases.kill_app_export(work, documents, fewer, seed, say))
        if "crowd" in only:
            outcomes.append(cases.crowd(work, small, max(runs // 10, 1), seed, say))
        if "disk" in only:
            outcomes.append(cases.disk_full(work, jsonl, max(runs // 10, 1), say))
        if "pg-import" in only:
            outcomes.append(kill_pg_import(work, jsonl, fewer, seed, say))
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """The results as a Markdown table, the first failures of each case listed below it."""
    rows = [
        "| case | runs | failures | acknowledged | time | checked | notes | run on |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for o in outcomes:
        rows.append(
            f"| {o.case} | {o.runs} | {len(o.failures)} | {o.acknowledged:,} | "
            f"{o.seconds:.0f} s | {o.checked} | {o.note} | {o.when} |"
        )
    failures = []
    for o in outcomes:
        failures += [f"- {o.case}, {f}" for f in o.failures[:SHOWN_FAILURES]]
        if len(o.failures) > SHOWN_FAILURES:
            failures.append(f"- {o.case}: {len(o.failures) - SHOWN_FAILURES} more failed runs")
    return "\n".join(rows + (["", *failures] if failures else []))


def write_docs(text: str) -> None:
    """Put ``text`` between the section's markers in docs/RELIABILITY.md (adding the section
    if missing), leaving the other sections alone."""
    section = f"{BEGIN}\n{text}\n{END}"
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Reliability\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        updated = head + section + rest.split(END, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + INTRO + "\n" + section + "\n"
    DOCS.write_text(updated, encoding="utf-8")


INTRO = """## Faults survived

`python -m bench.faults` (or `make faults`) repeats each fault on SQLite corpora in a temporary
folder, and the import's kill on a throwaway PostgreSQL cluster (bench/pg_cluster.py), and
rewrites the table below (`--only CASE` runs one case; each case's latest outcome is kept). The
test suite runs a short version (tests/reliability/test_faults.py: 3 kills of an import, 2 of
an import into PostgreSQL under the `postgres` marker, 3 of the app annotating, 2 of it
importing annotations, 3 of it exporting, one crowded run, the disk-full case).
Acknowledged means: an article the import printed as committed (`annotator import --events`,
one JSON line per article once its batch is committed); an edit the app's span editor returned
from (`python -m bench.fault_editor`, which drives the main window offscreen through the span
editor's slots, the ones the hotkeys, palette and Delete key call); an annotation import or an
export the main window was told had finished (`python -m bench.fault_exchange`, which calls
File ▸ Import Annotations… or File ▸ Export… and fills in and accepts the real dialog; the job
runs on the window's worker thread). Kill moments are random (seeded). An import commits per
batch (up to 2,000 articles or 1 s of reading), so it is timed uninterrupted first, its commits
found (a batch's acknowledgements come together; for the app, the corpus's document count
polled every 20 ms grows); each kill then waits for the commit of a batch drawn at random and
sleeps a random part of the time to the next commit. 8% of the kills are drawn before the first
commit and 6% after the end. The waits follow what the child reports, so a loaded machine
shifts the kill with the import. An export is killed within 1.15 times an uninterrupted
export's time from its start (every other run with an earlier file at the target), a burst of
edits within its first 8 s. After every kill, processes the killed one started must be gone
within 3 s (any left is a failure, then killed)."""


def save(outcomes: list[Outcome], when: str) -> list[Outcome]:
    """Keep each case's latest outcome in bench/results/faults.json (so cases run apart, as
    with ``--only``, make one table); all the outcomes kept, in the order of CASES."""
    kept = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    for outcome in outcomes:
        outcome.when = when
        kept[outcome.case] = asdict(outcome)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(kept, indent=2), encoding="utf-8")
    fields = {f.name for f in dataclasses.fields(Outcome)}
    return [Outcome(**{k: v for k, v in data.items() if k in fields}) for data in kept.values()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="kills per kill case (default 50)")
    parser.add_argument("--articles", type=int, default=6000, help="articles imported")
    parser.add_argument("--only", action="append", choices=CASES, help="run only this case")
    parser.add_argument("--no-write", action="store_true", help="do not save or touch the docs")
    args = parser.parse_args(argv)
    outcomes = run(args.runs, args.articles, args.only or list(CASES))
    machine = f"{platform.node()}, {platform.machine()}, Python {platform.python_version()}"
    print(table(outcomes))
    if not args.no_write:
        kept = save(outcomes, f"{datetime.now():%Y-%m-%d %H:%M}")
        write_docs(f"Last run on {machine}.\n\n{table(kept)}")
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

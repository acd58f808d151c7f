"""``annotator stats``: the corpus's figures (documents, statuses, progress, labels, attribute
values, spans per document, casualties, the most frequent texts, located places), over the
corpus or a collection and all or some annotators, as readable text or one JSON object."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from cli.commands import open_store
from cli.output import emit_json
from corpus.statistics import TOP, CorpusStatistics, StatisticsScope
from corpus.store import Stats

ANNOTATOR_HELP = "only this annotator's work (repeatable, or A,B,...; default: everyone)"
TOP_HELP = f"the N most frequent texts of each label (default {TOP})"
TEXT_TOP = 5  # frequent texts of each label in the text form
TEXT_PLACES = 10


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``stats`` with its options."""
    help_text = "figures of the corpus: statuses, progress, labels, casualties, places"
    p = sub.add_parser("stats", help=help_text, description=help_text)
    p.set_defaults(func=cmd_stats)
    p.add_argument("--collection", metavar="NAME", help="only documents in this collection")
    p.add_argument("--annotator", action="append", metavar="NAME", help=ANNOTATOR_HELP)
    p.add_argument("--top", type=int, default=TOP, metavar="N", help=TOP_HELP)
    p.add_argument("--json", action="store_true", help="print a JSON object")


def cmd_stats(args: argparse.Namespace) -> int:
    store = open_store(args)
    names = [n.strip() for item in args.annotator or [] for n in item.split(",") if n.strip()]
    scope = StatisticsScope(args.collection, tuple(names) if names else None)
    figures = store.statistics(scope, top=max(args.top, 0))
    corpus = store.stats()
    if args.json:
        # The keys of earlier versions first (scripts read them), narrowed to the scope.
        emit_json({**asdict(corpus), **figures.to_dict()})
    else:
        print("\n".join(stats_lines(corpus, figures)))
    return 0


def stats_lines(corpus: Stats, figures: CorpusStatistics) -> list[str]:
    """The main figures as text for people."""
    scope = figures.scope
    lines = []
    if scope.collection is not None or scope.annotators is not None:
        where = f"collection '{scope.collection}'" if scope.collection else "every collection"
        who = ", ".join(scope.annotators) if scope.annotators is not None else "everyone"
        lines.append(f"scope: {where}; annotators: {who or 'none'}")
    lines += [
        f"documents: {figures.documents} (near-duplicates flagged: {corpus.near_duplicates})",
        f"schema: {corpus.schema} (version {corpus.schema_version})",
        "collections:",
        *(f"  {name}: {n}" for name, n in corpus.collections.items()),
        "status:",
        *(f"  {status}: {n}" for status, n in figures.statuses.items()),
        "progress (documents; spans):",
    ]
    width = max([len(p.name) for p in figures.progress] + [len("annotator")])
    columns = ("assigned", "started", "done", "reviewed", "spans")
    lines.append(f"  {'annotator'.ljust(width)}" + "".join(f"{c:>10}" for c in columns))
    for p in figures.progress:
        counts = (p.assigned, p.started, p.done, p.reviewed, p.spans)
        lines.append(f"  {p.name.ljust(width)}" + "".join(f"{n:>10,}" for n in counts))
    lines += ["spans by label:", *(f"  {label}: {n}" for label, n in figures.labels.items())]
    histogram = ", ".join(f"{n}: {d}" for n, d in figures.spans_per_document.items())
    lines.append(f"spans per document (spans: documents): {histogram or '-'}")
    if figures.casualties:
        lines += [
            "casualties (sum of counts):",
            "  by kind: " + _pairs(figures.casualties_by("kind")),
            "  by group: " + _pairs(figures.casualties_by("group")),
            f"  phrases without a count: {sum(row.without_count for row in figures.casualties)}",
        ]
    for label, texts in figures.frequent.items():
        shown = ", ".join(f"{t.text} ({t.count})" for t in texts[:TEXT_TOP])
        lines.append(f"most frequent {label}: {shown}")
    places = ", ".join(f"{p.text} ({p.count})" for p in figures.places[:TEXT_PLACES])
    lines.append(f"located places ({len(figures.places)}): {places or '-'}")
    totals = f"spans: {figures.spans}, relations: {corpus.relations}, events: {corpus.events}"
    return [*lines, totals]


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {n:,}" for key, n in counts.items())

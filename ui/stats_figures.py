"""What the statistics dashboard shows, taken from :class:`CorpusStatistics`: the summary cards,
the values of each chart and the table its Save CSV… writes (every value, where a chart may show
only the largest).

Plain Python: no Qt and no matplotlib, so the figures are tested apart from the drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from corpus.statistics import CorpusStatistics
from ui.agreement_figures import Figure, Table

MOST_BARS = 20  # bars past which a chart of counts shows the largest and "N more"
MOST_HISTOGRAM_BARS = 25
PROGRESS_SERIES = ("assigned", "started", "done", "reviewed")


@dataclass(frozen=True)
class Counts:
    """One count per name, and what is counted, for a bar chart; ``more`` names left out."""

    names: tuple[str, ...]
    values: tuple[int, ...]
    unit: str
    more: int = 0


@dataclass(frozen=True)
class Series:
    """Several counts per category (a bar each, side by side or stacked): ``series`` are
    (name, one value per category) pairs."""

    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]
    unit: str


def summary(f: CorpusStatistics) -> list[Figure]:
    """The cards above the charts."""
    finished = f.statuses.get("done", 0) + f.statuses.get("reviewed", 0)
    finished += f.statuses.get("locked", 0)
    labels = len(f.labels)
    casualties = sum(row.total for row in f.casualties)
    without = sum(row.without_count for row in f.casualties)
    located = sum(p.count for p in f.places)
    return [
        Figure("Documents", f"{f.documents:,}", f"{f.statuses.get('new', 0):,} not started"),
        Figure("Spans", f"{f.spans:,}", f"{labels} label{'' if labels == 1 else 's'}"),
        Figure("Annotators", f"{len(f.progress):,}", f"{finished:,} sets finished"),
        Figure("Casualties", f"{casualties:,}", f"{without:,} without a count"),
        Figure("Places on the map", f"{len(f.places):,}", f"{located:,} spans located"),
    ]


def _largest(names: list[str], values: list[int], unit: str) -> Counts:
    keep = min(len(names), MOST_BARS)
    return Counts(tuple(names[:keep]), tuple(values[:keep]), unit, len(names) - keep)


def status_counts(f: CorpusStatistics) -> Counts:
    """Annotation sets by status, documents nobody started counted as new."""
    names = tuple(status.replace("_", " ") for status in f.statuses)
    return Counts(names, tuple(f.statuses.values()), "documents (annotation sets)")


def status_table(f: CorpusStatistics) -> Table:
    return Table(("status", "annotation sets"), tuple(f.statuses.items()))


def progress_series(f: CorpusStatistics) -> Series:
    """Each annotator's documents assigned, started, done and reviewed."""
    return Series(
        tuple(p.name for p in f.progress),
        tuple((key, tuple(getattr(p, key) for p in f.progress)) for key in PROGRESS_SERIES),
        "documents",
    )


def progress_table(f: CorpusStatistics) -> Table:
    return Table(
        ("annotator", *PROGRESS_SERIES, "spans"),
        tuple((p.name, *(getattr(p, k) for k in PROGRESS_SERIES), p.spans) for p in f.progress),
    )


def label_counts(f: CorpusStatistics) -> Counts:
    """Spans per label, the most frequent first."""
    ranked = sorted(f.labels.items(), key=lambda item: (-item[1], item[0].casefold()))
    return _largest([n for n, _ in ranked], [v for _, v in ranked], "spans")


def label_table(f: CorpusStatistics) -> Table:
    return Table(("label", "spans"), tuple(f.labels.items()))


def attribute_choices(f: CorpusStatistics) -> list[tuple[str, str]]:
    """The (label, attribute) pairs that have values, in order."""
    return [(label, key) for label, keys in f.attributes.items() for key in keys]


def attribute_counts(f: CorpusStatistics, label: str, key: str) -> Counts:
    """Spans of ``label`` per value of its attribute ``key``, the most frequent first."""
    values = f.attributes.get(label, {}).get(key, {})
    return _largest(list(values), list(values.values()), f"{label} spans")


def attribute_table(f: CorpusStatistics, label: str, key: str) -> Table:
    values = f.attributes.get(label, {}).get(key, {})
    return Table(
        ("label", "attribute", "value", "spans"),
        tuple((label, key, v, n) for v, n in values.items()),
    )


def span_histogram(f: CorpusStatistics) -> Counts:
    """Documents per number of spans, in bins of equal width when there are many numbers."""
    if not f.spans_per_document:
        return Counts((), (), "documents")
    top = max(f.spans_per_document)
    width = max(1, math.ceil((top + 1) / MOST_HISTOGRAM_BARS))
    bins = [0] * (top // width + 1)
    for n, documents in f.spans_per_document.items():
        bins[n // width] += documents
    names = tuple(
        str(i * width) if width == 1 else f"{i * width}–{i * width + width - 1}"
        for i in range(len(bins))
    )
    return Counts(names, tuple(bins), "documents")


def span_histogram_table(f: CorpusStatistics) -> Table:
    return Table(("spans", "documents"), tuple(f.spans_per_document.items()))


def casualty_series(f: CorpusStatistics) -> Series:
    """Casualty totals per kind, one stacked part per group."""
    kinds = tuple(sorted({row.kind for row in f.casualties}))
    groups = tuple(sorted({row.group for row in f.casualties}))
    totals = {(row.kind, row.group): row.total for row in f.casualties}
    return Series(
        kinds,
        tuple((g, tuple(totals.get((k, g), 0) for k in kinds)) for g in groups),
        "people (sum of the phrases' counts)",
    )


def casualty_table(f: CorpusStatistics) -> Table:
    return Table(
        ("kind", "group", "total", "phrases with a count", "phrases without a count"),
        tuple((r.kind, r.group, r.total, r.counted, r.without_count) for r in f.casualties),
    )


def frequent_counts(f: CorpusStatistics, label: str) -> Counts:
    """The most frequent texts of ``label``."""
    texts = f.frequent.get(label, [])
    return _largest([t.text for t in texts], [t.count for t in texts], f"{label} spans")


def frequent_table(f: CorpusStatistics, label: str) -> Table:
    return Table(
        ("label", "text", "spans"),
        tuple((label, t.text, t.count) for t in f.frequent.get(label, [])),
    )


def places_table(f: CorpusStatistics) -> Table:
    return Table(
        ("place", "latitude", "longitude", "geonames_id", "spans"),
        tuple((p.text, p.latitude, p.longitude, p.geonames_id, p.count) for p in f.places),
    )

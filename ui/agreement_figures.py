"""What the agreement dashboard shows, taken from an :class:`AgreementReport`: the summary
figures, the matrices of its heat maps, the values of its bar chart and the rows of its tables,
each with the rows its CSV holds (full precision; an empty cell where a figure is undefined).

Plain Python: no Qt and no matplotlib, so the figures are tested apart from the drawing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from annotator.agreement import AgreementReport, PairAgreement
from annotator.agreement.spans import SpanCounts

Cell = str | int | float | None
"""One cell of a CSV row; None is written as an empty cell."""


@dataclass(frozen=True)
class Table:
    """A header and rows: what one Save CSV… writes."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Grid:
    """A matrix with the names of its rows and columns: a heat map's data. Its CSV is the
    matrix under a header row of the column names, each row led by its name."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[float | int | None, ...], ...]
    corner: str = ""  # the CSV's top-left cell: what the rows and columns are

    def table(self) -> Table:
        """The grid as a :class:`Table`."""
        return Table(
            (self.corner, *self.columns),
            tuple((name, *row) for name, row in zip(self.rows, self.values, strict=True)),
        )


@dataclass(frozen=True)
class Bars:
    """One value per name (None where undefined), with the overall value as a reference line."""

    names: tuple[str, ...]
    values: tuple[float | None, ...]
    overall: float | None
    measure: str  # what the values are, for the axis


@dataclass(frozen=True)
class Figure:
    """One figure of the summary: a caption, the value as shown, and what it was counted over."""

    caption: str
    value: str
    detail: str


MEASURES = {
    "alpha": "Krippendorff's α",
    "fleiss": "Fleiss' κ",
    "kappa": "Cohen's κ, mean of the pairs",
    "f1_exact": "Span F1, exact",
    "f1_overlap": "Span F1, overlap",
    "unitizing": "Krippendorff's αU, on the characters",
}
"""The per-label measures the bar chart offers, by key."""

LABEL_HEADER = (
    "label",
    "Krippendorff's alpha",
    "Fleiss' kappa",
    "Cohen's kappa (mean of the pairs)",
    "span F1 exact",
    "span F1 overlap",
    "unitizing alpha (characters)",
)
ALL_LABELS = "all labels"


def figure_text(value: float | None) -> str:
    """A coefficient as shown: three decimals, or a dash where it is undefined."""
    return "–" if value is None else f"{value:.3f}"


def _mean(values: Sequence[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def _f1(counts: SpanCounts | None, matching: str) -> float | None:
    return counts.scores(matching).f1 if counts is not None else None


def label_kappa(report: AgreementReport, label: str) -> float | None:
    """The mean of the pairs' Cohen's kappas of ``label`` (one against the rest) defined."""
    return _mean([p.label_kappa[label] for p in report.pairs])


def summary(report: AgreementReport) -> list[Figure]:
    """The overall figures: coefficients, span F1, documents and annotators counted."""
    n = len(report.annotators)
    spans = report.spans.scores("overlap")
    return [
        Figure("Krippendorff's α", figure_text(report.alpha), f"{report.alpha_values:,} values"),
        Figure(
            "Unitizing αU",
            figure_text(report.unitizing),
            f"{report.unitizing_documents:,} docs all {n} annotated",
        ),
        Figure(
            "Fleiss' κ",
            figure_text(report.fleiss),
            f"{report.fleiss_items:,} tokens all {n} coded",
        ),
        Figure(
            "Cohen's κ, mean",
            figure_text(report.mean_kappa),
            f"{len(report.pairs)} pair{'' if len(report.pairs) == 1 else 's'}",
        ),
        Figure(
            "Span F1, overlap",
            figure_text(spans.f1),
            f"exact {figure_text(report.spans.scores('exact').f1)}",
        ),
        Figure("Documents", f"{report.documents:,}", f"{report.tokens:,} tokens"),
        Figure("Annotators", f"{n:,}", ", ".join(report.annotators)),
    ]


def kappa_grid(report: AgreementReport) -> Grid:
    """Cohen's kappa of every pair of annotators, both ways round; the diagonal undefined."""
    names = report.annotators
    kappa: dict[tuple[str, str], float | None] = {}
    for p in report.pairs:
        kappa[p.reference, p.other] = kappa[p.other, p.reference] = p.kappa
    return Grid(
        names,
        names,
        tuple(tuple(kappa.get((a, b)) if a != b else None for b in names) for a in names),
        corner="Cohen's kappa",
    )


def confusion_grid(report: AgreementReport) -> Grid:
    """Token label counts summed over the pairs, rows the reference's label (the first of each
    pair) and columns the other's."""
    return Grid(
        report.labels,
        report.labels,
        report.confusion,
        corner="reference \\ other",
    )


def label_table(report: AgreementReport) -> Table:
    """Every per-label measure of :data:`MEASURES`, a row per label, then all labels."""
    rows: list[tuple[Cell, ...]] = [
        (
            label,
            report.label_alpha[label],
            report.label_fleiss[label],
            label_kappa(report, label),
            _f1(report.label_spans.get(label), "exact"),
            _f1(report.label_spans.get(label), "overlap"),
            report.label_unitizing.get(label),
        )
        for label in report.labels
    ]
    rows.append(
        (
            ALL_LABELS,
            report.alpha,
            report.fleiss,
            report.mean_kappa,
            _f1(report.spans, "exact"),
            _f1(report.spans, "overlap"),
            report.unitizing,
        )
    )
    return Table(LABEL_HEADER, tuple(rows))


def label_bars(report: AgreementReport, measure: str) -> Bars:
    """The per-label values of ``measure`` (a key of :data:`MEASURES`); the span F1s and
    unitizing alpha leave out the "outside" label, which has no spans."""
    column = list(MEASURES).index(measure) + 1
    table = label_table(report)
    *per_label, overall = table.rows
    if measure.startswith("f1"):
        per_label = [row for row in per_label if row[0] in report.label_spans]
    elif measure == "unitizing":
        per_label = [row for row in per_label if row[0] in report.label_unitizing]
    return Bars(
        tuple(str(row[0]) for row in per_label),
        tuple(_number(row[column]) for row in per_label),
        _number(overall[column]),
        MEASURES[measure],
    )


def _number(cell: Cell) -> float | None:
    return float(cell) if isinstance(cell, int | float) else None


SPAN_HEADER = (
    "label",
    "reference spans",
    "other spans",
    "exact matches",
    "precision exact",
    "recall exact",
    "F1 exact",
    "overlap matches",
    "precision overlap",
    "recall overlap",
    "F1 overlap",
)


def _span_row(name: str, c: SpanCounts) -> tuple[Cell, ...]:
    exact, overlap = c.scores("exact"), c.scores("overlap")
    return (
        name,
        c.reference,
        c.other,
        c.exact,
        exact.precision,
        exact.recall,
        exact.f1,
        c.overlap,
        overlap.precision,
        overlap.recall,
        overlap.f1,
    )


def span_table(report: AgreementReport, pair: PairAgreement | None = None) -> Table:
    """Span precision, recall and F1, exact and overlap, a row per label and then all labels,
    of ``pair`` (its first annotator the reference) or pooled over the pairs."""
    total: SpanCounts = pair.spans if pair is not None else report.spans
    labels: Mapping[str, SpanCounts] = pair.label_spans if pair is not None else report.label_spans
    rows = [_span_row(label, counts) for label, counts in labels.items()]
    return Table(SPAN_HEADER, (*rows, _span_row(ALL_LABELS, total)))

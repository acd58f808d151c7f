"""``annotator agreement``: agreement among the annotators of the corpus (or a collection), as
readable tables or one JSON object."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.errors import AnnotatorError
from cli.commands import open_store
from cli.output import emit_json
from cli.progress import progress_bar
from corpus.store import Store

if TYPE_CHECKING:  # the statistics (numpy) load when the command runs, not with the app
    from annotator.agreement import AgreementReport
    from annotator.agreement.spans import SpanCounts


def _chosen(store: Store, names: str | None) -> list[str] | None:
    """The annotators --annotators names, in its order, each checked."""
    if names is None:
        return None
    chosen = list(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    if len(chosen) < 2:
        raise AnnotatorError("--annotators needs at least two names, separated by commas")
    known = set(store.annotators())
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise AnnotatorError(f"no annotator named {', '.join(repr(n) for n in unknown)}")
    return chosen


def cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.agreement import compute_agreement
    from corpus.agreement_data import agreement_documents

    store = open_store(args)
    annotators = _chosen(store, args.annotators)
    documents = agreement_documents(store, args.collection, annotators)
    with progress_bar(documents, unit=" docs") as bar:
        report = compute_agreement(bar, annotators)
    if not report.documents:
        where = f" of collection '{args.collection}'" if args.collection else ""
        who = "two of those annotators" if annotators else "two annotators"
        raise AnnotatorError(f"no document{where} is annotated by {who}: nothing to compare")
    if args.json:
        emit_json({"collection": args.collection, "units": "tokens", **report.to_dict()})
    else:
        print_report(report, args.collection)
    return 0


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], last_left: bool = False
) -> list[str]:
    """Rows under a header, the first column (and the last if ``last_left``) flush left, the
    others flush right."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(width)
            if i == 0 or (last_left and i == len(header) - 1)
            else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _prf(counts: SpanCounts, matching: str) -> list[str]:
    s = counts.scores(matching)
    return [_figure(s.precision), _figure(s.recall), _figure(s.f1)]


def report_lines(report: AgreementReport, collection: str | None = None) -> list[str]:
    """The report as text for people: overall figures, pairs, labels, the confusion matrix."""
    where = f" in collection '{collection}'" if collection else ""
    n = len(report.annotators)
    lines = [
        f"Agreement of {', '.join(report.annotators)} over {report.documents:,} document(s)"
        f"{where}, {report.tokens:,} tokens",
        "",
        "Token level (each token labelled by the longest span covering it, O outside spans):",
        *_table(
            ["", "value", "over"],
            [
                ["Krippendorff's alpha", _figure(report.alpha), f"{report.alpha_values:,} values"],
                [
                    "Fleiss' kappa",
                    _figure(report.fleiss),
                    f"{report.fleiss_items:,} tokens all {n} coded",
                ],
                ["mean Cohen's kappa", _figure(report.mean_kappa), f"{len(report.pairs)} pairs"],
            ],
            last_left=True,
        ),
        "",
        f"Unitizing alpha (Krippendorff's alpha-U, on the characters, over the "
        f"{report.unitizing_documents:,} document(s) all {n} annotated): "
        f"{_figure(report.unitizing)}",
        "",
        "Pairs (the first is the reference for precision and recall):",
        *_table(
            ["pair", "docs", "tokens", "observed", "kappa", "P/R/F1 exact", "P/R/F1 overlap"],
            [
                [
                    f"{p.reference} / {p.other}",
                    f"{p.documents:,}",
                    f"{p.tokens:,}",
                    _figure(p.observed),
                    _figure(p.kappa),
                    " ".join(_prf(p.spans, "exact")),
                    " ".join(_prf(p.spans, "overlap")),
                ]
                for p in report.pairs
            ],
        ),
        "",
        "Labels (kappa: mean over the pairs; F1: spans of all pairs pooled):",
    ]
    rows = []
    for label in report.labels:
        kappas = [k for p in report.pairs if (k := p.label_kappa[label]) is not None]
        spans = report.label_spans.get(label)
        rows.append(
            [
                label,
                _figure(sum(kappas) / len(kappas) if kappas else None),
                _figure(report.label_fleiss[label]),
                _figure(report.label_alpha[label]),
                _figure(spans.scores("exact").f1) if spans else "-",
                _figure(spans.scores("overlap").f1) if spans else "-",
                _figure(report.label_unitizing.get(label)),
            ]
        )
    lines += _table(
        ["label", "kappa", "Fleiss", "alpha", "F1 exact", "F1 overlap", "alpha-U"], rows
    )
    lines += [
        "",
        "Confusion matrix of token labels, summed over the pairs "
        "(rows: the reference, columns: the other):",
        *_table(
            ["", *report.labels],
            [
                [label, *(f"{v:,}" for v in row)]
                for label, row in zip(report.labels, report.confusion, strict=True)
            ],
        ),
    ]
    return lines


def print_report(report: AgreementReport, collection: str | None = None) -> None:
    """Print :func:`report_lines`."""
    print("\n".join(report_lines(report, collection)))

"""The whole agreement computation: documents in, one :class:`AgreementReport` out.

Documents stream through in batches; each batch becomes a coders x units array of label codes
(-1 where a coder did not annotate the document), from which numpy adds up the sums every
coefficient needs (:mod:`annotator.agreement.statistics`), so memory stays flat however many
documents come. Spans are matched document by document (:mod:`annotator.agreement.spans`).

Which units count where:

- a document counts when at least two of the chosen annotators annotated it; its units are then
  coded by those annotators and missing for the others;
- Cohen's kappa of a pair: the units both coded; the first of the pair (in the annotators'
  order) is the reference of the span scores and the rows of the confusion matrix;
- Fleiss' kappa: the units every chosen annotator coded (None when there are none);
- Krippendorff's alpha: every unit with at least two values, missing values allowed;
- unitizing alpha: the documents every chosen annotator annotated, on their characters
  (:mod:`annotator.agreement.unitizing`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.spans import KeyedSpans, Scores, SpanCounts, keyed_counts
from annotator.agreement.statistics import (
    Coincidences,
    FleissSums,
    IntMatrix,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    label_cohen_kappas,
    label_fleiss_kappas,
    label_krippendorff_alphas,
    unit_counts,
)
from annotator.agreement.unitizing import UnitizingSums
from annotator.agreement.units import OUTSIDE, AgreementDocument, code_matrix

BATCH_UNITS = 200_000
"""Units gathered before a batch is counted: large enough for numpy to pay, small in memory."""


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of two annotators over the documents both annotated."""

    reference: str
    other: str
    documents: int
    tokens: int
    observed: float | None  # the share of tokens with the same label
    kappa: float | None
    label_kappa: Mapping[str, float | None]
    spans: SpanCounts
    label_spans: Mapping[str, SpanCounts]
    confusion: tuple[tuple[int, ...], ...]  # rows: the reference's labels, in report order


@dataclass(frozen=True)
class AgreementReport:
    """Agreement among annotators: token-level coefficients overall and per label, span-level
    scores per pair and pooled, and the confusion matrix of labels summed over the pairs.

    ``labels`` starts with :data:`OUTSIDE`, then the span labels sorted; every per-label mapping
    and every confusion matrix follows that order.
    """

    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    documents: int
    tokens: int
    pairs: tuple[PairAgreement, ...]
    fleiss: float | None
    fleiss_items: int
    label_fleiss: Mapping[str, float | None]
    alpha: float | None
    alpha_values: int  # pairable values (the n of Krippendorff's coincidence matrix)
    label_alpha: Mapping[str, float | None]
    confusion: tuple[tuple[int, ...], ...]
    spans: SpanCounts
    label_spans: Mapping[str, SpanCounts]
    unitizing: float | None = None  # Krippendorff's unitizing alpha, on the characters
    unitizing_documents: int = 0  # the documents it counts: those everyone annotated
    label_unitizing: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def mean_kappa(self) -> float | None:
        """The mean of the pairs' Cohen's kappas that are defined (Light's kappa)."""
        kappas = [p.kappa for p in self.pairs if p.kappa is not None]
        return sum(kappas) / len(kappas) if kappas else None

    def pair(self, first: str, second: str) -> PairAgreement:
        """The agreement of two annotators (in either order)."""
        for p in self.pairs:
            if {p.reference, p.other} == {first, second}:
                return p
        raise KeyError((first, second))

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON values (None where a figure is undefined)."""
        return {
            "annotators": list(self.annotators),
            "labels": list(self.labels),
            "documents": self.documents,
            "tokens": self.tokens,
            "cohen_kappa_mean": self.mean_kappa,
            "fleiss_kappa": {
                "overall": self.fleiss,
                "items": self.fleiss_items,
                "labels": dict(self.label_fleiss),
            },
            "krippendorff_alpha": {
                "overall": self.alpha,
                "values": self.alpha_values,
                "labels": dict(self.label_alpha),
                "unitizing": {
                    "overall": self.unitizing,
                    "documents": self.unitizing_documents,
                    "labels": dict(self.label_unitizing),
                },
            },
            "spans": _spans_dict(self.spans, self.label_spans),
            "confusion": {"labels": list(self.labels), "matrix": _lists(self.confusion)},
            "pairs": [
                {
                    "reference": p.reference,
                    "other": p.other,
                    "documents": p.documents,
                    "tokens": p.tokens,
                    "observed": p.observed,
                    "cohen_kappa": p.kappa,
                    "label_cohen_kappa": dict(p.label_kappa),
                    "spans": _spans_dict(p.spans, p.label_spans),
                    "confusion": _lists(p.confusion),
                }
                for p in self.pairs
            ],
        }


def _lists(matrix: tuple[tuple[int, ...], ...]) -> list[list[int]]:
    return [list(row) for row in matrix]


def _scores_dict(counts: SpanCounts, matching: str) -> dict[str, Any]:
    s: Scores = counts.scores(matching)
    matches = counts.exact if matching == "exact" else counts.overlap
    return {"matches": matches, "precision": s.precision, "recall": s.recall, "f1": s.f1}


def _spans_dict(total: SpanCounts, labels: Mapping[str, SpanCounts]) -> dict[str, Any]:
    def one(c: SpanCounts) -> dict[str, Any]:
        return {
            "reference": c.reference,
            "other": c.other,
            "exact": _scores_dict(c, "exact"),
            "overlap": _scores_dict(c, "overlap"),
        }

    return {**one(total), "labels": {label: one(c) for label, c in labels.items()}}


@dataclass
class _Pair:
    """What one pair has added up so far."""

    documents: int = 0
    tokens: int = 0
    confusion: IntMatrix = field(default_factory=lambda: np.zeros((1, 1), dtype=np.int64))
    spans: dict[str, SpanCounts] = field(default_factory=dict)

    def add_confusion(self, matrix: IntMatrix) -> None:
        if matrix.shape != self.confusion.shape:
            size = max(len(matrix), len(self.confusion))
            matrix = np.pad(matrix, (0, size - len(matrix)))
            self.confusion = np.pad(self.confusion, (0, size - len(self.confusion)))
        self.confusion = self.confusion + matrix


class _Accumulator:
    """The running sums of one agreement computation."""

    def __init__(self, annotators: Sequence[str] | None) -> None:
        self.chosen = list(dict.fromkeys(annotators)) if annotators is not None else None
        position = {name: i for i, name in enumerate(self.chosen or ())}
        self.order: Callable[[str], Any] = (
            position.__getitem__ if self.chosen is not None else lambda n: (n.casefold(), n)
        )
        self.code: dict[str, int] = {OUTSIDE: 0}
        self.seen: set[str] = set()
        self.documents = 0
        self.tokens = 0
        self.pairs: dict[tuple[str, str], _Pair] = {}
        self.fleiss: dict[tuple[str, ...], FleissSums] = {}
        self.coincidences = Coincidences.empty()
        self.unitizing: dict[tuple[str, ...], UnitizingSums] = {}
        self.batch: list[tuple[AgreementDocument, list[str], dict[str, KeyedSpans]]] = []
        self.batch_units = 0

    def add(self, document: AgreementDocument) -> None:
        coders = self._coders(document)
        if len(coders) < 2:
            return
        keyed = {name: KeyedSpans.of(document.annotations[name]) for name in coders}
        if self.chosen is None or len(coders) == len(self.chosen):  # else it never counts
            unitizing = self.unitizing.get(tuple(coders))
            if unitizing is None:
                unitizing = self.unitizing[tuple(coders)] = UnitizingSums(len(coders))
            unitizing.add(
                document.continuum,
                [[s for s in document.annotations[name] if s.label != OUTSIDE] for name in coders],
            )
        for spans in keyed.values():
            for label in spans.labels:
                self.code.setdefault(label, len(self.code))
        self.batch.append((document, coders, keyed))
        self.batch_units += len(document)
        if self.batch_units >= BATCH_UNITS:
            self.flush()

    def _coders(self, document: AgreementDocument) -> list[str]:
        names = document.annotations.keys()
        if self.chosen is not None:
            wanted = set(names)
            return [n for n in self.chosen if n in wanted]
        return sorted(names, key=self.order)

    def flush(self) -> None:
        """Count the gathered documents."""
        batch, self.batch, self.batch_units = self.batch, [], 0
        if not batch:
            return
        names = sorted({n for _, coders, _ in batch for n in coders}, key=self.order)
        row = {name: i for i, name in enumerate(names)}
        self.seen.update(names)
        codes = code_matrix(
            [(d, {name: keyed[name].keys for name in coders}) for d, coders, keyed in batch],
            row,
            self.code,
        )
        width = codes.shape[1]
        group_of: dict[tuple[str, ...], int] = {}
        groups = np.empty(width, dtype=np.int32)
        at = 0
        for document, coders, keyed in batch:
            end = at + len(document)
            groups[at:end] = group_of.setdefault(tuple(coders), len(group_of))
            self._add_spans(coders, keyed)
            at = end
        self.documents += len(batch)
        self.tokens += width
        categories = len(self.code)
        counts = unit_counts(codes, categories)
        self.coincidences.add_counts(counts)
        for key, g in group_of.items():
            sums = FleissSums.of_counts(counts[groups == g], raters=len(key))
            held = self.fleiss.get(key)
            if held is None:
                self.fleiss[key] = sums
            else:
                held.add(sums)
        for first, second in combinations(names, 2):
            x, y = codes[row[first]], codes[row[second]]
            both = (x >= 0) & (y >= 0)
            if both.any():
                flat = np.bincount(
                    x[both] * categories + y[both], minlength=categories * categories
                )
                pair = self._pair(first, second)
                pair.tokens += int(both.sum())
                pair.add_confusion(flat.reshape(categories, categories).astype(np.int64))

    def _pair(self, first: str, second: str) -> _Pair:
        pair = self.pairs.get((first, second))
        if pair is None:
            pair = self.pairs[(first, second)] = _Pair()
        return pair

    def _add_spans(self, coders: list[str], keyed: dict[str, KeyedSpans]) -> None:
        for first, second in combinations(coders, 2):
            pair = self._pair(first, second)
            pair.documents += 1
            for label, counts in keyed_counts(keyed[first], keyed[second]).items():
                held = pair.spans.get(label)
                pair.spans[label] = counts if held is None else held + counts

    def report(self) -> AgreementReport:
        self.flush()
        annotators = self.chosen if self.chosen is not None else sorted(self.seen, key=self.order)
        span_labels = sorted(set(self.code) - {OUTSIDE}, key=lambda s: (s.casefold(), s))
        labels = (OUTSIDE, *span_labels)
        perm = np.array([self.code[label] for label in labels])
        size = len(labels)

        def ordered(matrix: IntMatrix) -> IntMatrix:
            padded: IntMatrix = np.pad(matrix, (0, size - len(matrix)))[np.ix_(perm, perm)]
            return padded

        def per_label(values: Sequence[float | None]) -> dict[str, float | None]:
            return dict(zip(labels, values, strict=True))

        def as_tuples(matrix: IntMatrix) -> tuple[tuple[int, ...], ...]:
            return tuple(tuple(int(v) for v in r) for r in matrix.tolist())

        pairs = []
        total_confusion = np.zeros((size, size), dtype=np.int64)
        pooled: dict[str, SpanCounts] = {}
        for first, second in combinations(annotators, 2):
            sums = self.pairs.get((first, second), _Pair())
            matrix = ordered(sums.confusion)
            total_confusion += matrix
            tokens = int(matrix.sum())
            label_spans = {label: sums.spans[label] for label in labels if label in sums.spans}
            for label, counts in label_spans.items():
                pooled[label] = pooled.get(label, SpanCounts()) + counts
            pairs.append(
                PairAgreement(
                    reference=first,
                    other=second,
                    documents=sums.documents,
                    tokens=tokens,
                    observed=float(np.trace(matrix) / tokens) if tokens else None,
                    kappa=cohen_kappa(matrix),
                    label_kappa=per_label(label_cohen_kappas(matrix)),
                    spans=sum(label_spans.values(), SpanCounts()),
                    label_spans=label_spans,
                    confusion=as_tuples(matrix),
                )
            )
        everyone = self.fleiss.get(tuple(annotators))
        if everyone is None:
            everyone = FleissSums(len(annotators), 0, np.zeros(0, np.int64), np.zeros(0, np.int64))
        fleiss_sums = FleissSums(
            everyone.raters,
            everyone.items,
            np.pad(everyone.totals, (0, size - len(everyone.totals)))[perm],
            np.pad(everyone.squares, (0, size - len(everyone.squares)))[perm],
        )
        coincidences = self.coincidences.matrix(size)[np.ix_(perm, perm)]
        unitizing = self.unitizing.get(tuple(annotators), UnitizingSums(len(annotators)))
        unitizing_overall, label_unitizing = unitizing.alphas()
        return AgreementReport(
            annotators=tuple(annotators),
            labels=labels,
            documents=self.documents,
            tokens=self.tokens,
            pairs=tuple(pairs),
            fleiss=fleiss_kappa(fleiss_sums),
            fleiss_items=fleiss_sums.items,
            label_fleiss=per_label(label_fleiss_kappas(fleiss_sums)),
            alpha=krippendorff_alpha(coincidences),
            alpha_values=round(float(coincidences.sum())),
            label_alpha=per_label(label_krippendorff_alphas(coincidences)),
            confusion=as_tuples(total_confusion),
            spans=sum(pooled.values(), SpanCounts()),
            label_spans={label: pooled[label] for label in labels if label in pooled},
            unitizing=unitizing_overall,
            unitizing_documents=unitizing.documents,
            label_unitizing={label: label_unitizing.get(label) for label in labels[1:]},
        )


def compute_agreement(
    documents: Iterable[AgreementDocument], annotators: Sequence[str] | None = None
) -> AgreementReport:
    """Agreement among ``annotators`` (default: everyone who annotated a document that another
    annotated too, sorted by name) over ``documents``; a document counts when at least two of
    them annotated it. The documents are read once, as they come."""
    sums = _Accumulator(annotators)
    for document in documents:
        sums.add(document)
    return sums.report()

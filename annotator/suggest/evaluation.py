"""Precision, recall and F1 of suggestions against gold spans, per label and overall, with the
accuracy of the attributes of the suggestions that match.

A suggestion matches a gold span when start, end and label are all equal (exact match). Each
(start, end, label) counts once per document on either side. Attribute accuracy is measured on
the matches only, for each attribute the gold span gives a value to: a suggestion that leaves it
empty, or gives another value, is wrong there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from annotator.document import AttributeValue

Key = tuple[int, int, str]


class Labelled(Protocol):
    """A span or a suggestion: offsets, label and attributes."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def attributes(self) -> Mapping[str, AttributeValue]: ...


@dataclass(frozen=True)
class Scores:
    """Counts of exact matches, wrong suggestions and missed gold spans, and their ratios
    (None where a ratio has nothing to divide by)."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float | None:
        """The share of suggestions that are gold."""
        suggested = self.true_positives + self.false_positives
        return self.true_positives / suggested if suggested else None

    @property
    def recall(self) -> float | None:
        """The share of gold spans that were suggested."""
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else None

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )


@dataclass(frozen=True)
class AttributeScore:
    """How many matched suggestions gave one attribute the gold value, out of how many."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        """The share given the gold value, or None when no match had the attribute."""
        return self.correct / self.total if self.total else None


@dataclass(frozen=True)
class Evaluation:
    """Scores per label, overall (micro-averaged: the sum of the labels' counts) and attribute
    accuracy per (label, attribute)."""

    labels: Mapping[str, Scores]
    overall: Scores
    attributes: Mapping[tuple[str, str], AttributeScore]


def evaluate(
    documents: Iterable[tuple[Iterable[Labelled], Iterable[Labelled]]],
    labels: Collection[str] | None = None,
) -> Evaluation:
    """Score each document's suggestions (second) against its gold spans (first). With
    ``labels``, only those labels count, and each of them is reported even when absent."""
    per_label: dict[str, Scores] = {label: Scores() for label in labels or ()}
    attributes: dict[tuple[str, str], AttributeScore] = {}
    for gold_spans, suggested_spans in documents:
        gold = _keyed(gold_spans, labels)
        suggested = _keyed(suggested_spans, labels)
        for key in gold.keys() | suggested.keys():
            hit, label = key in gold and key in suggested, key[2]
            per_label[label] = per_label.get(label, Scores()) + Scores(
                int(hit), int(key not in gold), int(key not in suggested)
            )
            if not hit:
                continue
            for name, value in gold[key].items():
                if value is None:
                    continue
                before = attributes.get((label, name), AttributeScore())
                right = suggested[key].get(name) == value
                attributes[(label, name)] = AttributeScore(
                    before.correct + int(right), before.total + 1
                )
    overall = sum(per_label.values(), Scores())
    return Evaluation(dict(sorted(per_label.items())), overall, dict(sorted(attributes.items())))


def _keyed(
    spans: Iterable[Labelled], labels: Collection[str] | None
) -> dict[Key, Mapping[str, AttributeValue]]:
    """Attributes by (start, end, label), the first of equal keys kept."""
    keyed: dict[Key, Mapping[str, AttributeValue]] = {}
    for s in spans:
        if labels is None or s.label in labels:
            keyed.setdefault((s.start, s.end, s.label), s.attributes)
    return keyed


def table(evaluation: Evaluation, title: str = "Label") -> str:
    """The evaluation as a Markdown table: one row per label and one overall, then one row per
    attribute with its accuracy."""

    def ratio(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = [
        f"| {title} | Precision | Recall | F1 | Matched | Suggested | Gold |",
        "|---|---|---|---|---|---|---|",
    ]
    named = [*evaluation.labels.items(), ("overall", evaluation.overall)]
    for name, s in named:
        rows.append(
            f"| {name} | {ratio(s.precision)} | {ratio(s.recall)} | {ratio(s.f1)} "
            f"| {s.true_positives} | {s.true_positives + s.false_positives} "
            f"| {s.true_positives + s.false_negatives} |"
        )
    if evaluation.attributes:
        rows += [
            "",
            "| Attribute (on exact matches) | Accuracy | Right | Of |",
            "|---|---|---|---|",
        ]
        for (label, name), a in evaluation.attributes.items():
            rows.append(f"| {label}.{name} | {ratio(a.accuracy)} | {a.correct} | {a.total} |")
    return "\n".join(rows)

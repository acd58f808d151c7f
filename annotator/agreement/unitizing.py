"""Krippendorff's unitizing alpha (αU): agreement on where the spans of each label begin and end,
on the continuum of characters, without tokens (Krippendorff, "On the reliability of unitizing
contiguous data", 1995; "Content Analysis", 2nd ed., 2004, pp. 251-256).

The documents every chosen annotator annotated make one continuum, one after another. An
annotator's spans of a label are its units of that label (spans of one label that overlap count
as their union: the measure needs units that do not overlap), and what lies between them its
gaps. For each label c, with m annotators and a continuum of L characters:

- observed disagreement: Do(c) = 2 / (m (m - 1) L²) times the sum, over the pairs of annotators
  and the pairs of their sections (units and gaps) that overlap, of δ: for two units the square
  of the difference of their starts plus that of their ends; for a unit inside the other's gap
  the square of its length; else 0;
- expected disagreement: De(c), from the lengths of every annotator's units and gaps of c, as
  if the units were placed at random (Krippendorff 2004, p. 253);
- αU(c) = 1 - Do(c) / De(c); over all labels αU = 1 - ΣDo / ΣDe.

Undefined figures (no unit of the label, or no room to place them otherwise) are None.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from annotator.document import Span

Section = tuple[int, int, bool]
"""A stretch of one annotator's continuum for one label: start, end, whether it is a unit."""


def units(spans: Iterable[Span]) -> list[tuple[int, int]]:
    """The (start, end) units that ``spans`` of one label make: sorted, overlapping ones joined
    (spans that only touch stay apart, as units of their own)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((s.start, s.end) for s in spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def sections(found: Sequence[tuple[int, int]], length: int) -> list[Section]:
    """The units ``found`` and the gaps between them, covering ``0..length``."""
    result: list[Section] = []
    at = 0
    for start, end in found:
        if start > at:
            result.append((at, start, False))
        result.append((start, end, True))
        at = end
    if at < length:
        result.append((at, length, False))
    return result


def distance(first: Section, second: Section) -> int:
    """δ of two sections that overlap (Krippendorff 2004, p. 252)."""
    start1, end1, unit1 = first
    start2, end2, unit2 = second
    if unit1 and unit2:
        return (start1 - start2) ** 2 + (end1 - end2) ** 2
    if unit1 and not unit2 and start2 <= start1 and end1 <= end2:
        return (end1 - start1) ** 2
    if unit2 and not unit1 and start1 <= start2 and end2 <= end1:
        return (end2 - start2) ** 2
    return 0


def observed_sum(first: Sequence[Section], second: Sequence[Section]) -> int:
    """The sum of δ over the pairs of sections of two annotators that overlap."""
    total = 0
    i = j = 0
    while i < len(first) and j < len(second):
        a, b = first[i], second[j]
        if a[2] or b[2]:
            total += distance(a, b)
        if a[1] <= b[1]:
            i += 1
        if b[1] <= a[1]:
            j += 1
    return total


@dataclass
class _Label:
    """What one label has added up: the δ sums, the units' lengths, the gaps closed so far and,
    for each annotator, where its open gap began on the continuum."""

    observed: int
    lengths: list[int]
    gaps: list[int]
    open_from: list[int]


@dataclass
class UnitizingSums:
    """The running sums of αU over documents that the same ``raters`` annotators annotated."""

    raters: int
    length: int = 0
    documents: int = 0
    labels: dict[str, _Label] = field(default_factory=dict)

    def add(self, length: int, spans: Sequence[Sequence[Span]]) -> None:
        """Add a document of ``length`` characters with each annotator's ``spans`` (in the
        same order for every document)."""
        by_label: dict[str, list[list[tuple[int, int]]]] = {}
        for rater, theirs in enumerate(spans):
            grouped: dict[str, list[Span]] = {}
            for span in theirs:
                grouped.setdefault(span.label, []).append(span)
            for label, same in grouped.items():
                by_label.setdefault(label, [[] for _ in spans])[rater] = units(same)
        base = self.length
        for label, found in by_label.items():
            sums = self.labels.get(label)
            if sums is None:
                sums = self.labels[label] = _Label(0, [], [], [0] * self.raters)
            laid = [sections(one, length) for one in found]
            sums.observed += sum(observed_sum(a, b) for a, b in combinations(laid, 2))
            for rater, one in enumerate(found):
                for start, end in one:
                    if base + start > sums.open_from[rater]:
                        sums.gaps.append(base + start - sums.open_from[rater])
                    sums.lengths.append(end - start)
                    sums.open_from[rater] = base + end
        self.length += length
        self.documents += 1

    def alphas(self) -> tuple[float | None, dict[str, float | None]]:
        """αU over all labels, and each label's."""
        per_label: dict[str, float | None] = {}
        observed = expected = 0.0
        for label in self.labels:
            d_o, d_e = self.disagreements(label)
            per_label[label] = None if d_e is None else 1.0 - d_o / d_e
            if d_e is not None:
                observed += d_o
                expected += d_e
        overall = 1.0 - observed / expected if expected > 0.0 else None
        return overall, per_label

    def disagreements(self, label: str) -> tuple[float, float | None]:
        """The observed and expected disagreement of ``label`` (None when undefined)."""
        sums = self.labels[label]
        m, total = self.raters, self.length
        if m < 2 or total == 0 or not sums.lengths:
            return 0.0, None
        d_o = float(2.0 * sums.observed / (m * (m - 1) * total * total))
        gaps = np.sort(
            np.array(
                sums.gaps + [total - at for at in sums.open_from if at < total], dtype=np.float64
            )
        )
        lengths = np.array(sums.lengths, dtype=np.float64)
        n = len(lengths)
        # for each unit: the gaps at least as long, their number and their sum
        first = np.searchsorted(gaps, lengths, side="left")
        tail = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
        count = len(gaps) - first
        placed = tail[first] - count * (lengths - 1.0)  # the sum of (gap - length + 1)
        within = (n - 1) * (2.0 * lengths**3 - 3.0 * lengths**2 + lengths) / 3.0
        numerator = float((within + lengths**2 * placed).sum()) * 2.0 / total
        room = float(m * total) * (m * total - 1) - float((lengths * (lengths - 1.0)).sum())
        if room <= 0.0 or numerator <= 0.0:
            return d_o, None
        return d_o, float(numerator / room)

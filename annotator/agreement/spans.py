"""Span-level agreement between two annotators, one taken as the reference: precision, recall
and F1 under exact matching and under overlap matching.

- Exact: same start, end and label (and the same fragments for a discontinuous span).
- Overlap: same label and at least one shared code point (fragments' gaps share nothing). Each
  span is matched at most once: the candidate pairs are taken greedily, the pair sharing most
  code points first, then the one spanning fewest in all (so an exact match beats a span that
  contains it), then in text order; a pair is skipped once either of its spans is matched.

Every span of each annotator counts, overlapping ones included (no flattening here). F1 is
symmetric, and one annotator's precision is the other's recall.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from annotator.document import Span


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1; each None where its denominator is 0."""

    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class SpanCounts:
    """How many spans the reference and the other annotator have, and how many of them match,
    exactly and by overlap."""

    reference: int = 0
    other: int = 0
    exact: int = 0
    overlap: int = 0

    def __add__(self, other: SpanCounts) -> SpanCounts:
        return SpanCounts(
            self.reference + other.reference,
            self.other + other.other,
            self.exact + other.exact,
            self.overlap + other.overlap,
        )

    def scores(self, matching: str = "exact") -> Scores:
        """Precision (matches / other's spans), recall (matches / reference's spans) and F1
        under ``matching``, "exact" or "overlap"."""
        if matching not in ("exact", "overlap"):
            raise ValueError(f"matching is exact or overlap, not {matching!r}")
        hits = self.exact if matching == "exact" else self.overlap
        return Scores(
            hits / self.other if self.other else None,
            hits / self.reference if self.reference else None,
            2 * hits / (self.reference + self.other) if self.reference + self.other else None,
        )


SpanKey = tuple[int, int, str, tuple[tuple[int, int], ...]]
"""What exact matching compares: start, end, label and fragments."""


_KEY = attrgetter("start", "end", "label", "fragments")


def span_key(span: Span) -> SpanKey:
    """The span's :data:`SpanKey`."""
    key: SpanKey = _KEY(span)
    return key


def _exact_pairs(reference: Sequence[SpanKey], other: Sequence[SpanKey]) -> list[tuple[int, int]]:
    """Exact matches, one to one, as (reference index, other index) pairs."""
    waiting: dict[SpanKey, list[int]] = {}
    for j, key in enumerate(other):
        waiting.setdefault(key, []).append(j)
    pairs = []
    for i, key in enumerate(reference):
        partners = waiting.get(key)
        if partners:
            pairs.append((i, partners.pop(0)))
    return pairs


def _shared(a: SpanKey, b: SpanKey) -> int:
    if not (a[3] or b[3]):
        return max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return sum(
        max(0, min(e1, e2) - max(s1, s2))
        for s1, e1 in a[3] or ((a[0], a[1]),)
        for s2, e2 in b[3] or ((b[0], b[1]),)
    )


def _covered(key: SpanKey) -> int:
    return sum(b - a for a, b in key[3]) if key[3] else key[1] - key[0]


def _greedy(
    reference: Sequence[SpanKey],
    other: Sequence[SpanKey],
    taken_reference: set[int],
    taken_other: set[int],
) -> list[tuple[int, int]]:
    """The greedy overlap matching of the spans not taken yet (the sets grow as it goes)."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(other):
        if j not in taken_other:
            by_label[key[2]].append(j)
    candidates: list[tuple[int, int, int, int, int, int]] = []
    for i, r in enumerate(reference):
        if i in taken_reference:
            continue
        for j in by_label.get(r[2], ()):
            o = other[j]
            if o[0] < r[1] and r[0] < o[1] and (common := _shared(r, o)):
                union = _covered(r) + _covered(o) - common
                candidates.append((-common, union, r[0], o[0], i, j))
    candidates.sort()
    pairs = []
    for *_, i, j in candidates:
        if i not in taken_reference and j not in taken_other:
            taken_reference.add(i)
            taken_other.add(j)
            pairs.append((i, j))
    return pairs


def _matches(
    reference: Sequence[SpanKey], other: Sequence[SpanKey]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The exact pairs, and the further pairs overlap matching adds to them.

    Exact matches are taken first, which changes nothing: no pair with either of their spans
    shares more code points, or as many over fewer in all. There are usually most of them,
    which leaves few spans for the greedy matching.
    """
    exact = _exact_pairs(reference, other)
    taken_reference = {i for i, _ in exact}
    taken_other = {j for _, j in exact}
    return exact, _greedy(reference, other, taken_reference, taken_other)


def match_exact(reference: Sequence[Span], other: Sequence[Span]) -> int:
    """How many spans match exactly (each at most once)."""
    return len(_exact_pairs([span_key(s) for s in reference], [span_key(s) for s in other]))


def matched_pairs(reference: Sequence[Span], other: Sequence[Span]) -> list[tuple[int, int]]:
    """The one-to-one overlap matching of the module's docstring, as (reference index, other
    index) pairs: the exact ones, then the others in the order they were taken."""
    exact, further = _matches([span_key(s) for s in reference], [span_key(s) for s in other])
    return exact + further


def match_overlap(reference: Sequence[Span], other: Sequence[Span]) -> int:
    """How many spans match by overlap, one to one."""
    return len(matched_pairs(reference, other))


@dataclass(frozen=True)
class KeyedSpans:
    """One annotator's spans on one document, prepared once to be matched against several
    others': their keys, and how many spans each label has."""

    keys: tuple[SpanKey, ...]
    unique: frozenset[SpanKey] | None  # the keys, when none is there twice
    labels: Counter[str]

    @classmethod
    def of(cls, spans: Sequence[Span]) -> KeyedSpans:
        keys: tuple[SpanKey, ...] = tuple(map(_KEY, spans))
        unique = frozenset(keys)
        return cls(keys, unique if len(unique) == len(keys) else None, Counter(k[2] for k in keys))


def keyed_counts(reference: KeyedSpans, other: KeyedSpans) -> dict[str, SpanCounts]:
    """:func:`span_counts` of spans prepared with :class:`KeyedSpans` (quicker: a set
    intersection finds the exact matches, and only the rest are matched by overlap)."""
    if reference.unique is None or other.unique is None:
        exact_pairs, further = _matches(reference.keys, other.keys)
        exact = Counter(reference.keys[i][2] for i, _ in exact_pairs)
        overlap = Counter(reference.keys[i][2] for i, _ in further)
    else:
        common = reference.unique & other.unique
        exact = Counter(k[2] for k in common)
        rest_reference = [k for k in reference.keys if k not in common]
        rest_other = [k for k in other.keys if k not in common]
        further = _greedy(rest_reference, rest_other, set(), set())
        overlap = Counter(rest_reference[i][2] for i, _ in further)
    return {
        label: SpanCounts(
            reference.labels[label],
            other.labels[label],
            exact[label],
            exact[label] + overlap[label],
        )
        for label in reference.labels.keys() | other.labels.keys()
    }


def span_counts(reference: Sequence[Span], other: Sequence[Span]) -> dict[str, SpanCounts]:
    """The :class:`SpanCounts` of two annotators' spans on one document, per label."""
    return keyed_counts(KeyedSpans.of(reference), KeyedSpans.of(other))

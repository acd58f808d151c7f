"""An interval index of the spans a text view draws, with a stacking level for each.

Positions are whatever the caller uses consistently (the text view uses Qt document positions).
Spans are held column-wise in numpy arrays sorted by (start, end, id): opening a document with
tens of thousands of spans then makes no Python object per span, and :class:`IndexedSpan`
objects are made only for the spans a query returns (the view asks for its visible blocks). A
range query bisects into the starts and looks back at most the longest span's length, so it
costs O(log n + spans near the range). Overlapping spans get different levels (greedy, and of
spans starting together the longest first), so nested and crossing spans are drawn as separate
stacked underlines.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import groupby, repeat
from operator import attrgetter
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Column = npt.NDArray[np.int64]
Ints = Sequence[int] | Column
Labels = Sequence[str] | npt.NDArray[np.object_]


class IndexedSpan(NamedTuple):
    """One span to draw: start and end (end exclusive), id and label; sorts by position."""

    start: int
    end: int
    id: int
    label: str


class SpanIndex:
    """Spans sorted by position, found by range, each with a stacking level."""

    def __init__(self, spans: Iterable[IndexedSpan] = ()) -> None:
        starts, ends, ids, labels = list(zip(*spans, strict=True)) or ((), (), (), ())
        self._load(starts, ends, ids, labels)

    @classmethod
    def from_columns(cls, starts: Ints, ends: Ints, ids: Ints, labels: Labels) -> SpanIndex:
        """An index of the spans given column by column (the i-th span is starts[i],
        ends[i], ids[i], labels[i]); makes no object per span."""
        index = cls.__new__(cls)
        index._load(starts, ends, ids, labels)
        return index

    def _load(self, starts: Ints, ends: Ints, ids: Ints, labels: Labels) -> None:
        if not len(starts) == len(ends) == len(ids) == len(labels):
            raise ValueError("the columns of the spans differ in length")
        start_col = np.asarray(starts, dtype=np.int64)
        end_col = np.asarray(ends, dtype=np.int64)
        id_col = np.asarray(ids, dtype=np.int64)
        lengths = end_col - start_col
        if len(lengths) and lengths.min() <= 0:
            raise ValueError("spans must not be empty (start < end)")
        order = np.lexsort((id_col, end_col, start_col))
        self._starts: Column = start_col[order]
        self._ends: Column = end_col[order]
        self._ids: Column = id_col[order]
        label_col = np.empty(len(labels), dtype=object)
        label_col[:] = labels
        self._labels: npt.NDArray[np.object_] = label_col[order]
        # The ids sorted, and where each id's span is in the columns: a span found by its id.
        by_id = np.argsort(self._ids, kind="stable")
        self._sorted_ids: Column = self._ids[by_id]
        self._rows: Column = by_id.astype(np.int64, copy=False)
        if len(by_id) > 1 and (self._sorted_ids[1:] == self._sorted_ids[:-1]).any():
            raise ValueError("span ids must be unique")
        self._max_length = int(lengths.max()) if len(lengths) else 0
        # Levels are assigned a cluster of overlapping spans at a time, when first asked for:
        # opening a document then costs nothing for the spans never shown.
        self._levels: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, span_id: object) -> bool:
        return self._row(span_id) is not None

    def get(self, span_id: int) -> IndexedSpan | None:
        """The span with ``span_id``, if indexed."""
        row = self._row(span_id)
        return None if row is None else self._spans(np.array([row]))[0]

    def level(self, span_id: int) -> int:
        """The span's stacking level: 0 for the outermost, one more per span it lies within."""
        level = self._levels.get(span_id)
        if level is None:
            row = self._row(span_id)
            if row is None:
                raise KeyError(span_id)
            self._relevel(int(self._starts[row]), int(self._ends[row]))
            level = self._levels[span_id]
        return level

    def overlapping(self, start: int, end: int) -> list[IndexedSpan]:
        """The spans that share at least one position with ``start..end``, in sorted order."""
        first = int(self._starts.searchsorted(start - self._max_length))
        last = int(self._starts.searchsorted(end))
        return self._spans(first + np.flatnonzero(self._ends[first:last] > start))

    def changed_from(self, other: SpanIndex) -> list[IndexedSpan]:
        """The spans of either index that the other lacks (the same id, position and label),
        this index's first."""
        _, mine, theirs = np.intersect1d(
            self._sorted_ids, other._sorted_ids, assume_unique=True, return_indices=True
        )
        mine, theirs = self._rows[mine], other._rows[theirs]
        same = (self._starts[mine] == other._starts[theirs]) & (
            self._ends[mine] == other._ends[theirs]
        )
        same &= self._labels[mine] == other._labels[theirs]
        kept_mine = np.ones(len(self), dtype=bool)
        kept_mine[mine[same]] = False
        kept_theirs = np.ones(len(other), dtype=bool)
        kept_theirs[theirs[same]] = False
        return self._spans(np.flatnonzero(kept_mine)) + other._spans(np.flatnonzero(kept_theirs))

    def add(self, span: IndexedSpan) -> tuple[int, int]:
        """Index ``span`` (replacing one with its id); returns the range whose drawing changed."""
        if span.start >= span.end:
            raise ValueError(f"span {span.id} is empty: {span.start}..{span.end}")
        changed = self.remove(span.id) if span.id in self else (span.start, span.end)
        low = int(self._starts.searchsorted(span.start))
        high = int(self._starts.searchsorted(span.start, side="right"))
        same_start = list(
            zip(self._ends[low:high].tolist(), self._ids[low:high].tolist(), strict=True)
        )
        row = low + bisect_left(same_start, (span.end, span.id))
        self._starts = np.insert(self._starts, row, span.start)
        self._ends = np.insert(self._ends, row, span.end)
        self._ids = np.insert(self._ids, row, span.id)
        self._labels = np.insert(self._labels, row, span.label)
        self._rows += self._rows >= row
        at = int(self._sorted_ids.searchsorted(span.id))
        self._sorted_ids = np.insert(self._sorted_ids, at, span.id)
        self._rows = np.insert(self._rows, at, row)
        self._max_length = max(self._max_length, span.end - span.start)
        return self._relevel(min(changed[0], span.start), max(changed[1], span.end))

    def remove(self, span_id: int) -> tuple[int, int]:
        """Drop the span ``span_id``; returns the range whose drawing changed."""
        row = self._row(span_id)
        if row is None:
            raise KeyError(span_id)
        start, end = int(self._starts[row]), int(self._ends[row])
        self._starts = np.delete(self._starts, row)
        self._ends = np.delete(self._ends, row)
        self._ids = np.delete(self._ids, row)
        self._labels = np.delete(self._labels, row)
        at = int(self._sorted_ids.searchsorted(span_id))
        self._sorted_ids = np.delete(self._sorted_ids, at)
        self._rows = np.delete(self._rows, at)
        self._rows -= self._rows > row
        self._levels.pop(span_id, None)
        return self._relevel(start, end)

    def _row(self, span_id: object) -> int | None:
        """Where the span ``span_id`` is in the columns, if indexed."""
        if not isinstance(span_id, int | np.integer):
            return None
        at = int(self._sorted_ids.searchsorted(span_id))
        if at < len(self._sorted_ids) and self._sorted_ids[at] == span_id:
            return int(self._rows[at])
        return None

    def _spans(self, rows: npt.NDArray[np.intp]) -> list[IndexedSpan]:
        """The spans in these rows of the columns, made as IndexedSpan objects."""
        columns = (
            self._starts[rows].tolist(),
            self._ends[rows].tolist(),
            self._ids[rows].tolist(),
            self._labels[rows].tolist(),
        )
        return list(map(tuple.__new__, repeat(IndexedSpan), zip(*columns, strict=True)))

    def _relevel(self, start: int, end: int) -> tuple[int, int]:
        """Assign levels to the cluster of overlapping spans around ``start..end``; its range."""
        starts, ends = self._starts, self._ends
        while True:  # grow to the left while a span reaches into the range from before it
            first = int(starts.searchsorted(start - self._max_length))
            before = np.flatnonzero(ends[first : int(starts.searchsorted(start))] > start)
            if not len(before):
                break
            start = int(starts[first + before[0]])  # the earliest start: the starts are sorted
        first = int(starts.searchsorted(start))
        while True:  # grow to the right while a span starting in the range reaches past it
            last = int(starts.searchsorted(end))
            reach = int(ends[first:last].max()) if last > first else end
            if reach <= end:
                break
            end = reach
        self._assign_levels(self._spans(np.arange(first, last)))
        return start, end

    def _assign_levels(self, cluster: list[IndexedSpan]) -> None:
        # Greedy interval colouring: the lowest level free of every span still open.
        open_spans: list[tuple[int, int]] = []  # (end, level)
        free: list[int] = []
        top = 0
        for start, group in groupby(cluster, key=attrgetter("start")):
            while open_spans and open_spans[0][0] <= start:
                heapq.heappush(free, heapq.heappop(open_spans)[1])
            for span in reversed(list(group)):  # the longest first: it encloses the others
                if free:
                    level = heapq.heappop(free)
                else:
                    level, top = top, top + 1
                self._levels[span.id] = level
                heapq.heappush(open_spans, (span.end, level))

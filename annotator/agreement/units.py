"""The units agreement is measured on: a document's tokens (or its characters), each labelled by
each annotator with the label of the span that covers it, or :data:`OUTSIDE`.

A token is covered by a span when they share at least one code point (the rule of
:class:`annotator.alignment.Alignment` ``EXPAND``: a span that cuts through a word covers the
word). A discontinuous span covers only the tokens of its fragments, not those of its gaps.

Overlapping spans: each token takes the label of the longest span covering it, then of the one
that starts first, then of the label that sorts first. This is the "longest" policy of
:mod:`annotator.formats.flat` applied token by token: where two spans cross, the tokens that only
the shorter covers keep its label instead of being dropped with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import numpy.typing as npt

from annotator.agreement.spans import SpanKey
from annotator.agreement.statistics import MISSING
from annotator.document import Span
from annotator.tokenizer import TOKEN_PATTERN, Token

OUTSIDE = "O"
"""The label of a unit no span covers (a span labelled "O" counts as outside too)."""

Offsets = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int32]

_TOKEN_SPLIT = re.compile(f"({TOKEN_PATTERN.pattern})")  # the tokenizer's pattern, capturing


@dataclass(frozen=True, eq=False)
class AgreementDocument:
    """One document as agreement sees it: its units and each annotator's spans on it.

    ``starts`` and ``ends`` are the units' code-point offsets, in text order, apart. An annotator
    missing from ``annotations`` did not annotate the document (their values are missing, not
    "O"); an annotator present with no span annotated it and found nothing. ``text_length`` is
    the text's length, when known.
    """

    id: int | str
    starts: Offsets
    ends: Offsets
    annotations: Mapping[str, Sequence[Span]]
    text_length: int | None = None

    @property
    def continuum(self) -> int:
        """The characters unitizing alpha places the spans on: the text's, or up to the end of
        its last unit or span when the text's length is not known."""
        if self.text_length is not None:
            return self.text_length
        ends = [int(self.ends[-1])] if len(self.ends) else []
        ends += [s.end for spans in self.annotations.values() for s in spans]
        return max(ends, default=0)

    @classmethod
    def from_text(
        cls, id: int | str, text: str, annotations: Mapping[str, Sequence[Span]]
    ) -> AgreementDocument:
        """Units are the tokens of ``text`` (:func:`annotator.tokenizer.tokenize`'s)."""
        starts, ends = token_offsets(text)
        return cls(id, starts, ends, annotations, len(text))

    @classmethod
    def from_tokens(
        cls,
        id: int | str,
        tokens: Iterable[Token | tuple[int, int]],
        annotations: Mapping[str, Sequence[Span]],
    ) -> AgreementDocument:
        """Units are ``tokens`` (``Token`` values or ``(start, end)`` pairs), in text order."""
        pairs = [(t.start, t.end) if isinstance(t, Token) else (t[0], t[1]) for t in tokens]
        starts = np.array([a for a, _ in pairs], dtype=np.int64)
        ends = np.array([b for _, b in pairs], dtype=np.int64)
        if np.any(starts >= ends) or np.any(starts[1:] < ends[:-1]):
            raise ValueError("tokens must be non-empty, in text order and apart")
        return cls(id, starts, ends, annotations)

    @classmethod
    def from_length(
        cls, id: int | str, length: int, annotations: Mapping[str, Sequence[Span]]
    ) -> AgreementDocument:
        """Units are the ``length`` code points of the text, spaces included (without the text,
        spaces cannot be told apart; they then count as agreed "O" units)."""
        starts = np.arange(length, dtype=np.int64)
        return cls(id, starts, starts + 1, annotations, length)

    def __len__(self) -> int:
        return len(self.starts)


def token_offsets(text: str) -> tuple[Offsets, Offsets]:
    """The starts and ends of the tokens of ``text``, as :func:`tokenize` finds them (the
    pattern runs as a split, without a Token per token, which is several times quicker)."""
    # [gap, token, gap, ..., token, gap]: the running lengths are the tokens' bounds
    marks = np.fromiter(accumulate(map(len, _TOKEN_SPLIT.split(text))), dtype=np.int64)
    return marks[0:-1:2], marks[1::2]


def unit_codes(
    starts: Offsets, ends: Offsets, spans: Sequence[Span], code: Mapping[str, int]
) -> Codes:
    """Each unit's label code: ``code[label]`` of the span that covers it (by the rule in this
    module's docstring), 0 where none does. ``code`` must hold every label of ``spans``."""
    result = np.zeros(len(starts), dtype=np.int32)
    if not spans or not len(starts):
        return result
    # Painted from the weakest span to the strongest, so that the strongest is painted last:
    # shorter first, then later starts, then labels sorting last.
    by_label = sorted(spans, key=lambda s: s.label, reverse=True)
    ordered = sorted(by_label, key=lambda s: (s.end - s.start, -s.start))
    piece_starts: list[int] = []
    piece_ends: list[int] = []
    piece_codes: list[int] = []
    for span in ordered:
        value = code[span.label]
        for a, b in span.pieces():
            piece_starts.append(a)
            piece_ends.append(b)
            piece_codes.append(value)
    # First unit ending after the piece's start; units starting before the piece's end.
    los = np.searchsorted(ends, piece_starts, side="right").tolist()
    his = np.searchsorted(starts, piece_ends, side="left").tolist()
    for lo, hi, value in zip(los, his, piece_codes, strict=True):
        if lo < hi:
            result[lo:hi] = value
    return result


def unit_labels(document: AgreementDocument, annotator: str) -> list[str]:
    """The label of each unit of ``document`` for ``annotator`` (who must have annotated it)."""
    spans = document.annotations[annotator]
    names = [OUTSIDE, *sorted({s.label for s in spans} - {OUTSIDE})]
    code = {name: i for i, name in enumerate(names)}
    return [names[c] for c in unit_codes(document.starts, document.ends, spans, code).tolist()]


def code_matrix(
    batch: Sequence[tuple[AgreementDocument, Mapping[str, Sequence[SpanKey]]]],
    row: Mapping[str, int],
    code: Mapping[str, int],
) -> Codes:
    """The codes of several documents side by side: one row per annotator (``row[name]``), one
    column per unit of each document in turn. Each document comes with the keys of its coders'
    spans (:func:`annotator.agreement.spans.span_key`), by coder; a row is -1 where its
    annotator is not a coder of the document. The same codes as :func:`unit_codes`, in a few
    numpy calls for the whole batch instead of a loop per span.
    """
    widths = [len(document) for document, _ in batch]
    width = sum(widths)
    result = np.full((len(row), width), MISSING, dtype=np.int32)
    # Every document moves to its own stretch of one long line of code points, so that one
    # search places the spans of all of them among the tokens of all of them.
    shift = 0
    token_starts, token_ends = [], []
    group_rows: list[int] = []  # a group: one coder's pieces of one document
    group_shifts: list[int] = []
    group_sizes: list[int] = []
    starts: list[int] = []  # per piece (a fragment, or a whole contiguous span)
    ends: list[int] = []
    span_starts: list[int] = []  # per piece, its span's
    span_ends: list[int] = []
    labels: list[str] = []
    at = 0
    for (document, spans_of), units in zip(batch, widths, strict=True):
        token_starts.append(document.starts + shift)
        token_ends.append(document.ends + shift)
        extent = int(document.ends[-1]) if units else 0
        for name, keys in spans_of.items():
            r = row[name]
            result[r, at : at + units] = 0
            if not keys:
                continue
            key_starts, key_ends, key_labels, key_pieces = zip(*keys, strict=True)
            if any(key_pieces):
                size = 0
                for a0, b0, label, pieces in keys:
                    for a, b in pieces or ((a0, b0),):
                        starts.append(a)
                        ends.append(b)
                        span_starts.append(a0)
                        span_ends.append(b0)
                        labels.append(label)
                        size += 1
            else:  # the usual case, at C speed
                starts.extend(key_starts)
                ends.extend(key_ends)
                span_starts.extend(key_starts)
                span_ends.extend(key_ends)
                labels.extend(key_labels)
                size = len(keys)
            group_rows.append(r)
            group_shifts.append(shift)
            group_sizes.append(size)
            extent = max(extent, *key_ends)
        shift += extent + 1
        at += units
    if not starts or not width:
        return result
    sizes = np.array(group_sizes, dtype=np.int64)
    offset = np.repeat(np.array(group_shifts, dtype=np.int64), sizes)
    rows = np.repeat(np.array(group_rows, dtype=np.int64), sizes)
    lengths = np.array(span_ends, dtype=np.int64) - np.array(span_starts, dtype=np.int64)
    piece_starts = np.array(starts, dtype=np.int64) + offset
    piece_ends = np.array(ends, dtype=np.int64) + offset
    all_starts, all_ends = np.concatenate(token_starts), np.concatenate(token_ends)
    # which document a column belongs to does not matter past here: columns are global
    first = np.searchsorted(all_ends, piece_starts, side="right")
    stop = np.searchsorted(all_starts, piece_ends, side="left")
    # The strongest span (longest, then earliest, then the label sorting first) ranks highest.
    names = sorted(set(labels))
    label_rank = {name: i for i, name in enumerate(names)}
    by_label = np.array([label_rank[name] for name in labels], dtype=np.int64)
    earliest = -np.array(span_starts, dtype=np.int64)  # the span's, not its fragment's
    order = np.lexsort((-by_label, earliest, lengths))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    counts = np.maximum(stop - first, 0)
    total = int(counts.sum())
    # the columns each piece covers, all pieces one after the other
    begins = np.repeat(first - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    columns = begins + np.arange(total)
    cells = np.repeat(rows, counts) * width + columns
    best = np.full(len(row) * width, -1, dtype=np.int64)
    np.maximum.at(best, cells, np.repeat(rank, counts))
    piece_codes = np.array([code[name] for name in labels], dtype=np.int32)
    code_of_rank = np.empty(len(order), dtype=np.int32)
    code_of_rank[rank] = piece_codes
    flat = result.reshape(-1)
    painted = best >= 0
    flat[painted] = code_of_rank[best[painted]]
    return result

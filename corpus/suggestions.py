"""Suggestions stored per annotation set: pending ones to accept or reject, rejected ones kept
so that the same span is not proposed again. Mixed into :class:`corpus.store.Store`.

A suggestion never duplicates or overwrites a human span: one that has the range of a span of
the set, or overlaps a span of the set with the same label, is neither stored nor shown.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NamedTuple

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import Schema
from annotator.suggest.model import Suggestion as Proposed
from corpus.annotations import FROZEN_STATUSES
from corpus.models import AnnotationSet, Annotator, Document, Span, Suggestion

CHUNK = 500
LEARNED_MAX_LENGTH = 100  # longer spans are sentences, not terms worth finding elsewhere


@dataclass(frozen=True)
class StoredSuggestion:
    """A pending suggestion as the editor shows it: its id, range, label, attributes, source."""

    id: int
    start: int
    end: int
    label: str
    attributes: Mapping[str, Any]
    source: str

    def as_span(self) -> dom.Span:
        """The span the suggestion becomes when accepted."""
        return dom.Span(self.start, self.end, self.label, self.attributes)


class SuggestionRow(NamedTuple):
    """A suggestion's whole row, to put it back with its id (undoing an accept)."""

    id: int
    set_id: int
    start: int
    end: int
    label: str
    attributes: Mapping[str, Any]
    source: str
    rejected: bool


@dataclass(frozen=True)
class Accepted:
    """What accepting suggestions did: the spans made (in the order of ``rows``) and the
    suggestion rows removed."""

    span_ids: list[int]
    rows: list[SuggestionRow]


class LearnedTerm(NamedTuple):
    """A text the annotators have labelled, with its label and its most frequent attributes."""

    text: str
    label: str
    attributes: Mapping[str, Any]


_ROW_FIELDS = (
    Suggestion.id,
    Suggestion.annotation_set,
    Suggestion.start,
    Suggestion.end,
    Suggestion.label,
    Suggestion.attributes,
    Suggestion.source,
    Suggestion.rejected,
)


class SuggestionsMixin:
    """Suggestion methods of the store (needs ``db``, ``schema()``, ``_set_id()``,
    ``add_spans()`` and ``_check_writable()``)."""

    db: pw.Database
    schema: Callable[[], Schema]
    _set_id: Callable[[int, str], int]
    add_spans: Callable[[int, str, Sequence[dom.Span]], list[int]]
    _check_writable: Callable[[int], None]

    def save_suggestions(self, doc_id: int, annotator: str, found: Sequence[Proposed]) -> int:
        """Replace the pending suggestions of the annotator's set of the document by ``found``,
        leaving out what was rejected before, what clashes with the set's spans, and, of
        suggestions with one label that overlap, all but the first and longest. Nothing is
        stored for a reviewed or locked set. Returns how many are pending now."""
        with self.db.atomic():
            set_id = self._set_id(doc_id, annotator)
            status = AnnotationSet.select(AnnotationSet.status).where(AnnotationSet.id == set_id)
            if status.scalar() in FROZEN_STATUSES:
                return 0
            rejected = set(
                Suggestion.select(Suggestion.start, Suggestion.end, Suggestion.label)
                .where(Suggestion.annotation_set == set_id, Suggestion.rejected)
                .tuples()
            )
            Suggestion.delete().where(
                Suggestion.annotation_set == set_id, ~Suggestion.rejected
            ).execute()
            clash = _Clash(_human_spans(set_id))
            kept: list[Proposed] = []
            claimed: dict[str, int] = {}  # the end of the last kept suggestion of each label
            for s in sorted(found, key=lambda s: (s.start, -s.end, s.label)):
                if (s.start, s.end, s.label) in rejected or clash(s.start, s.end, s.label):
                    continue
                last = claimed.get(s.label)
                if last is not None and s.start < last:
                    continue  # kept ones of a label are apart and in order: only the last can overlap
                claimed[s.label] = s.end
                kept.append(s)
            rows = [(set_id, s.start, s.end, s.label, dict(s.attributes), s.source) for s in kept]
            fields = [_ROW_FIELDS[i] for i in range(1, 7)]
            for chunk in pw.chunked(rows, CHUNK):
                Suggestion.insert_many(chunk, fields=fields).execute()
        return len(kept)

    def suggestions(self, doc_id: int, annotator: str) -> list[StoredSuggestion]:
        """The annotator's pending suggestions for the document in text order, without those
        that clash with a span the annotator has made since they were stored."""
        query = (
            Suggestion.select(*_ROW_FIELDS)
            .join(AnnotationSet)
            .join(Annotator)
            .where(
                AnnotationSet.document == doc_id,
                Annotator.name == annotator,
                ~Suggestion.rejected,
            )
            .order_by(Suggestion.start, Suggestion.end.desc(), Suggestion.label)
        )
        rows = [SuggestionRow(*r) for r in query.tuples()]
        if not rows:
            return []
        clash = _Clash(_human_spans(rows[0].set_id))
        return [
            StoredSuggestion(r.id, r.start, r.end, r.label, r.attributes or {}, r.source)
            for r in rows
            if not clash(r.start, r.end, r.label)
        ]

    def suggestion_counts(self, doc_id: int, annotator: str) -> dict[str, int]:
        """How many suggestions are pending for the document, by label."""
        return Counter(s.label for s in self.suggestions(doc_id, annotator))

    def accept_suggestions(self, ids: Sequence[int]) -> Accepted:
        """Turn pending suggestions into spans of their annotators, in one transaction.
        Attribute values the schema in force no longer takes are left out."""
        schema = self.schema()
        with self.db.atomic():
            rows = [r for r in self._suggestion_rows(ids) if not r.rejected]
            owners = _owners({r.set_id for r in rows})
            span_ids: list[int] = []
            by_set: dict[int, list[SuggestionRow]] = defaultdict(list)
            for r in rows:
                by_set[r.set_id].append(r)
            ordered: list[SuggestionRow] = []
            for set_id, group in by_set.items():
                doc_id, annotator = owners[set_id]
                spans = [_span(schema, r) for r in group]
                span_ids.extend(self.add_spans(doc_id, annotator, spans))
                ordered.extend(group)
            self.drop_suggestions([r.id for r in ordered])
        return Accepted(span_ids, ordered)

    def drop_suggestions(self, ids: Sequence[int]) -> None:
        """Remove suggestions (redoing an accept whose spans were put back)."""
        with self.db.atomic():
            for chunk in pw.chunked(ids, CHUNK):
                Suggestion.delete().where(Suggestion.id.in_(list(chunk))).execute()

    def restore_suggestions(self, rows: Sequence[SuggestionRow]) -> None:
        """Put suggestion rows back with their ids (undoing an accept)."""
        with self.db.atomic():
            for chunk in pw.chunked([tuple(r) for r in rows], CHUNK):
                Suggestion.insert_many(
                    [(*r[:5], dict(r[5]), *r[6:]) for r in chunk], fields=list(_ROW_FIELDS)
                ).on_conflict_ignore().execute()

    def reject_suggestions(self, ids: Sequence[int], rejected: bool = True) -> list[int]:
        """Mark suggestions rejected (or, with ``rejected=False``, pending again, to undo a
        rejection); returns the ids whose state changed. Refused for a reviewed or locked set."""
        with self.db.atomic():
            rows = [r for r in self._suggestion_rows(ids) if r.rejected != rejected]
            for set_id in {r.set_id for r in rows}:
                self._check_writable(set_id)
            changed = [r.id for r in rows]
            for chunk in pw.chunked(changed, CHUNK):
                Suggestion.update(rejected=rejected).where(Suggestion.id.in_(list(chunk))).execute()
        return changed

    def learned_terms(self) -> list[LearnedTerm]:
        """Every text that annotators have labelled, once per label, with the attribute values
        given to it most often: what the corpus source suggests elsewhere."""
        length = Span.end - Span.start
        covered = pw.fn.SUBSTR(Document.text, Span.start + 1, length)
        query = (
            Span.select(covered, Span.label, Span.attributes)
            .join(AnnotationSet)
            .join(Document)
            .where(Span.fragments.is_null(), length <= LEARNED_MAX_LENGTH)
            .tuples()
        )
        seen: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        values: dict[str, Mapping[str, Any]] = {}
        for text, label, attributes in query.iterator():
            text = text.strip()
            if len(text) < 2:
                continue
            key = repr(sorted((attributes or {}).items()))
            values.setdefault(key, attributes or {})
            seen[text, label][key] += 1
        return [
            LearnedTerm(text, label, values[counts.most_common(1)[0][0]])
            for (text, label), counts in sorted(seen.items())
        ]

    def _suggestion_rows(self, ids: Iterable[int]) -> list[SuggestionRow]:
        rows: list[SuggestionRow] = []
        for chunk in pw.chunked(list(ids), CHUNK):
            query = Suggestion.select(*_ROW_FIELDS).where(Suggestion.id.in_(list(chunk)))
            rows.extend(SuggestionRow(*r) for r in query.tuples())
        return sorted(rows, key=lambda r: (r.set_id, r.start, -r.end, r.label))


class _Clash:
    """Whether a range and label duplicate a human span (same range) or overlap one with the
    same label; each question is a binary search (a long article may hold thousands of both)."""

    def __init__(self, spans: Iterable[tuple[int, int, str]]) -> None:
        self.ranges: set[tuple[int, int]] = set()
        by_label: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for start, end, label in spans:
            self.ranges.add((start, end))
            by_label[label].append((start, end))
        # per label: the starts in order, and the furthest end among the spans up to each
        self.starts: dict[str, list[int]] = {}
        self.reach: dict[str, list[int]] = {}
        for label, pieces in by_label.items():
            pieces.sort()
            self.starts[label] = [a for a, _ in pieces]
            self.reach[label] = list(accumulate((b for _, b in pieces), max))

    def __call__(self, start: int, end: int, label: str) -> bool:
        if (start, end) in self.ranges:
            return True
        starts = self.starts.get(label)
        if not starts:
            return False
        before = bisect_left(starts, end)  # the spans that start before this range ends
        return before > 0 and self.reach[label][before - 1] > start


def _human_spans(set_id: int) -> list[tuple[int, int, str]]:
    query = Span.select(Span.start, Span.end, Span.label).where(Span.annotation_set == set_id)
    return list(query.tuples())


def _owners(set_ids: set[int]) -> dict[int, tuple[int, str]]:
    """The document and annotator name of each annotation set."""
    query = (
        AnnotationSet.select(AnnotationSet.id, AnnotationSet.document, Annotator.name)
        .join(Annotator)
        .where(AnnotationSet.id.in_(list(set_ids)))
    )
    return {int(i): (int(d), str(n)) for i, d, n in query.tuples()}


def _span(schema: Schema, row: SuggestionRow) -> dom.Span:
    """The span a suggestion row becomes, keeping only the attributes the schema takes."""
    spec = schema.label(row.label)
    if spec is None:
        raise AnnotatorError(
            f"'{row.label}' is no longer a label of schema '{schema.name}': reject the "
            "suggestion or add the label back"
        )
    attributes = {
        name: value
        for name, value in (row.attributes or {}).items()
        if (attribute := spec.attribute(name)) is not None and attribute.check(value) is None
    }
    return dom.Span(row.start, row.end, row.label, attributes)

"""Curation: every annotator's spans of a document grouped into candidates, and the chosen ones
copied into the gold set, the annotation set of the reserved annotator :data:`GOLD`.

A candidate is one (start, end, label) that some annotator marked (or that only the gold set
holds). It is *agreed* when every annotator of the document marked it, *partial* when some left
it out and marked nothing else there, and in *conflict* when a rival overlaps it: a span of
other offsets or another label, marked by someone who did not mark this one while someone who
marked this one did not mark it. (Nested spans that the same annotators marked are no conflict.)

Accepting copies annotators' spans, attributes, notes and fragments included, into the gold set
in one transaction, with the relations and events between them once both ends are in the gold
set. What an acceptance added is undone through the bulk deletion and restoring of
:mod:`corpus.span_undo`, which keeps the ids. Mixed into :class:`corpus.store.Store`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import peewee as pw

from annotator import document as dom
from annotator.errors import AnnotatorError
from corpus.annotation_bulk import MergedSpans, StoredSet
from corpus.annotations import SpanState
from corpus.links import Links

GOLD = "gold"
"""The annotator name of the gold set: reserved, never a person's."""

FINISHED = (dom.Status.DONE, dom.Status.REVIEWED, dom.Status.LOCKED)
"""Statuses under which an annotator without a span on a document still annotated it."""


class Kind:
    """How the annotators stand on a candidate."""

    AGREED = "agreed"
    PARTIAL = "partial"
    CONFLICT = "conflict"
    GOLD_ONLY = "gold only"
    DISAGREEMENTS = (PARTIAL, CONFLICT)


_Key = tuple[int, int, str]


def _key(span: dom.Span) -> _Key:
    return (span.start, span.end, span.label)


@dataclass(frozen=True)
class Version:
    """One annotator's span (with its id) as it is stored."""

    annotator: str
    span_id: int
    span: dom.Span


@dataclass(frozen=True)
class Candidate:
    """One (start, end, label) of a document: who marked it, what else overlaps it, and what the
    gold set holds at the same offsets."""

    start: int
    end: int
    label: str
    kind: str
    coders: int  # how many annotators annotated the document
    versions: tuple[Version, ...]  # the annotators' spans with these offsets and label, by name
    overlapping: tuple[Version, ...]  # their other spans that overlap it, in text order
    gold: tuple[Version, ...]  # the gold spans with the same offsets (any label)
    rival_support: int = 0  # how many annotators marked its strongest rival (0: none)

    @property
    def holders(self) -> tuple[str, ...]:
        """The annotators who marked it."""
        return tuple(v.annotator for v in self.versions)

    @property
    def gold_id(self) -> int | None:
        """The id of the gold span with these offsets and label, if the gold set holds it."""
        return next((v.span_id for v in self.gold if v.span.label == self.label), None)

    @property
    def versions_differ(self) -> bool:
        """Whether the annotators who marked it gave other attributes, notes or fragments."""
        return len({v.span for v in self.versions}) > 1

    def versions_by_count(self) -> list[Version]:
        """The annotators' versions, the one most of them gave first (by name among equals)."""
        counts = Counter(v.span for v in self.versions)
        return sorted(self.versions, key=lambda v: -counts[v.span])

    def marks_of(self, annotator: str) -> tuple[Version, ...]:
        """What ``annotator`` marked here: their version, else their spans at the same offsets,
        else those overlapping it (none: they marked nothing here)."""
        mine = tuple(v for v in self.versions if v.annotator == annotator)
        if mine:
            return mine
        theirs = tuple(v for v in self.overlapping if v.annotator == annotator)
        same = tuple(v for v in theirs if (v.span.start, v.span.end) == (self.start, self.end))
        return same or theirs


@dataclass(frozen=True)
class Curation:
    """A document as the curator sees it: its annotators, the candidates in text order (longer
    first), the gold spans and the gold set's status."""

    doc_id: int
    annotators: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    gold: tuple[tuple[int, dom.Span], ...]
    gold_status: str


@dataclass(frozen=True)
class Acceptance:
    """What one acceptance changed in the gold set: the ids of the spans it added, and the gold
    spans it replaced (deleted, as they were, to restore them on undo)."""

    doc_id: int
    ids: tuple[int, ...]
    spans: tuple[dom.Span, ...] = ()  # the spans added, in the order of ``ids``
    replaced: tuple[SpanState, ...] = ()
    left_out: tuple[str, ...] = ()  # why links of the spans copied were not copied with them


def agreed_candidates(curation: Curation, min_annotators: int | None = None) -> list[Candidate]:
    """The candidates that at least ``min_annotators`` (default: all) of the annotators marked,
    and more of them than marked any rival, where the gold set holds nothing at the same offsets
    yet (the curator decided there already)."""
    needed = len(curation.annotators) if min_annotators is None else min_annotators
    if needed < 1:
        raise AnnotatorError("accepting agreed spans needs at least one annotator's")
    return [
        c
        for c in curation.candidates
        if len(c.versions) >= needed and len(c.versions) > c.rival_support and not c.gold
    ]


def group_candidates(
    coders: Sequence[tuple[str, Sequence[tuple[int, dom.Span]]]],
    gold: Sequence[tuple[int, dom.Span]] = (),
) -> list[Candidate]:
    """The candidates of the annotators' spans ``coders`` ((name, [(id, span)]) each) and of the
    ``gold`` spans, in text order, longer first."""
    holders: dict[_Key, list[Version]] = {}
    for name, spans in coders:
        for span_id, span in spans:
            holders.setdefault(_key(span), []).append(Version(name, span_id, span))
    for _gold_id, span in gold:
        holders.setdefault(_key(span), [])
    keys = sorted(holders, key=lambda k: (k[0], -k[1], k[2]))
    marked = [v for key in keys for v in holders[key]]  # by start
    marked_starts = [v.span.start for v in marked]
    longest = max((v.span.end - v.span.start for v in marked), default=0)
    gold_at: dict[tuple[int, int], list[Version]] = {}
    for span_id, span in gold:
        gold_at.setdefault((span.start, span.end), []).append(Version(GOLD, span_id, span))
    candidates = []
    for key in keys:
        start, end, label = key
        versions = holders[key]
        mine = {v.annotator for v in versions}
        # Only spans starting less than the longest span's length before it can reach it.
        window = marked[
            bisect_left(marked_starts, start - longest) : bisect_left(marked_starts, end)
        ]
        overlapping = [v for v in window if start < v.span.end and _key(v.span) != key]
        rival_support = 0
        for other in {_key(v.span) for v in overlapping}:
            theirs = {v.annotator for v in holders[other]}
            if theirs - mine and mine - theirs:
                rival_support = max(rival_support, len(theirs))
        if not versions:
            kind = Kind.GOLD_ONLY
        elif rival_support:
            kind = Kind.CONFLICT
        elif len(versions) < len(coders):
            kind = Kind.PARTIAL
        else:
            kind = Kind.AGREED
        candidates.append(
            Candidate(
                start,
                end,
                label,
                kind,
                len(coders),
                tuple(sorted(versions, key=lambda v: v.annotator)),
                tuple(overlapping),
                tuple(gold_at.get((start, end), ())),
                rival_support,
            )
        )
    return candidates


class CurationMixin:
    """Curation methods of the store (needs the bulk annotation and span undo methods)."""

    db: pw.Database
    document_length: Callable[[int], int]
    stored_sets: Callable[..., dict[int, list[StoredSet]]]
    merge_spans: Callable[..., MergedSpans]
    merge_links: Callable[..., None]
    add_event_role: Callable[[int, str, int], int]
    delete_spans: Callable[[Sequence[int]], list[SpanState]]
    restore_spans: Callable[[Sequence[SpanState]], None]

    def curation(self, doc_id: int) -> Curation:
        """The document's candidates, its annotators (those whose set holds a span or is
        finished) and its gold set, read in one transaction."""
        with self.db.atomic():
            self.document_length(doc_id)  # a clear error for a missing document
            sets = self.stored_sets([doc_id]).get(doc_id, [])
        coders = [s for s in sets if s.annotator != GOLD and (s.spans or s.status in FINISHED)]
        gold = next((s for s in sets if s.annotator == GOLD), None)
        gold_spans = gold.spans if gold is not None else []
        return Curation(
            doc_id,
            tuple(s.annotator for s in coders),
            tuple(group_candidates([(s.annotator, s.spans) for s in coders], gold_spans)),
            tuple(gold_spans),
            gold.status if gold is not None else dom.Status.NEW,
        )

    def accept_spans(
        self, doc_id: int, span_ids: Sequence[int], replacing: Sequence[int] = ()
    ) -> Acceptance:
        """Copy the annotators' spans ``span_ids`` into the gold set of the document, all or
        none, in one transaction, after deleting the gold spans ``replacing``.

        A span whose offsets and label the gold set holds already is not copied again (nor a
        second one with the same offsets and label). Relations and events of the annotators
        whose spans are copied come along once all their spans are in the gold set and one of
        them is new, so that undoing (deleting the new spans) takes them away again.
        """
        with self.db.atomic():
            self.document_length(doc_id)
            sets = self.stored_sets([doc_id]).get(doc_id, [])
            source = {
                span_id: (s, span) for s in sets if s.annotator != GOLD for span_id, span in s.spans
            }
            for span_id in span_ids:
                if span_id not in source:
                    raise AnnotatorError(
                        f"span {span_id} is no annotator's span of document {doc_id}"
                    )
            gold = next((s for s in sets if s.annotator == GOLD), None)
            gold_spans = dict(gold.spans) if gold is not None else {}
            for span_id in replacing:
                if span_id not in gold_spans:
                    raise AnnotatorError(f"span {span_id} is no gold span of document {doc_id}")
            replaced = self.delete_spans(list(replacing)) if replacing else []
            in_gold = {_key(span): i for i, span in gold_spans.items() if i not in replacing}
            chosen: dict[_Key, dom.Span] = {}
            for span_id in span_ids:
                span = source[span_id][1]
                if _key(span) not in in_gold:
                    chosen.setdefault(_key(span), span)
            merged = self.merge_spans(doc_id, GOLD, list(chosen.values()))
            new = {key: int(i) for key, i in zip(chosen, merged.ids, strict=True) if i is not None}
            in_gold.update(new)
            contributors = {source[i][0].annotator: source[i][0] for i in span_ids}
            left_out = self._copy_links(
                doc_id, contributors.values(), in_gold, set(new.values()), gold
            )
        added = tuple(chosen[key] for key in new)
        return Acceptance(doc_id, tuple(new.values()), added, tuple(replaced), tuple(left_out))

    def _copy_links(
        self,
        doc_id: int,
        sets: Iterable[StoredSet],
        in_gold: dict[_Key, int],
        new: set[int],
        gold: StoredSet | None,
    ) -> list[str]:
        """Copy the relations and events of ``sets`` whose spans are all in the gold set
        (``in_gold``: their ids by key) and one of them ``new``. Events of several sets on the
        same trigger become one with all their roles; a role of an event whose trigger was in
        the gold set before joins the gold event of that type there, if there is one. Returns
        why the links the schema refuses were left out."""
        relations: list[dom.Relation] = []
        events: dict[tuple[int, str], list[tuple[str, int]]] = {}
        roles_to_add: dict[tuple[int, str, int], None] = {}
        gold_events = _events_by_trigger(gold.links) if gold is not None else {}
        for stored in sets:
            copy = {
                span_id: in_gold[_key(span)]
                for span_id, span in stored.spans
                if _key(span) in in_gold
            }
            for r in stored.links.relations:
                head, tail = copy.get(r.head), copy.get(r.tail)
                if head is not None and tail is not None and {head, tail} & new:
                    relations.append(dom.Relation(r.type, head, tail))
            fillers: dict[int, list[tuple[str, int]]] = {}
            for row in stored.links.roles:
                if row.span in copy:
                    fillers.setdefault(row.event, []).append((row.role, copy[row.span]))
            for e in stored.links.events:
                trigger = copy.get(e.trigger)
                if trigger in new:
                    merged = events.setdefault((trigger, e.type), [])
                    merged.extend(r for r in fillers.get(e.id, ()) if r not in merged)
                elif trigger is not None and (trigger, e.type) in gold_events:
                    target = gold_events[trigger, e.type]
                    for role, filler in fillers.get(e.id, ()):
                        if filler in new:
                            roles_to_add[target, role, filler] = None
        left_out: list[str] = []
        for target, role, filler in roles_to_add:
            try:
                self.add_event_role(target, role, filler)
            except AnnotatorError as exc:
                left_out.append(str(exc))
        self.merge_links(
            doc_id,
            GOLD,
            relations,
            [dom.Event(kind, trigger, tuple(roles)) for (trigger, kind), roles in events.items()],
            refused=lambda refusal: left_out.append(refusal.reason),
            partial=True,
        )
        return left_out

    def accept_agreed(self, doc_id: int, min_annotators: int | None = None) -> Acceptance:
        """Accept the document's :func:`agreed_candidates`, each in the version most of its
        annotators gave, in one transaction."""
        chosen = agreed_candidates(self.curation(doc_id), min_annotators)
        return self.accept_spans(doc_id, [c.versions_by_count()[0].span_id for c in chosen])

    def undo_acceptance(self, acceptance: Acceptance) -> list[SpanState]:
        """Delete the spans an acceptance added and restore those it replaced, in one
        transaction; returns the deleted spans' states, to redo it."""
        with self.db.atomic():
            states = self.delete_spans(list(acceptance.ids)) if acceptance.ids else []
            if acceptance.replaced:
                self.restore_spans(acceptance.replaced)
        return states

    def redo_acceptance(self, acceptance: Acceptance, states: Sequence[SpanState]) -> Acceptance:
        """Take an undone acceptance again: delete the spans it replaced and restore the spans
        it added (``states``, as undoing returned them), with their ids, in one transaction."""
        with self.db.atomic():
            replaced = self.delete_spans([s.id for s in acceptance.replaced])
            if states:
                self.restore_spans(states)
        return replace(acceptance, replaced=tuple(replaced))


def _events_by_trigger(links: Links) -> dict[tuple[int, str], int]:
    """The id of the first event of each (trigger, type) among ``links``."""
    found: dict[tuple[int, str], int] = {}
    for e in links.events:
        found.setdefault((e.trigger, e.type), e.id)
    return found

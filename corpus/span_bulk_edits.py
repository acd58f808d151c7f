"""Edits of many spans at once, across documents and annotators, as annotation search finds
them: a new label for all of them, their old labels back (the undo), and deletion.

Each is one transaction, all or nothing, and makes the checks of a single edit: the schema's
(``add_span``/``update_span``), a set that is reviewed or locked, a span identical to one the
set holds, links the new label does not allow, and what the user saw: a span changed elsewhere
since (by its version, or for an undo by its label and attributes, which edits of the same
spans in the editor change back and forth) is an :class:`annotator.errors.EditConflict`. On PostgreSQL the rows are
locked first with ``SELECT ... FOR UPDATE``, which row-level security (:mod:`corpus.team_access`)
lets through only for spans the user may change, so a span of someone else's is refused by
name instead of being skipped without a word, as a plain ``UPDATE`` would skip it.

Mixed into :class:`corpus.store.Store` through :class:`corpus.span_search.SpanSearchMixin`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import peewee as pw
from peewee import chunked

from annotator import document as dom
from annotator.document import AttributeValue
from annotator.errors import AnnotatorError, EditConflict
from annotator.schema import LabelSpec, Schema
from corpus.annotations import FROZEN_STATUSES, SpanState
from corpus.edit_rows import refusing_repeats

_CHUNK = 300  # ids per IN list
_WRITE_CHUNK = 200  # spans per UPDATE


class _Locked(NamedTuple):
    """A span row as locked for an edit: its set, the set's status and the span's version."""

    set_id: int
    status: str
    version: int


SeenLabels = Mapping[int, tuple[str, Mapping[str, AttributeValue]]]
"""The label and attributes of spans as the user last saw them, by span id."""


def relabelled(span: dom.Span, spec: LabelSpec) -> dom.Span:
    """``span`` with the label ``spec`` names, keeping the attributes that label has and
    accepts the values of (the others are dropped)."""
    kept = {}
    for key, value in span.attributes.items():
        attribute = spec.attribute(key)
        if attribute is not None and attribute.check(value) is None:
            kept[key] = value
    return dom.Span(span.start, span.end, spec.name, kept, span.note, span.fragments)


class SpanBulkEditsMixin:
    """Bulk relabelling and deletion (needs ``db``, ``schema()`` and the span methods of the
    store's other mixins)."""

    db: pw.Database
    schema: Callable[[], Schema]
    span_states: Callable[[Sequence[int]], list[SpanState]]
    delete_spans: Callable[[Sequence[int]], list[SpanState]]
    _check_writable: Callable[[int], None]
    _check_links_allow: Callable[[int, str], None]
    _json: Callable[[object], Any]
    _json_param: Callable[[], str]
    _now: Callable[[], Any]

    def relabel_spans(
        self,
        span_ids: Sequence[int],
        label: str,
        expected_versions: Mapping[int, int] | None = None,
        expected_labels: SeenLabels | None = None,
    ) -> list[SpanState]:
        """Give the spans ``span_ids`` the label ``label``, in one transaction; each keeps its
        id, offsets and note, and those of its attributes the new label has (see
        :func:`relabelled`), and its version goes up by one. Returns their states before the
        change, for :meth:`restore_span_labels`.

        A span changed since the user saw it is refused with :class:`EditConflict`: with
        ``expected_versions`` (by span id) any change counts, with ``expected_labels`` one of
        its label or attributes. Anything a single edit would refuse, or a span the user may
        not change, refuses them all.
        """
        schema = self.schema()
        spec = schema.label(label)
        if spec is None:
            raise AnnotatorError(f"label '{label}' is not in schema '{schema.name}'")
        ids = list(dict.fromkeys(span_ids))
        with refusing_repeats(), self.db.atomic():
            locked = self._lock_for_edit(ids, expected_versions)
            states = self.span_states(ids)
            _check_labels(states, expected_labels)
            self._write_labels([(s, relabelled(s.span, spec)) for s in states], locked, schema)
        return states

    def restore_span_labels(
        self, states: Sequence[SpanState], expected_labels: SeenLabels | None = None
    ) -> None:
        """Give each span of ``states`` its label and attributes there again (the undo of
        :meth:`relabel_spans`), in one transaction, with the checks of a relabelling (and
        ``expected_labels`` as there). Its offsets, note and links stay as they are now:
        deleting and restoring it instead would drop links made since."""
        schema = self.schema()
        ids = [s.id for s in states]
        with refusing_repeats(), self.db.atomic():
            locked = self._lock_for_edit(ids, None)
            current = {s.id: s for s in self.span_states(ids)}
            _check_labels(current.values(), expected_labels)
            changes = []
            for old in states:
                now = current[old.id].span
                span = dom.Span(
                    now.start, now.end, old.span.label, old.span.attributes, now.note, now.fragments
                )
                changes.append((current[old.id], span))
            self._write_labels(changes, locked, schema)

    def bulk_delete_spans(
        self, span_ids: Sequence[int], expected_versions: Mapping[int, int] | None = None
    ) -> list[SpanState]:
        """Delete the spans ``span_ids`` with their links, in one transaction; returns their
        states for :meth:`restore_spans`. A span changed since the user saw it (by
        ``expected_versions``) is refused with :class:`EditConflict`, one the user may not
        change by name, a reviewed or locked set as ``delete_span`` refuses it."""
        ids = list(dict.fromkeys(span_ids))
        with self.db.atomic():
            self._lock_for_edit(ids, expected_versions)
            return self.delete_spans(ids)

    # -- the checks ---------------------------------------------------------------------------

    def _lock_for_edit(
        self, ids: Sequence[int], expected_versions: Mapping[int, int] | None
    ) -> dict[int, _Locked]:
        """The spans ``ids``, locked on PostgreSQL until the transaction ends, after refusing
        any the user may not change (row-level security leaves them out of the lock), changed
        since the user saw them, or in a set that is reviewed or locked."""
        postgres = isinstance(self.db, pw.PostgresqlDatabase)
        lock = " FOR UPDATE OF sp" if postgres else ""
        locked: dict[int, _Locked] = {}
        for chunk in chunked(ids, _CHUNK):
            marks = ", ".join([self.db.param] * len(chunk))
            rows = self.db.execute_sql(
                'SELECT sp."id", sp."annotation_set_id", s."status", sp."version" FROM "span" sp '
                'JOIN "annotation_set" s ON s."id" = sp."annotation_set_id" '
                f'WHERE sp."id" IN ({marks}){lock}',
                list(chunk),
            ).fetchall()
            for span_id, set_id, status, version in rows:
                locked[int(span_id)] = _Locked(int(set_id), str(status), int(version))
        for span_id in ids:
            row = locked.get(span_id)
            if row is None:
                state = self.span_states([span_id])[0]  # "no span with id ..." if it is gone
                raise AnnotatorError(
                    f"you may not change {state.annotator}'s annotations (document "
                    f"{state.document}): only curators and managers change others' work"
                )
            wanted = expected_versions.get(span_id) if expected_versions is not None else None
            if wanted is not None and wanted != row.version:
                raise EditConflict(
                    f"{_where(self.span_states([span_id])[0])} was changed elsewhere (another "
                    "window or another user) since it was found: nothing was changed"
                )
            if row.status in FROZEN_STATUSES:
                self._check_writable(row.set_id)
        return locked

    def _write_labels(
        self,
        changes: Sequence[tuple[SpanState, dom.Span]],
        locked: Mapping[int, _Locked],
        schema: Schema,
    ) -> None:
        """Check, then store, each span's new label and attributes (its version goes up)."""
        for state, span in changes:
            problems = schema.check_attributes(span.label, span.attributes)
            if problems:
                raise AnnotatorError(f"{_where(state)}: {'; '.join(problems)}")
            if span.label != state.span.label and (state.relations or state.events or state.roles):
                self._check_links_allow(state.id, span.label)
        self._refuse_duplicates(changes, locked)
        p, stamp = self.db.param, self._now()
        attributes = "json(v.column4)" if self._json_param() != p else "v.column4::jsonb"
        for chunk in chunked(changes, _WRITE_CHUNK):
            rows = ", ".join([f"({p}, {p}, {p}, {p})"] * len(chunk))
            values = [
                value
                for state, span in chunk
                for value in (
                    state.id,
                    locked[state.id].version,
                    span.label,
                    self._json(dict(span.attributes)),
                )
            ]
            cursor = self.db.execute_sql(
                f'UPDATE "span" SET "label" = v.column3, "attributes" = {attributes}, '
                f'"version" = v.column2 + 1, "updated_at" = {p} FROM (VALUES {rows}) AS v '
                'WHERE "span"."id" = v.column1 AND "span"."version" = v.column2',
                [stamp, *values],
            )
            if cursor.rowcount != len(chunk):  # the lock's belt and braces
                raise EditConflict("spans changed elsewhere meanwhile: nothing was changed")

    def _refuse_duplicates(
        self, changes: Sequence[tuple[SpanState, dom.Span]], locked: Mapping[int, _Locked]
    ) -> None:
        """Refuse a change that would give a set two spans of the same offsets and label."""
        moving = {state.id for state, _ in changes}
        sets = sorted({locked[state.id].set_id for state, _ in changes})
        labels = sorted({span.label for _, span in changes})
        taken: set[tuple[int, int, int, str]] = set()
        p = self.db.param
        for chunk in chunked(sets, _CHUNK):
            rows = self.db.execute_sql(
                'SELECT "id", "annotation_set_id", "start", "end", "label" FROM "span" WHERE '
                f'"annotation_set_id" IN ({", ".join([p] * len(chunk))}) '
                f'AND "label" IN ({", ".join([p] * len(labels))})',
                [*chunk, *labels],
            ).fetchall()
            taken.update((s, a, b, label) for i, s, a, b, label in rows if i not in moving)
        for state, span in changes:
            key = (locked[state.id].set_id, span.start, span.end, span.label)
            if key in taken:
                raise AnnotatorError(
                    f"{_where(state)}: {state.annotator} has the same {span.label} span "
                    f"({span.start}..{span.end}) there already"
                )
            taken.add(key)


def _check_labels(states: Iterable[SpanState], expected: SeenLabels | None) -> None:
    """Refuse spans whose label or attributes are no longer those the user saw."""
    for state in states:
        seen = expected.get(state.id) if expected is not None else None
        if seen is not None and (state.span.label, dict(state.span.attributes)) != (
            seen[0],
            dict(seen[1]),
        ):
            raise EditConflict(
                f"{_where(state)} was changed elsewhere (another window or another user): "
                "nothing was changed"
            )


def _where(state: SpanState) -> str:
    """The span of ``state`` named for a message."""
    return (
        f"the {state.span.label} span at {state.span.start}..{state.span.end} of document "
        f"{state.document}"
    )

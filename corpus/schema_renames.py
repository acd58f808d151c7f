"""A schema change's renames applied to the stored annotations, each kind in place.

Spans and relations have unique indexes (a set's span by offsets and label, a link by its two
spans and type), which SQLite and PostgreSQL check row by row. So a rename that would merge
two names where one stretch (or one pair of spans) carries both is refused before anything
changes, and a swap or a chain of names goes through names no schema name can have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import peewee as pw

from annotator.errors import AnnotatorError
from corpus.models import AnnotationSet, Annotator, Event, EventRole, Relation, Span, utcnow

if TYPE_CHECKING:
    from corpus.schema_edits import SchemaRenames


def apply_renames(renames: SchemaRenames) -> None:
    """Rename labels, relation types, roles and event types in the stored annotations."""
    if renames.labels:
        _refuse_merged_spans(renames.labels)
        stamp = {Span.version: Span.version + 1, Span.updated_at: utcnow()}
        _rename(Span.label, renames.labels, stamp)
    if renames.relations:
        _refuse_merged_links(renames.relations)
        _rename(Relation.type, renames.relations)
    by_event: dict[str, dict[str, str]] = {}
    for (event, old), new in renames.roles.items():
        by_event.setdefault(event, {})[old] = new
    for event, mapping in by_event.items():  # before the events' own renames
        EventRole.update(role=pw.Case(EventRole.role, list(mapping.items()))).where(
            EventRole.role.in_(list(mapping)),
            EventRole.event.in_(Event.select(Event.id).where(Event.type == event)),
        ).execute()
    if renames.events:
        Event.update(type=pw.Case(Event.type, list(renames.events.items()))).where(
            Event.type.in_(list(renames.events))
        ).execute()


def _rename(
    column: pw.Field, names: Mapping[str, str], also: Mapping[Any, Any] | None = None
) -> None:
    """Give ``column`` its new names (and the rows renamed the changes ``also``): in one
    statement, or, where a new name is also an old one, in two, through passing names."""
    steps = [dict(names)]
    if set(names) & set(names.values()):
        passing = {old: f"~{i}" for i, old in enumerate(names)}  # never a name (schema_yaml)
        steps = [passing, {passing[old]: new for old, new in names.items()}]
    for step in steps:
        changes: dict[Any, Any] = {column: pw.Case(column, list(step.items()))}
        if step is steps[-1] and also:
            changes |= also
        column.model.update(changes).where(column.in_(list(step))).execute()


def _first_clash(column: pw.Field, names: Mapping[str, str], key: tuple[pw.Field, ...]) -> Any:
    """The first ``key`` values and new name that two rows would share after the renames."""
    renamed = pw.Case(column, list(names.items()), column)
    return (
        column.model.select(*key, renamed)
        .where(column.in_([*names, *names.values()]))
        .group_by(*key, renamed)
        .having(pw.fn.COUNT(column.model.id) > 1)
        .tuples()
        .first()
    )


def _merged(names: Mapping[str, str], name: str) -> str:
    """The stored names that become ``name``, as words."""
    olds = {old for old, new in names.items() if new == name}
    if name not in names:
        olds.add(name)
    return " and ".join(sorted(olds))


def _owner(set_id: int) -> tuple[int, str]:
    """The document and annotator of an annotation set."""
    owner: tuple[int, str] = (
        AnnotationSet.select(AnnotationSet.document, Annotator.name)
        .join(Annotator)
        .where(AnnotationSet.id == set_id)
        .tuples()
        .get()
    )
    return owner


def _refuse_merged_spans(labels: Mapping[str, str]) -> None:
    clash = _first_clash(Span.label, labels, (Span.annotation_set, Span.start, Span.end))
    if clash is not None:
        set_id, start, end, label = clash
        doc_id, annotator = _owner(set_id)
        raise AnnotatorError(
            f"the renames would give {annotator} two {label} spans at {start}..{end} in "
            f"document {doc_id} (tagged {_merged(labels, label)}): delete one of them first"
        )


def _refuse_merged_links(types: Mapping[str, str]) -> None:
    clash = _first_clash(Relation.type, types, (Relation.head, Relation.tail))
    if clash is not None:
        head, tail, kind = clash
        set_id = Relation.get(Relation.head == head).annotation_set_id
        doc_id, annotator = _owner(set_id)
        raise AnnotatorError(
            f"the renames would link {annotator}'s spans {head} and {tail} in document "
            f"{doc_id} twice by '{kind}' (linked by {_merged(types, kind)}): delete one of "
            "the links first"
        )

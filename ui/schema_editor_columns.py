"""The columns of the schema editor's tables: labels, attributes, relation types, event types and
roles, each with how its cells read and store the drafts."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Qt

from annotator.schema import AttributeType
from ui.label_legend import swatch
from ui.schema_editor_draft import (
    AttributeDraft,
    EventDraft,
    LabelDraft,
    RelationDraft,
    RoleDraft,
    SchemaDraft,
)
from ui.schema_editor_models import Column

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
_CARDINALITY = re.compile(r"^\s*(\d+)\s*(?:\.\.\s*(\d+|\*)\s*)?$")


@dataclass
class Usage:
    """How many stored annotations use each name, as the store counted them."""

    labels: Mapping[str, int] = field(default_factory=dict)
    relations: Mapping[str, int] = field(default_factory=dict)
    events: Mapping[str, int] = field(default_factory=dict)
    roles: Mapping[tuple[str, str], int] = field(default_factory=dict)


def _count(counts: Mapping[str, int], origin: str | None) -> str:
    return str(counts.get(origin, 0)) if origin is not None else "new"


def _name(draft: object, text: str) -> str | None:
    draft.name = text.strip()  # type: ignore[attr-defined]
    return None


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _set_bound(attribute: AttributeDraft, text: str, which: str) -> str | None:
    text = text.strip()
    value: float | None = None
    if text:
        try:
            value = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
        except ValueError:
            return f"the {which} of attribute '{attribute.name}' must be a number, not '{text}'"
    setattr(attribute, which, value)
    return None


def _bound_column(header: str, which: str, tip: str) -> Column:
    """The column of a numeric attribute's bound ``which`` ("minimum" or "maximum")."""
    return Column(
        header,
        lambda a: _number(getattr(a, which)) if a.numeric() else "",
        lambda a, t: _set_bound(a, t, which),
        editable=AttributeDraft.numeric,
        tip=tip,
        alignment=RIGHT,
    )


def _set_values(attribute: AttributeDraft, text: str) -> str | None:
    attribute.values = [v.strip() for v in text.split(",") if v.strip()]
    return None


def _set_type(attribute: AttributeDraft, text: str) -> str | None:
    attribute.type = AttributeType(text)
    return None


def _set_hotkey(label: LabelDraft, text: str) -> str | None:
    label.hotkey = text.strip()
    return None


def label_columns(usage: Usage) -> list[Column]:
    """Name (with its colour), hotkey and how many spans carry it."""
    return [
        Column("Label", lambda lb: lb.name, _name, icon=lambda lb: swatch(lb.color)),
        Column(
            "Key",
            lambda lb: lb.hotkey,
            _set_hotkey,
            tip="The key that applies the label to the selection",
            alignment=CENTER,
        ),
        Column(
            "Spans",
            lambda lb: _count(usage.labels, lb.origin),
            tip="Spans carrying the label in the corpus",
            alignment=RIGHT,
        ),
    ]


def attribute_columns() -> list[Column]:
    """Name, type, allowed values (enumerations), bounds (numbers) and whether required."""

    def is_enum(a: AttributeDraft) -> bool:
        return a.type is AttributeType.ENUM

    return [
        Column("Attribute", lambda a: a.name, _name),
        Column(
            "Type",
            lambda a: a.type.value,
            _set_type,
            choices=lambda: [t.value for t in AttributeType],
        ),
        Column(
            "Values",
            lambda a: ", ".join(a.values) if is_enum(a) else "",
            _set_values,
            editable=is_enum,
            tip="The values an enum attribute may take, separated by commas",
        ),
        _bound_column("Min", "minimum", "The smallest number allowed (empty: no limit)"),
        _bound_column("Max", "maximum", "The largest number allowed (empty: no limit)"),
        Column(
            "Required",
            lambda _a: "",
            checked=lambda a: a.required,
            set_checked=lambda a, on: setattr(a, "required", on),
            tip="Every span of the label must have a value",
        ),
    ]


def relation_columns(usage: Usage) -> list[Column]:
    """Name, allowed head and tail labels, and how many relations there are."""

    def in_use(r: RelationDraft) -> str:
        return _count(usage.relations, r.origin)

    return [
        Column("Relation", lambda r: r.name, _name),
        Column("Head labels", lambda r: r.heads.describe(), tip="Labels a relation may start at"),
        Column("Tail labels", lambda r: r.tails.describe(), tip="Labels a relation may end at"),
        Column("In use", in_use, tip="Relations of this type in the corpus", alignment=RIGHT),
    ]


def event_columns(draft: SchemaDraft, usage: Usage) -> list[Column]:
    """Name, trigger label, roles, and how many events there are."""

    def set_trigger(e: EventDraft, text: str) -> str | None:
        e.trigger = next((lb for lb in draft.labels if lb.name == text), None)
        return None

    def in_use(e: EventDraft) -> str:
        return _count(usage.events, e.origin)

    return [
        Column("Event", lambda e: e.name, _name),
        Column(
            "Trigger",
            lambda e: e.trigger.name if e.trigger else "",
            set_trigger,
            choices=lambda: [lb.name for lb in draft.labels],
            tip="The label of the spans that trigger this event",
        ),
        Column("Roles", lambda e: ", ".join(r.name for r in e.roles)),
        Column("In use", in_use, tip="Events of this type in the corpus", alignment=RIGHT),
    ]


def role_columns(current: Callable[[], EventDraft | None], usage: Usage) -> list[Column]:
    """Name, allowed labels, how many fillers, and how many are stored (of the ``current``
    event's roles)."""

    def set_cardinality(role: RoleDraft, text: str) -> str | None:
        match = _CARDINALITY.match(text)
        high = None if not match or match.group(2) in (None, "*") else int(match.group(2))
        if not match or (high is not None and high < int(match.group(1))):
            return (
                f"fillers of role '{role.name}' must look like 1, 0..1, 0..* or 1..*, not '{text}'"
            )
        role.minimum = int(match.group(1))
        role.maximum = role.minimum if match.group(2) is None else high
        return None

    def in_use(role: RoleDraft) -> str:
        event = current()
        if role.origin is None or event is None or event.origin is None:
            return "new"
        return str(usage.roles.get((event.origin, role.origin), 0))

    return [
        Column("Role", lambda r: r.name, _name),
        Column("Labels", lambda r: r.labels.describe(), tip="Labels of the spans that may fill it"),
        Column(
            "Fillers",
            RoleDraft.cardinality,
            set_cardinality,
            tip="How many spans fill it in one event: 1, 0..1, 0..* or 1..*",
            alignment=CENTER,
        ),
        Column("In use", in_use, tip="Fillers of this role in the corpus", alignment=RIGHT),
    ]

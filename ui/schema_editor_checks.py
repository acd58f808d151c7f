"""What keeps an edited schema from being saved: empty, repeated or non-ASCII names, repeated
hotkeys, enumerations without values, bounds the wrong way round, relation types and roles
without labels, events without a trigger; then whatever the schema loader itself refuses."""

from __future__ import annotations

from collections import Counter

from annotator.errors import SchemaError
from annotator.schema import AttributeType
from annotator.schema_yaml import load_schema_text, schema_to_yaml
from ui.schema_editor_draft import AttributeDraft, SchemaDraft


def schema_problems(draft: SchemaDraft) -> list[str]:
    """Every reason the edited schema cannot be saved, most specific first (empty: none)."""
    found: list[str] = []
    if not draft.labels:
        found.append("the schema needs at least one label")
    found += _names("label", [lb.name for lb in draft.labels])
    keys = [lb.hotkey for lb in draft.labels if lb.hotkey]
    for key in keys:
        if len(key) != 1 or key.isspace():
            found.append(f"hotkey '{key}' must be a single character")
    # Qt's shortcuts do not tell a from A.
    found += [f"hotkey '{k}' is used twice" for k in _twice([k.casefold() for k in keys])]
    for lb in draft.labels:
        found += _names(f"attribute of label '{lb.name}'", [a.name for a in lb.attributes])
        for a in lb.attributes:
            found += _attribute_problems(lb.name, a)
    found += _names("relation type", [r.name for r in draft.relations])
    for r in draft.relations:
        for end, c in (("head", r.heads), ("tail", r.tails)):
            if not c.names():
                found.append(f"relation '{r.name}' needs at least one {end} label")
    found += _names("event type", [e.name for e in draft.events])
    for e in draft.events:
        if e.trigger is None:
            found.append(f"event '{e.name}' needs a trigger label")
        found += _names(f"role of event '{e.name}'", [r.name for r in e.roles])
        for role in e.roles:
            if not role.labels.names():
                found.append(f"role '{role.name}' of event '{e.name}' needs at least one label")
    if not found:  # what the schema loader says, as the last word
        schema = draft.to_schema()
        try:
            if load_schema_text(schema_to_yaml(schema)) != schema:
                found.append("the schema would not read back as edited")
        except SchemaError as exc:
            found.append(exc.reason)
    return found


def _twice(names: list[str]) -> list[str]:
    return [n for n, count in Counter(names).items() if count > 1]


def _names(what: str, names: list[str]) -> list[str]:
    """Empty, non-ASCII and repeated names among ``names`` of ``what``."""
    found = [f"every {what} needs a name" for n in names if not n.strip()][:1]
    found += [
        f"{what} name '{n}' must use Latin letters A-Z, digits, '_' or '-' (a schema rule)"
        for n in names
        if n.strip() and not n.isascii()
    ]
    found += [f"{what} '{n}' is defined twice" for n in _twice(names) if n.strip()]
    return found


def _attribute_problems(label: str, a: AttributeDraft) -> list[str]:
    what = f"attribute '{a.name}' of label '{label}'"
    found = []
    if a.type is AttributeType.ENUM:
        if not a.values:
            found.append(f"{what} needs at least one value")
        found += [f"value '{v}' of {what} is listed twice" for v in _twice(a.values)]
    if a.numeric():
        if a.minimum is not None and a.maximum is not None and a.minimum > a.maximum:
            found.append(f"the minimum of {what} is above its maximum")
        if a.type is AttributeType.INTEGER and any(
            b is not None and not float(b).is_integer() for b in (a.minimum, a.maximum)
        ):
            found.append(f"the bounds of {what} must be whole numbers")
    return found

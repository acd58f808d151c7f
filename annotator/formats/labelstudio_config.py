"""The Label Studio labelling config (XML) as a schema, both ways, and the names of its controls.

A schema becomes ``<Labels name="label" toName="text">`` with one ``<Label>`` per span label
(its description as the ``hint``), ``<Text name="text" value="$text">``, one per-region control
per attribute (``<Choices>`` for enums and booleans, ``<Number>`` for numbers, ``<TextArea>``
for text), a per-region ``<TextArea name="note">`` for the span's note, and ``<Relations>`` with
the relation types. Label Studio's visibility rule (``visibleWhen="region-selected"`` with
``whenLabelValue``) works on ``<View>`` and ``<Choices>`` only (its ``Visibility`` mixin), so
each group of controls sits in a ``<View>`` that names the labels having them. What a config
cannot say (event types, which labels a relation may link) is listed in a comment;
descriptions of attributes and relations are left out.

Control names: an attribute's control is named after the attribute when every label that has
it gives it the same definition; otherwise, or when the name is taken (``label``, ``text``,
``note``), it is ``<label>.<attribute>``, one control per label. Export results use the same
names, and import maps both forms back to the attribute.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as SafeET

from annotator.document import AttributeValue
from annotator.errors import SchemaError
from annotator.schema import (
    ANY,
    AttributeSpec,
    AttributeType,
    LabelSpec,
    RelationSpec,
    Schema,
)

LABELS_NAME = "label"
TEXT_NAME = "text"
NOTE_NAME = "note"
RESERVED = frozenset({LABELS_NAME, TEXT_NAME, NOTE_NAME})
TRUE, FALSE = "true", "false"
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
"""Colours for labels whose config gives none (or one that is not #rgb or #rrggbb)."""

_COLOR = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


@dataclass(frozen=True)
class Control:
    """A per-region control: its name in the config, the attribute, the labels that have it."""

    name: str
    spec: AttributeSpec
    labels: tuple[str, ...]


def qualified(label: str, attribute: str) -> str:
    """The control name of ``attribute`` of ``label`` alone."""
    return f"{label}.{attribute}"


def attribute_controls(schema: Schema) -> list[Control]:
    """The per-region controls for the schema's attributes, named as the module says."""
    uses: dict[str, list[tuple[str, AttributeSpec]]] = {}
    for label in schema.labels:
        for spec in label.attributes:
            uses.setdefault(spec.name, []).append((label.name, spec))
    controls = []
    for name, pairs in uses.items():
        shapes = {replace(spec, description="") for _, spec in pairs}
        if name not in RESERVED and len(shapes) == 1:
            controls.append(Control(name, pairs[0][1], tuple(label for label, _ in pairs)))
        else:
            controls += [Control(qualified(label, name), spec, (label,)) for label, spec in pairs]
    return controls


def control_map(schema: Schema | None) -> dict[tuple[str, str], Control]:
    """Each (label, attribute) of the schema and its control."""
    if schema is None:
        return {}
    return {
        (label, control.spec.name): control
        for control in attribute_controls(schema)
        for label in control.labels
    }


def control_name(label: str, attribute: str, controls: dict[tuple[str, str], Control]) -> str:
    """The from_name of ``attribute`` of a ``label`` region (the schema's, or the default)."""
    control = controls.get((label, attribute))
    if control is not None:
        return control.name
    return qualified(label, attribute) if attribute in RESERVED else attribute


def attribute_name(from_name: str, label: str) -> str:
    """The attribute a per-region result named ``from_name`` sets on a ``label`` region."""
    prefix = f"{label}."
    if from_name.startswith(prefix) and len(from_name) > len(prefix):
        return from_name[len(prefix) :]
    return from_name


# --- writing -------------------------------------------------------------------------------


def schema_writer(schema: Schema, path: Path) -> None:
    """Write ``schema`` as a Label Studio labelling config at ``path``."""
    view = Element("View")
    lost = _lost(schema)
    if lost:
        said = "; ".join(lost).replace("--", "- -")  # "--" may not stand in a comment
        view.append(ET.Comment(f" not expressible in Label Studio: {said} "))
    labels = ET.SubElement(view, "Labels", name=LABELS_NAME, toName=TEXT_NAME)
    for label in schema.labels:
        attrs = {"value": label.name, "background": label.color}
        if label.hotkey:
            attrs["hotkey"] = label.hotkey
        if label.description:
            attrs["hint"] = label.description
        ET.SubElement(labels, "Label", attrs)
    ET.SubElement(view, "Text", name=TEXT_NAME, value=f"${TEXT_NAME}")
    groups: dict[tuple[str, ...], list[Control]] = {}
    for control in attribute_controls(schema):
        groups.setdefault(control.labels, []).append(control)
    for group_labels, controls in groups.items():
        box = ET.SubElement(
            view, "View", visibleWhen="region-selected", whenLabelValue=",".join(group_labels)
        )
        for control in controls:
            _write_control(box, control)
    box = ET.SubElement(view, "View", visibleWhen="region-selected")
    ET.SubElement(box, "TextArea", _per_region(NOTE_NAME), editable=TRUE, maxSubmissions="1")
    if schema.relations:
        relations = ET.SubElement(view, "Relations")
        for relation in schema.relations:
            ET.SubElement(relations, "Relation", value=relation.name)
    tree = ET.ElementTree(view)
    ET.indent(tree, "  ")
    with path.open("wb") as f:
        tree.write(f, encoding="utf-8")
        f.write(b"\n")


def _lost(schema: Schema) -> list[str]:
    lost = [f"event type {e.name} (trigger label {e.trigger})" for e in schema.events]
    lost += [
        f"relation {r.name} links {'|'.join(r.heads)} to {'|'.join(r.tails)}"
        for r in schema.relations
        if r.heads != (ANY,) or r.tails != (ANY,)
    ]
    lost += [f"relation {r.name} is symmetric" for r in schema.relations if r.symmetric]
    return lost


def _per_region(name: str) -> dict[str, str]:
    return {"name": name, "toName": TEXT_NAME, "perRegion": TRUE}


def _write_control(parent: Element, control: Control) -> None:
    spec = control.spec
    attrs = _per_region(control.name)
    if spec.required:
        attrs["required"] = TRUE
    t = spec.type
    if t in (AttributeType.ENUM, AttributeType.BOOLEAN):
        values = spec.values if t is AttributeType.ENUM else (TRUE, FALSE)
        default = _text(spec.default) if spec.default is not None else None
        choices = ET.SubElement(parent, "Choices", attrs, choice="single")
        for value in values:
            choice = ET.SubElement(choices, "Choice", value=value)
            if value == default:
                choice.set("selected", TRUE)
    elif t in (AttributeType.INTEGER, AttributeType.FLOAT):
        for key, number in (("min", spec.minimum), ("max", spec.maximum)):
            if number is not None:
                attrs[key] = _text(number)
        attrs["step"] = "1" if t is AttributeType.INTEGER else "any"
        if spec.default is not None:
            attrs["defaultValue"] = _text(spec.default)
        ET.SubElement(parent, "Number", attrs)
    else:
        if spec.default is not None:
            attrs["value"] = str(spec.default)
        ET.SubElement(parent, "TextArea", attrs, editable=TRUE, maxSubmissions="1")


def _text(value: AttributeValue | float) -> str:
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- reading -------------------------------------------------------------------------------


def schema_reader(path: Path) -> Schema:
    """The schema a Label Studio labelling config describes: labels from every ``<Labels>``,
    attributes from per-region ``<Choices>``, ``<Number>``, ``<TextArea>`` and ``<Rating>``,
    relation types from ``<Relations>``."""
    file = str(path)
    root = _parse(path)
    labels: dict[str, LabelSpec] = {}
    attributes: dict[str, dict[str, AttributeSpec]] = {}
    relations: dict[str, RelationSpec] = {}
    controls: list[tuple[Element, tuple[str, ...] | None]] = []
    for element, when in _walk(root, None):
        tag = element.tag.lower()
        if tag == "labels":
            for child in element:
                if child.tag.lower() == "label":
                    spec = _label(child, len(labels), file)
                    labels.setdefault(spec.name, spec)
        elif tag == "relation":
            name = _attr(element, "alias") or _attr(element, "value")
            if name:
                relations.setdefault(name, RelationSpec(name, (ANY,), (ANY,)))
        elif _attr(element, "perregion") == TRUE and tag in _ATTRIBUTE_TAGS:
            controls.append((element, when))
    if not labels:
        raise SchemaError(file, "no <Labels> with <Label> values: not a span labelling config")
    for element, when in controls:
        name = _attr(element, "name") or ""
        if not name or (name == NOTE_NAME and element.tag.lower() == "textarea"):
            continue
        for label in when if when is not None else tuple(labels):
            if label in labels:
                attribute = _attribute(element, attribute_name(name, label), file)
                attributes.setdefault(label, {}).setdefault(attribute.name, attribute)
    return Schema(
        name=path.name.removesuffix(".xml").removesuffix(".config") or "labelstudio",
        labels=tuple(
            replace(spec, attributes=tuple(attributes.get(name, {}).values()))
            for name, spec in labels.items()
        ),
        relations=tuple(relations.values()),
    )


_ATTRIBUTE_TAGS = frozenset({"choices", "number", "textarea", "rating"})


def _parse(path: Path) -> Element:
    file = str(path)
    try:
        tree = SafeET.parse(file)
    except SafeET.ParseError as exc:
        raise SchemaError(file, f"not valid XML: {exc}", exc.position[0]) from None
    except defusedxml.DefusedXmlException as exc:
        raise SchemaError(file, f"refused: {exc}") from None
    except FileNotFoundError:
        raise SchemaError(file, "no such file") from None
    except OSError as exc:
        raise SchemaError(file, f"cannot read: {exc.strerror}") from None
    root: Element = tree.getroot()
    return root


def _walk(
    element: Element, when: tuple[str, ...] | None
) -> Iterator[tuple[Element, tuple[str, ...] | None]]:
    """Every element with the labels its visibility is narrowed to (None: not narrowed)."""
    own = _attr(element, "whenlabelvalue")
    if own and _attr(element, "visiblewhen") in (None, "region-selected"):
        when = tuple(v.strip() for v in own.split(",") if v.strip())
    yield element, when
    for child in element:
        if isinstance(child.tag, str):
            yield from _walk(child, when)


def _attr(element: Element, name: str) -> str | None:
    """An attribute by its lower-case name (Label Studio reads attribute names so)."""
    for key, value in element.attrib.items():
        if key.lower() == name:
            return value
    return None


def _label(element: Element, index: int, file: str) -> LabelSpec:
    name = _attr(element, "alias") or _attr(element, "value")
    if not name:
        raise SchemaError(file, "a <Label> without a value")
    color = _attr(element, "background") or ""
    match = _COLOR.match(color)
    if match is None:
        color = PALETTE[index % len(PALETTE)]
    elif len(match.group(1)) == 3:
        color = "#" + "".join(c * 2 for c in match.group(1))
    hotkey = _attr(element, "hotkey")
    key = hotkey if hotkey and len(hotkey) == 1 else None
    return LabelSpec(name, color.lower(), key, _attr(element, "hint") or "")


def _attribute(element: Element, name: str, file: str) -> AttributeSpec:
    tag = element.tag.lower()
    required = _attr(element, "required") == TRUE
    if tag == "choices":
        choices = [
            c for c in element.iter() if isinstance(c.tag, str) and c.tag.lower() == "choice"
        ]
        values = tuple(_attr(c, "alias") or _attr(c, "value") or "" for c in choices)
        chosen = [v for c, v in zip(choices, values, strict=True) if _attr(c, "selected") == TRUE]
        selected = chosen[0] if chosen else None
        if sorted(values) == [FALSE, TRUE]:
            flag = None if selected is None else selected == TRUE
            return AttributeSpec(name, AttributeType.BOOLEAN, default=flag, required=required)
        return AttributeSpec(name, AttributeType.ENUM, values, selected, required)
    if tag == "textarea":
        value = _attr(element, "value")
        text = value if value and not value.startswith("$") else None
        return AttributeSpec(name, AttributeType.TEXT, default=text, required=required)
    if tag == "rating":
        top = _number(element, "maxrating", file) or 5
        return AttributeSpec(name, AttributeType.INTEGER, required=required, minimum=1, maximum=top)
    low, high = _number(element, "min", file), _number(element, "max", file)
    step = _attr(element, "step") or "1"
    whole = all(x is None or x.is_integer() for x in (low, high))
    integer = whole and re.fullmatch(r"\d+", step) is not None
    number = _number(element, "defaultvalue", file)
    default: AttributeValue = None if number is None else int(number) if integer else number
    kind = AttributeType.INTEGER if integer else AttributeType.FLOAT
    return AttributeSpec(name, kind, default=default, required=required, minimum=low, maximum=high)


def _number(element: Element, name: str, file: str) -> float | None:
    text = _attr(element, name)
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise SchemaError(file, f'<{element.tag} {name}="{text}"> is not a number') from None

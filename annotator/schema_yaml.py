"""Schema files: YAML in, a validated :class:`Schema` out, with errors naming file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml

from annotator.errors import SchemaError
from annotator.schema import (
    ANY,
    AttributeSpec,
    AttributeType,
    EventSpec,
    LabelSpec,
    RelationSpec,
    RoleSpec,
    Schema,
)
from annotator.suggest.config import read_settings

T = TypeVar("T")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_valid_name(name: str) -> bool:
    """Whether ``name`` can name a label, attribute, relation, event or role in a schema."""
    return bool(_NAME.match(name)) and "\n" not in name


_CARDINALITY = re.compile(r"^(\d+)(?:\.\.(\d+|\*))?$")


class _Map(dict[str, Any]):
    """A mapping that remembers its own line and the line of each key's value."""

    line: int | None = None
    key_lines: dict[str, int]


class _Seq(list[Any]):
    """A sequence that remembers its own line and the line of each item."""

    line: int | None = None
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    file = "<schema>"


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise SchemaError(loader.file, f"keys must be text, not {key!r}", line)
        if key in result:
            raise SchemaError(loader.file, f"duplicate key '{key}'", line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def load_schema_file(path: str | Path) -> Schema:
    """Read and validate the schema file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SchemaError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(str(path), f"cannot read: {exc}") from None
    return load_schema_text(text, str(path))


def load_schema_text(text: str, file: str = "<schema>") -> Schema:
    """Validate schema YAML ``text``; ``file`` names it in errors."""
    loader = _Loader(text)
    loader.file = file
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SchemaError(file, f"not valid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise SchemaError(file, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return _SchemaReader(file).schema(data)


class _SchemaReader:
    """Walks the loaded YAML, checking each field where it stands."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, reason: str, line: int | None) -> SchemaError:
        return SchemaError(self.file, reason, line)

    def mapping(self, value: Any, what: str, line: int | None, keys: set[str]) -> _Map:
        if not isinstance(value, dict):
            raise self.fail(f"{what} must be a mapping", line)
        m = value if isinstance(value, _Map) else _Map(value)
        lines = getattr(m, "key_lines", {})
        for key in m:
            if key not in keys:
                expected = ", ".join(sorted(keys))
                raise self.fail(
                    f"unknown key '{key}' in {what} (expected {expected})", lines.get(key, m.line)
                )
        return m

    def line_of(self, m: _Map, key: str) -> int | None:
        return getattr(m, "key_lines", {}).get(key, m.line)

    def get(
        self, m: _Map, key: str, what: str, kind: type[T] | tuple[type, ...], default: Any = ...
    ) -> Any:
        if key not in m or m[key] is None:
            if default is ...:
                raise self.fail(f"{what} needs '{key}'", m.line)
            return default
        value = m[key]
        bad_bool = isinstance(value, bool) and kind in (int, float, (int, float))
        if bad_bool or not isinstance(value, kind):
            names = {str: "text", int: "an integer", bool: "true or false", list: "a list"}
            want = names.get(kind, "a number") if isinstance(kind, type) else "a number"
            raise self.fail(
                f"'{key}' of {what} must be {want}, not {value!r}", self.line_of(m, key)
            )
        return value

    def name(self, m: _Map, what: str) -> str:
        name: str = self.get(m, "name", what, str)
        if not _NAME.match(name):
            raise self.fail(
                f"{what} name '{name}' must start with a letter and hold only letters, digits, '_' or '-'",
                self.line_of(m, "name"),
            )
        return name

    def items(self, m: _Map, key: str, what: str) -> list[tuple[Any, int | None]]:
        seq = self.get(m, key, what, list, [])
        lines = getattr(seq, "item_lines", [getattr(seq, "line", None)] * len(seq))
        return list(zip(seq, lines, strict=True))

    def unique(self, names: list[tuple[Any, int | None]], what: str) -> None:
        seen: set[str] = set()
        for name, line in names:
            if name in seen:
                raise self.fail(f"{what} '{name}' is defined twice", line)
            seen.add(name)

    # -- the parts ---------------------------------------------------------------------------

    def schema(self, data: Any) -> Schema:
        top = self.mapping(
            data,
            "the schema",
            1,
            {
                "name",
                "description",
                "version",
                "labels",
                "relations",
                "events",
                "extra",
                "suggestions",
            },
        )
        name = self.name(top, "the schema")
        label_items = self.items(top, "labels", "the schema")
        if not label_items:
            raise self.fail("the schema needs at least one label under 'labels'", top.line)
        labels = [self.label(v, line) for v, line in label_items]
        lines = [line for _, line in label_items]
        self.unique([(lb.name, ln) for lb, ln in zip(labels, lines, strict=True)], "label")
        hotkey_lines = [getattr(v, "key_lines", {}).get("hotkey", ln) for v, ln in label_items]
        self.unique(
            [(lb.hotkey, ln) for lb, ln in zip(labels, hotkey_lines, strict=True) if lb.hotkey],
            "hotkey",
        )
        known = {lb.name for lb in labels}
        relation_items = self.items(top, "relations", "the schema")
        relations = [self.relation(v, line, known) for v, line in relation_items]
        self.unique(
            [(r.name, ln) for r, (_, ln) in zip(relations, relation_items, strict=True)], "relation"
        )
        event_items = self.items(top, "events", "the schema")
        events = [self.event(v, line, known) for v, line in event_items]
        self.unique([(e.name, ln) for e, (_, ln) in zip(events, event_items, strict=True)], "event")
        return Schema(
            name=name,
            labels=tuple(labels),
            relations=tuple(relations),
            events=tuple(events),
            description=self.get(top, "description", "the schema", str, ""),
            version=self.get(top, "version", "the schema", int, 1),
            extra=dict(self.get(top, "extra", "the schema", dict, {})),
            suggestions=read_settings(
                top.get("suggestions"), self.file, self.line_of(top, "suggestions")
            ).to_data(),
        )

    def label(self, value: Any, line: int | None) -> LabelSpec:
        m = self.mapping(
            value, "a label", line, {"name", "color", "hotkey", "description", "attributes"}
        )
        name = self.name(m, "a label")
        what = f"label '{name}'"
        color = self.get(m, "color", what, str)
        if not _COLOR.match(color):
            raise self.fail(
                f"color of {what} must look like #1f77b4, not {color!r}", self.line_of(m, "color")
            )
        hotkey = self.get(m, "hotkey", what, (str, int), None)
        if hotkey is not None:
            hotkey = str(hotkey)
            if len(hotkey) != 1 or hotkey.isspace():
                raise self.fail(
                    f"hotkey of {what} must be a single character, not {hotkey!r}",
                    self.line_of(m, "hotkey"),
                )
        attribute_items = self.items(m, "attributes", what)
        attributes = [self.attribute(v, ln, what) for v, ln in attribute_items]
        self.unique(
            [(a.name, ln) for a, (_, ln) in zip(attributes, attribute_items, strict=True)],
            f"attribute of {what}",
        )
        return LabelSpec(
            name=name,
            color=color.lower(),
            hotkey=hotkey,
            description=self.get(m, "description", what, str, ""),
            attributes=tuple(attributes),
        )

    def attribute(self, value: Any, line: int | None, owner: str) -> AttributeSpec:
        keys = {"name", "type", "values", "default", "required", "min", "max", "description"}
        m = self.mapping(value, f"an attribute of {owner}", line, keys)
        name = self.name(m, f"an attribute of {owner}")
        what = f"attribute '{name}' of {owner}"
        type_name = self.get(m, "type", what, str)
        try:
            kind = AttributeType(type_name)
        except ValueError:
            allowed = ", ".join(t.value for t in AttributeType)
            raise self.fail(
                f"type of {what} must be one of {allowed}, not {type_name!r}",
                self.line_of(m, "type"),
            ) from None
        values: tuple[str, ...] = ()
        if kind is AttributeType.ENUM:
            raw = self.get(m, "values", what, list)
            if not raw or not all(isinstance(v, str) for v in raw):
                raise self.fail(
                    f"values of {what} must be a non-empty list of names", self.line_of(m, "values")
                )
            values = tuple(raw)
            self.unique([(v, self.line_of(m, "values")) for v in values], f"value of {what}")
        elif "values" in m:
            raise self.fail(
                f"only enum attributes take 'values' ({what} is {kind.value})",
                self.line_of(m, "values"),
            )
        numeric = kind in (AttributeType.INTEGER, AttributeType.FLOAT)
        bounds = {}
        for key in ("min", "max"):
            if key in m and not numeric:
                raise self.fail(
                    f"only integer and float attributes take '{key}'", self.line_of(m, key)
                )
            bounds[key] = self.get(m, key, what, (int, float), None)
        if (
            bounds["min"] is not None
            and bounds["max"] is not None
            and bounds["min"] > bounds["max"]
        ):
            raise self.fail(f"min of {what} is above its max", self.line_of(m, "min"))
        spec = AttributeSpec(
            name=name,
            type=kind,
            values=values,
            required=self.get(m, "required", what, bool, False),
            minimum=bounds["min"],
            maximum=bounds["max"],
            description=self.get(m, "description", what, str, ""),
        )
        default = m.get("default")
        if default is not None:
            problem = spec.check(default)
            if problem:
                raise self.fail(f"default of {what}: {problem}", self.line_of(m, "default"))
            spec = AttributeSpec(**{**spec.__dict__, "default": default})
        return spec

    def label_list(
        self, m: _Map, key: str, what: str, known: set[str], default: Any = ...
    ) -> tuple[str, ...]:
        raw = self.get(m, key, what, (list, str), default)
        names = [raw] if isinstance(raw, str) else list(raw)
        for n in names:
            if n != ANY and n not in known:
                raise self.fail(f"{key} of {what} names unknown label {n!r}", self.line_of(m, key))
        return tuple(names)

    def relation(self, value: Any, line: int | None, known: set[str]) -> RelationSpec:
        m = self.mapping(
            value, "a relation", line, {"name", "head", "tail", "symmetric", "description"}
        )
        name = self.name(m, "a relation")
        what = f"relation '{name}'"
        return RelationSpec(
            name=name,
            heads=self.label_list(m, "head", what, known, [ANY]),
            tails=self.label_list(m, "tail", what, known, [ANY]),
            symmetric=self.get(m, "symmetric", what, bool, False),
            description=self.get(m, "description", what, str, ""),
        )

    def event(self, value: Any, line: int | None, known: set[str]) -> EventSpec:
        m = self.mapping(value, "an event", line, {"name", "trigger", "roles", "description"})
        name = self.name(m, "an event")
        what = f"event '{name}'"
        trigger = self.get(m, "trigger", what, str, name)
        if trigger not in known:
            raise self.fail(
                f"trigger of {what} names unknown label {trigger!r}", self.line_of(m, "trigger")
            )
        role_items = self.items(m, "roles", what)
        roles = [self.role(v, ln, what, known) for v, ln in role_items]
        self.unique(
            [(r.name, ln) for r, (_, ln) in zip(roles, role_items, strict=True)], f"role of {what}"
        )
        return EventSpec(
            name=name,
            trigger=trigger,
            roles=tuple(roles),
            description=self.get(m, "description", what, str, ""),
        )

    def role(self, value: Any, line: int | None, owner: str, known: set[str]) -> RoleSpec:
        m = self.mapping(value, f"a role of {owner}", line, {"name", "labels", "cardinality"})
        name = self.name(m, f"a role of {owner}")
        what = f"role '{name}' of {owner}"
        card = str(self.get(m, "cardinality", what, (str, int), "0..*"))
        match = _CARDINALITY.match(card)
        if not match or (
            match.group(2) not in (None, "*") and int(match.group(2)) < int(match.group(1))
        ):
            raise self.fail(
                f"cardinality of {what} must look like 1, 0..1, 0..* or 1..*, not {card!r}",
                self.line_of(m, "cardinality"),
            )
        low = int(match.group(1))
        high = (
            low
            if match.group(2) is None
            else (None if match.group(2) == "*" else int(match.group(2)))
        )
        return RoleSpec(
            name=name, labels=self.label_list(m, "labels", what, known), minimum=low, maximum=high
        )


def schema_to_dict(schema: Schema) -> dict[str, Any]:
    """The schema as plain data in the YAML file's own shape (for JSON output and saving)."""

    def attribute(a: AttributeSpec) -> dict[str, Any]:
        d: dict[str, Any] = {"name": a.name, "type": a.type.value}
        optional: dict[str, Any] = {
            "values": list(a.values) or None,
            "default": a.default,
            "required": a.required or None,
            "min": a.minimum,
            "max": a.maximum,
            "description": a.description or None,
        }
        d.update({k: v for k, v in optional.items() if v is not None})
        return d

    def cardinality(r: RoleSpec) -> str:
        if r.maximum == r.minimum:
            return str(r.minimum)
        return f"{r.minimum}..{'*' if r.maximum is None else r.maximum}"

    return {
        "name": schema.name,
        "version": schema.version,
        "description": schema.description,
        "labels": [
            {
                "name": lb.name,
                "color": lb.color,
                **({"hotkey": lb.hotkey} if lb.hotkey else {}),
                "description": lb.description,
                "attributes": [attribute(a) for a in lb.attributes],
            }
            for lb in schema.labels
        ],
        "relations": [
            {
                "name": r.name,
                "head": list(r.heads),
                "tail": list(r.tails),
                "symmetric": r.symmetric,
                "description": r.description,
            }
            for r in schema.relations
        ],
        "events": [
            {
                "name": e.name,
                "trigger": e.trigger,
                "description": e.description,
                "roles": [
                    {"name": r.name, "labels": list(r.labels), "cardinality": cardinality(r)}
                    for r in e.roles
                ],
            }
            for e in schema.events
        ],
        **({"extra": dict(schema.extra)} if schema.extra else {}),
        **({"suggestions": dict(schema.suggestions)} if schema.suggestions else {}),
    }


def schema_to_yaml(schema: Schema) -> str:
    """The schema as YAML text that :func:`load_schema_text` reads back to an equal schema."""
    return yaml.safe_dump(schema_to_dict(schema), sort_keys=False, allow_unicode=True)

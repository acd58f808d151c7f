"""brat's annotation.conf (with visual.conf beside it) as a schema.

Entity types (``[entities]``, alias ``[spans]``) and event types become labels; the type
hierarchy is flattened and ``!`` abstract types are left out (an abstract type named as an
argument stands for its concrete descendants). ``[relations]`` become relation types (lines of
one type are merged; ``ENTITY-NESTING`` and ``<OVERLAP>`` only say what may nest and are
skipped), ``[events]`` event types whose trigger label is the event type, with role
cardinalities from ``?``, ``*``, ``+``, ``{n}`` and ``{n-m}``. ``[attributes]`` become boolean
attributes (brat's binary ones) or enum attributes (``Value:a|b``) of the labels their ``Arg``
names; attributes of relations have no place in a schema. Macros (``<NAME>=...``, per section
as in brat) and the reserved ``<ANY>``, ``<ENTITY>``, ``<EVENT>``, ``<RELATION>``,
``<INHERIT>`` are expanded.

visual.conf gives each label its ``bgColor`` (else ``SPAN_DEFAULT``'s, else brat's
lightgreen) and, from ``[labels]``, its display name as description; the display forms are
kept in ``extra["brat"]["labels"]`` so that the configuration can be written back. Names
outside the schema's rules are mapped by :func:`schema_name`; the originals are kept in
``extra["brat"]["names"]``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from annotator.errors import SchemaError
from annotator.formats.brat_colors import SPAN_DEFAULT, to_hex
from annotator.formats.brat_conf_parse import entries, flat, read_text, sections
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

_OUTSIDE_NAME = re.compile(r"[^A-Za-z0-9_\-]")
_REPEAT = re.compile(r"^(\S+?)(\{\S+\}|\?|\*|\+|)$")
_RANGE = re.compile(r"^\{(\d+)(?:-(\d+))?\}$")
_NOT_RELATIONS = frozenset({"ENTITY-NESTING", "<OVERLAP>"})


def schema_name(name: str) -> str:
    """``name`` (a brat type, role or attribute) as schema names must be: brat's own storage
    form (characters other than ASCII letters, digits, ``_`` and ``-`` become ``_``) with a
    ``_`` in front when it does not start with a letter or ``_``."""
    mapped = _OUTSIDE_NAME.sub("_", name) or "_"
    return mapped if re.match(r"[A-Za-z_]", mapped) else "_" + mapped


def schema_reader(path: Path) -> Schema:
    """The schema that brat's annotation.conf at ``path`` describes, with colours and display
    names from the visual.conf beside it (when there is one)."""
    path = Path(path)
    parts = sections(read_text(path))
    visual_path = path.with_name("visual.conf")
    forms: dict[str, list[str]] = {}
    drawing: dict[str, dict[str, str]] = {}
    if visual_path.is_file():
        visual = sections(read_text(visual_path))
        for entry in flat(entries(visual.get("labels", []), str(visual_path), True, False)):
            if entry.terms[1:]:
                forms[entry.name] = entry.terms[1:]
        for entry in flat(entries(visual.get("drawing", []), str(visual_path), strict=False)):
            drawing[entry.name] = dict(entry.args)
    return _Converter(path, parts, forms, drawing).schema()


class _Converter:
    """Turns the parsed sections into a schema, mapping names and resolving type references."""

    def __init__(
        self,
        path: Path,
        parts: dict[str, list[tuple[int, str]]],
        forms: dict[str, list[str]],
        drawing: dict[str, dict[str, str]],
    ) -> None:
        self.file = str(path)
        self.path = path
        self.forms = forms
        self.drawing = drawing
        self.originals: dict[str, str] = {}
        self.roots = {
            section: entries(parts.get(section, []), self.file)
            for section in ("entities", "relations", "events", "attributes")
        }
        self.abstract: dict[str, list[str]] = {}
        for roots in (self.roots["entities"], self.roots["events"]):
            for entry in flat(roots):
                if entry.abstract:
                    self.abstract[self.name(entry.name, entry.line)] = [
                        self.name(e.name, e.line) for e in entry.walk() if not e.abstract
                    ]
        self.entities = self._concrete("entities")
        self.events = self._concrete("events")
        self.labels = list(dict.fromkeys(self.entities + self.events))
        self.relation_names = {self.name(e.name, e.line) for e in flat(self.roots["relations"])}

    def name(self, original: str, line: int) -> str:
        """The schema name of brat's ``original``; two originals may not share one."""
        mapped = schema_name(original)
        known = self.originals.setdefault(mapped, original)
        if known != original:
            raise SchemaError(
                self.file, f"'{original}' and '{known}' both become '{mapped}' in the schema", line
            )
        return mapped

    def _concrete(self, section: str) -> list[str]:
        return [self.name(e.name, e.line) for e in flat(self.roots[section]) if not e.abstract]

    def types(self, refs: str, line: int, relations_allowed: bool = False) -> tuple[str, ...]:
        """The labels that ``refs`` (``A|B|<ENTITY>``) names; ``(ANY,)`` for ``<ANY>``."""
        found: list[str] = []
        for ref in (r.strip() for r in refs.split("|")):
            if ref == "<ANY>":
                return (ANY,)
            if ref in ("<ENTITY>", "<EVENT>"):
                found += self.entities if ref == "<ENTITY>" else self.events
                continue
            if ref == "<RELATION>" and relations_allowed:
                continue
            mapped = schema_name(ref)
            if mapped in self.abstract:
                found += self.abstract[mapped]
            elif mapped in self.labels:
                found.append(mapped)
            elif not (relations_allowed and mapped in self.relation_names):
                raise SchemaError(self.file, f"'{ref}' is not an entity or event type", line)
        return tuple(dict.fromkeys(found))

    def schema(self) -> Schema:
        if not self.labels:
            raise SchemaError(self.file, "no entity or event types ([entities] or [events])")
        attributes = self._attributes()
        labels = tuple(
            LabelSpec(
                name,
                self._color(self.originals[name]),
                description=self._display(name),
                attributes=tuple(attributes.get(name, {}).values()),
            )
            for name in self.labels
        )
        brat: dict[str, Any] = {}
        if self.forms:
            brat["labels"] = self.forms
        renamed = {k: v for k, v in self.originals.items() if k != v}
        if renamed:
            brat["names"] = renamed
        return Schema(
            name=schema_name(self.path.resolve().parent.name or "brat"),
            labels=labels,
            relations=self._relations(),
            events=self._events(),
            description=f"Converted from brat's {self.path.name}",
            extra={"brat": brat} if brat else {},
        )

    def _display(self, name: str) -> str:
        original = self.originals[name]
        forms = self.forms.get(original, [])
        return forms[0] if forms and forms[0] != original else ""

    def _color(self, original: str) -> str:
        for key in (original, "SPAN_DEFAULT"):
            color = to_hex(self.drawing.get(key, {}).get("bgColor", ""))
            if color:
                return color
        return SPAN_DEFAULT

    def _relations(self) -> tuple[RelationSpec, ...]:
        merged: dict[str, RelationSpec] = {}
        for entry in flat(self.roots["relations"]):
            if entry.abstract or entry.name in _NOT_RELATIONS:
                continue
            name = self.name(entry.name, entry.line)
            plain = [(k, v) for k, v in entry.args if not k.startswith("<")]
            special = {k: v for k, v in entry.args if k.startswith("<")}
            if len(plain) != 2:
                raise SchemaError(
                    self.file,
                    f"relation '{entry.name}' needs two arguments (Arg1, Arg2)",
                    entry.line,
                )
            heads = self.types(plain[0][1], entry.line)
            tails = self.types(plain[1][1], entry.line)
            kind = special.get("<REL-TYPE>")
            symmetric = "symmetric" in kind.split("-") if kind else entry.name == "Equiv"
            before = merged.get(name)
            if before is not None:
                heads = _union(before.heads, heads)
                tails = _union(before.tails, tails)
                symmetric = symmetric or before.symmetric
            merged[name] = RelationSpec(
                name, heads, tails, symmetric, description=self._display(name)
            )
        return tuple(merged.values())

    def _events(self) -> tuple[EventSpec, ...]:
        events = []
        for entry in flat(self.roots["events"]):
            if entry.abstract:
                continue
            name = self.name(entry.name, entry.line)
            roles: dict[str, RoleSpec] = {}
            for key, value in entry.args:
                if key.startswith("<"):
                    continue
                role = self._role(key, value, entry.line)
                before = roles.get(role.name)
                if before is not None:
                    role = RoleSpec(
                        role.name,
                        _union(before.labels, role.labels),
                        before.minimum,
                        before.maximum,
                    )
                roles[role.name] = role
            events.append(
                EventSpec(name, name, tuple(roles.values()), description=self._display(name))
            )
        return tuple(events)

    def _role(self, key: str, value: str, line: int) -> RoleSpec:
        match = _REPEAT.match(key)
        if not match:
            raise SchemaError(self.file, f"cannot read role '{key}'", line)
        role, repeat = match.groups()
        low, high = {"": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None)}.get(repeat, (0, None))
        if repeat.startswith("{"):
            bounds = _RANGE.match(repeat)
            if not bounds:
                raise SchemaError(self.file, f"cannot read '{repeat}' of role '{role}'", line)
            low = int(bounds.group(1))
            high = low if bounds.group(2) is None else int(bounds.group(2))
            if high < low:
                raise SchemaError(self.file, f"'{repeat}' of role '{role}' is empty", line)
        return RoleSpec(self.name(role, line), self.types(value, line), low, high)

    def _attributes(self) -> dict[str, dict[str, AttributeSpec]]:
        """Per label, its attributes by name."""
        by_label: dict[str, dict[str, AttributeSpec]] = {}
        for entry in flat(self.roots["attributes"]):
            if entry.abstract:
                continue
            name = self.name(entry.name, entry.line)
            args = dict(entry.args)
            if "Arg" not in args:
                raise SchemaError(self.file, f"attribute '{entry.name}' needs Arg:", entry.line)
            values = tuple(dict.fromkeys(v for v in args.get("Value", "").split("|") if v))
            spec = (
                AttributeSpec(name, AttributeType.ENUM, values)
                if values
                else AttributeSpec(name, AttributeType.BOOLEAN)
            )
            targets = self.types(args["Arg"], entry.line, relations_allowed=True)
            for label in self.labels if targets == (ANY,) else targets:
                by_label.setdefault(label, {}).setdefault(name, spec)
        return by_label


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return (ANY,) if ANY in a or ANY in b else tuple(dict.fromkeys(a + b))

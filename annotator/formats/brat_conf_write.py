"""A schema as brat's annotation.conf and visual.conf.

Labels become entity types, except the trigger labels of events, which brat knows as event
types; relation types and event roles keep their allowed labels (``<ANY>`` for any, and
``<ENTITY>``/``<EVENT>`` where a list names them all). Boolean attributes become binary ones
and enum attributes valued ones, each brat attribute listing the labels that carry it. What
brat's configuration cannot say (numeric and text attributes, one attribute name with
different values on different labels, some cardinalities) is returned as problems, and written
as comments so that a reader of the file sees them too. visual.conf gives each label its
colour and, when the schema came from brat, its display names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.formats.brat_colors import text_color
from annotator.schema import ANY, AttributeSpec, AttributeType, RoleSpec, Schema


def schema_writer(schema: Schema, path: Path) -> None:
    """Write ``schema`` as brat's annotation.conf at ``path`` (inside it, when it is a folder)
    and visual.conf beside it."""
    annotation, visual, _ = conf_texts(schema)
    path = Path(path)
    if path.is_dir():
        path = path / "annotation.conf"
    path.write_text(annotation, encoding="utf-8", newline="\n")
    path.with_name("visual.conf").write_text(visual, encoding="utf-8", newline="\n")


def brat_names(schema: Schema | None) -> Callable[[str], str]:
    """The brat name of each schema name: the original a brat configuration had, when the
    schema was read from one and had to change it (see ``brat_conf.schema_name``)."""
    brat = schema.extra.get("brat") if schema is not None else None
    names = brat.get("names") if isinstance(brat, dict) else None
    if not isinstance(names, dict) or not names:
        return str
    return lambda name: str(names.get(name, name))


def conf_texts(schema: Schema) -> tuple[str, str, list[str]]:
    """annotation.conf and visual.conf for ``schema``, and what they could not say."""
    writer = _ConfWriter(schema)
    return writer.annotation(), writer.visual(), writer.problems


class _ConfWriter:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.name = brat_names(schema)
        self.problems: list[str] = []
        self.events = [e for e in schema.events if e.trigger == e.name]
        for e in schema.events:
            if e.trigger != e.name:
                self.problems.append(
                    f"event '{e.name}' with trigger label '{e.trigger}' "
                    "(brat event types are their trigger's label)"
                )
        event_names = {e.name for e in self.events}
        self.event_labels = [lb.name for lb in schema.labels if lb.name in event_names]
        self.entity_labels = [lb.name for lb in schema.labels if lb.name not in event_names]

    def types(self, names: tuple[str, ...]) -> str:
        """``A|B`` for a list of labels, with brat's wildcards where a run of the list names
        all entity or all event labels in their order (so that reading gives the same list)."""
        if ANY in names:
            return "<ANY>"
        groups = [
            (w, g)
            for w, g in (("<ENTITY>", self.entity_labels), ("<EVENT>", self.event_labels))
            if len(g) > 1
        ]
        parts, i = [], 0
        while i < len(names):
            for wildcard, group in groups:
                if list(names[i : i + len(group)]) == group:
                    parts.append(wildcard)
                    i += len(group)
                    break
            else:
                parts.append(self.name(names[i]))
                i += 1
        return "|".join(parts)

    def annotation(self) -> str:
        s = self.schema
        lines = [f"# brat configuration of schema '{s.name}' (version {s.version})", ""]
        lines += ["[entities]", "", *(self.name(n) for n in self.entity_labels), ""]
        lines += ["[relations]", ""]
        for r in s.relations:
            kind = ", <REL-TYPE>:symmetric" if r.symmetric else ""
            heads, tails = self.types(r.heads), self.types(r.tails)
            lines.append(f"{self.name(r.name)}\tArg1:{heads}, Arg2:{tails}{kind}")
        lines += ["", "[events]", ""]
        for e in self.events:
            roles = ", ".join(self.role(e.name, r) for r in e.roles)
            lines.append(f"{self.name(e.name)}\t{roles}".rstrip("\t"))
        lines += ["", "[attributes]", "", *self.attributes(), ""]
        lines += [f"# not expressible in brat: {p}" for p in self.problems]
        return "\n".join(lines) + "\n"

    def role(self, event: str, role: RoleSpec) -> str:
        name = self.name(role.name)
        low, high = role.minimum, role.maximum
        if name[-1].isdigit() and (high is None or high > 1):
            self.problems.append(
                f"role '{role.name}' of event '{event}' repeated (brat cannot repeat a role "
                "whose name ends in a digit; written as at most one)"
            )
            high = 1
        if high is None and low > 1:
            self.problems.append(
                f"role '{role.name}' of event '{event}' filled at least {low} times "
                "(brat says '+', at least once)"
            )
        marks = {(1, 1): "", (0, 1): "?", (0, None): "*", (1, None): "+"}
        mark = marks.get((low, high))
        if mark is None:
            mark = "+" if high is None else f"{{{low}}}" if low == high else f"{{{low}-{high}}}"
        return f"{name}{mark}:{self.types(role.labels)}"

    def attributes(self) -> list[str]:
        """One line per attribute name, listing the labels that carry it."""
        by_name: dict[str, list[tuple[str, AttributeSpec]]] = {}
        for spec in self.schema.labels:
            for a in spec.attributes:
                by_name.setdefault(a.name, []).append((spec.name, a))
        lines = []
        for name, specs in by_name.items():
            kinds = {a.type for _, a in specs}
            kind = AttributeType.ENUM if AttributeType.ENUM in kinds else AttributeType.BOOLEAN
            carried = []
            for label, a in specs:
                if a.type is kind:
                    carried.append((label, a))
                else:
                    self.problems.append(
                        f"attribute '{name}' of {label} ({a.type.value}; brat attributes are "
                        "binary or take listed values, one kind per name)"
                    )
            if not carried:
                continue
            labels = self.types(tuple(label for label, _ in carried))
            if kind is AttributeType.BOOLEAN:
                lines.append(f"{self.name(name)}\tArg:{labels}")
                continue
            value_lists = {a.values for _, a in carried}
            if len(value_lists) > 1:
                self.problems.append(
                    f"attribute '{name}' takes different values on different labels "
                    "(brat lists one set; written as their union)"
                )
            values = list(dict.fromkeys(v for _, a in carried for v in a.values))
            bad = [v for v in values if not v or any(c.isspace() or c in ",|" for c in v)]
            if bad:
                self.problems.append(
                    f"values of attribute '{name}' with white space, ',' or '|': {bad}"
                )
            good = "|".join(v for v in values if v not in bad)
            if good:
                lines.append(f"{self.name(name)}\tArg:{labels}, Value:{good}")
        return lines

    def visual(self) -> str:
        lines = ["[labels]", ""]
        brat = self.schema.extra.get("brat")
        forms = brat.get("labels") if isinstance(brat, dict) else None
        if isinstance(forms, dict):
            lines += [" | ".join([str(k), *map(str, v)]) for k, v in forms.items()]
        lines += ["", "[drawing]", ""]
        lines.append("SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken")
        lines.append("ARC_DEFAULT\tcolor:black, arrowHead:triangle-5")
        for label in self.schema.labels:
            color = label.color
            lines.append(f"{self.name(label.name)}\tbgColor:{color}, fgColor:{text_color(color)}")
        return "\n".join(lines) + "\n"

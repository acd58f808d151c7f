"""UIMA type systems as INCEpTION builds them, and the schema they stand for.

Exports use one custom span layer, ``webanno.custom.Span``: its ``label`` feature holds the
label and each attribute is a feature of its own (String, Integer, Float or Boolean, the
primitive types INCEpTION edits). One layer rather than one per label because an INCEpTION
relation layer joins two annotations of ONE span layer and a slot feature points at one target
type: with a layer per label, a relation from an Actor to a Location could not be written.
Relations are the layer ``webanno.custom.Relation`` (``Governor``, ``Dependent``, ``label``);
an event is its trigger span's slot feature ``arguments``, an FSArray of
``webanno.custom.SpanArgumentsLink`` (``role``, ``target``), named the way INCEpTION names link
types (layer + feature + "Link"). A span's note is its ``note`` feature; an event whose type is
not its trigger's label keeps the type in ``event``.

A type system cannot list tag sets (INCEpTION keeps them in the project), so the type system
written from a schema carries the schema itself, as YAML in the type system's description, and
reads back to an equal schema; a foreign type system yields what its layers say.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from cassis import TypeSystem, load_dkpro_core_typesystem, load_typesystem, merge_typesystems

from annotator.document import AttributeValue
from annotator.errors import SchemaError
from annotator.schema import (
    ANY,
    AttributeSpec,
    AttributeType,
    EventSpec,
    LabelSpec,
    RelationSpec,
    Schema,
)
from annotator.schema_yaml import load_schema_text, schema_to_yaml

SPAN_TYPE = "webanno.custom.Span"
RELATION_TYPE = "webanno.custom.Relation"
LINK_TYPE = "webanno.custom.SpanArgumentsLink"
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
SENTENCE_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
NAMED_ENTITY_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
ANNOTATION = "uima.tcas.Annotation"
DOCUMENT_ANNOTATION = "uima.tcas.DocumentAnnotation"
FS_ARRAY = "uima.cas.FSArray"
STRING = "uima.cas.String"
INTEGER = "uima.cas.Integer"
FLOAT = "uima.cas.Float"
BOOLEAN = "uima.cas.Boolean"

LABEL, NOTE, EVENT, ARGUMENTS = "label", "note", "event", "arguments"
ROLE, TARGET, GOVERNOR, DEPENDENT = "role", "target", "Governor", "Dependent"
LABEL_FEATURES = (LABEL, "value")
"""Features that hold a layer's label, in order of preference (``value`` is INCEpTION's)."""
SCHEMA_MARK = "news-annotator schema (YAML):"
"""First line of a type system description that carries the schema written from it."""

_BUILT_IN_FEATURES = frozenset({"sofa", "begin", "end"})
_RESERVED = frozenset({LABEL, NOTE, EVENT, ARGUMENTS}) | _BUILT_IN_FEATURES
_FEATURE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_PYTHON_RESERVED = frozenset({"self", "type"})  # cassis renames these features' accessors
_RANGE = {
    AttributeType.ENUM: STRING,
    AttributeType.TEXT: STRING,
    AttributeType.INTEGER: INTEGER,
    AttributeType.FLOAT: FLOAT,
    AttributeType.BOOLEAN: BOOLEAN,
}
_ATTRIBUTE_TYPE = {
    STRING: AttributeType.TEXT,
    "uima.cas.Byte": AttributeType.INTEGER,
    "uima.cas.Short": AttributeType.INTEGER,
    INTEGER: AttributeType.INTEGER,
    "uima.cas.Long": AttributeType.INTEGER,
    FLOAT: AttributeType.FLOAT,
    "uima.cas.Double": AttributeType.FLOAT,
    BOOLEAN: AttributeType.BOOLEAN,
}
_COLORS = ("#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
_INT32 = range(-(2**31), 2**31)
MAX_TYPESYSTEM_BYTES = 50 * 1024 * 1024


def accessor(name: str) -> str:
    """The Python name under which cassis keeps the feature ``name`` ('type' becomes 'type_')."""
    return f"{name}_" if name in _PYTHON_RESERVED else name


def _feature_name(feature: Any) -> str:
    name: str = feature.name
    return name[:-1] if getattr(feature, "_has_reserved_name", False) else name


def _is_a(type_: Any, name: str) -> bool:
    while type_ is not None:
        if type_.name == name:
            return True
        type_ = type_.supertype
    return False


def _primitive_name(type_: Any) -> str | None:
    """The primitive type a (possibly restricted) range type is, or None."""
    while type_ is not None:
        if type_.name in _ATTRIBUTE_TYPE:
            return str(type_.name)
        type_ = type_.supertype
    return None


# -- writing ------------------------------------------------------------------------------------


class LayerBuilder:
    """The type system of an export: DKPro Core's document metadata, sentences and tokens, and
    the custom span layer with one feature per attribute, declared from the schema or on first
    use; the relation layer, the link type and the note and event features when needed."""

    def __init__(self, schema: Schema | None) -> None:
        self.schema = schema
        ts = TypeSystem()
        meta = ts.create_type(METADATA_TYPE, supertypeName=DOCUMENT_ANNOTATION)
        # DKPro Core's full DocumentMetaData, so that INCEpTION's XMI reads without its own
        # type system beside it.
        for name in (
            "documentTitle",
            "documentId",
            "documentUri",
            "collectionId",
            "documentBaseUri",
        ):
            ts.create_feature(meta, name, STRING)
        ts.create_feature(meta, "isLastSegment", BOOLEAN)
        ts.create_type(SENTENCE_TYPE, supertypeName=ANNOTATION)
        ts.create_type(TOKEN_TYPE, supertypeName=ANNOTATION)
        self.ts = ts
        self.span = ts.create_type(SPAN_TYPE, supertypeName=ANNOTATION, description="Spans")
        labels = ", ".join(lb.name for lb in schema.labels) if schema else ""
        ts.create_feature(self.span, LABEL, STRING, description=_one_of("The label", labels))
        self._ranges: dict[str, str] = {}
        self._relation: Any = None
        self._link: Any = None
        self._optional: set[str] = set()
        if schema is None:
            return
        for label in schema.labels:
            for spec in label.attributes:
                if _FEATURE_NAME.match(spec.name) and spec.name not in _RESERVED:
                    self._declare(spec.name, _RANGE[spec.type], _describe(schema, spec.name))
        if schema.relations:
            self.relation_type()
        if schema.events:
            self.link_type()
        if any(e.name != e.trigger for e in schema.events):
            self.optional(EVENT)

    def _declare(self, name: str, range_: str, description: str = "") -> str:
        if name not in self._ranges:
            self._ranges[name] = range_
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # cassis warns when it renames 'type'
                self.ts.create_feature(self.span, name, range_, description=description or None)
        return self._ranges[name]

    def attribute(self, name: str, value: AttributeValue) -> tuple[str, AttributeValue] | str:
        """The feature accessor and value that write attribute ``name``, or why it cannot be."""
        if not _FEATURE_NAME.match(name) or name in _RESERVED:
            return "attributes whose names are not UIMA feature names (or are label, note, event)"
        range_ = self._declare(name, _range_of(value))
        fitted = _fit(value, range_)
        if fitted is None:
            return f"attribute values that do not fit their feature's type ({name}: {range_})"
        return accessor(name), fitted

    def optional(self, name: str) -> str:
        """Declare the span layer's ``note`` or ``event`` feature (once); its accessor."""
        if name not in self._optional:
            self._optional.add(name)
            self.ts.create_feature(self.span, name, STRING)
        return name

    def relation_type(self) -> Any:
        """The relation layer (declared on first use)."""
        if self._relation is None:
            relation = self.ts.create_type(RELATION_TYPE, supertypeName=ANNOTATION)
            self.ts.create_feature(relation, GOVERNOR, self.span)
            self.ts.create_feature(relation, DEPENDENT, self.span)
            names = ", ".join(r.name for r in self.schema.relations) if self.schema else ""
            self.ts.create_feature(relation, LABEL, STRING, description=_one_of("The type", names))
            self._relation = relation
        return self._relation

    def link_type(self) -> Any:
        """The link type of the ``arguments`` slot feature (declared on first use)."""
        if self._link is None:
            link = self.ts.create_type(LINK_TYPE, supertypeName="uima.cas.TOP")
            self.ts.create_feature(link, ROLE, STRING)
            self.ts.create_feature(link, TARGET, self.span)
            self.ts.create_feature(self.span, ARGUMENTS, FS_ARRAY, elementType=link)
            self._link = link
        return self._link

    def to_xml(self) -> bytes:
        """TypeSystem.xml; with a schema, its description carries the schema as YAML."""
        xml: str = self.ts.to_xml()
        if self.schema is not None:
            head = (
                f"<name>{escape(self.schema.name)}</name>"
                f"<description>{escape(SCHEMA_MARK + chr(10) + schema_to_yaml(self.schema))}"
                "</description><types>"
            )
            xml = xml.replace("<types>", head, 1)
        return xml.encode("utf-8")


def _one_of(what: str, names: str) -> str:
    return f"{what}: one of {names}" if names else what


def _describe(schema: Schema, name: str) -> str:
    labels = [lb for lb in schema.labels if lb.attribute(name) is not None]
    text = f"Attribute of {', '.join(lb.name for lb in labels)}"
    values = sorted({v for lb in labels for v in (lb.attribute(name) or _NO_SPEC).values})
    return f"{text}; one of {', '.join(values)}" if values else text


_NO_SPEC = AttributeSpec("", AttributeType.TEXT)


def _range_of(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    return FLOAT if isinstance(value, float) else STRING


def _fit(value: AttributeValue, range_: str) -> AttributeValue:
    """``value`` as the feature's range holds it, or None when it does not fit."""
    if range_ == BOOLEAN:
        return value if isinstance(value, bool) else None
    if isinstance(value, bool):
        return None
    if range_ == INTEGER:
        return value if isinstance(value, int) and value in _INT32 else None
    if range_ == FLOAT:
        return float(value) if isinstance(value, int | float) else None
    return value if isinstance(value, str) else None


def schema_writer(schema: Schema, path: Path) -> None:
    """Write ``schema`` as an INCEpTION type system (TypeSystem.xml) to ``path``."""
    path.write_bytes(LayerBuilder(schema).to_xml())


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """How the reader treats one annotation type: as a span layer (``label`` and ``note`` name
    the accessors of its label and note features, ``slots`` its slot features), a relation
    layer, document metadata, or a type it does not carry (kind "other")."""

    kind: str
    name: str
    short: str
    label: str | None = None
    note: str | None = None
    event: str | None = None
    slots: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str, AttributeType], ...] = ()  # (name, accessor, type)
    unsupported: tuple[str, ...] = ()  # accessors of features the reader cannot carry
    target: str | None = None  # relations: the type their ends are


def layer_of(type_: Any) -> Layer:
    """Classify a cassis type after INCEpTION's type system analysis: a custom
    (``webanno.custom.*``) annotation type is a relation layer when it has ``Governor`` and
    ``Dependent`` features pointing at annotations, else a span layer, as is NamedEntity (and
    its subtypes); DKPro Core's other types are not carried."""
    name, short = str(type_.name), str(type_.name).rsplit(".", 1)[-1]
    if _is_a(type_, DOCUMENT_ANNOTATION):
        return Layer("metadata", name, short)
    if not _is_a(type_, ANNOTATION):
        return Layer("other", name, short)
    features = {_feature_name(f): f for f in type_.all_features}
    ends = [features.get(GOVERNOR), features.get(DEPENDENT)]
    custom = name.startswith("webanno.custom.")
    if custom and all(f is not None and _is_a(f.rangeType, ANNOTATION) for f in ends):
        kind = "relation"
    elif custom or _is_a(type_, NAMED_ENTITY_TYPE):
        kind = "span"
    else:
        return Layer("other", name, short)
    label = next((n for n in LABEL_FEATURES if _is_string(features.get(n))), None)
    slots = tuple(n for n, f in features.items() if kind == "span" and _is_slot(f))
    special = {label, GOVERNOR, DEPENDENT, *slots, *_BUILT_IN_FEATURES}
    note = NOTE if kind == "span" and _is_string(features.get(NOTE)) else None
    event = EVENT if slots and _is_string(features.get(EVENT)) else None
    attributes, unsupported = [], []
    for feature_name, feature in features.items():
        if feature_name in special or feature_name in (note, event):
            continue
        primitive = _primitive_name(feature.rangeType)
        if primitive is not None and kind == "span":
            attributes.append((feature_name, feature.name, _ATTRIBUTE_TYPE[primitive]))
        else:
            unsupported.append(str(feature.name))
    target = str(ends[0].rangeType.name) if kind == "relation" and ends[0] is not None else None
    return Layer(
        kind,
        name,
        short,
        label=accessor(label) if label else None,
        note=note,
        event=event,
        slots=slots,
        attributes=tuple(attributes),
        unsupported=tuple(unsupported),
        target=target,
    )


def _is_string(feature: Any) -> bool:
    return feature is not None and _primitive_name(feature.rangeType) == STRING


def _is_slot(feature: Any) -> bool:
    """An FSArray of links with a ``role`` string and an annotation ``target``."""
    element = feature.elementType
    if feature.rangeType.name != FS_ARRAY or element is None:
        return False
    typesystem = feature.domainType.typesystem
    if typesystem is not None and typesystem.contains_type(element.name):
        element = typesystem.get_type(element.name)  # cassis may hold a stand-in here
    target = element.get_feature(TARGET)
    return (
        _is_string(element.get_feature(ROLE))
        and target is not None
        and (_is_a(target.rangeType, ANNOTATION))
    )


def check_xml(data: bytes) -> Any:
    """Parse ``data`` with defusedxml (no DTD, no entities): the root element. Run on every type
    system before cassis (lxml) sees it; raises ValueError or a ParseError."""
    return SafeET.fromstring(data, forbid_dtd=True)


def load_checked_typesystem(data: bytes) -> Any:
    """A cassis type system from bytes that :func:`check_xml` accepted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cassis warns when it renames 'type' and 'self'
        return load_typesystem(BytesIO(data))


def fallback_typesystem() -> Any:
    """The type system of an XMI found without one: DKPro Core's types as cassis ships them,
    with DocumentMetaData and this app's own layers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cassis reads its resource the deprecated way
        dkpro = load_dkpro_core_typesystem()
    return merge_typesystems(dkpro, LayerBuilder(None).ts)


def schema_reader(path: Path) -> Schema:
    """The schema of a type system: the one written into it by :func:`schema_writer`, or one
    derived from its layers (span layers without a label feature become labels, their
    primitive features attributes; relation layers without one become relation types)."""
    file = str(path)
    try:
        if path.stat().st_size > MAX_TYPESYSTEM_BYTES:
            raise SchemaError(file, f"larger than {MAX_TYPESYSTEM_BYTES} bytes")
        data = path.read_bytes()
        root = check_xml(data)
    except OSError as exc:
        raise SchemaError(file, f"cannot read: {exc.strerror or exc}") from None
    except (ValueError, SafeET.ParseError) as exc:
        raise SchemaError(file, f"not a safe, well-formed XML file: {exc}") from None
    if root.tag.rsplit("}", 1)[-1] != "typeSystemDescription":
        raise SchemaError(file, f"not a UIMA type system (root element {root.tag})")
    description = root.findtext("{*}description") or ""
    if description.startswith(SCHEMA_MARK):
        return load_schema_text(description[len(SCHEMA_MARK) :].lstrip("\n"), file)
    try:
        ts = load_checked_typesystem(data)
    except Exception as exc:  # cassis raises many kinds on a broken type system
        raise SchemaError(file, f"cassis cannot load this type system: {exc}") from None
    return _derived_schema(ts, path.stem)


def _derived_schema(ts: Any, name: str) -> Schema:
    layers = sorted((layer_of(t) for t in ts.get_types()), key=lambda layer: layer.name)
    fixed = {lr.name: lr.short for lr in layers if lr.kind == "span" and lr.label is None}
    labels: list[LabelSpec] = []
    relations: list[RelationSpec] = []
    events: list[EventSpec] = []
    tagged: list[str] = []
    for layer in layers:
        if layer.kind not in ("span", "relation"):
            continue
        if layer.label is not None:
            tagged.append(layer.short)
        elif layer.kind == "span":
            attributes = tuple(AttributeSpec(n, t) for n, _, t in layer.attributes)
            color = _COLORS[len(labels) % len(_COLORS)]
            labels.append(LabelSpec(layer.short, color, attributes=attributes))
            if layer.slots:
                events.append(EventSpec(layer.short, layer.short))
        else:
            end = fixed.get(layer.target or "")
            allowed = (end,) if end else (ANY,)
            relations.append(RelationSpec(layer.short, allowed, allowed))
    description = "From a UIMA type system."
    if tagged:
        description += f" Layers whose labels are tags (not in a type system): {', '.join(tagged)}"
    return Schema(name, tuple(labels), tuple(relations), tuple(events), description)

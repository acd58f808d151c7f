"""The schema's ``suggestions`` block: which sources suggest spans, read and checked here, and
the suggesters built from it. Every source is optional::

    suggestions:
      gazetteers:
        - file: weapon_systems.tsv        # shipped in schemas/, or an absolute path
        - geonames: {label: Location, min_population: 15000}
      rules: [casualties]
      corpus: true                        # the corpus's labelled spans, found elsewhere
      spacy: {pipeline: en_core_web_sm, labels: {GPE: Location, ORG: Actor}}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from annotator.document import AttributeValue
from annotator.errors import InputError, SchemaError
from annotator.schema import AttributeSpec, AttributeType, Schema
from annotator.suggest.model import Suggester, Suggestion, merge

if TYPE_CHECKING:  # the modules behind the sources are imported when a source is built
    from annotator.suggest.gazetteer import Gazetteer, GazetteerEntry

RULES = ("casualties",)  # the rule sets a schema may name under 'rules'
CORPUS = "corpus"  # the source name of suggestions learned from the corpus


@dataclass(frozen=True)
class GazetteerFile:
    """A gazetteer read from a TSV file (see :func:`read_gazetteer`)."""

    file: str
    case_sensitive: bool = False


@dataclass(frozen=True)
class GeonamesSource:
    """The place gazetteer built from GeoNames data (see :mod:`annotator.suggest.geonames`)."""

    label: str = "Location"
    min_population: int = 15000


@dataclass(frozen=True)
class SpacySettings:
    """An installed spaCy pipeline and the schema label of each entity label it may give."""

    pipeline: str
    labels: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


@dataclass(frozen=True)
class SuggestionSettings:
    """The parsed ``suggestions`` block of a schema (empty: no source suggests anything)."""

    gazetteers: tuple[GazetteerFile | GeonamesSource, ...] = ()
    rules: tuple[str, ...] = ()
    corpus: bool = False
    spacy: SpacySettings | None = field(default=None)

    @classmethod
    def of(cls, schema: Schema) -> SuggestionSettings:
        """The settings of ``schema`` (its ``suggestions`` block)."""
        return read_settings(schema.suggestions, f"schema '{schema.name}'")

    def to_data(self) -> dict[str, Any]:
        """The settings as plain data in the schema file's shape (defaults left out)."""
        data: dict[str, Any] = {}
        if self.gazetteers:
            data["gazetteers"] = [_source_data(g) for g in self.gazetteers]
        if self.rules:
            data["rules"] = list(self.rules)
        if self.corpus:
            data["corpus"] = True
        if self.spacy:
            data["spacy"] = {"pipeline": self.spacy.pipeline, "labels": dict(self.spacy.labels)}
        return data


def _source_data(source: GazetteerFile | GeonamesSource) -> dict[str, Any]:
    if isinstance(source, GazetteerFile):
        return {"file": source.file, **({"case_sensitive": True} if source.case_sensitive else {})}
    return {"geonames": {"label": source.label, "min_population": source.min_population}}


# -- reading -------------------------------------------------------------------------------------


class _Reader:
    """Checks the block where it stands; lines come from the schema loader's mappings and
    sequences (``key_lines``, ``item_lines``) when it has them."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, reason: str, line: int | None) -> SchemaError:
        return SchemaError(self.file, reason, line)

    @staticmethod
    def key_line(m: Any, key: str, default: int | None) -> int | None:
        return getattr(m, "key_lines", {}).get(key) or default

    def mapping(self, value: Any, what: str, line: int | None, keys: set[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(f"{what} must be a mapping", line)
        for key in value:
            if key not in keys:
                expected = ", ".join(sorted(keys))
                raise self.fail(
                    f"unknown key '{key}' in {what} (expected {expected})",
                    self.key_line(value, key, line),
                )
        return value

    def typed(self, m: Mapping[str, Any], key: str, what: str, kind: type, line: int | None) -> Any:
        value = m[key]
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
            want = {str: "text", int: "an integer", bool: "true or false", list: "a list"}[kind]
            raise self.fail(f"'{key}' of {what} must be {want}, not {value!r}", line)
        return value

    def settings(self, data: Any, line: int | None) -> SuggestionSettings:
        what = "the suggestions"
        top = self.mapping(data, what, line, {"gazetteers", "rules", "corpus", "spacy"})
        gazetteers: list[GazetteerFile | GeonamesSource] = []
        rules: list[str] = []
        corpus = False
        spacy = None
        if top.get("gazetteers") is not None:
            at = self.key_line(top, "gazetteers", line)
            seq = self.typed(top, "gazetteers", what, list, at)
            lines = getattr(seq, "item_lines", [at] * len(seq))
            gazetteers = [self.gazetteer(v, ln) for v, ln in zip(seq, lines, strict=True)]
        if top.get("rules") is not None:
            at = self.key_line(top, "rules", line)
            rules = list(self.typed(top, "rules", what, list, at))
            for rule in rules:
                if rule not in RULES:
                    raise self.fail(
                        f"unknown rules {rule!r} in the suggestions (there are: {', '.join(RULES)})",
                        at,
                    )
        if top.get("corpus") is not None:
            corpus = self.typed(top, "corpus", what, bool, self.key_line(top, "corpus", line))
        if top.get("spacy") is not None:
            spacy = self.spacy(top["spacy"], self.key_line(top, "spacy", line))
        return SuggestionSettings(tuple(gazetteers), tuple(dict.fromkeys(rules)), corpus, spacy)

    def gazetteer(self, value: Any, line: int | None) -> GazetteerFile | GeonamesSource:
        what = "a gazetteer of the suggestions"
        m = self.mapping(value, what, line, {"file", "case_sensitive", "geonames"})
        if ("file" in m) == ("geonames" in m):
            raise self.fail(f"{what} needs either 'file' or 'geonames'", line)
        if "file" in m:
            file = self.typed(m, "file", what, str, self.key_line(m, "file", line)).strip()
            if not file:
                raise self.fail(f"'file' of {what} is empty", self.key_line(m, "file", line))
            case = m.get("case_sensitive")
            if case is not None:
                self.typed(
                    m, "case_sensitive", what, bool, self.key_line(m, "case_sensitive", line)
                )
            return GazetteerFile(file, bool(case))
        if "case_sensitive" in m:
            raise self.fail(
                "'case_sensitive' is for gazetteer files (places match case-sensitively)",
                self.key_line(m, "case_sensitive", line),
            )
        at = self.key_line(m, "geonames", line)
        options = m["geonames"] if m["geonames"] is not None else {}
        g = self.mapping(options, "'geonames'", at, {"label", "min_population"})
        label = GeonamesSource.label
        population = GeonamesSource.min_population
        if g.get("label") is not None:
            label = self.typed(g, "label", "'geonames'", str, self.key_line(g, "label", at))
        if g.get("min_population") is not None:
            population_line = self.key_line(g, "min_population", at)
            population = self.typed(g, "min_population", "'geonames'", int, population_line)
            if population < 0:
                raise self.fail(
                    "'min_population' of 'geonames' must not be negative", population_line
                )
        return GeonamesSource(label, population)

    def spacy(self, value: Any, line: int | None) -> SpacySettings:
        what = "'spacy' of the suggestions"
        m = self.mapping(value, what, line, {"pipeline", "labels"})
        for key in ("pipeline", "labels"):
            if m.get(key) is None:
                raise self.fail(f"{what} needs '{key}'", line)
        pipeline = self.typed(m, "pipeline", what, str, self.key_line(m, "pipeline", line))
        labels_line = self.key_line(m, "labels", line)
        labels = m["labels"]
        if not isinstance(labels, Mapping) or not labels:
            raise self.fail(
                f"'labels' of {what} must map spaCy's labels to the schema's (GPE: Location)",
                labels_line,
            )
        for key, target in labels.items():
            if not isinstance(target, str):
                raise self.fail(
                    f"spaCy label '{key}' must map to a label name, not {target!r}",
                    self.key_line(labels, key, labels_line),
                )
        return SpacySettings(pipeline, {str(k): v for k, v in labels.items()})


def read_settings(data: Any, file: str = "<schema>", line: int | None = None) -> SuggestionSettings:
    """Check a ``suggestions`` block (``data`` as loaded from YAML); a SchemaError naming
    ``file`` and the line says what is wrong. Labels are not checked against the schema:
    suggestions of labels it lacks are dropped when suggesting."""
    if data is None or (isinstance(data, Mapping) and not data):
        return SuggestionSettings()
    return _Reader(file).settings(data, line)


# -- building ------------------------------------------------------------------------------------


def build_suggesters(
    settings: SuggestionSettings, schema: Schema, learned: Sequence[GazetteerEntry] = ()
) -> list[Suggester]:
    """The suggesters the settings name, most trusted first: the corpus's own spans
    (``learned``, as gazetteer entries, when ``corpus`` is on), the gazetteers in their order,
    the rules, then spaCy. Their suggestions are fitted to ``schema``: a label it lacks is
    dropped, attributes are converted to its types and left out when it refuses them."""
    from annotator.suggest.gazetteer import Gazetteer

    sources: list[Suggester] = []
    if settings.corpus and learned:
        sources.append(Gazetteer(CORPUS, learned, case_sensitive=True))
    for source in settings.gazetteers:
        if isinstance(source, GazetteerFile):
            sources.append(file_gazetteer(source.file, source.case_sensitive))
        else:
            from annotator.suggest.geonames import geonames_gazetteer

            sources.append(geonames_gazetteer(source.label, source.min_population))
    for rule in settings.rules:
        if rule == "casualties":
            from annotator.suggest.casualty_rules import CasualtyRules

            sources.append(CasualtyRules())
    if settings.spacy:
        from annotator.suggest.spacy_source import SpacySource

        sources.append(SpacySource(settings.spacy.pipeline, settings.spacy.labels))
    return [SchemaFitted(s, schema) for s in sources]


def gazetteer_path(file: str) -> Path:
    """Where the gazetteer ``file`` of a schema is: an absolute path as it is, any other name
    in the schemas shipped with the app."""
    path = Path(file).expanduser()
    if path.is_absolute():
        return path
    resource = files("schemas") / file
    if not resource.is_file():
        raise InputError(file, "no such gazetteer (not shipped in schemas/, not an absolute path)")
    with as_file(resource) as real:
        return Path(real)


def file_gazetteer(file: str, case_sensitive: bool = False) -> Gazetteer:
    """The gazetteer of ``file`` (see :func:`gazetteer_path`), built once while the file is
    unchanged; named ``gazetteer:`` and the file's name without extension."""
    path = gazetteer_path(file)
    try:
        stat = path.stat()
    except OSError:
        raise InputError(str(path), "no such file") from None
    return _built(str(path), stat.st_mtime_ns, stat.st_size, case_sensitive)


@lru_cache(maxsize=8)
def _built(path: str, mtime_ns: int, size: int, case_sensitive: bool) -> Gazetteer:
    from annotator.suggest.gazetteer import Gazetteer, read_gazetteer

    name = f"gazetteer:{Path(path).stem}"
    return Gazetteer(name, read_gazetteer(path), case_sensitive=case_sensitive)


def suggest_text(suggesters: Iterable[Suggester], text: str) -> list[Suggestion]:
    """Every source's suggestions for ``text``, merged (:func:`merge`) in text order."""
    return merge(s.suggest(text) for s in suggesters)


# -- fitting suggestions to the schema -----------------------------------------------------------

_INT = re.compile(r"[-+]?\d+")
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def coerce(spec: AttributeSpec, value: AttributeValue) -> AttributeValue:
    """``value`` converted to the type of ``spec`` ("12" to 12 for an integer, 3 to 3.0 for a
    float, "yes" to True), or None when it cannot be or ``spec`` refuses it (out of range, not
    one of the enum's values)."""
    converted = _convert(spec.type, value)
    return converted if converted is not None and spec.check(converted) is None else None


def _convert(kind: AttributeType, value: AttributeValue) -> AttributeValue:
    if value is None:
        return None
    if kind is AttributeType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return True if text in _TRUE else False if text in _FALSE else None
    if isinstance(value, bool):  # True is no number and no name
        return None
    if kind in (AttributeType.ENUM, AttributeType.TEXT):
        return value if isinstance(value, str) else str(value)
    number: float | int
    if isinstance(value, str):
        text = value.strip()
        try:
            number = int(text) if _INT.fullmatch(text) else float(text)
        except ValueError:
            return None
    else:
        number = value
    if not math.isfinite(number):
        return None
    if kind is AttributeType.FLOAT:
        return float(number)
    return int(number) if float(number).is_integer() else None


class SchemaFitted:
    """A suggester whose suggestions are fitted to a schema (see :func:`build_suggesters`)."""

    def __init__(self, source: Suggester, schema: Schema) -> None:
        self.source = source
        self.name = source.name
        self.schema = schema

    def suggest(self, text: str) -> list[Suggestion]:
        """The source's suggestions of the schema's labels, their attributes fitted."""
        fitted: list[Suggestion] = []
        memo: dict[tuple[Any, ...], Mapping[str, AttributeValue] | None] = {}
        for s in self.source.suggest(text):
            key = (s.label, *s.attributes.items())
            if key not in memo:
                memo[key] = self._attributes(s)
            attributes = memo[key]
            if attributes is None:
                continue
            same = attributes is s.attributes
            fitted.append(s if same else Suggestion(s.start, s.end, s.label, attributes, s.source))
        return fitted

    def _attributes(self, s: Suggestion) -> Mapping[str, AttributeValue] | None:
        """The fitted attributes of ``s`` (the same mapping when nothing changes), or None
        when its label is not in the schema."""
        spec = self.schema.label(s.label)
        if spec is None:
            return None
        fitted = {}
        for name, value in s.attributes.items():
            attribute = spec.attribute(name)
            converted = coerce(attribute, value) if attribute is not None else None
            if converted is not None:
                fitted[name] = converted
        unchanged = fitted.keys() == s.attributes.keys() and all(
            type(v) is type(s.attributes[k]) for k, v in fitted.items()
        )
        return s.attributes if unchanged else fitted

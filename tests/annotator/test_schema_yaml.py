"""Schema files: the shipped ones load, bad ones fail with file, line and reason."""

from pathlib import Path

import pytest

from annotator.errors import SchemaError
from annotator.schema import AttributeType
from annotator.schema_yaml import load_schema_file, load_schema_text, schema_to_yaml

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_default_schema_keeps_its_public_names():
    schema = load_schema_file(SCHEMAS / "conflict.yaml")
    assert [lb.name for lb in schema.labels][:4] == [
        "Actor",
        "Location",
        "WeaponSystem",
        "Casualty",
    ]
    assert schema.label("Actor").attribute("category").values == (
        "state_force",
        "non_state_armed_group",
        "political",
        "civilian",
        "international",
        "other",
    )
    location = schema.label("Location")
    assert location.attribute("type").values == (
        "country",
        "region",
        "city",
        "village",
        "site",
        "other",
    )
    assert location.attribute("latitude").type is AttributeType.FLOAT
    assert location.attribute("geonames_id").type is AttributeType.INTEGER
    assert schema.label("WeaponSystem").attribute("category").values == (
        "aircraft",
        "drone",
        "missile",
        "rocket",
        "artillery",
        "explosive",
        "small_arms",
        "armoured_vehicle",
        "naval",
        "chemical",
        "other",
    )
    casualty = schema.label("Casualty")
    assert casualty.attribute("count").type is AttributeType.INTEGER
    assert casualty.attribute("kind").values == (
        "killed",
        "injured",
        "missing",
        "captured",
        "displaced",
    )
    assert casualty.attribute("group").values == ("civilian", "combatant", "unknown")
    assert schema.relation("uses").allows("Actor", "WeaponSystem")
    assert not schema.relation("uses").allows("WeaponSystem", "Actor")
    assert schema.relation("located_at").allows("Casualty", "Location")
    assert schema.relation("caused").allows("Actor", "Casualty")
    assert [r.name for r in schema.event("Attack").roles] == [
        "attacker",
        "target",
        "instrument",
        "place",
        "casualty",
    ]
    colors = [lb.color for lb in schema.labels]
    assert len(set(colors)) == len(colors)


def test_conll_schema_has_the_four_types():
    assert [lb.name for lb in load_schema_file(SCHEMAS / "conll-ner.yaml").labels] == [
        "PER",
        "ORG",
        "LOC",
        "MISC",
    ]


def test_schema_round_trips_through_yaml():
    schema = load_schema_file(SCHEMAS / "conflict.yaml")
    assert load_schema_text(schema_to_yaml(schema)) == schema


def test_attribute_checks():
    schema = load_schema_file(SCHEMAS / "conflict.yaml")
    assert (
        schema.check_attributes("Casualty", {"count": 9, "kind": "killed", "group": "civilian"})
        == []
    )
    assert schema.check_attributes("Casualty", {"count": "nine"}) == [
        "attribute 'count' must be an integer"
    ]
    assert schema.check_attributes("Casualty", {"count": True}) == [
        "attribute 'count' must be an integer"
    ]
    assert schema.check_attributes("Location", {"latitude": 91.0}) == [
        "attribute 'latitude' must be at most 90"
    ]
    assert schema.check_attributes("Actor", {"colour": "x"}) == [
        "label 'Actor' has no attribute 'colour'"
    ]
    assert schema.check_attributes("Tank", {}) == ["label 'Tank' is not in schema 'conflict'"]


GOOD_LABEL = 'labels:\n  - name: A\n    color: "#aabbcc"\n'

BAD = [
    ("labels: [\n", 2, "not valid YAML"),
    ("- a\n- b\n", 1, "the schema must be a mapping"),
    ("name: x\n", 1, "at least one label"),
    ("labels:\n  - name: A\n    color: '#aabbcc'\n", 1, "needs 'name'"),
    ("name: x\nlabels:\n  - name: A\n    color: red\n", 4, "must look like #1f77b4"),
    (
        "name: x\nlabels:\n  - name: A\n    color: '#aabbcc'\n    colour: red\n",
        5,
        "unknown key 'colour'",
    ),
    ("name: x\nname: y\n" + GOOD_LABEL, 2, "duplicate key 'name'"),
    (
        "name: x\n" + GOOD_LABEL + "  - name: A\n    color: '#000000'\n",
        5,
        "label 'A' is defined twice",
    ),
    ("name: x\n" + GOOD_LABEL + "    hotkey: ab\n", 5, "single character"),
    (
        "name: x\n"
        + GOOD_LABEL
        + "    hotkey: a\n  - name: B\n    color: '#000000'\n    hotkey: a\n",
        8,
        "hotkey 'a' is defined twice",
    ),
    ("name: 'two words'\n" + GOOD_LABEL, 1, "must start with a letter"),
    (
        "name: x\n" + GOOD_LABEL + "    attributes:\n      - name: n\n        type: number\n",
        7,
        "type of attribute 'n'",
    ),
    (
        "name: x\n" + GOOD_LABEL + "    attributes:\n      - name: k\n        type: enum\n",
        6,
        "needs 'values'",
    ),
    (
        "name: x\n"
        + GOOD_LABEL
        + "    attributes:\n      - name: n\n        type: integer\n        default: many\n",
        8,
        "must be an integer",
    ),
    (
        "name: x\n"
        + GOOD_LABEL
        + "    attributes:\n      - name: n\n        type: integer\n        min: 5\n        max: 1\n",
        8,
        "above its max",
    ),
    (
        "name: x\n"
        + GOOD_LABEL
        + "    attributes:\n      - name: n\n        type: text\n        required: maybe\n",
        8,
        "must be true or false",
    ),
    (
        "name: x\n" + GOOD_LABEL + "relations:\n  - name: r\n    head: A\n    tail: Nope\n",
        8,
        "unknown label 'Nope'",
    ),
    (
        "name: x\n"
        + GOOD_LABEL
        + "events:\n  - name: E\n    roles:\n      - name: who\n        labels: [A]\n",
        6,
        "trigger of event 'E' names unknown label 'E'",
    ),
    (
        "name: x\n"
        + GOOD_LABEL
        + "events:\n  - name: E\n    trigger: A\n    roles:\n      - name: who\n        labels: [A]\n        cardinality: lots\n",
        11,
        "cardinality",
    ),
    ("name: x\nlabels: 3\n", 2, "'labels' of the schema must be a list"),
]


@pytest.mark.parametrize("text,line,reason", BAD)
def test_bad_schema_names_file_line_and_reason(text, line, reason):
    with pytest.raises(SchemaError) as info:
        load_schema_text(text, "my.yaml")
    assert info.value.file == "my.yaml"
    assert info.value.line == line, str(info.value)
    assert reason in info.value.reason
    assert str(info.value).startswith(f"my.yaml:{line}: ")


def test_missing_schema_file(tmp_path):
    with pytest.raises(SchemaError, match="no such file"):
        load_schema_file(tmp_path / "nope.yaml")

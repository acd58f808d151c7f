"""The schema's suggestions block: read and checked with file and line, written back, and turned
into suggesters whose suggestions fit the schema's labels and attribute types."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.errors import AnnotatorError, InputError, SchemaError
from annotator.schema import AttributeSpec, AttributeType
from annotator.schema_yaml import load_schema_file, load_schema_text, schema_to_yaml
from annotator.suggest.config import (
    GazetteerFile,
    GeonamesSource,
    SpacySettings,
    SuggestionSettings,
    build_suggesters,
    coerce,
    file_gazetteer,
    read_settings,
    suggest_text,
)
from annotator.suggest.gazetteer import GazetteerEntry

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"

HEAD = """name: test
labels:
  - name: Location
    color: "#2ca02c"
    attributes:
      - {name: type, type: enum, values: [city, country]}
      - {name: latitude, type: float, min: -90, max: 90}
      - {name: geonames_id, type: integer, min: 1}
      - {name: capital, type: boolean}
      - {name: note, type: text}
  - name: WeaponSystem
    color: "#d62728"
    attributes:
      - {name: category, type: enum, values: [drone, rocket]}
"""


@pytest.fixture(scope="module")
def conflict():
    return load_schema_file(SCHEMAS / "conflict.yaml")


def test_the_example_block_reads_and_writes_back():
    schema = load_schema_text(
        HEAD
        + """suggestions:
  gazetteers:
    - file: weapon_systems.tsv
    - {file: /data/places.tsv, case_sensitive: true}
    - geonames: {label: Location, min_population: 5000}
    - geonames:
  rules: [casualties]
  corpus: true
  spacy: {pipeline: en_core_web_sm, labels: {GPE: Location, LOC: Location, ORG: Actor}}
"""
    )
    settings = SuggestionSettings.of(schema)
    assert settings == SuggestionSettings(
        gazetteers=(
            GazetteerFile("weapon_systems.tsv"),
            GazetteerFile("/data/places.tsv", case_sensitive=True),
            GeonamesSource("Location", 5000),
            GeonamesSource("Location", 15000),
        ),
        rules=("casualties",),
        corpus=True,
        spacy=SpacySettings(
            "en_core_web_sm", {"GPE": "Location", "LOC": "Location", "ORG": "Actor"}
        ),
    )
    again = load_schema_text(schema_to_yaml(schema))
    assert again == schema
    assert SuggestionSettings.of(again) == settings


def test_a_schema_without_the_block_suggests_nothing():
    schema = load_schema_text(HEAD)
    assert schema.suggestions == {}
    assert SuggestionSettings.of(schema) == SuggestionSettings()
    assert "suggestions" not in schema_to_yaml(schema)
    assert build_suggesters(SuggestionSettings.of(schema), schema) == []


def test_the_shipped_schema_has_the_block(conflict):
    settings = SuggestionSettings.of(conflict)
    assert settings == SuggestionSettings(
        gazetteers=(GazetteerFile("weapon_systems.tsv"), GeonamesSource("Location", 15000)),
        rules=("casualties",),
        corpus=True,
    )


@pytest.mark.parametrize(
    ("block", "line", "reason"),
    [
        ("  gazeteers: []\n", 16, "unknown key 'gazeteers' in the suggestions (expected"),
        ("  gazetteers: weapons.tsv\n", 16, "'gazetteers' of the suggestions must be a list"),
        ("  gazetteers:\n    - {}\n", 17, "needs either 'file' or 'geonames'"),
        (
            "  gazetteers:\n    - file: a.tsv\n      geonames: {}\n",
            17,
            "needs either 'file' or 'geonames'",
        ),
        (
            "  gazetteers:\n    - file: 12\n",
            17,
            "'file' of a gazetteer of the suggestions must be text",
        ),
        (
            "  gazetteers:\n    - {file: a.tsv, case_sensitive: maybe}\n",
            17,
            "must be true or false",
        ),
        ("  gazetteers:\n    - geonames: {case: 1}\n", 17, "unknown key 'case' in 'geonames'"),
        (
            "  gazetteers:\n    - geonames: {label: Location}\n      case_sensitive: true\n",
            18,
            "'case_sensitive' is for gazetteer files",
        ),
        (
            "  gazetteers:\n    - geonames:\n        min_population: -1\n",
            18,
            "'min_population' of 'geonames' must not be negative",
        ),
        ("  rules: [casualties, weapons]\n", 16, "unknown rules 'weapons'"),
        ("  corpus: yes please\n", 16, "'corpus' of the suggestions must be true or false"),
        ("  spacy: {labels: {GPE: Location}}\n", 16, "'spacy' of the suggestions needs 'pipeline'"),
        (
            "  spacy: {pipeline: en, labels: [GPE]}\n",
            16,
            "'labels' of 'spacy' of the suggestions must map",
        ),
        (
            "  spacy:\n    pipeline: en\n    labels:\n      GPE: [Location]\n",
            19,
            "spaCy label 'GPE'",
        ),
    ],
)
def test_bad_blocks_name_the_file_line_and_reason(block, line, reason):
    text = HEAD + "suggestions:\n" + block
    with pytest.raises(SchemaError) as caught:
        load_schema_text(text, "my-schema.yaml")
    assert caught.value.file == "my-schema.yaml"
    assert caught.value.line == line, caught.value
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"my-schema.yaml:{line}: ")


def test_the_block_itself_must_be_a_mapping():
    with pytest.raises(SchemaError, match="the suggestions must be a mapping") as caught:
        load_schema_text(HEAD + "suggestions: [geonames]\n", "s.yaml")
    assert caught.value.line == 15
    assert read_settings({}) == SuggestionSettings()


# -- building and fitting ----------------------------------------------------------------------


def test_sources_are_built_most_trusted_first(conflict):
    learned = [GazetteerEntry("Aleppo", "Location", {"type": "city"})]
    suggesters = build_suggesters(SuggestionSettings.of(conflict), conflict, learned)
    assert [s.name for s in suggesters] == [
        "corpus",
        "gazetteer:weapon_systems",
        "gazetteer:geonames",
        "rules:casualties",
    ]
    off = replace(SuggestionSettings.of(conflict), corpus=False)
    assert "corpus" not in [s.name for s in build_suggesters(off, conflict, learned)]


def test_suggest_text_merges_the_sources(conflict):
    learned = [
        GazetteerEntry("Aleppo", "Location", {"type": "city"}),
        GazetteerEntry("the Tiger Forces", "Actor", {"category": "state_force"}),
    ]
    suggesters = build_suggesters(SuggestionSettings.of(conflict), conflict, learned)
    text = (
        "Shahed-136 drones and Grad rockets hit Aleppo, in Syria, on Monday; the Tiger Forces "
        "said nine civilians were killed. aleppo is lower case."
    )
    found = {text[s.start : s.end]: s for s in suggest_text(suggesters, text)}
    assert set(found) == {
        "Shahed-136 drones",
        "Grad rockets",
        "Aleppo",
        "Syria",
        "the Tiger Forces",
        "nine civilians were killed",
    }
    aleppo = found["Aleppo"]
    # the corpus's span wins, and the place gazetteer fills in what it left empty
    assert aleppo.source == "corpus"
    assert aleppo.attributes["type"] == "city"
    assert aleppo.attributes["geonames_id"] == 170063
    assert found["nine civilians were killed"].attributes == {
        "count": 9,
        "kind": "killed",
        "group": "civilian",
    }
    assert found["Grad rockets"].attributes == {"category": "rocket"}


def write_tsv(path: Path, rows: str) -> Path:
    path.write_text("term\tlabel\ttype\tlatitude\tgeonames_id\tcapital\tnote\tcolour\n" + rows)
    return path


def test_suggestions_are_fitted_to_the_schema(tmp_path):
    schema = load_schema_text(HEAD)
    path = write_tsv(
        tmp_path / "places.tsv",
        "Aleppo\tLocation\tcity\t36.2\t170063\tno\t12\tred\n"
        "Atlantis\tLocation\tisland\t95\t0\tmaybe\t\t\n"
        "Grad\tWeaponSystem\t\t\t\t\t\t\n"
        "Kyiv\tActor\t\t\t\t\t\t\n"
        "Lviv\tLocation\tcity\t49\t702550.0\tyes\t\t\n",
    )
    settings = SuggestionSettings(gazetteers=(GazetteerFile(str(path)),))
    (suggester,) = build_suggesters(settings, schema)
    text = "Aleppo, Atlantis, Grad, Kyiv and Lviv."
    found = {text[s.start : s.end]: dict(s.attributes) for s in suggester.suggest(text)}
    assert found == {
        # text "12" kept as text; "no" as false; colour is not an attribute of Location
        "Aleppo": {
            "type": "city",
            "latitude": 36.2,
            "geonames_id": 170063,
            "capital": False,
            "note": "12",
        },
        # island is no type, 95 is out of range, 0 is below min, maybe is no boolean
        "Atlantis": {},
        "Grad": {},
        # Actor is not in the schema: Kyiv is dropped
        "Lviv": {"type": "city", "latitude": 49.0, "geonames_id": 702550, "capital": True},
    }
    assert type(found["Lviv"]["latitude"]) is float
    assert type(found["Lviv"]["geonames_id"]) is int


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (AttributeType.INTEGER, "12", 12),
        (AttributeType.INTEGER, 12.0, 12),
        (AttributeType.INTEGER, 12.5, None),
        (AttributeType.INTEGER, "twelve", None),
        (AttributeType.INTEGER, True, None),
        (AttributeType.INTEGER, "nan", None),
        (AttributeType.FLOAT, 3, 3.0),
        (AttributeType.FLOAT, "-1.5e1", -15.0),
        (AttributeType.FLOAT, "inf", None),
        (AttributeType.BOOLEAN, "Yes", True),
        (AttributeType.BOOLEAN, 0, False),
        (AttributeType.BOOLEAN, "perhaps", None),
        (AttributeType.TEXT, 7, "7"),
        (AttributeType.ENUM, "city", "city"),
        (AttributeType.ENUM, "town", None),
        (AttributeType.ENUM, 1, None),
    ],
)
def test_coerce(kind, value, expected):
    values = ("city", "country") if kind is AttributeType.ENUM else ()
    spec = AttributeSpec("a", kind, values=values)
    result = coerce(spec, value)
    assert result == expected
    assert type(result) is type(expected)


def test_gazetteer_files_are_found_cached_and_reread_when_changed(tmp_path):
    shipped = file_gazetteer("weapon_systems.tsv")
    assert shipped.name == "gazetteer:weapon_systems"
    assert file_gazetteer("weapon_systems.tsv") is shipped
    path = write_tsv(tmp_path / "mine.tsv", "Aleppo\tLocation\tcity\t\t\t\t\t\n")
    first = file_gazetteer(str(path))
    assert first.name == "gazetteer:mine"
    assert file_gazetteer(str(path)) is first
    write_tsv(path, "Aleppo\tLocation\tcity\t\t\t\t\t\nHoms\tLocation\tcity\t\t\t\t\t\n")
    os.utime(path, ns=(1, 1))
    assert file_gazetteer(str(path)).size == 2
    with pytest.raises(InputError, match=r"no-such\.tsv: no such gazetteer"):
        file_gazetteer("no-such.tsv")
    with pytest.raises(InputError, match="no such file"):
        file_gazetteer(str(tmp_path / "gone.tsv"))


def test_a_missing_spacy_pipeline_stops_the_build_with_a_plain_error():
    schema = load_schema_text(HEAD)
    settings = SuggestionSettings(spacy=SpacySettings("xx_no_such_pipeline", {"GPE": "Location"}))
    with pytest.raises(
        AnnotatorError, match="cannot load the spaCy pipeline 'xx_no_such_pipeline'"
    ):
        build_suggesters(settings, schema)


def test_a_spacy_pipeline_from_the_block(tmp_path):
    spacy = pytest.importorskip(
        "spacy", reason="spaCy (the optional 'spacy' extra) is not installed"
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "GPE", "pattern": "Homs"}, {"label": "ORG", "pattern": "UN"}]
    )
    nlp.to_disk(tmp_path / "ner")
    schema = load_schema_text(
        HEAD
        + f"suggestions:\n  spacy: {{pipeline: '{tmp_path / 'ner'}', labels: {{GPE: Location, ORG: Actor}}}}\n"
    )
    (source,) = build_suggesters(SuggestionSettings.of(schema), schema)
    text = "The UN said Homs was shelled."
    assert [(text[s.start : s.end], s.label) for s in source.suggest(text)] == [
        ("Homs", "Location")
    ]


def test_the_corpus_keeps_the_block_with_its_schema(store):
    schema = store.schema()
    assert SuggestionSettings.of(schema) == SuggestionSettings.of(
        load_schema_file(SCHEMAS / "conflict.yaml")
    )
    fewer = replace(schema, suggestions={"rules": ["casualties"]})
    store.set_schema(fewer)
    assert store.schema().suggestions == {"rules": ["casualties"]}
    assert SuggestionSettings.of(store.schema()) == SuggestionSettings(rules=("casualties",))

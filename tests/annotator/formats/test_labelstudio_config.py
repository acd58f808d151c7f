"""The Label Studio labelling config: a schema survives its config, control names are shared or
qualified, foreign configs read leniently and bad ones say why; the format is registered."""

from __future__ import annotations

from pathlib import Path

import defusedxml.ElementTree as SafeET

from annotator import formats
from annotator.formats.labelstudio import FORMAT
from annotator.formats.labelstudio_config import attribute_controls, schema_reader, schema_writer
from annotator.schema import AttributeSpec, AttributeType, LabelSpec, Schema
from annotator.schema_yaml import load_schema_file
from tests.annotator.formats.harness import assert_refused
from tests.annotator.formats.labelstudio_files import CONFLICT

# --- the labelling config ------------------------------------------------------------------


def test_the_schema_survives_its_config(tmp_path: Path) -> None:
    schema = load_schema_file(CONFLICT)
    path = tmp_path / "conflict.config.xml"
    schema_writer(schema, path)
    back = schema_reader(path)
    assert back.name == "conflict"
    assert back.labels == schema.labels
    assert [r.name for r in back.relations] == [r.name for r in schema.relations]
    text = path.read_text(encoding="utf-8")
    assert "event type Attack" in text and "relation uses links Actor to WeaponSystem" in text
    root = SafeET.parse(str(path)).getroot()
    [labels] = root.findall("Labels")
    assert (labels.get("name"), labels.get("toName")) == ("label", "text")
    assert root.find("Text").attrib == {"name": "text", "value": "$text"}
    boxes = {box.get("whenLabelValue"): box for box in root.findall("View")}
    assert {c.get("name") for c in boxes["Location"]} == {
        "type", "latitude", "longitude", "geonames_id"
    }  # fmt: skip
    assert all(box.get("visibleWhen") == "region-selected" for box in boxes.values())
    assert [r.get("value") for r in root.find("Relations")] == ["uses", "located_at", "caused"]


def test_control_names_are_shared_or_qualified() -> None:
    enum = AttributeSpec("kind", AttributeType.ENUM, ("a", "b"))
    schema = Schema(
        "s",
        (
            LabelSpec("A", "#000000", attributes=(enum, AttributeSpec("note", AttributeType.TEXT))),
            LabelSpec(
                "B", "#000000", attributes=(enum, AttributeSpec("flag", AttributeType.BOOLEAN))
            ),
            LabelSpec("C", "#000000", attributes=(AttributeSpec("kind", AttributeType.INTEGER),)),
        ),
    )
    named = [(c.name, c.labels) for c in attribute_controls(schema)]
    assert named == [
        ("A.kind", ("A",)),
        ("B.kind", ("B",)),
        ("C.kind", ("C",)),
        ("A.note", ("A",)),
        ("flag", ("B",)),
    ]
    same = Schema(
        "s",
        (
            LabelSpec("A", "#000000", attributes=(enum,)),
            LabelSpec("B", "#000000", attributes=(enum,)),
        ),
    )
    assert [(c.name, c.labels) for c in attribute_controls(same)] == [("kind", ("A", "B"))]


def test_foreign_configs_read_leniently_and_bad_ones_say_why(tmp_path: Path) -> None:
    path = tmp_path / "ner.xml"
    path.write_text(
        """<View>
  <Labels name="ner" toName="t"><Label value="PER" background="#F0A" hotkey="p" hint="people"/>
    <Label value="ORG" background="red"/></Labels>
  <Text name="t" value="$content"/>
  <Choices name="sentiment" toName="t"><Choice value="pos"/></Choices>
  <Choices name="polite" toName="t" perregion="true" whenLabelValue="PER" visibleWhen="region-selected">
    <Choice value="true" selected="true"/><Choice value="false"/></Choices>
  <Number name="age" toName="t" perRegion="true" whenLabelValue="PER" min="0" max="150"/>
  <Number name="score" toName="t" perRegion="true" step="0.1"/>
  <Relations><Relation value="member_of"/></Relations>
</View>"""
    )
    schema = schema_reader(path)
    per, org = schema.labels
    assert (per.color, per.hotkey, per.description) == ("#ff00aa", "p", "people")
    assert org.color.startswith("#") and len(org.color) == 7
    assert [(a.name, a.type) for a in per.attributes] == [
        ("polite", AttributeType.BOOLEAN),
        ("age", AttributeType.INTEGER),
        ("score", AttributeType.FLOAT),
    ]
    assert per.attributes[0].default is True and per.attributes[1].maximum == 150
    assert [a.name for a in org.attributes] == ["score"]
    assert [r.name for r in schema.relations] == ["member_of"]

    assert_refused(schema_reader, path, "<View><Labels name='x'>", "not valid XML")
    assert_refused(schema_reader, path, '<!DOCTYPE v [<!ENTITY e "x">]><View>&e;</View>', "refused")
    assert_refused(schema_reader, path, "<View><Text name='t' value='$t'/></View>", "no <Labels>")


def test_the_format_is_registered() -> None:
    assert formats.get("labelstudio") is FORMAT
    assert FORMAT.schema_reader is schema_reader and FORMAT.schema_writer is schema_writer

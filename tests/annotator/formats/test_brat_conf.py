"""brat configuration: annotation.conf/visual.conf convert to a schema and back, names outside
the schema rules are mapped, and configuration errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.document import Span
from annotator.errors import SchemaError
from annotator.formats.brat_conf import schema_name, schema_reader
from annotator.formats.brat_conf_write import conf_texts, schema_writer
from annotator.schema import AttributeType
from annotator.schema_yaml import load_schema_file, load_schema_text, schema_to_yaml
from tests.annotator.formats.brat_files import CONFLICT, export, read, samples, write_pair

# -- the configuration --------------------------------------------------------------------------


def test_every_sample_configuration_converts_to_a_valid_schema_and_back(tmp_path: Path) -> None:
    confs = sorted(samples().glob("*/annotation.conf"))
    assert len(confs) == 6
    for conf in confs:
        schema = schema_reader(conf)
        assert load_schema_text(schema_to_yaml(schema)) == schema, conf
        out = tmp_path / conf.parent.name / "annotation.conf"
        out.parent.mkdir()
        schema_writer(schema, out)
        again = schema_reader(out)
        assert again.labels == schema.labels, conf
        assert again.relations == schema.relations and again.events == schema.events, conf
        assert again.extra == schema.extra, conf


def test_the_news_tutorial_configuration() -> None:
    schema = schema_reader(samples() / "tutorial-news" / "annotation.conf")
    names = [lb.name for lb in schema.labels]
    assert names[:4] == ["Person", "Organization", "GPE", "Money"]
    assert "Life" not in names and "Transaction" not in names  # "!" abstract
    assert {"Be-born", "Marry", "Transfer-money", "Merge-org", "Report"} <= set(names)
    person = schema.label("Person")
    gpe = schema.label("GPE")
    assert person is not None and gpe is not None
    assert person.color == "#ff821c" and gpe.description == "Geo-political entity"
    assert [(a.name, a.type, a.values) for a in person.attributes] == [
        ("Individual", AttributeType.BOOLEAN, ()),
        ("Mention", AttributeType.ENUM, ("Name", "Nominal", "Other")),
    ]
    marry = schema.event("Marry")
    assert marry is not None and marry.trigger == "Marry"
    assert [(r.name, r.labels, r.minimum, r.maximum) for r in marry.roles] == [
        ("Person-Arg", ("Person",), 2, 2),
        ("Place-Arg", ("GPE",), 0, 1),
    ]
    merge, die, report = schema.event("Merge-org"), schema.event("Die"), schema.event("Report")
    assert merge is not None and die is not None and report is not None
    assert (merge.roles[0].minimum, merge.roles[0].maximum) == (1, None)
    assert die.roles[1].labels == ("Person", "Organization", "GPE")  # <POG>
    assert report.roles[1].labels == tuple(e.name for e in schema.events)  # <EVENT>
    transfer = schema.label("Transfer-money")
    assert transfer is not None and transfer.color == "#90ee90"  # SPAN_DEFAULT
    assert [a.name for a in transfer.attributes] == ["Negation", "Confidence"]
    alias = schema.relation("Alias")
    assert alias is not None and alias.symmetric and alias.heads == ("Person",)


def test_other_sample_configurations() -> None:
    folder = samples()
    tdt = schema_reader(folder / "tdt-finnish" / "annotation.conf")
    assert len(tdt.labels) == 15  # [spans] is [entities]
    nsubj = tdt.relation("nsubj")
    assert nsubj is not None and nsubj.heads == tuple(lb.name for lb in tdt.labels)  # <ENTITY>
    bio = schema_reader(folder / "bionlp-st2011-id" / "annotation.conf")
    assert [r.name for r in bio.relations] == ["Equiv"]  # ENTITY-NESTING only says what nests
    equiv = bio.relations[0]
    assert equiv.symmetric and set(equiv.heads) == {
        "Protein",
        "Chemical",
        "Organism",
        "Two-component-system",
        "Regulon-operon",
        "Entity",
    }
    binding = bio.event("Binding")
    assert binding is not None
    assert [(r.name, r.minimum, r.maximum) for r in binding.roles] == [
        ("Theme", 1, None),
        ("Site", 0, None),
    ]
    conll = schema_reader(folder / "conll2002-esp" / "annotation.conf")
    assert [(lb.name, lb.color) for lb in conll.labels] == [
        ("ORG", "#8fb2ff"),
        ("PER", "#ffccaa"),
        ("LOC", "#90ee90"),  # lightgreen
        ("MISC", "#f1f447"),
    ]
    ncbi = schema_reader(folder / "ncbi-disease" / "annotation.conf")
    [category] = ncbi.labels[0].attributes
    assert category.values == ("SpecificDisease", "Modifier", "DiseaseClass", "CompositeMention")


def test_the_default_schema_exports_as_brat_configuration_with_its_problems(
    tmp_path: Path,
) -> None:
    schema = load_schema_file(CONFLICT)
    report = export([], tmp_path, schema=schema)
    back = schema_reader(tmp_path / "annotation.conf")
    assert [(lb.name, lb.color) for lb in back.labels] == [
        (lb.name, lb.color) for lb in schema.labels
    ]
    assert back.relations == tuple(
        r.__class__(r.name, r.heads, r.tails, r.symmetric) for r in schema.relations
    )
    attack = back.event("Attack")
    assert attack is not None and attack.roles == schema.events[0].roles
    location = back.label("Location")
    assert location is not None and [a.name for a in location.attributes] == ["type"]
    assert report.lost == {
        f"in annotation.conf: attribute '{n}' of {label} ({kind}; brat attributes are binary "
        "or take listed values, one kind per name)": 1
        for n, label, kind in [
            ("latitude", "Location", "float"),
            ("longitude", "Location", "float"),
            ("geonames_id", "Location", "integer"),
            ("count", "Casualty", "integer"),
        ]
    } | {
        "in annotation.conf: attribute 'category' takes different values on different labels "
        "(brat lists one set; written as their union)": 1
    }
    (tmp_path / "conf").mkdir()
    schema_writer(schema, tmp_path / "conf")  # a folder: the files go inside
    for name in ("annotation.conf", "visual.conf"):
        assert (tmp_path / "conf" / name).read_bytes() == (tmp_path / name).read_bytes()
    annotation, _, problems = conf_texts(schema)
    assert all(f"# not expressible in brat: {p}" in annotation for p in problems)


def test_names_outside_the_schema_rules_are_mapped_and_written_back(tmp_path: Path) -> None:
    conf = tmp_path / "p" / "annotation.conf"
    conf.parent.mkdir()
    conf.write_text(
        "[entities]\n3D-structure\nProtein\n[relations]\n[events]\n"
        "[attributes]\n2nd-pass\tArg:<ANY>\n",
        encoding="utf-8",
    )
    schema = schema_reader(conf)
    assert [lb.name for lb in schema.labels] == ["_3D-structure", "Protein"]
    assert schema.extra == {
        "brat": {"names": {"_3D-structure": "3D-structure", "_2nd-pass": "2nd-pass"}}
    }
    assert schema_name("a b:c") == "a_b_c"
    ann = write_pair(
        tmp_path / "data", "d", "3D fold", "T1\t3D-structure 0 7\t3D fold\nA1\t2nd-pass T1\n"
    )
    [doc], report = read(ann)
    assert doc.spans == (Span(0, 7, "_3D-structure", attributes={"_2nd-pass": True}),)
    assert len(report.notes) == 2
    export([doc], tmp_path / "out", schema=schema)
    assert (tmp_path / "out" / "d.ann").read_text(encoding="utf-8") == (
        "T1\t3D-structure 0 7\t3D fold\nA1\t2nd-pass T1\n"
    )
    assert "3D-structure\n" in (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")


def test_configuration_errors_name_file_and_line(tmp_path: Path) -> None:
    conf = tmp_path / "annotation.conf"
    for body, line, reason in [
        (
            "[entities]\nA\n[relations]\nr\tArg1:A, Arg2:B\n",
            4,
            "'B' is not an entity or event type",
        ),
        ("[entities]\nA\n[events]\nE\tTheme:<THING>\n", 4, "undefined macro <THING>"),
        ("[entities]\nA\n[relations]\nr\tArg1:A\n", 4, "relation 'r' needs two arguments"),
        ("[entities]\n[relations]\n", None, "no entity or event types"),
        ("[entities]\nA\n  |\n", 3, "cannot read '|'"),
        ("[entities]\nA\n[events]\nE\tTheme{3-1}:A\n", 4, "'{3-1}' of role 'Theme' is empty"),
    ]:
        conf.write_text(body, encoding="utf-8")
        with pytest.raises(SchemaError) as caught:
            schema_reader(conf)
        assert caught.value.line == line and reason in caught.value.reason

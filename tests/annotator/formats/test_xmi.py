"""UIMA CAS XMI: every INCEpTION and cassis sample imports (bad records refused at file:line),
dkpro-cassis loads every export with its type system and each annotation covers the span's
text, round trips are identical, the type system converts to and from a schema, unsafe XML and
zips are refused, and what XMI cannot hold is reported."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cassis import load_cas_from_xmi, load_typesystem
from hypothesis import given, settings

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.formats import xmi
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from annotator.formats.xmi_typesystem import (
    LINK_TYPE,
    RELATION_TYPE,
    SENTENCE_TYPE,
    SPAN_TYPE,
    TOKEN_TYPE,
    LayerBuilder,
    schema_reader,
    schema_writer,
)
from annotator.schema_yaml import load_schema_file
from tests.annotator.formats.harness import assert_refused
from tests.annotator.formats.strategies import annotated_documents

pytestmark = pytest.mark.filterwarnings("ignore:Trying to add feature `type`")
ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT.parent / "shared" / "samples"
UIMA = SAMPLES / "uima-xmi"
CONFLICT = load_schema_file(ROOT / "schemas" / "conflict.yaml")
TEXT = "Russian jets 🇸🇾 struck al-Bab,\tقتلت nine e\u0301 civilians 👍🏽.\nZürich"


def samples() -> Path:
    if not UIMA.is_dir():
        pytest.skip("../shared/samples is absent: the UIMA XMI samples cannot be checked")
    return UIMA


def span(word: str, label: str, text: str = TEXT, **attributes: Any) -> Span:
    start = text.index(word)
    return Span(start, start + len(word), label, attributes)


def read(*paths: Path, **options: Any) -> tuple[list[AnnotatedDocument], Report]:
    report = Report()
    return list(xmi.read(list(paths), ImportOptions(**options), report)), report


def export(docs: list[AnnotatedDocument], out: Path, **options: Any) -> Report:
    report = Report()
    xmi.write(docs, out, ExportOptions(**options), report)
    return report


def cases(out: Path) -> dict[str, Any]:
    """Every XMI of an export as dkpro-cassis loads it with the exported type system."""
    with zipfile.ZipFile(out) as zf:
        typesystem = load_typesystem(io.BytesIO(zf.read("TypeSystem.xml")))
        return {
            name: load_cas_from_xmi(io.BytesIO(zf.read(name)), typesystem=typesystem)
            for name in zf.namelist()
            if name.endswith(".xmi")
        }


def in_file_order(cas: Any, type_name: str) -> list[Any]:
    return sorted(cas.select(type_name), key=lambda fs: fs.xmiID)


def members(out: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(out) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def covered(doc: AnnotatedDocument) -> list[tuple[str, str]]:
    return [(s.label, s.covered_text(doc.text)) for s in doc.spans]


def rich_document() -> AnnotatedDocument:
    spans = (
        span("Russian", "Actor", category="state_force"),
        span("jets", "WeaponSystem", category="aircraft"),
        span("🇸🇾", "Location", type="country"),
        span("struck", "Attack"),
        span("al-Bab", "Location", type="city", latitude=36.37, geonames_id=170017),
        span("al-", "Actor"),  # ends inside a word: the token is cut there
        span("قتلت", "Attack"),
        span("nine e\u0301 civilians", "Casualty", count=9, kind="killed"),
        span("👍🏽", "Actor"),
        Span(0, 12, "Actor", {"category": "state_force"}, note="the jets' state"),
    )
    return AnnotatedDocument(
        Document(TEXT, title="Strike", source="https://example.org/strike", language="en"),
        "strike",
        spans,
        (Relation("uses", 0, 1), Relation("located_at", 3, 4), Relation("caused", 0, 7)),
        (Event("Attack", 3, (("attacker", 0), ("target", 4))), Event("Killing", 6, ())),
    )


# -- the samples --------------------------------------------------------------------------------


def test_every_sample_imports_with_its_offsets_labels_relations_and_events() -> None:
    docs, report = read(samples())
    assert report.errors == []
    by_text = {doc.text[:11]: doc for doc in docs}
    assert len(docs) == 5 and sum(len(d.spans) for d in docs) == 13  # the corpus layer counts

    crlf = by_text["Darmstadt i"]  # real INCEpTION export, CRLF kept as the file has it
    assert crlf.name == "relation_test.txt" and "\r\n" in crlf.text
    assert covered(crlf) == [
        ("city", "Darmstadt"),
        ("state", "Hessen"),
        ("city", "Hannover"),
        ("state", "Lower Saxony"),
    ]
    assert crlf.relations == (Relation("located in", 0, 1),)
    flat = normalized(crlf)  # the corpus text rule moves the second line's spans back by one
    assert covered(flat) == covered(crlf) and flat.spans[2].start == crlf.spans[2].start - 1

    smileys = by_text["🤗 Transform"]  # XMI begin=3 end=15 are UTF-16 units
    assert smileys.spans[0].start == 2 and smileys.spans[0].end == 14
    assert [text for _, text in covered(smileys)] == [
        "Transformers",
        "Transformers",
        "Transformers",
        "PyTorch",
        "TensorFlow",
    ]
    assert {label for label, _ in covered(smileys)} == {"OTH"}
    assert "\r\n" in smileys.text

    slots = by_text["This is a t"]  # slot feature: FSArray of LinkType{role, target}
    assert covered(slots) == [("SimpleSpan", "is"), ("SimpleSpan", "a"), ("SimpleLinkHost", "This")]
    assert slots.events == (Event("SimpleLinkHost", 2, (("p1", 0), ("p2", 1))),)

    emoji = by_text["I like it 😊"]  # no type system beside it: DKPro Core's types
    assert covered(emoji) == [("NamedEntity", "😊")] and emoji.name == "doc"
    assert any("no type system beside" in note for note in report.notes)

    party = next(doc for doc in docs if doc.text.startswith("\U0001f973"))  # 🥳, ZWJ emoji
    assert party.spans == ()  # plain uima.tcas.Annotation is not a layer
    lost = dict(report.lost)
    assert lost["annotations of type uima.tcas.Annotation"] == 9
    assert lost["annotations of type de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"]
    assert "annotations of type webanno.custom.LinkType" not in lost  # consumed by the event


def test_each_sample_file_and_its_type_system_can_be_given_directly() -> None:
    folder = samples() / "inception-relation-crlf"
    docs, report = read(folder / "relation_test.xmi", folder / "TypeSystem.xml")
    assert [doc.name for doc in docs] == ["relation_test.txt"] and report.errors == []
    assert any("a type system, no documents" in note for note in report.notes)


def test_sample_type_systems_become_schemas() -> None:
    slots = schema_reader(samples() / "cassis-slotfeature" / "debug-typesystem.xml")
    assert [lb.name for lb in slots.labels] == ["SimpleLinkHost", "SimpleSpan"]
    assert [(e.name, e.trigger) for e in slots.events] == [("SimpleLinkHost", "SimpleLinkHost")]
    inception = schema_reader(samples() / "inception-relation-crlf" / "TypeSystem.xml")
    assert inception.labels == () and inception.relations == ()  # their labels are tags
    assert "MyRelationBase" in inception.description and "MyRelationLayer" in inception.description
    built_in = schema_reader(samples() / "inception_typesystem.xml")
    assert "NamedEntity" in built_in.description


# -- exports, proven by dkpro-cassis ------------------------------------------------------------


def test_cassis_loads_the_export_and_every_annotation_covers_its_span(tmp_path: Path) -> None:
    doc = rich_document()
    out = tmp_path / "export.zip"
    report = export([doc], out, schema=CONFLICT)
    assert report.documents == 1 and report.spans == len(doc.spans) and not report.lost
    [cas] = cases(out).values()
    assert cas.sofa_string == TEXT
    annotations = in_file_order(cas, SPAN_TYPE)
    assert [(a.label, a.get_covered_text()) for a in annotations] == covered(doc)
    assert annotations[4].type_ == "city" and annotations[4].geonames_id == 170017
    assert annotations[4].latitude == pytest.approx(36.37) and annotations[9].note
    relations = in_file_order(cas, RELATION_TYPE)
    assert [
        (r.label, r.Governor.get_covered_text(), r.Dependent.get_covered_text()) for r in relations
    ] == [
        ("uses", "Russian", "jets"),
        ("located_at", "struck", "al-Bab"),
        ("caused", "Russian", "nine e\u0301 civilians"),
    ]
    links = annotations[3].arguments.elements
    assert [(link.role, link.target.get_covered_text()) for link in links] == [
        ("attacker", "Russian"),
        ("target", "al-Bab"),
    ]
    assert annotations[6].event == "Killing" and annotations[3].event is None
    meta = cas.select("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")[0]
    assert (meta.documentTitle, meta.documentId, meta.language) == ("Strike", "strike", "en")
    assert meta.documentUri == "https://example.org/strike"  # the source, where DKPro keeps it


def test_every_span_starts_and_ends_on_a_token_inside_a_sentence(tmp_path: Path) -> None:
    doc = rich_document()
    out = tmp_path / "export.zip"
    export([doc], out)
    [cas] = cases(out).values()
    tokens = cas.select(TOKEN_TYPE)
    starts, ends = {t.begin for t in tokens}, {t.end for t in tokens}
    for annotation in cas.select(SPAN_TYPE):
        assert annotation.begin in starts and annotation.end in ends
    assert "al-" in [t.get_covered_text() for t in tokens]  # "al-Bab" cut where "al-" ends
    sentences = [s.get_covered_text() for s in in_file_order(cas, SENTENCE_TYPE)]
    assert sentences == [TEXT.split("\n")[0], "Zürich"]


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_exports_are_exact_and_round_trip_for_any_text(tmp_path_factory: Any, doc: Any) -> None:
    folder = tmp_path_factory.mktemp("xmi")
    first, second = folder / "first.zip", folder / "second.zip"
    report = export([doc], first)
    assert not report.lost
    [cas] = cases(first).values()
    annotations = in_file_order(cas, SPAN_TYPE)
    assert [(a.label, a.get_covered_text()) for a in annotations] == covered(doc)
    [back], read_report = read(first)
    assert read_report.errors == []
    assert back.text == doc.text and back.spans == doc.spans
    assert back.relations == doc.relations
    export([back], second)
    assert members(second) == members(first)


def test_export_import_export_is_identical_with_attributes_notes_and_events(
    tmp_path: Path,
) -> None:
    doc = rich_document()
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    export([doc], first, schema=CONFLICT)
    [back], report = read(first)
    assert report.errors == []
    assert back.spans == doc.spans and back.relations == doc.relations
    assert set(back.events) == set(doc.events)
    assert back.document.title == "Strike" and back.document.language == "en"
    assert back.document.source == "https://example.org/strike"
    assert back.name == "strike"
    export([back], second, schema=CONFLICT)
    assert members(second) == members(first)
    assert first.read_bytes() == second.read_bytes()  # fixed dates: the same bytes


def test_crlf_text_keeps_its_offsets_and_normalising_remaps_them(tmp_path: Path) -> None:
    text = "Line one 🇸🇾\r\nقتلت nine\r\nend"
    doc = AnnotatedDocument(
        Document(text), "crlf", (span("🇸🇾", "Location", text), span("nine", "Casualty", text))
    )
    out = tmp_path / "crlf.zip"
    export([doc], out)
    [cas] = cases(out).values()
    assert [a.get_covered_text() for a in in_file_order(cas, SPAN_TYPE)] == ["🇸🇾", "nine"]
    [back], _ = read(out)
    assert back.text == text and back.spans == doc.spans
    flat = normalized(back)
    assert "\r" not in flat.text and covered(flat) == covered(doc)


def test_type_system_of_a_schema_reads_back_to_the_same_schema(tmp_path: Path) -> None:
    path = tmp_path / "TypeSystem.xml"
    schema_writer(CONFLICT, path)
    assert schema_reader(path) == CONFLICT
    typesystem = load_typesystem(path)
    layer = typesystem.get_type(SPAN_TYPE)
    ranges = {f.name: f.rangeType.name for f in layer.all_features}
    assert ranges["label"] == "uima.cas.String" and ranges["type_"] == "uima.cas.String"
    assert ranges["latitude"] == "uima.cas.Float" and ranges["geonames_id"] == "uima.cas.Integer"
    assert ranges["arguments"] == "uima.cas.FSArray"
    link = typesystem.get_type(LINK_TYPE)
    assert {f.name for f in link.all_features} == {"role", "target"}
    relation = typesystem.get_type(RELATION_TYPE)
    assert {"Governor", "Dependent", "label"} <= {f.name for f in relation.all_features}
    out = tmp_path / "export.zip"
    export([rich_document()], out, schema=CONFLICT)
    inside = tmp_path / "inside.xml"
    inside.write_bytes(members(out)["TypeSystem.xml"])
    assert schema_reader(inside) == CONFLICT


def test_an_export_without_schema_gives_layers_a_schema_can_be_derived_from(
    tmp_path: Path,
) -> None:
    builder = LayerBuilder(None)
    for name, value in {"count": 3, "ratio": 0.5, "sure": True, "kind": "x"}.items():
        builder.attribute(name, value)
    path = tmp_path / "TypeSystem.xml"
    path.write_bytes(builder.to_xml())
    schema = schema_reader(path)
    assert schema.labels == () and "Span" in schema.description
    assert not schema_reader(path).relations


def test_schema_reader_refuses_what_is_not_a_type_system(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    assert_refused(schema_reader, path, "<labels><label/></labels>", "not a UIMA type system")
    assert_refused(
        schema_reader, path, '<!DOCTYPE x [<!ENTITY e "e">]><typeSystemDescription/>', "safe"
    )


# -- what XMI cannot hold -----------------------------------------------------------------------


def test_what_xmi_cannot_hold_is_reported_with_counts(tmp_path: Path) -> None:
    spans = (
        Span(0, 12, "Actor", fragments=((0, 7), (8, 12))),
        Span(TEXT.index("struck"), TEXT.index("struck") + 6, "Attack", {"geo-name": 1, "label": 2}),
        span("al-Bab", "Location", type="city"),
        span("Zürich", "Location", type=3),
    )
    events = (Event("Attack", 1, (("target", 2),)), Event("Strike", 1, ()))
    doc = AnnotatedDocument(Document(TEXT), "lossy", spans, (), events)
    bad = AnnotatedDocument(Document("form\x0cfeed"), "control", (Span(0, 4, "X"),))
    out = tmp_path / "lossy.zip"
    report = export([doc, bad], out)
    assert report.documents == 1 and report.spans == 4
    lost = dict(report.lost)
    assert lost[next(k for k in lost if k.startswith("discontinuous"))] == 1
    assert lost[next(k for k in lost if k.startswith("attributes whose names"))] == 2
    assert (
        lost["attribute values that do not fit their feature's type (type: uima.cas.String)"] == 1
    )
    assert lost[next(k for k in lost if k.startswith("events on a trigger"))] == 1
    assert lost["documents with characters that XML 1.0 cannot hold"] == 1
    [cas] = cases(out).values()
    assert in_file_order(cas, SPAN_TYPE)[0].get_covered_text() == "Russian jets"


def test_documents_of_the_same_name_get_their_own_files(tmp_path: Path) -> None:
    doc = AnnotatedDocument(Document("a b"), "news/1", (Span(0, 1, "X"),), annotator="ann")
    out = tmp_path / "same.zip"
    export([doc, doc, doc], out)
    assert sorted(members(out)) == [
        "TypeSystem.xml",
        "news_1-2.xmi",
        "news_1-ann.xmi",
        "news_1.xmi",
    ]


# -- bad input ----------------------------------------------------------------------------------


XMI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
    'xmlns:custom="http:///webanno/custom.ecore" xmi:version="2.0">\n'
    '<cas:NULL xmi:id="0"/>\n'
)


def write_xmi(folder: Path, body: str, text: str = "😀 abc", members: str = "2 3 4") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "TypeSystem.xml").write_bytes(LayerBuilder(None).to_xml())
    path = folder / "bad.xmi"
    path.write_text(
        XMI_HEAD
        + body
        + f'<cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" sofaString="{text}"/>\n'
        + f'<cas:View sofa="1" members="{members}"/>\n</xmi:XMI>\n',
        encoding="utf-8",
    )
    return path


def test_bad_offsets_are_refused_with_file_line_and_reason(tmp_path: Path) -> None:
    path = write_xmi(
        tmp_path / "x",
        '<custom:Span xmi:id="2" sofa="1" begin="0" end="2" label="Good"/>\n'
        '<custom:Span xmi:id="3" sofa="1" begin="1" end="4" label="Split"/>\n'
        '<custom:Span xmi:id="4" sofa="1" begin="3" end="99" label="Out"/>\n',
    )
    [doc], report = read(path)
    assert covered(doc) == [("Good", "😀")]
    assert [(e.file, e.line) for e in report.errors] == [(str(path), 5), (str(path), 6)]
    assert "surrogate pair" in report.errors[0].reason
    assert "outside" in report.errors[1].reason


def test_unknown_types_are_counted_and_unknown_features_refuse_the_file(tmp_path: Path) -> None:
    unknown_type = write_xmi(
        tmp_path / "type",
        '<custom:Span xmi:id="2" sofa="1" begin="0" end="2" label="Good"/>\n'
        '<custom:Mystery xmi:id="3" sofa="1" begin="3" end="4"/>\n',
        members="2 3",
    )
    unknown_feature = write_xmi(
        tmp_path / "feature",
        '<custom:Span xmi:id="2" sofa="1" begin="0" end="2" colour="red"/>\n',
        members="2",
    )
    docs, report = read(unknown_type, unknown_feature)
    assert [covered(doc) for doc in docs] == [[("Good", "😀")]]
    assert report.lost["annotations of type webanno.custom.Mystery (not in the type system)"] == 1
    [error] = report.errors
    assert error.file == str(unknown_feature) and "fits its type system" in error.reason


def test_unsafe_or_broken_xml_is_refused_not_parsed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    xxe = tmp_path / "xxe" / "doc.xmi"
    write_xmi(tmp_path / "xxe", "")
    xxe.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>\n'
        + XMI_HEAD.split("\n", 1)[1]
        + '<cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" sofaString="&e;"/>\n'
        "</xmi:XMI>\n"
    )
    broken = write_xmi(tmp_path / "broken", '<custom:Span xmi:id="2" begin="0"\n')
    docs, report = read(xxe, broken)
    assert docs == [] and len(report.errors) == 2
    assert "refused for safety" in report.errors[0].reason
    assert "not well-formed" in report.errors[1].reason and report.errors[1].line is not None
    assert "SECRET" not in str(report.lines())


def test_an_unsafe_type_system_is_refused_and_dkpro_types_used(tmp_path: Path) -> None:
    path = write_xmi(
        tmp_path / "x", '<custom:Span xmi:id="2" sofa="1" begin="0" end="2"/>\n', members="2"
    )
    (path.parent / "TypeSystem.xml").write_text(
        '<!DOCTYPE t [<!ENTITY e "e">]><typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier"/>'
    )
    [doc], report = read(path)
    assert "not a usable type system" in report.errors[0].reason
    assert covered(doc) == [("Span", "😀")]  # the fallback knows this app's own layer


def test_zips_are_checked_for_unsafe_paths_and_size(tmp_path: Path) -> None:
    out = tmp_path / "export.zip"
    export([AnnotatedDocument(Document("a b"), "d", (Span(0, 1, "X"),))], out)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        for name, data in members(out).items():
            zf.writestr(name, data)
        zf.writestr("../escape.xmi", members(out)["d.xmi"])
        zf.writestr("/abs.xmi", members(out)["d.xmi"])
    docs, report = read(evil)
    assert [doc.name for doc in docs] == ["d"]
    assert sorted(e.file for e in report.errors) == [f"{evil}:../escape.xmi", f"{evil}:/abs.xmi"]
    docs, report = read(out, max_bytes=100)
    assert docs == [] and "larger than" in report.errors[0].reason
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xmi", b" " * 5000)
    docs, report = read(bomb, max_bytes=400)
    assert docs == [] and "over" in report.errors[0].reason
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("plain")
    docs, report = read(not_zip, tmp_path / "missing.xmi")
    assert [e.reason for e in report.errors] == [
        "not a readable zip: File is not a zip file",
        "no such file or folder",
    ]


def test_the_registry_knows_the_format() -> None:
    fmt = formats.get("xmi")
    assert fmt.suffix == ".zip" and fmt.schema_reader is schema_reader
    assert {"relations", "events", "attributes", "overlaps"} <= fmt.carries
    assert {"title", "language", "source"} <= fmt.carries  # not author, date or metadata
    assert not {"metadata", "author", "published"} & fmt.carries

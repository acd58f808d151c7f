"""WebAnno TSV 3.3: UTF-16 offsets, INCEpTION's text rebuilding and escaping, stacked and
sub-token spans, relations and slot features, every sample of INCEpTION's own test suite read
(and checked against the XMI of the same document through dkpro-cassis), bad rows refused."""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from tests.annotator.formats.strategies import annotated_documents

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"
TSV_SAMPLES = SAMPLES / "webanno-tsv3"
FORMAT = formats.get("webanno-tsv")
assert FORMAT.write is not None and FORMAT.read is not None
write, read = FORMAT.write, FORMAT.read

TEXT = "Russian jets 🇸🇾 struck\tal-Bab.\n\nقتلت مدنيين e\u0301 👍🏽 nine\n\tZürich 𝐀𝐁 x"
HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|label\n\n\n"


def _samples() -> Path:
    if not TSV_SAMPLES.is_dir():
        pytest.skip("../shared/samples is absent: the WebAnno TSV samples cannot be read")
    return TSV_SAMPLES


def _at(word: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def _export(tmp_path: Path, docs: list[AnnotatedDocument], **options: Any) -> tuple[Path, Report]:
    out = tmp_path / "out"
    report = Report()
    write(docs, out, ExportOptions(**options), report)
    return out, report


def _import(*paths: Path, **options: Any) -> tuple[list[AnnotatedDocument], Report]:
    report = Report()
    docs = list(read(list(paths), ImportOptions(**options), report))
    return docs, report


def _file(tmp_path: Path, content: str, name: str = "doc.tsv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    return path


def _shown(doc: AnnotatedDocument) -> list[tuple[str, str, dict[str, Any]]]:
    """Each span as (covered text, label, attributes), sorted."""
    return sorted((doc.text[s.start : s.end], s.label, dict(s.attributes)) for s in doc.spans)


def _relations(doc: AnnotatedDocument) -> set[tuple[str, str, str]]:
    def key(i: int) -> str:
        s = doc.spans[i]
        return f"{s.start}:{s.end}:{s.label}"

    return {(r.type, key(r.head), key(r.tail)) for r in doc.relations}


def _rebuilt_units(content: str) -> list[tuple[str, str]]:
    """Each row's token cell and what its UTF-16 offsets select in the text rebuilt by
    INCEpTION's rules, computed on UTF-16 code units (independently of the reader)."""
    units: list[tuple[int, int, str]] = []
    text16 = b""
    sentence: list[str] = []
    for line in content.split("\n"):
        if line.startswith("#Text="):
            sentence.append(line[6:].replace("\\t", "\t").replace("\\\\", "\\"))
        elif line and line[0].isdigit():
            cells = line.split("\t")
            begin, end = (int(x) for x in cells[1].split("-"))
            if sentence:  # the sentence's first token
                if len(text16) // 2 == begin + 1:
                    text16 = text16[:-2]
                text16 += b" \x00" * (begin - len(text16) // 2)
                text16 += ("\n".join(sentence) + "\n").encode("utf-16-le")
                sentence = []
            units.append((begin, end, cells[2]))
    return [(cell, text16[2 * b : 2 * e].decode("utf-16-le")) for b, e, cell in units]


def _rich() -> AnnotatedDocument:
    spans = (
        Span(*_at("Russian jets"), "Actor", {"category": "state_force", "count": 2}),
        Span(*_at("jets"), "WeaponSystem", {"flag": True, "score": 0.5}),
        Span(*_at("🇸🇾 struck"), "Attack"),
        Span(*_at("al-B"), "Location"),  # ends inside a token: a sub-token
        Span(*_at("Bab.\n\nقتلت"), "Casualty"),  # starts inside a token, over a blank line
        Span(*_at("e\u0301"), "Other"),
        Span(*_at("👍🏽 nine\n\tZü"), "Other"),
        Span(*_at("jets"), "Actor"),  # stacked on the same token
        Span(*_at(" 𝐀𝐁"), "Other"),  # starts in the whitespace
    )
    return AnnotatedDocument(
        Document(text=TEXT),
        "strikes",
        spans,
        (Relation("uses", 0, 1), Relation("located_at", 2, 3), Relation("caused", 7, 4)),
        (Event("Attack", 2, (("attacker", 0), ("instrument", 1), ("place", 3))),),
    )


# --- export -----------------------------------------------------------------------------------


def test_export_writes_inception_layers_and_utf16_offsets(tmp_path: Path) -> None:
    out, report = _export(tmp_path, [_rich()])
    content = (out / "strikes.tsv").read_text(encoding="utf-8")
    lines = content.split("\n")
    assert lines[:5] == [
        "#FORMAT=WebAnno TSV 3.3",
        "#T_SP=webanno.custom.Span|label|category|count|flag|score|event"
        "|ROLE_webanno.custom.Span:roles_webanno.custom.SpanRolesLink|webanno.custom.Span",
        "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span",
        "",
        "",
    ]
    assert "#Text=Russian jets 🇸🇾 struck\\tal-Bab." in lines
    assert "#Text=قتلت مدنيين e\u0301 👍🏽 nine" in lines
    # a line that starts with a tab: the tab stays in the sentence before
    assert "#Text=\\t" in lines and "#Text=Zürich 𝐀𝐁 x" in lines
    for cell, selected in _rebuilt_units(content):
        assert selected == cell.replace("\\t", "\t").replace("\\n", "\n")
    assert "1-1\t0-7\tRussian\tActor[1]\tstate\\_force[1]\t2[1]\t" in content
    assert (report.documents, report.spans, report.lost) == (1, 9, {})


def test_export_and_import_keep_every_span_relation_and_event(tmp_path: Path) -> None:
    doc = _rich()
    out, _ = _export(tmp_path, [doc])
    [back], report = _import(out)
    assert back.text == doc.text
    strings = [(t, lb, {k: str(v).lower() for k, v in a.items()}) for t, lb, a in _shown(doc)]
    assert _shown(back) == sorted(strings)  # attribute values come back as text
    assert _relations(back) == _relations(doc)
    [event] = back.events
    assert back.spans[event.trigger].label == "Attack"
    assert [(r, back.text[back.spans[i].start : back.spans[i].end]) for r, i in event.roles] == [
        ("attacker", "Russian jets"),
        ("instrument", "jets"),
        ("place", "al-B"),
    ]
    assert not report.errors and not report.lost


def test_export_import_export_is_identical(tmp_path: Path) -> None:
    first, _ = _export(tmp_path / "a", [_rich()])
    [back], _ = _import(first)
    second, _ = _export(tmp_path / "b", [back])
    assert (second / "strikes.tsv").read_bytes() == (first / "strikes.tsv").read_bytes()


def test_stacked_spans_get_disambiguation_ids_and_relations_name_both_ends(
    tmp_path: Path,
) -> None:
    text = "This is a test ."
    spans = (
        Span(0, 16, "A"),
        Span(0, 16, "B"),
        Span(15, 16, "C"),
        Span(15, 16, "D"),
        Span(5, 7, "E"),
    )
    doc = AnnotatedDocument(
        Document(text=text), "stack", spans, (Relation("r", 0, 2), Relation("s", 4, 1))
    )
    out, _ = _export(tmp_path, [doc])
    rows = (out / "stack.tsv").read_text(encoding="utf-8").split("\n")
    # ids in the canonical order: A, B, E, C, D
    assert "1-5\t15-16\t.\tA[1]|B[2]|C[4]|D[5]\tr\t1-1[1_4]\t" in rows
    assert "1-2\t5-7\tis\tA[1]|B[2]|E[3]\t_\t_\t" in rows
    assert "1-1\t0-4\tThis\tA[1]|B[2]\ts\t1-2[3_2]\t" in rows
    [back], _ = _import(out)
    assert _shown(back) == _shown(doc)
    assert _relations(back) == _relations(doc)


def test_spans_off_token_boundaries_become_sub_tokens_or_whitespace_tokens(
    tmp_path: Path,
) -> None:
    text = "  aaaaaa  bbbbbb\n \tcc"
    spans = (
        Span(5, 12, "X"),  # "aaa  bb": inside a token to inside a token
        Span(9, 10, "Y"),  # " ": inside the whitespace between tokens
        Span(16, 21, "Z"),  # "\n \tcc": starts at a line break
    )
    doc = AnnotatedDocument(Document(text=text), "sub", spans)
    out, _ = _export(tmp_path, [doc])
    content = (out / "sub.tsv").read_text(encoding="utf-8")
    assert "1-1.1\t5-8\taaa\tX[1]\t" in content
    assert "1-2\t8-10\t  \tX[1]\t" in content  # the whitespace, a token of its own
    assert "1-3.1\t10-12\tbb\tX[1]\t" in content
    assert "1-2.1\t9-10\t \tY\t" in content
    assert "1-4\t16-19\t\\n \\t\tZ[2]\t" in content
    [back], _ = _import(out)
    assert back.text == text
    assert _shown(back) == _shown(doc)


def test_sentences_follow_lines_and_the_text_is_rebuilt_exactly(tmp_path: Path) -> None:
    texts = [
        "\n\nTitle\n\n   Para one.\nPara two.\n",
        "\t x",
        "   padded start",
        "a\r\nb\rc",  # carriage returns stay inside sentences, escaped
        "x\\y \x01\x0b\x0c\u2028z\x85 \\t",
        " \n ",
        "   ",
        "",
    ]
    docs = [AnnotatedDocument(Document(text=t), f"t{i}") for i, t in enumerate(texts)]
    out, _ = _export(tmp_path, docs)
    # leading line breaks: a token of their own, where the first sentence starts
    assert (out / "t0.tsv").read_text(encoding="utf-8").split("\n")[1:9] == [
        "",
        "",
        "#Text=",
        "#Text=",
        "#Text=Title",
        "#Text=",  # the blank line after the title; then three spaces, padding
        "1-1\t0-2\t\\n\\n\t",
        "1-2\t2-7\tTitle\t",
    ]
    back, report = _import(*(out / f"t{i}.tsv" for i in range(len(texts))))
    assert [d.text for d in back] == texts
    assert not report.errors


def test_escaping_of_values_round_trips(tmp_path: Path) -> None:
    nasty = "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n->\r\\_\\"
    spans = (
        Span(0, 4, nasty, {"note_": "_", "star": "*", "empty": "", "arrow": "a->b"}),
        Span(0, 4, "PER[1]"),
        Span(5, 7, "x\\"),
        Span(5, 7, "y"),
    )
    doc = AnnotatedDocument(Document(text="This is"), "esc", spans)
    out, _ = _export(tmp_path, [doc])
    content = (out / "esc.tsv").read_text(encoding="utf-8")
    assert "#\\*'\"`´\\t:\\;{}\\|\\[ \\]()\\\\§$%?=&\\_\\n\\->\\r\\\\\\_\\\\[1]" in content
    assert "\tx\\\\[3]|y[4]\t" in content
    [back], _ = _import(out)
    assert _shown(back) == _shown(doc)


def test_what_tsv_cannot_carry_is_counted(tmp_path: Path) -> None:
    spans = (
        Span(0, 9, "A", {"ok": 1, "bad name": 2, "label": 3, "begin": 4}, "a note"),
        Span(0, 9, "B", fragments=((0, 2), (6, 9))),
        Span(6, 9, "C"),
    )
    events = (Event("E", 0, (("r", 2), ("gone", 7))), Event("F", 0), Event("G", 5))
    relations = (Relation("r", 0, 2), Relation("r", 0, 2), Relation("r", 0, 9))
    doc = AnnotatedDocument(Document(text="Rolls-Roy"), "lost", spans, relations, events)
    _, report = _export(tmp_path, [doc])
    assert report.lost == {
        "discontinuous spans (written as one span from the first fragment to the last)": 1,
        "span notes (TSV has no notes)": 1,
        "attributes whose name cannot be a feature name (ASCII letters, digits, _)": 1,
        "identical relations (written once)": 1,
        "relations to a span that is not in the document": 1,
        "event roles filled by a span that is not in the document": 1,
        "events beyond the first on one trigger span (a span has one role set)": 1,
        "events whose trigger is not in the document": 1,
    }


def test_attribute_names_inception_restricts_get_an_underscore(tmp_path: Path) -> None:
    attributes = {"type": "city", "label": "x", "Begin": "1", "type_": "y", "kind_": "z"}
    doc = AnnotatedDocument(Document(text="Aleppo"), "names", (Span(0, 6, "L", attributes),))
    out, report = _export(tmp_path, [doc])
    header = (out / "names.tsv").read_text(encoding="utf-8").split("\n")[1]
    assert header == "#T_SP=webanno.custom.Span|label|Begin_|kind_|label_|type_|type__"
    [back], _ = _import(out)
    assert _shown(back) == _shown(doc) and not report.lost


def test_documents_of_the_same_name_get_distinct_files(tmp_path: Path) -> None:
    doc = AnnotatedDocument(Document(text="x"), "same")
    out, report = _export(tmp_path, [doc, doc])
    assert sorted(p.name for p in out.iterdir()) == ["same-2.tsv", "same.tsv"]
    assert report.notes == ["same: a second document of that name, written as same-2.tsv"]


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_random_documents_round_trip_exactly(doc: AnnotatedDocument) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out, report = _export(Path(tmp), [doc])
        content = (out / f"{doc.name}.tsv").read_text(encoding="utf-8")
        for cell, selected in _rebuilt_units(content):
            assert selected == cell.replace("\\t", "\t").replace("\\n", "\n")
        [back], _ = _import(out)
        assert back.text == doc.text
        assert _shown(back) == _shown(doc)
        assert _relations(back) == _relations(doc)
        again, _ = _export(Path(tmp) / "again", [back])
        assert (again / f"{doc.name}.tsv").read_text(encoding="utf-8") == content
        assert not report.lost


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab \t\n\r😀\u0301ق", min_size=1, max_size=25), st.data())
def test_spans_anywhere_even_in_whitespace_round_trip(text: str, data: st.DataObject) -> None:
    pairs = data.draw(
        st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))), max_size=6)
    )
    spans = tuple(dict.fromkeys(Span(a, b, "X") for a, b in pairs if a < b))
    doc = AnnotatedDocument(Document(text=text), "any", spans)
    with tempfile.TemporaryDirectory() as tmp:
        out, _ = _export(Path(tmp), [doc])
        [back], report = _import(out)
    assert back.text == text
    assert _shown(back) == _shown(doc)
    assert not report.errors


# --- import -----------------------------------------------------------------------------------


def test_every_sample_imports_without_a_refusal() -> None:
    folder = _samples()
    files = [
        *sorted(folder.rglob("*.tsv")),
        SAMPLES / "uima-xmi/inception-tsv3-emoji/reference.tsv",
    ]
    docs, report = _import(*files)
    assert len(docs) == len(files) == 21
    assert not report.errors
    for doc in docs:
        for span in doc.spans:
            assert 0 <= span.start < span.end <= len(doc.text)


EXPECTED: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "testCrossSentenceSpanWithFeatureValue": [
        ("He loves her .\nShe loves him not .", "PERSON", {})
    ],
    "testMultiTokenStackedSpanWithFeatureValue": [
        ("This is a test .", "LOCATION", {}),
        ("This is a test .", "PERSON", {}),
    ],
    "testSentenceWithEmoji": [("😊", "Span", {})],
    "testSentenceWithLineBreak": [("This", "Span", {})],
    "testSentenceWithTab": [("This", "Span", {})],
    "testSubMultiTokenSpanWithFeatureValue": sorted(
        [
            ("aaaaaa bbbbbb", "2", {}),
            ("aaaaaa bbb", "7", {}),
            ("aaaaaa", "1", {}),
            ("aaa bbbbbb ccc", "9", {}),
            ("aaa bbbbbb", "6", {}),
            ("aaa bbb", "8", {}),
            ("bbbb", "4", {}),
            ("bbbb", "5", {}),
            ("bb", "3", {}),
        ]
    ),
    "testTokenBoundedBioLookAlike": sorted(
        [("This", "B-NOTBIO!", {})] + [(w, "I-NOTBIO!", {}) for w in ("is", "a", "test", ".")]
    ),
    "testTokenBoundedSpanWithSpecialSymbolsValue": sorted(
        (w, "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n", {}) for w in ("This", "is", "a", "test", ".")
    ),
    "testTokenBoundedSpanWithUnderscoreFeatureValue": sorted(
        (w, "_", {}) for w in ("This", "is", "a", "test", ".")
    ),
    "testDependencyWithValues": [("This", "POS1", {}), ("is", "POS2", {})],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_spans(name: str) -> None:
    [doc], report = _import(_samples() / name / "reference.tsv")
    assert _shown(doc) == EXPECTED[name]
    assert not report.errors


def test_sample_texts_rebuild_line_breaks_tabs_and_emoji() -> None:
    folder = _samples()
    texts = {
        name: _import(folder / name / "reference.tsv")[0][0].text
        for name in ("testSentenceWithLineBreak", "testSentenceWithTab", "testSentenceWithEmoji")
    }
    assert texts == {
        "testSentenceWithLineBreak": "This is\na test .",
        "testSentenceWithTab": "This is\ta test .",
        "testSentenceWithEmoji": "I like it 😊 .",
    }


def test_sample_relations_with_disambiguation_and_dependencies() -> None:
    folder = _samples()
    [plain], _ = _import(folder / "testSingleNonMultiTokenRelationWithoutFeatureValue")
    assert _relations(plain) == {("Relation", "0:7:Span", "8:14:Span")}
    [stacked], report = _import(
        folder / "testSingleStackedNonTokenOverlappingRelationWithoutFeatureValue"
    )
    assert _relations(stacked) == {("Relation", "0:16:Span", "15:16:Span")}
    assert report.lost == {"identical stacked spans (merged into one)": 2}
    [dependency], _ = _import(folder / "testDependencyWithValues")
    assert _relations(dependency) == {("Dependency", "0:4:POS1", "5:7:POS2")}
    [tokens], report = _import(folder / "testSingleTokenRelationWithFeatureValue")
    assert not tokens.relations
    assert report.lost == {"relations between Token annotations (not a span layer in the file)": 1}


def test_sample_tsv32_with_named_entities_and_dependencies() -> None:
    [doc], report = _import(_samples() / "example2-tsv3.2.tsv")
    assert doc.text.startswith("Ms. Haag plays Elianti .\nRolls-Royce Motor Cars Inc. said")
    shown = _shown(doc)
    assert ("Ms. Haag", "PER", {}) in shown and ("BELL INDUSTRIES Inc.", "ORG", {}) in shown
    assert ("BELL", "PER", {}) in shown  # stacked on ORG[7] as PER[8]
    relations = _relations(doc)
    assert ("SUBJ", "9:14:VBD", "0:3:NNP") in relations  # plays -> Ms.
    assert ("ROOT", "9:14:VBD", "9:14:VBD") in relations
    assert ("P", "23:24:.", "9:14:VBD") in relations  # the second of "P|ROOT"
    assert not report.errors and not report.lost


def test_sample_slot_features_become_events() -> None:
    folder = _samples()
    for name, kind, roles in [
        ("testSimpleSlotFeature", "SimpleLinkHost", [("p1", "is"), ("p2", "a")]),
        ("sampleSlotAnnotation1", "SimpleSlotHost", [("pr2", "a"), ("pr1", "is")]),
    ]:
        [doc], report = _import(folder / name / "reference.tsv")
        [event] = doc.events
        trigger = doc.spans[event.trigger]
        assert (event.type, doc.text[trigger.start : trigger.end]) == (kind, "This")
        fillers = [(r, doc.text[doc.spans[i].start : doc.spans[i].end]) for r, i in event.roles]
        assert fillers == roles
        assert not report.errors


def test_sample_chains_zero_width_spans_and_sentence_texts_are_reported() -> None:
    folder = _samples()
    [chain], report = _import(folder / "testStackedChain")
    assert report.lost == {"chain links (T_CH chain layers are not carried)": 6}
    assert not chain.spans
    [zero], report = _import(folder / "testZeroLengthSpansWithFeatureValues")
    assert not zero.spans
    assert report.lost == {"zero-width annotations (a span cannot be empty)": 2}
    [_], report = _import(folder / "testSubMultiTokenSpanWithFeatureValue")
    assert report.lost == {"zero-width annotations (a span cannot be empty)": 3}


def test_sample_coref_chains_are_counted_and_its_spans_kept() -> None:
    path = _samples() / "coref.tsv"
    [doc], report = _import(path)
    content = path.read_text(encoding="utf-8")
    links = set(re.findall(r"->(\d+-\d+)", content))
    tokens = len(re.findall(r"^\d+-\d+\t", content, re.MULTILINE))
    assert set(report.lost) == {
        "chain links (T_CH chain layers are not carried)",
        "annotations of the linguistic layer Lemma",
    }
    assert report.lost["chain links (T_CH chain layers are not carried)"] == len(links)
    assert tokens * 0.9 < report.lost["annotations of the linguistic layer Lemma"] <= tokens
    assert ("Grubach", "PER", {}) in _shown(doc)
    assert all(label != "musste" for _, label, _ in _shown(doc))  # no label per lemma
    assert doc.text.endswith("nähern könnten .")


def test_samples_agree_with_inceptions_xmi_of_the_same_documents() -> None:
    """The tool's proof: dkpro-cassis loads the XMI that INCEpTION made of each sample; the text
    and every named entity's offsets equal what the TSV import gives."""
    cassis = pytest.importorskip("cassis")
    typesystem_path = SAMPLES / "uima-xmi" / "inception_typesystem.xml"
    folder = _samples()
    with typesystem_path.open("rb") as f:
        typesystem = cassis.load_typesystem(f)
    compared = 0
    for xmi in sorted(folder.glob("test*/reference.xmi")):
        with xmi.open("rb") as f, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the custom types are not in the type system
            cas = cassis.load_cas_from_xmi(f, typesystem=typesystem, lenient=True)
        [doc], _ = _import(xmi.with_suffix(".tsv"))
        assert doc.text == cas.sofa_string, xmi.parent.name
        entities = {
            (a.begin, a.end)
            for a in cas.select("de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity")
            if a.begin < a.end
        }
        if entities:
            assert {(s.start, s.end) for s in doc.spans} == entities, xmi.parent.name
            compared += 1
    assert compared == 11


# --- refusals ---------------------------------------------------------------------------------


def test_a_row_whose_text_differs_is_refused_with_its_line_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    path = _file(
        tmp_path,
        HEADER + "#Text=This is a test .\n"
        "1-1\t0-4\tThis\tA[1]\t\n"
        "1-2\t5-7\tIS\tA[1]\t\n"  # the text says "is"
        "1-3\t8-9\ta\tB\t\n"
        "1-4\t10-14\ttest\t_\t\n"
        "1-5\t15-17\t.\tC\t\n",  # beyond the text
    )
    [doc], report = _import(path)
    assert _shown(doc) == [("a", "B", {})]  # A lost a row: not imported at all
    assert [str(e) for e in report.errors] == [
        f"{path}:7: offsets 5..7 select 'is', but the file says 'IS' (UTF-16 5-7); "
        "the row is not imported",
        f"{path}:10: offsets 15-17: UTF-16 offset 17 outside 0..16; the row is not imported",
    ]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("#FORMAT=WebAnno TSV 2\n", 1, "not a WebAnno TSV 3.x file"),
        ("hello\n", 1, "not a WebAnno TSV 3.x file"),
        (
            HEADER + "#Text=ab\n1-1\t0-2\tab\n",
            6,
            "a token line with 3 fields, the header asks for 4",
        ),
        (HEADER + "1-1\t0-2\tab\t_\t\n", 5, "a token line outside a sentence"),
        (HEADER + "#Text=ab\n1-1\t0-x\tab\t_\t\n", 6, "bad offsets '0-x'"),
        (HEADER + "#Text=ab\n1-1.1\t0-1\ta\t_\t\n", 6, "a sentence's first row is a sub-token"),
        (HEADER + "#Text=ab\n1-1\t2-1\tab\t_\t\n", 6, "offsets 2-1 end before they begin"),
        (
            HEADER + "#Text=ab cd\n1-1\t0-2\tab\t_\t\n\n#Text=cd\n2-1\t3-5\tcd\t_\t\n",
            9,
            "the sentence starts at offset 3, inside the previous sentence's text",
        ),
        (HEADER + "#Text=ab\n", 5, "a sentence without tokens"),
        (HEADER + "#Text=ab\n\n#Text=cd\n1-1\t0-2\tcd\t_\t\n", 6, "a sentence without tokens"),
        (HEADER + "#Text=ab\n1-1\t0-2\tab\t_\t\n\n1-2\t3-4\tc\t_\t\n", 8, "a token line outside"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(
    tmp_path: Path, content: str, line: int, reason: str
) -> None:
    path = _file(tmp_path, content)
    docs, report = _import(path)
    assert docs == []
    [error] = report.errors
    assert (error.file, error.line) == (str(path), line)
    assert error.reason.startswith(reason)


def test_unresolvable_references_are_refused_and_the_spans_kept(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|label\n"
        "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span\n\n\n"
        "#Text=ab cd\n1-1\t0-2\tab\tX\t_\t_\t\n1-2\t3-5\tcd\tY\tr\t1-1[9_0]\t\n",
    )
    [doc], report = _import(path)
    assert [s.label for s in doc.spans] == ["X", "Y"] and not doc.relations
    assert [str(e) for e in report.errors] == [
        f"{path}:8: no annotation has the disambiguation id [9]"
    ]


def test_files_over_the_size_limit_or_not_utf8_are_refused(tmp_path: Path) -> None:
    big = _file(tmp_path, HEADER + "#Text=ab\n1-1\t0-2\tab\t_\t\n", "big.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"#FORMAT=WebAnno TSV 3.3\n\n\n#Text=\xff\n")
    docs, report = _import(big, bad, max_bytes=40)
    assert docs == []
    assert [str(e) for e in report.errors] == [
        f"{big}: {big.stat().st_size} bytes, over the limit of 40",
        f"{bad}: not UTF-8 (invalid start byte at byte 32)",
    ]


def test_a_folder_is_walked_and_names_come_from_the_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    _file(tmp_path, HEADER + "#Text=ab\n1-1\t0-2\tab\tX\t\n", "a/one.tsv")
    _file(tmp_path, "not tsv\n", "two.tsv")
    _file(tmp_path, "ignored\n", "three.txt")
    docs, report = _import(tmp_path)
    assert [d.name for d in docs] == ["a_one"]
    assert [e.reason[:26] for e in report.errors] == ["not a WebAnno TSV 3.x file"]


# --- line endings -----------------------------------------------------------------------------


def test_carriage_returns_in_the_text_are_remapped_by_normalized(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        HEADER + "#Text=Line one\\r\n#Text=two 😀\\rthree\n"
        "1-1\t0-4\tLine\t_\t\n1-2\t5-8\tone\tA\t\n1-3\t10-13\ttwo\tB\t\n"
        "1-4\t14-16\t😀\tC\t\n1-5\t17-22\tthree\tD\t\n",
    )
    [doc], _ = _import(path)
    assert doc.text == "Line one\r\ntwo 😀\rthree"
    clean = normalized(doc)
    assert clean.text == "Line one\ntwo 😀\nthree"
    assert [clean.text[s.start : s.end] for s in clean.spans] == ["one", "two", "😀", "three"]


def test_a_file_saved_with_crlf_line_ends_reads_the_same(tmp_path: Path) -> None:
    lf = HEADER + "#Text=ab\tcd\n1-1\t0-2\tab\tX\t\n1-2\t3-5\tcd\tY\t\n"
    one = _file(tmp_path, lf, "lf.tsv")
    two = _file(tmp_path, lf.replace("\n", "\r\n"), "crlf.tsv")
    [a], _ = _import(one)
    [b], _ = _import(two)
    assert a.text == b.text == "ab\tcd"
    assert a.spans == b.spans


def test_version_3_1_texts_use_java_escapes(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "#FORMAT=WebAnno TSV 3.1\n#T_SP=webanno.custom.Span|label\n\n\n"
        "#Text=caf\\u00e9\\tx\n1-1\t0-4\tcafé\tA\t\n1-2\t5-6\tx\t_\t\n",
    )
    [doc], report = _import(path)
    assert doc.text == "café\tx" and _shown(doc) == [("café", "A", {})]
    assert not report.errors

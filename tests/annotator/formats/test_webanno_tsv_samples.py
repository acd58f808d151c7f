"""WebAnno TSV 3.x samples: every sample of INCEpTION's own test suite reads, with its spans,
relations, slot features and chains, and agrees with the XMI of the same document (through
dkpro-cassis)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from tests.annotator.formats.harness import SAMPLES, sample_folder
from tests.annotator.formats.webanno_tsv_files import _import, _relations, _shown


def _samples() -> Path:
    return sample_folder("webanno-tsv3", "the WebAnno TSV samples cannot be read")


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

"""The spaCy DocBin format: spaCy itself loads every export and each span's ``start_char`` and
``end_char`` select the span's text; every sample imports; bad files are refused with a reason;
what spaCy cannot hold is counted; export, import, export again is identical."""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings

spacy = pytest.importorskip("spacy", reason="spaCy is not installed (the optional 'spacy' extra)")

from spacy.tokens import Doc, DocBin  # noqa: E402

from annotator import formats  # noqa: E402
from annotator.document import Document, Event, Relation, Span  # noqa: E402
from annotator.formats import spacy_docbin  # noqa: E402
from annotator.formats.model import (  # noqa: E402
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from annotator.tokenizer import Token, tokenize  # noqa: E402
from tests.annotator.formats.harness import labelled as covered  # noqa: E402
from tests.annotator.formats.harness import read_with, sample_folder, write_with  # noqa: E402
from tests.annotator.formats.strategies import annotated_documents  # noqa: E402
from tests.annotator.formats.test_conll import SPACY_SPANS  # noqa: E402

NLP = spacy.blank("xx")

TEXT = "Russian jets 🇸🇾 struck al-Bab\tقتلت مدنيين, e\u0301te 👍🏽.\n\nZürich  😀 end"


def at(word: str, label: str, text: str = TEXT, **extra: object) -> Span:
    start = text.index(word)
    return Span(start, start + len(word), label, **extra)  # type: ignore[arg-type]


def export(docs: list[AnnotatedDocument], out: Path, **options: object) -> Report:
    return write_with(spacy_docbin.write, iter(docs), out, ExportOptions(**options))  # type: ignore[arg-type]


def import_(*paths: Path, **options: object) -> tuple[list[AnnotatedDocument], Report]:
    return read_with(spacy_docbin.read, paths, ImportOptions(**options))  # type: ignore[arg-type]


def spacy_docs(path: Path) -> list[Doc]:
    """The Docs as spaCy itself loads them."""
    return list(DocBin().from_disk(path).get_docs(NLP.vocab))


def assert_spacy_selects(doc: AnnotatedDocument, sdoc: Doc) -> None:
    """spaCy's offsets of every span select the span's text, in spaCy's text and in ours."""
    assert sdoc.text == doc.text
    for span in [*sdoc.spans["sc"], *sdoc.ents]:
        assert span.text != ""
        assert sdoc.text[span.start_char : span.end_char] == span.text
        assert doc.text[span.start_char : span.end_char] == span.text


def write_docbin(path: Path, docs: list[Doc], user_data: bool = False) -> Path:
    DocBin(store_user_data=user_data, docs=docs).to_disk(path)
    return path


# --- samples -------------------------------------------------------------------------------


@pytest.fixture
def samples() -> Path:
    return sample_folder("spacy", "the sample tests need it")


def test_the_generated_sample_brings_overlapping_spans_and_entities(samples: Path) -> None:
    [doc], report = import_(samples / "generated-sample.spacy")
    assert doc.text == "I like London and New York 😊 in Zürich."
    assert doc.name == "generated-sample-1"
    assert [(s.start, s.end) for s in doc.spans] == [(7, 13), (7, 26), (7, 13), (18, 26), (32, 38)]
    assert covered(doc) == [
        ("CITY", "London"),
        ("LIST", "London and New York"),
        ("LOC", "London"),
        ("GPE", "New York"),
        ("LOC", "Zürich"),
    ]
    assert not report.errors and not report.lost


def test_the_converted_conll_sample_brings_its_entities(samples: Path) -> None:
    [doc], report = import_(samples / "converted-from-ner-token-per-line-conll2003.spacy")
    assert doc.text.startswith("When Sebastian Thrun started working on self - driving cars")
    assert len(doc.text) == 335
    assert covered(doc) == SPACY_SPANS
    assert doc.spans[0].start == 5 and doc.spans[-1].end == 332
    assert not report.errors


def test_v2_json_training_files_import_through_spacys_converter(samples: Path) -> None:
    [doc], report = import_(samples / "generated-v2-training-format.json")
    assert doc.text == "I like London and New York 😊 in Zürich. Next line."
    assert covered(doc) == [("LOC", "London"), ("GPE", "New York"), ("LOC", "Zürich")]
    assert [(s.start, s.end) for s in doc.spans] == [(7, 13), (18, 26), (32, 38)]
    assert not report.errors and not report.notes

    [doc], report = import_(samples / "v2-training-data.json")
    assert len(doc.spans) == 11 and covered(doc)[:2] == [
        ("DATE", "Oct. 19"),
        ("WORK_OF_ART", "The Misanthrope"),
    ]
    assert report.lost == {
        "token annotations (tags, lemmas, morphology, dependencies) not imported": 1
    }
    # its raw text has straight quotes where its tokens have `` and ''
    assert report.notes == [
        f"{samples / 'v2-training-data.json'}: doc 1: the text of the tokens, imported, "
        "differs from the paragraph's raw text"
    ]


def test_every_sample_of_the_folder_imports(samples: Path) -> None:
    docs, report = import_(samples)
    assert [d.name for d in docs] == [
        "converted-from-ner-token-per-line-conll2003-1",
        "generated-sample-1",
        "generated-v2-training-format-1",
        "ner_example_data-ner-token-per-line-conll2003-1",
        "v2-training-data-1",
    ]
    assert not report.errors
    for doc in docs:
        assert doc.spans
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.spans)
    # spaCy v2 made the JSON, spaCy v3 the DocBin, from the same CoNLL file
    assert covered(docs[0]) == covered(docs[3]) and docs[0].text == docs[3].text


# --- export, proven by spaCy ---------------------------------------------------------------


def test_spacy_loads_the_export_and_every_offset_selects_the_span(tmp_path: Path) -> None:
    spans = (
        at("Russian jets", "Actor"),
        at("jets", "WeaponSystem"),
        at("🇸🇾", "Location"),
        at("قتلت مدنيين", "Casualty"),
        at("e\u0301te", "Word"),
        at("👍🏽", "Emoji"),
        at("Zürich  😀", "Location"),
    )
    doc = AnnotatedDocument(Document(TEXT, title="Strike"), "strike", spans)
    report = export([doc], tmp_path / "out.spacy")
    [sdoc] = spacy_docs(tmp_path / "out.spacy")
    assert_spacy_selects(doc, sdoc)
    assert [(s.start_char, s.end_char, s.label_) for s in sdoc.spans["sc"]] == [
        (s.start, s.end, s.label) for s in spans
    ]
    assert [e.text for e in sdoc.ents] == [
        "Russian jets",
        "🇸🇾",
        "قتلت مدنيين",
        "e\u0301te",
        "👍🏽",
        "Zürich  😀",
    ]
    # the words are our tokens; the whitespace between them spaCy's way
    words = [t.text for t in sdoc]
    assert words[:2] == ["Russian", "jets"] and "al-Bab" in words and "e\u0301te" in words
    assert "\t" in words and "\n\n" in words and " " in words
    assert sdoc.user_data["annotator"]["name"] == "strike"
    assert sdoc.user_data["annotator"]["title"] == "Strike"
    assert (report.documents, report.spans) == (1, 7)
    assert report.lost == {"overlapping spans (in doc.spans only, not in doc.ents)": 1}


def test_spans_off_token_boundaries_are_reported_and_left_out_never_widened(
    tmp_path: Path,
) -> None:
    spans = (at("ussia", "Part"), at("jets", "WeaponSystem"), at("jets 🇸🇾 s", "Half"))
    relations = (Relation("r", 0, 1), Relation("r", 1, 1))
    events = (Event("Strike", 1, (("actor", 0), ("target", 1))), Event("Other", 2))
    doc = AnnotatedDocument(Document(TEXT), "d", spans, relations, events)
    report = export([doc], tmp_path / "out.spacy")
    [sdoc] = spacy_docs(tmp_path / "out.spacy")
    assert [s.text for s in sdoc.spans["sc"]] == ["jets"]
    assert [e.text for e in sdoc.ents] == ["jets"]
    assert report.lost == {
        "spans not on token boundaries (left out)": 2,
        "relations whose span was left out": 1,
        "events whose trigger was left out": 1,
        "event roles whose span was left out": 1,
    }
    [back], _ = import_(tmp_path / "out.spacy")
    assert back.spans == (spans[1],)
    assert back.relations == (Relation("r", 0, 0),)
    assert back.events == (Event("Strike", 0, (("target", 0),)),)


def test_our_tokenizer_can_be_replaced(tmp_path: Path) -> None:
    def characters(text: str) -> list[Token]:
        return [Token(i, i + 1, ch) for i, ch in enumerate(text) if not ch.isspace()]

    doc = AnnotatedDocument(Document("Russian jets"), "d", (at("ussia", "Part", "Russian jets"),))
    report = export([doc], tmp_path / "out.spacy", tokenize=characters)
    [sdoc] = spacy_docs(tmp_path / "out.spacy")
    assert [s.text for s in sdoc.spans["sc"]] == ["ussia"] and not report.lost
    assert len(sdoc) == len("Russianjets")


def test_the_policy_chooses_the_entities_among_overlapping_spans(tmp_path: Path) -> None:
    spans = (at("Russian jets", "Actor"), at("jets", "WeaponSystem"), at("Zürich", "Location"))
    doc = AnnotatedDocument(Document(TEXT), "d", spans)
    for policy, expected in [
        ("longest", ["Russian jets", "Zürich"]),
        ("shortest", ["jets", "Zürich"]),
    ]:
        export([doc], tmp_path / "out.spacy", policy=policy)
        [sdoc] = spacy_docs(tmp_path / "out.spacy")
        assert [e.text for e in sdoc.ents] == expected
        assert [s.text for s in sdoc.spans["sc"]] == ["Russian jets", "jets", "Zürich"]


def test_everything_we_carry_comes_back_and_exports_identically(tmp_path: Path) -> None:
    text = "Russian jets struck al-Bab, killing nine civilians 👍🏽."
    spans = (
        at("Russian jets", "Actor", text, attributes={"count": 2, "sure": True}, note="per AFP"),
        at("jets", "WeaponSystem", text, attributes={"weight": 1.5, "kind": "Su-24"}),
        Span(0, 19, "Split", fragments=((0, 7), (13, 19))),
        at("al-Bab", "Location", text),
        at("struck", "Attack", text),
        at("nine civilians", "Casualty", text),
    )
    doc = AnnotatedDocument(
        Document(
            text,
            title="Strike on al-Bab",
            source="https://example.org/a",
            author="A. Writer",
            published="2016-11-02",
            language="en",
            metadata={"outlet": "Wire", "page": 3},
        ),
        "al-bab-strike",
        spans,
        relations=(Relation("located_at", 0, 3),),
        events=(Event("Strike", 4, (("attacker", 0), ("place", 3), ("victim", 5))),),
        annotator="ana",
        status="done",
    )
    first = tmp_path / "first.spacy"
    report = export([doc], first)
    assert report.lost == {
        "discontinuous spans (spaCy sees their whole extent; fragments kept)": 1,
        "overlapping spans (in doc.spans only, not in doc.ents)": 3,
    }
    [back], read_report = import_(first)
    assert back == doc
    assert not read_report.errors and not read_report.lost
    second = tmp_path / "second.spacy"
    export([back], second)
    assert second.read_bytes() == first.read_bytes()


def test_an_export_holds_many_documents_in_order(tmp_path: Path) -> None:
    docs = [
        AnnotatedDocument(Document(f"Doc {i} 🇸🇾 ok"), f"d{i}", (Span(0, 3, "X"),)) for i in range(5)
    ]
    report = export(docs, tmp_path / "out.spacy")
    assert (report.documents, report.spans) == (5, 5)
    back, _ = import_(tmp_path / "out.spacy")
    assert back == docs
    assert [d.text for d in spacy_docs(tmp_path / "out.spacy")] == [d.text for d in docs]


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_any_document_round_trips_and_spacy_agrees(tmp_path_factory, doc) -> None:
    folder = tmp_path_factory.mktemp("prop")
    first, second = folder / "first.spacy", folder / "second.spacy"
    report = export([doc], first)
    [sdoc] = spacy_docs(first)
    assert_spacy_selects(doc, sdoc)
    tokens = list(tokenize(doc.text))
    starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
    on_tokens = tuple(s for s in doc.spans if s.start in starts and s.end in ends)
    assert report.spans == len(on_tokens) == len(sdoc.spans["sc"])
    assert report.lost["spans not on token boundaries (left out)"] == len(doc.spans) - len(
        on_tokens
    )
    [back], _ = import_(first)
    assert back.text == doc.text and back.spans == on_tokens
    for relation in back.relations:
        assert (back.spans[relation.head], back.spans[relation.tail]) in {
            (doc.spans[r.head], doc.spans[r.tail]) for r in doc.relations
        }
    export([back], second)
    assert second.read_bytes() == first.read_bytes()


# --- import of DocBins made elsewhere -------------------------------------------------------


def test_crlf_text_is_read_as_is_and_remapped_by_normalising(tmp_path: Path) -> None:
    sdoc = Doc(
        NLP.vocab,
        words=["Russian", "\r\n", "jets", "🇸🇾", "\r\n", "قتلت"],
        spaces=[False, False, True, False, False, False],
    )
    sdoc.ents = [sdoc.char_span(9, 13, "WeaponSystem"), sdoc.char_span(18, 22, "Casualty")]
    sdoc.spans["sc"] = [sdoc.char_span(0, 13, "Actor")]
    [doc], _ = import_(write_docbin(tmp_path / "crlf.spacy", [sdoc]))
    assert doc.text == "Russian\r\njets 🇸🇾\r\nقتلت"
    assert covered(doc) == [
        ("Actor", "Russian\r\njets"),
        ("WeaponSystem", "jets"),
        ("Casualty", "قتلت"),
    ]
    doc = normalized(doc)
    assert doc.text == "Russian\njets 🇸🇾\nقتلت"
    assert covered(doc) == [
        ("Actor", "Russian\njets"),
        ("WeaponSystem", "jets"),
        ("Casualty", "قتلت"),
    ]


def test_all_span_groups_and_entities_come_in_once(tmp_path: Path) -> None:
    sdoc = Doc(NLP.vocab, words=["Russian", "jets", "struck"], spaces=[True, True, False])
    sdoc.ents = [sdoc.char_span(0, 12, "Actor", kb_id="Q159")]
    sdoc.spans["sc"] = [sdoc.char_span(0, 12, "Actor"), sdoc.char_span(8, 12, "Weapon")]
    sdoc.spans["events"] = [sdoc.char_span(13, 19, "Attack"), sdoc.char_span(8, 12, "Weapon")]
    sdoc.cats = {"CONFLICT": 1.0}
    [doc], report = import_(write_docbin(tmp_path / "groups.spacy", [sdoc]))
    assert covered(doc) == [("Actor", "Russian jets"), ("Weapon", "jets"), ("Attack", "struck")]
    assert report.lost == {
        "entity links (kb_id) not imported": 1,
        "document categories (doc.cats) not imported": 1,
    }


def test_a_record_that_no_longer_matches_its_spans_is_refused_and_spans_still_come_in(
    tmp_path: Path,
) -> None:
    text = "Russian jets struck"
    doc = AnnotatedDocument(
        Document(text), "d", (at("Russian", "Actor", text, note="n"), at("jets", "W", text))
    )
    export([doc], tmp_path / "ours.spacy")
    [sdoc] = spacy_docs(tmp_path / "ours.spacy")
    sdoc.spans["sc"] = [sdoc.char_span(0, 7, "Actor"), sdoc.char_span(13, 19, "Attack")]
    [back], report = import_(write_docbin(tmp_path / "edited.spacy", [sdoc], user_data=True))
    assert covered(back) == [("Actor", "Russian"), ("Attack", "struck"), ("W", "jets")]
    assert back.spans[0].note == ""
    [error] = report.errors
    assert str(error) == (
        f"{tmp_path / 'edited.spacy'}: doc 1: user_data['annotator'] is not usable (ValueError: "
        "it lists 8..12 'W' where doc.spans['sc'] has 13..19 'Attack'): attributes, notes, relations and "
        "events of this doc not imported"
    )


def test_bad_files_and_spans_are_refused_with_file_and_reason(tmp_path: Path) -> None:
    (tmp_path / "garbage.spacy").write_bytes(b"not a docbin")
    (tmp_path / "bomb.spacy").write_bytes(zlib.compress(b"\0" * 50_000))
    (tmp_path / "big.spacy").write_bytes(b"x" * 20_000)
    (tmp_path / "labelstudio.json").write_text('[{"data": {"text": "x"}}]')
    (tmp_path / "object.json").write_text('{"paragraphs": []}')
    (tmp_path / "broken.json").write_text('[{"id": 1, "paragraphs": [')
    (tmp_path / "notes.txt").write_text("not read: not a suffix of this format")
    sdoc = Doc(NLP.vocab, words=["Russian", "jets"], spaces=[True, False])
    sdoc.spans["sc"] = [sdoc[0:1], sdoc.char_span(8, 12, "Weapon")]
    write_docbin(tmp_path / "unlabelled.spacy", [sdoc])
    docs, report = import_(tmp_path, tmp_path / "missing.spacy", max_bytes=10_000)
    assert [covered(d) for d in docs] == [[("Weapon", "jets")]]
    assert sorted(str(e).removeprefix(f"{tmp_path}/") for e in report.errors) == sorted(
        [
            "big.spacy: larger than the limit of 10000 bytes",
            "bomb.spacy: decompresses to more than the limit of 10000 bytes",
            "garbage.spacy: not a spaCy DocBin (error: Error -3 while decompressing data: "
            "incorrect header check)",
            "labelstudio.json: document 1: not spaCy v2 JSON (expected a list of documents, "
            "each with a list of 'paragraphs')",
            "object.json: not spaCy v2 JSON training data (expected a list of documents, each "
            "with a list of 'paragraphs')",
            "broken.json: not JSON (ValueError: Expected object or value)",
            "unlabelled.spacy: doc 1: span 0..7 has no label",
            "missing.spacy: no such file or folder",
        ]
    )


# --- spaCy stays optional -------------------------------------------------------------------


def test_without_spacy_the_app_runs_and_the_format_says_what_is_missing() -> None:
    code = (
        "import sys; sys.modules['spacy'] = None\n"
        "import annotator.formats, corpus.exchange, cli.main\n"
        "from annotator.errors import AnnotatorError\n"
        "try:\n"
        "    annotator.formats.get('spacy')\n"
        "except AnnotatorError as exc:\n"
        "    print(exc)\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("the spacy format needs a library that is missing: ")
    assert formats.get("spacy") is spacy_docbin.FORMAT

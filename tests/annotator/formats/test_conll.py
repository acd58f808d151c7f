"""CoNLL: every CoNLL-like sample imports (CoNLL-2002/2003, GermEval nested, spaCy's .iob
layouts, doccano's and Label Studio's exports), bad lines are refused with file:line, exports
are exact on hard texts and seqeval reads back exactly the spans written, what the tags cannot
carry is counted, and export, import, export again is identical."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, Entities

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError
from annotator.formats import conll
from annotator.formats.conll_sentences import token_bounds
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from annotator.tokenizer import Token, tokenize
from tests.annotator.formats.harness import SAMPLES, labelled, read_with
from tests.annotator.formats.strategies import annotated_documents, texts

SEQEVAL = {"iob1": IOB1, "bio": IOB2, "bioes": IOBES, "bilou": BILOU}
SCHEMES = list(SEQEVAL)


def sample(relative: str) -> Path:
    path = SAMPLES / relative
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is absent: the sample files are not on this machine")
    return path


def read(
    paths: Sequence[Path], scheme: str | None = None, **options
) -> tuple[list[AnnotatedDocument], Report]:
    return read_with(conll.read, paths, ImportOptions(scheme=scheme, **options))


SPACY_SPANS = [
    ("PERSON", "Sebastian Thrun"),
    ("ORG", "Google"),
    ("DATE", "2007"),
    ("NORP", "American"),
    ("PERSON", "Thrun"),
    ("ORG", "Recode"),
    ("DATE", "earlier this week"),
]

EXPECTED = {
    "conll/dkpro-conll2003-en-orig-IOB1.conll": (
        "U.N. official Ekeus heads for Baghdad .",
        [("ORG", "U.N."), ("PER", "Ekeus"), ("LOC", "Baghdad")],
    ),
    "conll/dkpro-conll2002-ner2002_test-IOB2.conll": (
        "Wolff , currently a journalist in Argentina , played with Del Bosque in the final "
        "years of the seventies in Real Madrid .",
        [("PER", "Wolff"), ("LOC", "Argentina"), ("PER", "Del Bosque"), ("ORG", "Real Madrid")],
    ),
    "conll/spacy-ner-token-per-line-conll2003-IOB2.iob": (None, SPACY_SPANS),
    "spacy/ner_example_data-ner-token-per-line-conll2003.iob": (None, SPACY_SPANS),
    "spacy/ner_example_data-ner-token-per-line.iob": (None, SPACY_SPANS),
    "spacy/ner_example_data-ner-token-per-line-with-pos.iob": (None, SPACY_SPANS),
    "spacy/ner_example_data-ner-sent-per-line.iob": (None, SPACY_SPANS),
    "doccano/import-sequence_labeling-example.conll.txt": (
        "EU rejects German call to boycott British lamb .\nPeter Blackburn",
        [("ORG", "EU"), ("MISC", "German"), ("MISC", "British"), ("PER", "Peter Blackburn")],
    ),
    "doccano/import-test-example.conll": (
        "JAPAN GET\nNadim Ladki",
        [("LOC", "JAPAN"), ("PER", "Nadim Ladki")],
    ),
    "label-studio/generated-by-label-studio-converter-0.0.59-CONLL2003.conll": (
        None,
        [("Date", "February 22")],
    ),
}


@pytest.mark.parametrize("relative", list(EXPECTED))
def test_every_sample_imports_with_its_spans(relative: str) -> None:
    path = sample(relative)
    text, spans = EXPECTED[relative]
    [doc], report = read([path])
    assert report.errors == [] and doc.document.source == str(path)
    if text is not None:
        assert doc.text == text
    assert labelled(doc) == spans
    assert normalized(doc) is doc  # rebuilt text: LF only


def test_the_spacy_samples_have_two_sentences_in_one_or_two_lines() -> None:
    [per_line], _ = read([sample("spacy/ner_example_data-ner-sent-per-line.iob")])
    [with_pos], _ = read([sample("spacy/ner_example_data-ner-token-per-line-with-pos.iob")])
    [docstart], _ = read([sample("conll/spacy-ner-token-per-line-conll2003-IOB2.iob")])
    assert per_line.text.count("\n") == 1 and docstart.text.count("\n") == 1
    assert with_pos.text == per_line.text.replace("\n", " ")  # no blank line: one sentence
    assert per_line.text.startswith("When Sebastian Thrun") and "“ I can" in per_line.text
    assert per_line.name == "ner_example_data-ner-sent-per-line"


def test_germeval_reads_both_nested_columns_and_skips_comments() -> None:
    [doc], report = read([sample("conll/dkpro-germeval2014-nested-2level.tsv")])
    assert report.errors == [] and report.notes == []
    assert doc.text.startswith("Aufgrund seiner Initiative") and "wikipedia" not in doc.text
    assert "1" not in doc.text.split()  # the index column is not a token
    assert labelled(doc) == [
        ("LOC", "Stuttgart"),
        ("LOC", "Braunschweig"),
        ("LOC", "Bonn"),
        ("LOCpart", "Troia-Ausstellung"),
        ("LOC", "Troia"),  # the inner column, inside the outer OTH span
        ("OTH", "Troia - Traum und Wirklichkeit"),
    ]
    assert "große" in doc.text


def test_the_scheme_is_detected_or_taken_from_the_options() -> None:
    path = sample("conll/dkpro-conll2003-en-orig-IOB1.conll")
    [doc], report = read([path])
    assert report.notes == [f"{path}: tags read as iob1"]
    [as_bio], report = read([path], scheme="iob2")
    assert as_bio.spans == doc.spans  # the same spans, but BIO says I- should follow B-
    assert report.notes[0] == f"{path}:1: I-ORG with no B-ORG before it starts a span"
    assert len(report.notes) == 3


def test_bad_lines_are_refused_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text(
        "-DOCSTART- -X- O O\n\nRussian JJ B-NP B-Actor\njets NNS I-NP\n"
        "struck VBD B-VP B-Attack\nAleppo NNP B-NP B-Location\n\n"
        "Nine CD B-NP B-Casualty\ncivilians NNS I-NP Actor\n",
        encoding="utf-8",
    )
    [doc], report = read([path])
    assert [str(e) for e in report.errors] == [
        f"{path}:4: 3 column(s) where the file has 4",
        f"{path}:9: tag 'Actor' is not O or B-/I-/E-/S-/L-/U- and a label",
    ]
    assert doc.text == "Russian struck Aleppo\nNine"
    assert labelled(doc) == [
        ("Actor", "Russian"),
        ("Attack", "struck"),
        ("Location", "Aleppo"),
        ("Casualty", "Nine"),
    ]
    assert report.notes == []


def test_bad_sentence_lines_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "sentences.iob"
    path.write_text("Russian|B-Actor jets|O\nNine|B-Casualty civilians|X-Y\n", encoding="utf-8")
    [doc], report = read([path])
    assert [str(e) for e in report.errors] == [
        f"{path}:2: 'civilians|X-Y' is not word|tag (tag O or B-/I-/E-/S-/L-/U- and a label)"
    ]
    assert labelled(doc) == [("Actor", "Russian")]


def test_unreadable_and_oversized_files_are_refused(tmp_path: Path) -> None:
    latin = tmp_path / "latin.conll"
    latin.write_bytes("Aleppo B-LOC\n\nZürich B-LOC\n".encode("latin-1"))
    big = tmp_path / "big.conll"
    big.write_text("Zürich B-LOC\n" * 10, encoding="utf-8")
    docs, report = read([latin, big], max_bytes=50)
    assert docs == []
    assert [e.file for e in report.errors] == [str(latin), str(big)]
    assert str(report.errors[0]) == f"{latin}:3: not UTF-8 text"
    assert "over the limit" in report.errors[1].reason


def test_folders_are_walked_and_documents_split_at_docstart(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.conll").write_text(
        "-DOCSTART- -X- O O\n\na B-X\n\n-DOCSTART- -X- O O\n\nb O\nc B-Y\n\n-DOCSTART- -X- O O\n\n",
        encoding="utf-8",
    )
    (tmp_path / "tokens.iob").write_text("#\ntokens\nonly\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not read", encoding="utf-8")
    docs, report = read([tmp_path])
    assert [(d.name, d.text, labelled(d)) for d in docs] == [
        ("two-1", "a", [("X", "a")]),
        ("two-2", "b c", [("Y", "c")]),
        ("tokens", "# tokens only", []),  # one column: tokens without tags
    ]
    assert report.notes[-1].endswith("two.conll: 1 document(s) without a token left out")


def test_crlf_files_read_as_their_lf_twins(tmp_path: Path) -> None:
    body = "-DOCSTART- -X- O O\n\n👍🏽 -X- _ O\nقتلت -X- _ B-Casualty\ne\u0301 -X- _ E-Casualty\n\nx -X- _ S-Actor\n"
    lf, crlf = tmp_path / "lf.conll", tmp_path / "crlf.conll"
    lf.write_bytes(body.encode())
    crlf.write_bytes(("\ufeff" + body).replace("\n", "\r\n").encode())
    [from_lf], _ = read([lf])
    [from_crlf], report = read([crlf])
    assert from_crlf.text == from_lf.text == "👍🏽 قتلت e\u0301\nx"
    assert from_crlf.spans == from_lf.spans and normalized(from_crlf) is from_crlf
    assert labelled(from_crlf) == [("Casualty", "قتلت e\u0301"), ("Actor", "x")]
    assert report.notes == [f"{crlf}: tags read as bioes"]


def export(docs: Sequence[AnnotatedDocument], out: Path, **options) -> Report:
    report = Report()
    conll.write(iter(docs), out, ExportOptions(**options), report)
    return report


def written(path: Path) -> list[list[list[tuple[str, str]]]]:
    """The file as documents of sentences of (token, tag), read without the module's reader;
    every line must be ``token -X- _ TAG``."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line == "-DOCSTART- -X- O O":
            docs.append([])
        elif line == "":
            if sentence:
                docs[-1].append(sentence)
            sentence = []
        else:
            token, x, underscore, tag = line.split(" ")
            assert (x, underscore) == ("-X-", "_") and token
            sentence.append((token, tag))
    assert sentence == []
    return docs


def line_tokens(text: str) -> list[list[Token]]:
    """The tokens of each line of ``text`` that has any, with offsets in ``text``."""
    sentences, start = [], 0
    for line in text.split("\n"):
        tokens = [Token(t.start + start, t.end + start, t.text) for t in tokenize(line)]
        if tokens:
            sentences.append(tokens)
        start += len(line) + 1
    return sentences


def seqeval_spans(path: Path, docs: Sequence[AnnotatedDocument], scheme: str) -> list[set[Span]]:
    """For each document, the spans seqeval finds in the file (strict mode), as offsets in the
    original text."""
    found = []
    for doc, sentences in zip(docs, written(path), strict=True):
        tokens = line_tokens(doc.text)
        assert [[t for t, _ in s] for s in sentences] == [[t.text for t in s] for s in tokens]
        entities = Entities([[tag for _, tag in s] for s in sentences], SEQEVAL[scheme])
        found.append(
            {
                Span(tokens[i][e.start].start, tokens[i][e.end - 1].end, e.tag)
                for i, sentence in enumerate(entities.entities)
                for e in sentence
            }
        )
    return found


HARD = "Russian jets\tstruck al-Bab 🇸🇾 👍🏽.\nقتلت مدنيين e\u0301 𝐀𝐁 Zürich\n\n nine"


def hard_doc() -> AnnotatedDocument:
    def at(word: str, label: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = HARD.index(word, start + 1)
        return Span(start, start + len(word), label)

    spans = (
        at("Russian jets", "Actor"),
        at("al-Bab 🇸🇾", "Location"),
        at("👍🏽", "WeaponSystem"),
        at("قتلت مدنيين", "Casualty"),
        at("e\u0301 𝐀𝐁", "Actor"),
        at("Zürich", "Location"),
        at("nine", "Casualty"),
    )
    return AnnotatedDocument(Document(text=HARD), "hard", spans)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_export_is_exact_on_hard_text_and_seqeval_reads_the_spans(
    tmp_path: Path, scheme: str
) -> None:
    doc = hard_doc()
    out = tmp_path / "hard.conll"
    report = export([doc], out, scheme=scheme)
    assert report.errors == [] and report.lost == {}
    assert (report.documents, report.spans) == (1, 7)
    assert seqeval_spans(out, [doc], scheme) == [set(doc.spans)]
    [sentences] = written(out)
    assert [t for t, _ in sentences[0]][:6] == ["Russian", "jets", "struck", "al-Bab", "🇸🇾", "👍🏽"]
    [back], _ = read([out])
    texts = {(s.label, back.text[s.start : s.end]) for s in back.spans}
    assert ("Casualty", "قتلت مدنيين") in texts and ("Actor", "e\u0301 𝐀𝐁") in texts
    assert back.text.split("\n")[2] == "nine"  # the blank line is no sentence


def test_what_the_tags_cannot_carry_is_counted(tmp_path: Path) -> None:
    text = "Russian jets struck Aleppo\nand Idlib."
    spans = (
        Span(0, 12, "Actor", {"category": "state"}, "checked"),  # Russian jets
        Span(0, 7, "Location"),  # overlaps the longer one
        Span(8, 11, "Actor"),  # "jet": not on a token boundary
        Span(20, 30, "Location"),  # Aleppo\nand: across a line break
        Span(0, 19, "Attack", fragments=((0, 7), (13, 19))),  # discontinuous
        Span(31, 36, "Weapon system"),  # a space in the label
        Span(31, 36, "Location"),  # Idlib
    )
    doc = AnnotatedDocument(
        Document(text=text),
        "d",
        spans,
        relations=(Relation("located_at", 0, 6),),
        events=(Event("Attack", 0, (("place", 6),)),),
    )
    out = tmp_path / "lost.conll"
    report = export([doc], out, policy="longest")
    assert report.spans == 2
    assert dict(report.lost) == {
        "overlapping spans (policy 'longest' kept another)": 1,
        "spans not on token boundaries": 1,
        "spans across a line break (a sentence ends there)": 1,
        "discontinuous spans (CoNLL tags contiguous tokens)": 1,
        "spans whose label is empty or has a space (CoNLL tags cannot)": 1,
        "attributes (CoNLL has no place for them)": 1,
        "notes (CoNLL has no place for them)": 1,
        "relations (CoNLL has no place for them)": 1,
        "events (CoNLL has no place for them)": 1,
    }
    assert seqeval_spans(out, [doc], "bio") == [{Span(0, 12, "Actor"), spans[6]}]
    shortest = export([doc], out, policy="shortest")
    assert shortest.spans == 2 and seqeval_spans(out, [doc], "bio") == [{spans[1], spans[6]}]


def test_a_tokenizer_can_be_given_and_must_keep_to_the_text(tmp_path: Path) -> None:
    def by_spaces(text: str) -> list[Token]:
        tokens, start = [], 0
        for piece in text.split(" "):
            tokens.append(Token(start, start + len(piece), piece))
            start += len(piece) + 1
        return tokens

    doc = AnnotatedDocument(Document(text="al-Bab, Syria  x"), "d", (Span(0, 7, "Location"),))
    out = tmp_path / "t.conll"
    report = export([doc], out, tokenize=by_spaces)
    assert report.spans == 1 and written(out) == [
        [[("al-Bab,", "B-Location"), ("Syria", "O"), ("x", "O")]]
    ]

    def broken(text: str) -> list[Token]:
        return [Token(0, 5, "al Ba")]

    with pytest.raises(AnnotatorError, match="tokenizer gave"):
        export([doc], out, tokenize=broken)
    with pytest.raises(AnnotatorError, match="unknown tagging scheme"):
        export([doc], out, scheme="bioul")
    with pytest.raises(AnnotatorError, match="unknown policy 'random'"):
        export([doc], out, policy="random")


@settings(max_examples=60, deadline=None)
@given(texts())
def test_the_fast_token_bounds_are_the_tokenizers(text: str) -> None:
    starts, ends, words = token_bounds(text, None)
    assert list(zip(starts, ends, words, strict=True)) == [
        (t.start, t.end, t.text) for t in tokenize(text)
    ]

    def with_spaces(text: str) -> list[Token]:  # spaCy keeps runs of whitespace as tokens
        spaces = [Token(m.start(), m.end(), m.group()) for m in re.finditer(r"\s+", text)]
        return sorted([*tokenize(text), *spaces], key=lambda t: t.start)

    assert token_bounds(text, with_spaces) == (starts, ends, words)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_export_import_export_is_identical(tmp_path: Path, scheme: str) -> None:
    docs = [
        hard_doc(),
        AnnotatedDocument(Document(text="Zürich ."), "z", (Span(0, 6, "Location"),)),
    ]
    first, second = tmp_path / "1.conll", tmp_path / "2.conll"
    export(docs, first, scheme=scheme)
    back, report = read([first])
    assert report.errors == [] and [d.name for d in back] == ["1-1", "1-2"]
    export(back, second, scheme=scheme)
    assert second.read_bytes() == first.read_bytes()
    assert formats.get("conll") is conll.FORMAT


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(annotated_documents(), min_size=1, max_size=3), st.sampled_from(SCHEMES))
def test_any_documents_export_exactly_and_round_trip(tmp_path: Path, docs, scheme: str) -> None:
    first, second = tmp_path / "1.conll", tmp_path / "2.conll"
    report = export(docs, first, scheme=scheme, policy="first")
    found = seqeval_spans(first, docs, scheme)
    assert report.spans == sum(len(f) for f in found)
    lost = sum(n for what, n in report.lost.items() if "spans" in what)
    assert lost == sum(len(d.spans) for d in docs) - report.spans
    for doc, entities in zip(docs, found, strict=True):
        assert entities <= set(doc.spans)  # seqeval finds exactly spans of the document
        bounds = {(t.start, t.end) for s in line_tokens(doc.text) for t in s}
        starts, ends = {a for a, _ in bounds}, {b for _, b in bounds}
        for span in set(doc.spans) - entities:
            writable = (
                span.start in starts
                and span.end in ends
                and "\n" not in doc.text[span.start : span.end]
            )
            if writable:  # then the policy dropped it for an overlapping span
                assert any(e.start < span.end and span.start < e.end for e in entities)
    back, read_report = read([first], scheme=scheme)
    assert read_report.errors == [] and read_report.notes == []
    export(back, second, scheme=scheme, policy="first")
    assert second.read_bytes() == first.read_bytes()

"""brat standoff: every brat sample imports (T text checked against the .txt, bad lines refused
at file:line), every exported T line's text equals the .txt slice as brat reads the files, the
round trip is identical, what brat cannot hold is reported, and annotation.conf/visual.conf
convert to a schema and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError, SchemaError
from annotator.formats import brat
from annotator.formats.brat_conf import schema_name, schema_reader
from annotator.formats.brat_conf_write import conf_texts, schema_writer
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from annotator.schema import AttributeType
from annotator.schema_yaml import load_schema_file, load_schema_text, schema_to_yaml
from tests.annotator.formats.strategies import annotated_documents

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"
BRAT = SAMPLES / "brat"
CONFLICT = Path(__file__).resolve().parents[3] / "schemas" / "conflict.yaml"


def samples() -> Path:
    if not BRAT.is_dir():
        pytest.skip("../shared/samples is absent: the brat samples cannot be checked")
    return BRAT


def read(
    *paths: Path, options: ImportOptions | None = None
) -> tuple[list[AnnotatedDocument], Report]:
    report = Report()
    docs = list(brat.read(list(paths), options or ImportOptions(), report))
    return docs, report


def export(docs: list[AnnotatedDocument], out: Path, **options: object) -> Report:
    report = Report()
    brat.write(docs, out, ExportOptions(**options), report)  # type: ignore[arg-type]
    return report


def t_lines(ann: Path) -> list[tuple[str, str, list[tuple[int, int]], str]]:
    """The T lines of ``ann`` as brat reads them (independently of the reader under test):
    the file split with ``splitlines``, fields by tab; (id, label, fragments, text)."""
    found = []
    for line in ann.read_bytes().decode("utf-8").splitlines():
        if line.startswith("T"):
            tid, data, text = line.split("\t", 2)
            label, offsets = data.split(" ", 1)
            pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
            found.append((tid, label, pieces, text))  # type: ignore[arg-type]
    return found


def assert_brat_proof(folder: Path) -> int:
    """Every T line's text equals the slice of the .txt that its offsets select (fragments
    joined by one space), the .txt read without touching line ends; returns the T lines seen."""
    seen = 0
    for ann in folder.glob("*.ann"):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        for tid, _, pieces, said in t_lines(ann):
            assert all(0 <= a < b <= len(text) for a, b in pieces), (ann.name, tid)
            assert " ".join(text[a:b] for a, b in pieces) == said, (ann.name, tid)
            seen += 1
    return seen


def by_text(doc: AnnotatedDocument) -> dict[str, Span]:
    return {" ".join(doc.text[a:b] for a, b in s.pieces()): s for s in doc.spans}


# -- the samples --------------------------------------------------------------------------------

COUNTS = {  # spans, relations, events of each sample document
    "bionlp-st2011-id-PMC2266911-02-Results_and_Discussion-01-02-02": (42, 0, 17),
    "conll2002-esp-esp.train-doc-29": (13, 0, 0),
    "dkpro-core-tests-document0d": (4, 0, 4),
    "dkpro-core-tests-document1": (4, 1, 1),
    "dkpro-core-tests-event": (2, 0, 1),
    "ncbi-disease-PMID-3578281": (16, 0, 0),
    "synthetic-emoji-crlf-discontinuous-overlap": (5, 1, 0),
    "tdt-finnish-wn071": (74, 72, 0),
    "tutorial-bio-000-introduction": (6, 0, 4),
    "tutorial-bio-060-relation_annotation": (10, 1, 0),
    "tutorial-news-000-introduction": (7, 2, 1),
    "tutorial-news-060-relation_annotation": (10, 1, 0),
}


def test_every_sample_imports_with_the_texts_its_t_lines_say() -> None:
    folder = samples()
    docs, report = read(folder)
    assert report.errors == []
    counts = {d.name: (len(d.spans), len(d.relations), len(d.events)) for d in docs}
    assert counts == COUNTS
    for doc in docs:
        [ann] = [p for p in folder.rglob("*.ann") if f"{p.parent.name}-{p.stem}" == doc.name]
        said = {(label, tuple(p), text) for _, label, p, text in t_lines(ann)}
        got = {
            (s.label, s.pieces(), " ".join(doc.text[a:b] for a, b in s.pieces())) for s in doc.spans
        }
        assert got == said, ann
        assert doc.text == ann.with_suffix(".txt").read_bytes().decode("utf-8")


def test_what_the_samples_hold_that_brat_data_cannot_carry_is_reported() -> None:
    _, report = read(samples())
    assert report.lost == {
        "'Equiv' equivalence groups (* lines)": 4,
        "'Alias' equivalence groups (* lines)": 1,
        "'Lemma' comments (# lines other than AnnotatorNotes)": 74,
        "event arguments that are events (nested events)": 11,
        "normalizations (N lines)": 2,
        "notes of relations": 1,
    }


def test_the_synthetic_sample_counts_crlf_as_two_and_normalises_exactly() -> None:
    [doc], report = read(samples() / "synthetic")
    assert report.errors == []
    assert "\r\n" in doc.text and "😊" in doc.text  # the .txt as read
    spans = by_text(doc)
    assert spans["North America"].fragments == ((65, 70), (81, 88))
    assert spans["Siemens AG"].attributes == {"Confidence": "High"}
    assert spans["München"].attributes == {"Negated": True}
    assert spans["Dr. Jürgen Müller"].note == "nested/overlapping with T1"
    person, org = spans["Jürgen Müller"], spans["Siemens AG"]
    assert doc.relations == (Relation("Employment", doc.spans.index(person), doc.spans.index(org)),)
    flat = normalized(doc)
    assert "\r" not in flat.text
    before = [" ".join(doc.text[a:b] for a, b in s.pieces()) for s in doc.spans]
    after = [" ".join(flat.text[a:b] for a, b in s.pieces()) for s in flat.spans]
    assert after == before  # no T text holds a line break, so each is unchanged
    assert flat.spans[4].fragments == ((64, 69), (80, 87))  # after the CRLF: one less


def test_discontinuous_spans_across_a_line_and_trigger_only_events() -> None:
    [doc], _ = read(samples() / "dkpro-core-tests" / "document0d.ann")
    assert doc.spans[1] == Span(5, 10, "Token", fragments=((5, 7), (9, 10)))
    assert doc.text[5:7] + " " + doc.text[9:10] == "is n"
    assert [e.trigger for e in doc.events] == [0, 1, 2, 3]
    assert all(e.roles == () for e in doc.events)


def test_notes_and_attributes_of_an_event_come_to_its_trigger() -> None:
    [doc], _ = read(samples() / "dkpro-core-tests" / "document1.txt")
    spans = by_text(doc)
    assert spans["Sony"].note == "This is a named entity."
    assert spans["joint venture"].note == "This is an event."  # #2 on E1
    assert doc.events == (Event("MERGE-ORG", 1, (("Org", 0), ("Org", 2))),)  # Org1, Org2
    [news], report = read(samples() / "tutorial-news" / "000-introduction.ann")
    spans = by_text(news)
    assert spans["moving"].attributes == {"Confidence": "High"}  # A5 on E1
    assert spans["Raul Salinas de Gortari"].attributes == {"Mention": "Name", "Individual": True}
    assert spans["$100 million"].note == "100000000 USD"
    [event] = news.events
    assert [role for role, _ in event.roles] == [
        "Giver-Arg",
        "Money-Arg",
        "Beneficiary-Arg",
        "Recipient-Arg",
    ]
    assert report.lost["normalizations (N lines)"] == 1


def test_events_sharing_a_trigger_give_it_only_what_they_agree_on(tmp_path: Path) -> None:
    ann = write_pair(
        tmp_path,
        "d",
        "IkB binds p50",
        "T1\tProtein 0 3\tIkB\nT2\tBinding 4 9\tbinds\nT3\tProtein 10 13\tp50\n"
        "E1\tBinding:T2 Theme:T1\nE2\tBinding:T2 Theme:T3\n"
        "A1\tConfidence E1 High\nA2\tConfidence E2 Low\nA3\tNegation E1\nA4\tNegation E2\n"
        "#1\tAnnotatorNotes E1\tonly one\n",
    )
    [doc], report = read(ann)
    assert doc.spans[1].attributes == {"Negation": True} and doc.spans[1].note == ""
    assert report.lost == {
        "attributes of events that differ between events of one trigger": 1,
        "notes of events that differ between events of one trigger": 1,
    }
    assert [e.roles for e in doc.events] == [(("Theme", 0),), (("Theme", 2),)]


def test_an_export_into_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("", encoding="utf-8")
    with pytest.raises(AnnotatorError, match="brat writes a folder"):
        export([], tmp_path / "out")


# -- refusals -----------------------------------------------------------------------------------


def write_pair(folder: Path, name: str, text: str, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{name}.ann"


def test_bad_lines_are_refused_with_file_line_and_reason_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    text = "Russian jets struck al-Bab 🇸🇾 today."
    ann = write_pair(
        tmp_path,
        "d",
        text,
        "T1\tActor 0 7\tRussian\n"
        "T2\tWeaponSystem 8 12\tjest\n"  # 2: wrong text
        "T3\tLocation 20 99\tal-Bab\n"  # 3: outside
        "T4\tAttack 13 19\tstruck\n"
        "E1\tAttack:T4 attacker:T1 instrument:T2\n"  # 5: needs the refused T2
        "R1\tuses Arg1:T1 Arg2:T9\n"  # 6: unknown
        "A1\tcategory T2 aircraft\n"  # 7: on a refused span
        "X1\twhat\n"  # 8
        "T5\tLocation 27 29\t🇸🇾\n"
        "T1\tActor 0 7\tRussian\n"  # 10: id twice
        "E2\tAttack:T1\n"  # 11: trigger of another type
        "T6\tLocation 20 26;20 23\tal-Bab al-\n"  # 12: fragments overlap
        "no tab here\n"  # 13
        "E3\tAttack:T4 target:T5\n"
        "A2\tconfirmed E3\n"
        "R2\tlocated_at Arg1:E3 Arg2:T5\n",
    )
    [doc], report = read(ann)
    assert all(e.file == str(ann) for e in report.errors)
    assert sorted((e.line, e.reason) for e in report.errors) == [
        (2, "offsets 8..12 select 'jets', but the file says 'jest'"),
        (3, f"offsets 20..99 outside the text (0..{len(text)})"),
        (5, "refers to T2, which was refused"),
        (6, "refers to T9, which the file does not define"),
        (7, "refers to T2, which was refused"),
        (8, "unknown annotation id 'X1'"),
        (10, "id T1 is used twice"),
        (
            11,
            "event type Attack differs from the type Actor of its trigger T1 (brat requires the same)",
        ),
        (12, "fragments '20 26;20 23' overlap"),
        (13, "not an annotation line (an id and a tab first)"),
    ]
    assert any(str(e).startswith(f"{ann}:2: offsets 8..12 select 'jets'") for e in report.errors)
    assert [(s.label, doc.text[s.start : s.end]) for s in doc.spans] == [
        ("Actor", "Russian"),
        ("Attack", "struck"),
        ("Location", "🇸🇾"),
    ]
    assert doc.spans[1].attributes == {"confirmed": True}  # from E3, whose trigger it is
    assert doc.events == (Event("Attack", 1, (("target", 2),)),)
    assert doc.relations == ()
    assert report.lost == {"relations with an event argument": 1}


def test_files_that_cannot_be_read_are_refused(tmp_path: Path) -> None:
    (tmp_path / "lonely.ann").write_text("T1\tX 0 1\ta\n", encoding="utf-8")
    write_pair(tmp_path, "big", "x" * 50, "")
    (tmp_path / "latin.txt").write_bytes("Zürich".encode("latin-1"))
    (tmp_path / "latin.ann").write_text("", encoding="utf-8")
    (tmp_path / "notes.md").write_text("#", encoding="utf-8")
    docs, report = read(
        tmp_path, tmp_path / "notes.md", tmp_path / "gone.ann", options=ImportOptions(max_bytes=40)
    )
    assert docs == []
    messages = sorted(str(e) for e in report.errors)
    assert messages == sorted(
        [
            f"{tmp_path / 'big.txt'}: 50 bytes, over the limit of 40",
            f"{tmp_path / 'latin.txt'}: not UTF-8 (byte 1)",
            f"{tmp_path / 'lonely.ann'}: no .txt beside it",
            f"{tmp_path / 'notes.md'}: not a brat .ann or .txt file",
            f"{tmp_path / 'gone.ann'}: no such file",
        ]
    )


def test_crlf_and_a_byte_order_mark_are_counted_as_brat_counts_them(tmp_path: Path) -> None:
    text = "\ufeffDr. Müller 👍🏽\r\nsaid\r\nقتلت مدنيين\r\n"
    words = ["Müller", "👍🏽", "said", "مدنيين"]
    lines = [
        f"T{i + 1}\tW {text.index(w)} {text.index(w) + len(w)}\t{w}" for i, w in enumerate(words)
    ]
    start = text.index("said")
    lines.append(f"T5\tW {start} {start + 4};{start + 6} {start + 10}\tsaid قتلت")
    ann = write_pair(tmp_path, "crlf", text, "\r\n".join(lines) + "\r\n")
    [doc], report = read(ann)
    assert report.errors == [] and doc.text == text
    flat = normalized(doc)
    assert [flat.text[s.start : s.end] for s in flat.spans[:4]] == words
    assert [flat.text[a:b] for a, b in flat.spans[4].pieces()] == ["said", "قتلت"]


# -- writing ------------------------------------------------------------------------------------


def rich_document() -> AnnotatedDocument:
    text = "Russian jets struck al-Bab 🇸🇾\tand e\u0301 قتلت مدنيين.\nNine killed, two\ninjured."
    at = text.index

    def span(word: str, label: str, **kw: object) -> Span:
        return Span(at(word), at(word) + len(word), label, **kw)  # type: ignore[arg-type]

    spans = (
        span("Russian", "Actor", attributes={"category": "state_force"}, note="the air force"),
        span("Russian jets", "WeaponSystem", attributes={"category": "aircraft"}),
        span("struck", "Attack", attributes={"confirmed": True}, note="first report"),
        span("al-Bab 🇸🇾", "Location", attributes={"type": "city"}),
        Span(
            at("e\u0301"),
            at("مدنيين") + 6,
            "Actor",
            fragments=((at("e\u0301"), at("e\u0301") + 2), (at("مدنيين"), at("مدنيين") + 6)),
        ),
        span("Nine killed", "Casualty", attributes={"kind": "killed"}),
        span("two", "Casualty"),
        span("🇸🇾\tand", "Location"),  # a tab in the T line's text
    )
    events = (
        Event("Attack", 2, (("attacker", 0), ("instrument", 1), ("casualty", 5), ("casualty", 6))),
    )
    relations = (Relation("uses", 0, 1), Relation("located_at", 2, 3))
    return AnnotatedDocument(Document(text=text, title="d1"), "d1", spans, relations, events)


def test_an_export_is_exact_and_the_round_trip_identical(tmp_path: Path) -> None:
    doc = rich_document()
    report = export([doc], tmp_path / "a", schema=load_schema_file(CONFLICT))
    assert report.documents == 1 and report.spans == 8 and report.errors == []
    assert assert_brat_proof(tmp_path / "a") == 8
    assert (tmp_path / "a" / "d1.txt").read_bytes().decode("utf-8") == doc.text
    [back], read_report = read(tmp_path / "a")
    assert read_report.errors == [] and read_report.lost == {}
    assert back.spans == doc.spans
    assert back.relations == doc.relations and back.events == doc.events
    export([back], tmp_path / "b", schema=load_schema_file(CONFLICT))
    for name in ("d1.txt", "d1.ann", "annotation.conf", "visual.conf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    ann = (tmp_path / "a" / "d1.ann").read_text(encoding="utf-8")
    # brat refuses attributes and notes on an event trigger: they go on the event
    assert "A3\tconfirmed E1\n" in ann and "AnnotatorNotes E1\tfirst report" in ann
    assert "E1\tAttack:T3 attacker:T1 instrument:T2 casualty:T6 casualty2:T7\n" in ann


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_any_document_exports_exactly_and_round_trips(
    tmp_path_factory: pytest.TempPathFactory, doc: AnnotatedDocument
) -> None:
    out = tmp_path_factory.mktemp("brat")
    report = export([doc], out / "a")
    assert assert_brat_proof(out / "a") == len(doc.spans)
    [back], read_report = read(out / "a")
    assert read_report.errors == []
    export([back], out / "b")
    for f in (out / "a").iterdir():
        assert f.read_bytes() == (out / "b" / f.name).read_bytes()
    crossing = [s for s in doc.spans if "\n" in doc.text[s.start : s.end]]
    assert report.lost.get(
        "spans across line breaks (written as fragments around the breaks)", 0
    ) == len(crossing)
    kept = [s for s in doc.spans if s not in crossing]
    assert [s for s in back.spans if "\n" not in back.text[s.start : s.end]] == kept
    assert len(back.relations) == len(doc.relations)


def with_crlf(source: Path, target: Path) -> None:
    """Copy brat files with every LF of the texts turned into CRLF, moving the T offsets as
    brat counts them (a CRLF is two code points); the T texts hold no line breaks."""
    target.mkdir()
    for ann in source.glob("*.ann"):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        moved = [i + text.count("\n", 0, i) for i in range(len(text) + 1)]
        (target / f"{ann.stem}.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
        lines = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                tid, data, said = line.split("\t", 2)
                label, offsets = data.split(" ", 1)
                pieces = [map(int, p.split()) for p in offsets.split(";")]
                offsets = ";".join(f"{moved[a]} {moved[b]}" for a, b in pieces)
                line = f"{tid}\t{label} {offsets}\t{said}"
            lines.append(line + "\r\n")
        (target / ann.name).write_bytes("".join(lines).encode("utf-8"))


@settings(max_examples=60, deadline=None)
@given(annotated_documents())
def test_crlf_files_read_and_normalised_give_the_same_spans(
    tmp_path_factory: pytest.TempPathFactory, doc: AnnotatedDocument
) -> None:
    out = tmp_path_factory.mktemp("crlf")
    export([doc], out / "lf")
    with_crlf(out / "lf", out / "crlf")
    [lf], _ = read(out / "lf")
    [crlf], report = read(out / "crlf")
    assert report.errors == []
    flat = normalized(crlf)
    assert flat.text == lf.text
    assert flat.spans == lf.spans
    assert (flat.relations, flat.events) == (lf.relations, lf.events)


def test_what_brat_cannot_hold_is_reported_with_counts(tmp_path: Path) -> None:
    text = "Nine\nkilled in Zürich\u2028today"
    spans = (
        Span(0, 11, "Casualty", attributes={"count": 9, "confirmed": False, "word": "two words"}),
        Span(4, 5, "Casualty"),  # a line break alone
        Span(15, 21, "Location", attributes={"bad": "a\tb"}, note="line\none"),
        Span(22, 27, "Attack"),
    )
    events = (
        Event("Bombing", 3),  # type is not the trigger's label
        Event("Attack", 3, (("arg1", 2), ("target", 1))),
    )
    doc = AnnotatedDocument(
        Document(text=text, title="Nine killed", source="https://example.org"),
        "d",
        spans,
        (Relation("at", 0, 1),),
        events,
    )
    report = export([doc], tmp_path)
    assert report.lost == {
        "spans across line breaks (written as fragments around the breaks)": 1,
        "spans of line breaks only": 1,
        "attributes set to false (brat's binary attributes are there or not)": 1,
        "attribute values that are empty or hold tabs or line breaks": 1,
        "line breaks in notes (written as spaces)": 1,
        "events whose type differs from their trigger's label (brat needs one)": 1,
        "event roles on spans not written or with names brat cannot hold": 1,
        "event roles whose name ends in a digit (brat reads it as a number)": 1,
        "relations on spans not written or with a type brat cannot hold": 1,
    }  # the document's fields are the corpus layer's to report (tests/corpus/test_exchange.py)
    assert assert_brat_proof(tmp_path) == 3
    ann = (tmp_path / "d.ann").read_text(encoding="utf-8")
    assert "T1\tCasualty 0 4;5 11\tNine killed\n" in ann
    assert "A1\tcount T1 9\n" in ann and "A2\tword T1 two words\n" in ann
    assert "#1\tAnnotatorNotes T2\tline one\n" in ann


def test_names_are_made_safe_and_unique(tmp_path: Path) -> None:
    docs = [
        AnnotatedDocument(Document(text="a"), name, (Span(0, 1, "X"),))
        for name in ("../up", "Doc", "doc", "")
    ]
    report = export(docs, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{s}" for n in ("_up", "Doc", "doc-2", "document") for s in ("txt", "ann")
    )
    assert len(report.notes) == 3


def test_the_format_is_registered() -> None:
    fmt = formats.get("brat")
    assert fmt is brat.FORMAT and fmt.directory and fmt.suffix == ""
    assert fmt.schema_reader is schema_reader and fmt.schema_writer is schema_writer


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

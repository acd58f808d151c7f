"""brat standoff import: every brat sample imports (T text checked against the .txt), bad lines
are refused at file:line with the rest imported, and line ends count as brat counts them."""

from __future__ import annotations

from pathlib import Path

from annotator.document import Event, Relation, Span
from annotator.formats.model import AnnotatedDocument, ImportOptions, normalized
from tests.annotator.formats.brat_files import read, samples, t_lines, write_pair


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


# -- refusals -----------------------------------------------------------------------------------


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

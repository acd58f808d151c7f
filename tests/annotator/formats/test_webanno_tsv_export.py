"""WebAnno TSV 3.3 export: INCEpTION's layers and UTF-16 offsets, stacked and sub-token spans,
sentences rebuilt from lines, escaping, what TSV cannot carry, and exact round trips."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.document import Document, Event, Relation, Span
from annotator.formats.model import AnnotatedDocument, ExportOptions, Report
from tests.annotator.formats.harness import word_offsets, write_with
from tests.annotator.formats.strategies import annotated_documents
from tests.annotator.formats.webanno_tsv_files import _import, _relations, _shown, write

TEXT = "Russian jets 🇸🇾 struck\tal-Bab.\n\nقتلت مدنيين e\u0301 👍🏽 nine\n\tZürich 𝐀𝐁 x"


def _at(word: str, text: str = TEXT) -> tuple[int, int]:
    return word_offsets(word, text)


def _export(tmp_path: Path, docs: list[AnnotatedDocument], **options: Any) -> tuple[Path, Report]:
    out = tmp_path / "out"
    return out, write_with(write, docs, out, ExportOptions(**options))


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

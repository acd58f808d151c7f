"""Hugging Face token classification: the datasets samples import (JSON lines with the features
beside them, and the save_to_disk folder when pyarrow is there), bad records are refused with
file:line, exports carry a ClassLabel features file in the datasets layout, seqeval reads back
exactly the spans written, and export, import, export again is identical."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seqeval.scheme import Entities

from annotator import formats
from annotator.document import Document, Relation, Span
from annotator.formats import hf
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    ImportOptions,
    Report,
    normalized,
)
from annotator.schema import LabelSpec, Schema
from tests.annotator.formats.harness import labelled, read_with, sample_folder
from tests.annotator.formats.strategies import annotated_documents
from tests.annotator.formats.test_conll import SCHEMES, SEQEVAL, hard_doc, line_tokens

SAMPLE_SPANS = [
    ("ORG", "EU"),
    ("MISC", "German"),
    ("MISC", "British"),
    ("PER", "Peter Blackburn"),
    ("LOC", "BRUSSELS"),
]
SAMPLE_TEXT = (
    "EU rejects German call to boycott British lamb .\nPeter Blackburn\nBRUSSELS 1996-08-22"
)


def samples() -> Path:
    return sample_folder("hf-datasets", "the sample files are not on this machine")


def read(
    paths: Sequence[Path], scheme: str | None = None
) -> tuple[list[AnnotatedDocument], Report]:
    return read_with(hf.read, paths, ImportOptions(scheme=scheme))


def test_the_jsonl_sample_imports_with_the_features_beside_it() -> None:
    path = samples() / "conll2003-layout-sample.jsonl"
    [doc], report = read([path])
    assert report.errors == [] and report.notes == []
    assert (doc.name, doc.text, doc.document.source) == (
        "conll2003-layout-sample",
        SAMPLE_TEXT,
        str(path),
    )
    assert labelled(doc) == SAMPLE_SPANS


def test_the_save_to_disk_folder_imports_with_pyarrow() -> None:
    pytest.importorskip("pyarrow", reason="pyarrow is an optional extra for save_to_disk folders")
    folder = samples() / "conll2003-layout-save_to_disk"
    [doc], report = read([folder])
    assert report.errors == []
    assert (doc.name, doc.text, labelled(doc)) == (
        "conll2003-layout-save_to_disk",
        SAMPLE_TEXT,
        SAMPLE_SPANS,
    )
    docs, report = read([samples()])  # the folder holds both
    assert [d.text for d in docs] == [SAMPLE_TEXT, SAMPLE_TEXT] and report.errors == []


def test_without_pyarrow_the_folder_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    folder = samples() / "conll2003-layout-save_to_disk"
    docs, report = read([folder])
    assert docs == []
    [error] = report.errors
    assert str(error) == (
        f"{folder}: a datasets save_to_disk folder needs pyarrow (pip install pyarrow), "
        "or export the dataset with to_json"
    )


def write_jsonl(path: Path, *records: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


OLD_FEATURES = {  # datasets before 4 wrote list features as Sequence
    "id": {"dtype": "string", "id": None, "_type": "Value"},
    "tokens": {"feature": {"dtype": "string", "_type": "Value"}, "length": -1, "_type": "Sequence"},
    "ner_tags": {
        "feature": {"num_classes": 3, "names": ["O", "B-LOC", "I-LOC"], "_type": "ClassLabel"},
        "length": -1,
        "id": None,
        "_type": "Sequence",
    },
}


def test_sequence_features_dataset_info_and_tag_strings_are_read(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "info").mkdir()
    old = write_jsonl(
        tmp_path / "old" / "train.jsonl", {"tokens": ["al-Bab", "Syria"], "ner_tags": [1, 2]}
    )
    (tmp_path / "old" / "train.features.json").write_text(json.dumps(OLD_FEATURES))
    info = write_jsonl(tmp_path / "info" / "data.jsonl", {"tokens": ["Zürich"], "ner_tags": [1]})
    (tmp_path / "info" / "dataset_info.json").write_text(json.dumps({"features": OLD_FEATURES}))
    strings = write_jsonl(
        tmp_path / "strings.jsonl",
        {
            "id": "a:0",
            "tokens": ["👍🏽", "قتلت", "e\u0301"],
            "ner_tags": ["O", "B-Casualty", "I-Casualty"],
        },
        {"id": "a:1", "tokens": ["x"], "ner_tags": ["B-Actor"]},
        {"id": "b:0", "tokens": ["y"], "ner_tags": ["O"]},
    )
    docs, report = read([old, info, strings])
    assert report.errors == []
    assert [(d.name, d.text, labelled(d)) for d in docs] == [
        ("train", "al-Bab Syria", [("LOC", "al-Bab Syria")]),
        ("data", "Zürich", [("LOC", "Zürich")]),
        ("a", "👍🏽 قتلت e\u0301\nx", [("Casualty", "قتلت e\u0301"), ("Actor", "x")]),
        ("b", "y", []),
    ]


def test_records_group_into_documents_by_their_ids(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        {"id": "0", "tokens": ["a"], "ner_tags": ["O"]},
        {"id": 1, "tokens": ["b"], "ner_tags": ["O"]},
        {"id": "doc:7:0", "tokens": ["c"], "ner_tags": ["O"]},
        {"id": "doc:7:1", "tokens": ["d"], "ner_tags": ["O"]},
        {"id": "doc:x", "tokens": ["e"], "ner_tags": ["O"]},
    )
    docs, report = read([path])
    assert report.errors == []
    assert [(d.name, d.text) for d in docs] == [
        ("mixed", "a\nb"),
        ("doc:7", "c\nd"),
        ("mixed-2", "e"),
    ]


def test_crlf_and_a_byte_order_mark_read_as_lf(tmp_path: Path) -> None:
    lf = write_jsonl(
        tmp_path / "lf.jsonl",
        {"id": "d:0", "tokens": ["👍🏽", "قتلت"], "ner_tags": ["O", "S-Casualty"]},
        {"id": "d:1", "tokens": ["e\u0301"], "ner_tags": ["S-Actor"]},
    )
    crlf = tmp_path / "crlf.jsonl"
    crlf.write_bytes(b"\xef\xbb\xbf" + lf.read_bytes().replace(b"\n", b"\r\n"))
    [from_lf], _ = read([lf])
    [from_crlf], report = read([crlf])
    assert report.errors == [] and normalized(from_crlf) is from_crlf
    assert (from_crlf.text, from_crlf.spans) == (from_lf.text, from_lf.spans)
    assert labelled(from_crlf) == [("Casualty", "قتلت"), ("Actor", "e\u0301")]


def test_integer_tags_without_features_are_refused_with_the_reason(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "plain.jsonl",
        {"tokens": ["a"], "ner_tags": [1]},
        {"tokens": ["b"], "ner_tags": [0]},
        {"tokens": ["c"], "ner_tags": ["B-X"]},
    )
    [doc], report = read([path])
    assert [str(e) for e in report.errors] == [
        f"{path}:1: integer ner_tags need the ClassLabel names: "
        "no plain.features.json or dataset_info.json beside the data",
        f"{path}: 1 more records with integer ner_tags refused (no ClassLabel names)",
    ]
    assert (doc.text, labelled(doc)) == ("c", [("X", "c")])


def test_bad_records_are_refused_with_file_and_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        {"tokens": ["Russian", "jets"], "ner_tags": [1, 2]},
        "{not json",
        "[1, 2]",
        {"tokens": ["a", "b"], "ner_tags": [1]},
        {"tokens": ["a", ""], "ner_tags": [0, 0]},
        {"tokens": ["a"], "ner_tags": [7]},
        {"tokens": ["a"], "ner_tags": ["Actor"]},
        {"tokens": ["a"], "ner_tags": [True]},
        {"tokens": ["Aleppo"], "ner_tags": ["B-Location"]},
    )
    hf.features_path(path).write_text(json.dumps(hf.features(["O", "B-Actor", "I-Actor"])))
    [doc], report = read([path])
    assert [str(e) for e in report.errors] == [
        f"{path}:2: not JSON: Expecting property name enclosed in double quotes",
        f"{path}:3: the record is not a JSON object",
        f"{path}:4: ner_tags is not a list of 2 tags, one per token",
        f"{path}:5: tokens is not a list of non-empty strings",
        f"{path}:6: ner_tag 7 is neither a tag nor a ClassLabel number",
        f"{path}:7: ner_tag 'Actor' is not O or B-/I-/E-/S-/L-/U- and a label",
        f"{path}:8: ner_tag True is neither a tag nor a ClassLabel number",
    ]
    assert labelled(doc) == [("Actor", "Russian jets"), ("Location", "Aleppo")]


def test_a_broken_features_file_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", {"tokens": ["a"], "ner_tags": ["O"]})
    hf.features_path(path).write_text(
        json.dumps({"ner_tags": {"_type": "Value", "dtype": "int64"}})
    )
    [doc], report = read([path])
    assert [str(e) for e in report.errors] == [
        f"{hf.features_path(path)}: features unreadable: no ner_tags list feature"
    ]
    assert doc.text == "a"


def export(docs: Sequence[AnnotatedDocument], out: Path, **options) -> Report:
    report = Report()
    hf.write(iter(docs), out, ExportOptions(**options), report)
    return report


def exported(out: Path) -> tuple[list[dict], list[str]]:
    """The records and the tag names, read without the module's reader."""
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    names = json.loads(hf.features_path(out).read_text(encoding="utf-8"))["ner_tags"]["feature"][
        "names"
    ]
    return records, names


def seqeval_spans(out: Path, docs: Sequence[AnnotatedDocument], scheme: str) -> list[set[Span]]:
    """For each document, the spans seqeval finds (strict mode) as offsets in its text."""
    records, names = exported(out)
    found = []
    for doc in docs:
        tokens = line_tokens(doc.text)
        mine = [r for r in records if r["id"].rpartition(":")[0] == doc.name]
        assert [r["id"] for r in mine] == [f"{doc.name}:{i}" for i in range(len(tokens))]
        assert [r["tokens"] for r in mine] == [[t.text for t in s] for s in tokens]
        tags = [[names[n] for n in r["ner_tags"]] for r in mine]
        entities = Entities(tags, SEQEVAL[scheme]).entities
        found.append(
            {
                Span(tokens[i][e.start].start, tokens[i][e.end - 1].end, e.tag)
                for i, sentence in enumerate(entities)
                for e in sentence
            }
        )
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_export_is_exact_and_seqeval_reads_the_spans(tmp_path: Path, scheme: str) -> None:
    doc = hard_doc()
    out = tmp_path / "train.jsonl"
    report = export([doc], out, scheme=scheme)
    assert (report.documents, report.spans, report.lost) == (1, 7, {})
    assert seqeval_spans(out, [doc], scheme) == [set(doc.spans)]


def test_the_features_follow_the_datasets_layout_and_the_schema_order(tmp_path: Path) -> None:
    schema = Schema("s", (LabelSpec("Location", "#00ff00"), LabelSpec("Actor", "#ff0000")))
    doc = AnnotatedDocument(
        Document(text="Russian jets struck al-Bab"),
        "d",
        (Span(0, 12, "Actor"), Span(20, 26, "Weapon system")),
        relations=(Relation("located_at", 0, 1),),
    )
    out = tmp_path / "train.jsonl"
    report = export([doc], out, schema=schema, scheme="bioes")
    assert dict(report.lost) == {"relations (HF has no place for them)": 1}
    sample = json.loads((samples() / "conll2003-layout-features.json").read_text())
    features = json.loads((tmp_path / "train.features.json").read_text())
    names = ["O"] + [
        f"{p}-{label}" for label in ("Location", "Actor", "Weapon system") for p in "BIES"
    ]
    sample["ner_tags"]["feature"]["names"] = names
    assert features == sample
    assert exported(out)[0] == [
        {"id": "d:0", "tokens": ["Russian", "jets", "struck", "al-Bab"], "ner_tags": [5, 7, 0, 12]}
    ]
    [back], _ = read([out])
    assert labelled(back) == [("Actor", "Russian jets"), ("Weapon system", "al-Bab")]
    assert formats.get("hf") is hf.FORMAT


def test_documents_without_tokens_and_overlaps_are_counted(tmp_path: Path) -> None:
    docs = [
        AnnotatedDocument(Document(text=" \n\t"), "blank"),
        AnnotatedDocument(
            Document(text="al-Bab Syria"), "a", (Span(0, 12, "Location"), Span(7, 12, "Actor"))
        ),
    ]
    report = export(docs, tmp_path / "x.jsonl")
    assert dict(report.lost) == {
        "documents without a token (HF has one record per sentence)": 1,
        "overlapping spans (policy 'longest' kept another)": 1,
    }
    assert report.documents == 2 and report.spans == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(annotated_documents(), min_size=1, max_size=3, unique_by=lambda d: d.name),
    st.sampled_from(SCHEMES),
)
def test_any_documents_export_exactly_and_round_trip(tmp_path: Path, docs, scheme: str) -> None:
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    report = export(docs, first, scheme=scheme)
    found = seqeval_spans(first, docs, scheme)
    assert report.spans == sum(len(f) for f in found)
    for doc, entities in zip(docs, found, strict=True):
        assert entities <= set(doc.spans)
    back, read_report = read([first], scheme=scheme)
    assert read_report.errors == [] and read_report.notes == []
    assert [d.name for d in back] == [d.name for d in docs]
    export(back, second, scheme=scheme)
    assert second.read_bytes() == first.read_bytes()
    assert hf.features_path(second).read_bytes() == hf.features_path(first).read_bytes()

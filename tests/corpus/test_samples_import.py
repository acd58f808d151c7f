"""Every file in ../shared/samples, exported by brat, INCEpTION, doccano, Label Studio, spaCy,
Hugging Face datasets and the W3C, imports into a corpus through the format it is in: no
traceback, documents added, what is refused named with its reason. The W3C examples target web
pages whose text is not in the files, so their annotations are refused, each with why."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import resources
from corpus.exchange import import_annotations
from corpus.store import Store
from tests.conftest import close_bound_database

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"

CASES = [
    *[
        ("brat", f"brat/{d}")
        for d in (
            "bionlp-st2011-id",
            "conll2002-esp",
            "dkpro-core-tests",
            "ncbi-disease",
            "synthetic",
            "tdt-finnish",
            "tutorial-bio",
            "tutorial-news",
        )
    ],
    ("conll", "conll"),
    ("conll", "doccano/import-sequence_labeling-example.conll.txt"),
    ("conll", "doccano/import-test-example.conll"),
    ("conll", "label-studio/generated-by-label-studio-converter-0.0.59-CONLL2003.conll"),
    *[
        ("conll", f"spacy/{f}")
        for f in (
            "ner_example_data-ner-sent-per-line.iob",
            "ner_example_data-ner-token-per-line-conll2003.iob",
            "ner_example_data-ner-token-per-line-with-pos.iob",
            "ner_example_data-ner-token-per-line.iob",
        )
    ],
    *[
        ("jsonl", f"doccano/{f}")
        for f in (
            "export-sequence_labeling-example.jsonl",
            "export-relation_extraction-example.pretty.json",
            "import-relation_extraction-example.jsonl",
            "import-test-sequence_labeling-with-meta.jsonl",
            "import-test-sequence_labeling-overlapping.jsonl",
            "import-intent_detection-example.jsonl",
            "synthetic-issue2290-emoji-utf16-offsets.jsonl",
        )
    ],
    ("hf", "hf-datasets/conll2003-layout-sample.jsonl"),
    ("hf", "hf-datasets/conll2003-layout-save_to_disk"),
    *[
        ("labelstudio", f"label-studio/{f}")
        for f in (
            "ls-editor-example-named_entity-annotation-1.json",
            "ls-editor-example-named_entity-tasks-with-predictions.json",
            "generated-by-label-studio-converter-0.0.59-JSON_MIN.json",
            "synthetic-export-ner-relations-overlap-emoji-crlf.json",
        )
    ],
    *[
        ("spacy", f"spacy/{f}")
        for f in (
            "converted-from-ner-token-per-line-conll2003.spacy",
            "generated-sample.spacy",
            "generated-v2-training-format.json",
            "v2-training-data.json",
            "ner_example_data-ner-token-per-line-conll2003.json",
        )
    ],
    *[
        ("xmi", f"uima-xmi/{d}")
        for d in (
            "inception-relation-crlf",
            "cassis-smileys",
            "cassis-slotfeature",
            "cassis-json-emoji",
            "inception-tsv3-emoji",
        )
    ],
    ("webanno-tsv", "webanno-tsv3"),
    ("webanno-tsv", "uima-xmi/inception-tsv3-emoji/reference.tsv"),
    ("w3c", "w3c-web-annotation"),
]


@pytest.mark.parametrize(("name", "sample"), CASES, ids=[f"{n}:{s}" for n, s in CASES])
def test_every_sample_imports(name: str, sample: str, tmp_path: Path) -> None:
    path = SAMPLES / sample
    if not SAMPLES.is_dir():
        pytest.skip(f"{SAMPLES} is absent (the shared sample files are not part of a clone)")
    if name == "spacy":
        pytest.importorskip("spacy", reason="spaCy (the optional 'spacy' extra) is not installed")
    close_bound_database()
    store = Store.open(str(tmp_path / "c.db"))
    try:
        store.set_schema(resources.shipped_schema())
        report = import_annotations(store, name, [path], extend_schema=True)
        if name == "w3c":
            assert store.count_documents() == 0
            assert report.errors and all(
                "no text" in str(e) or "not imported" in str(e) for e in report.errors
            ), report.lines()
        else:
            assert store.count_documents() >= 1, report.lines()
            assert report.documents >= 1
        for error in report.errors:  # each refusal names where and why, on one line
            assert str(error).startswith(str(tmp_path.parent)) is False
            assert ": " in str(error) and "\n" not in str(error)
    finally:
        store.close()


def test_the_known_bad_doccano_record_is_refused_with_its_line(tmp_path: Path) -> None:
    path = SAMPLES / "doccano/import-test-sequence_labeling-with-meta.jsonl"
    if not path.exists():
        pytest.skip(f"{SAMPLES} is absent (the shared sample files are not part of a clone)")
    close_bound_database()
    store = Store.open(str(tmp_path / "c.db"))
    try:
        store.set_schema(resources.shipped_schema())
        report = import_annotations(store, "jsonl", [path], extend_schema=True)
        assert [str(e).split(": ")[0] for e in report.errors] == [f"{path}:3"]
    finally:
        store.close()

"""A spaCy pipeline as a suggestion source: entities relabelled onto the schema's labels, offsets
in code points, long texts in pieces, and plain errors when the pipeline is missing."""

from __future__ import annotations

import pytest

from annotator.errors import AnnotatorError
from annotator.suggest import spacy_source
from annotator.suggest.spacy_source import SpacySource, load_pipeline

spacy = pytest.importorskip("spacy", reason="spaCy (the optional 'spacy' extra) is not installed")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """A pipeline on disk: a blank English one whose entity ruler knows a few names."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "GPE", "pattern": "Aleppo"},
            {"label": "GPE", "pattern": [{"LOWER": "al"}, {"ORTH": "-"}, {"LOWER": "bab"}]},
            {"label": "ORG", "pattern": "Hezbollah"},
            {"label": "PERSON", "pattern": "Assad"},
        ]
    )
    path = tmp_path_factory.mktemp("pipeline") / "ruler_en"
    nlp.to_disk(path)
    return str(path)


def test_entities_become_suggestions_of_the_mapped_labels(pipeline):
    source = SpacySource(pipeline, {"GPE": "Location", "ORG": "Actor"})
    text = "😀 Hezbollah fighters 👍🏽 left Aleppo for al-Bab; Assad spoke."
    suggestions = source.suggest(text)
    assert [(text[s.start : s.end], s.label) for s in suggestions] == [
        ("Hezbollah", "Actor"),
        ("Aleppo", "Location"),
        ("al-Bab", "Location"),
    ]  # PERSON is not mapped, so Assad is left out
    assert {s.source for s in suggestions} == {"spacy:ruler_en"}


def test_long_texts_go_through_in_pieces(pipeline, monkeypatch):
    monkeypatch.setattr(spacy_source, "CHUNK", 40)
    source = SpacySource(pipeline, {"GPE": "Location"})
    line = "Shelling near Aleppo again.\n"
    text = line * 50
    starts = [s.start for s in source.suggest(text)]
    assert starts == [i * len(line) + line.index("Aleppo") for i in range(50)]
    text = "a" * 30 + "\n" + "b" * 30 + "\n" + "c" * 10
    pieces = list(spacy_source._pieces(text, 40))
    assert [(o, len(p)) for o, p in pieces] == [(0, 31), (31, 31), (62, 10)]
    assert "".join(p for _, p in pieces) == text
    assert [len(p) for _, p in spacy_source._pieces("x" * 90, 40)] == [40, 40, 10]


def test_a_missing_pipeline_is_a_plain_error(tmp_path):
    with pytest.raises(AnnotatorError, match="cannot load the spaCy pipeline 'xx_no_such_model'"):
        load_pipeline("xx_no_such_model")
    with pytest.raises(AnnotatorError, match="is it installed"):
        SpacySource(str(tmp_path / "nothing here"), {"GPE": "Location"})


def test_missing_spacy_is_a_plain_error(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy":
            raise ImportError("No module named 'spacy'")
        return real_import(name, *args, **kwargs)

    load_pipeline.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_spacy)
    with pytest.raises(AnnotatorError, match="need spaCy: pip install spacy"):
        load_pipeline("en_core_web_sm")

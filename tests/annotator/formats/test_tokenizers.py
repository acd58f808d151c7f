"""Choosing the tokenizer of token formats: the built-in one, or spaCy's when asked for."""

from __future__ import annotations

import pytest

from annotator.errors import AnnotatorError
from annotator.formats.tokenizers import named_tokenizer


def test_builtin_is_the_formats_default() -> None:
    assert named_tokenizer("builtin") is None
    with pytest.raises(AnnotatorError, match="unknown tokenizer 'nltk'"):
        named_tokenizer("nltk")


def test_spacys_tokens_keep_code_point_offsets() -> None:
    pytest.importorskip("spacy", reason="spaCy (the optional 'spacy' extra) is not installed")
    tokenize = named_tokenizer("spacy:en")
    assert tokenize is not None
    text = "Two 🇸🇾 jets didn't strike\tal-Bab."
    tokens = tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert "n't" in [t.text for t in tokens]  # spaCy's English rules, not the built-in ones
    with pytest.raises(AnnotatorError, match="no language 'zz'"):
        named_tokenizer("spacy:zz")

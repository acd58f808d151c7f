"""The tokenizers token formats (CoNLL, HF, spaCy, XMI, TSV) can use: the fast built-in one,
or spaCy's rule-based tokenizer for a language when spaCy is installed and asked for."""

from __future__ import annotations

from collections.abc import Callable

from annotator.errors import AnnotatorError
from annotator.tokenizer import Token

Tokenize = Callable[[str], list[Token]]


def named_tokenizer(name: str) -> Tokenize | None:
    """The tokenizer called ``name``: "builtin" (None: the formats' default), or "spacy" /
    "spacy:LANG" (a blank spaCy pipeline's tokenizer, English by default)."""
    if name == "builtin":
        return None
    kind, _, lang = name.partition(":")
    if kind != "spacy":
        raise AnnotatorError(f"unknown tokenizer '{name}' (expected builtin, spacy or spacy:LANG)")
    try:
        import spacy
    except ImportError:
        raise AnnotatorError(
            "the spacy tokenizer needs spaCy: install the 'spacy' extra (pip install "
            "'news-annotator[spacy]')"
        ) from None
    try:
        nlp = spacy.blank(lang or "en")
    except (ImportError, KeyError, ValueError) as exc:
        raise AnnotatorError(f"spaCy has no language '{lang}': {exc}") from None

    def tokenize(text: str) -> list[Token]:
        return [
            Token(t.idx, t.idx + len(t.text), t.text) for t in nlp.tokenizer(text) if not t.is_space
        ]

    return tokenize

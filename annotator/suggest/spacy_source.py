"""Suggestions from a spaCy pipeline that the user has installed, its entity labels mapped onto
the schema's labels. spaCy is optional: it is imported only when such a source is built."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.suggest.model import Suggestion

CHUNK = 100_000  # characters per piece given to the pipeline (spaCy refuses over 1,000,000)


@lru_cache(maxsize=2)
def load_pipeline(name_or_path: str) -> Any:
    """``spacy.load(name_or_path)``, once per process; an AnnotatorError saying what is
    missing when spaCy or the pipeline is not installed."""
    try:
        import spacy
    except ImportError:
        raise AnnotatorError(
            "spaCy suggestions need spaCy: pip install spacy, then the pipeline "
            f"'{name_or_path}' (or remove 'spacy' from the schema's suggestions)"
        ) from None
    try:
        return spacy.load(name_or_path)
    except (OSError, ImportError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AnnotatorError(
            f"cannot load the spaCy pipeline '{name_or_path}' (is it installed? "
            f"python -m spacy download NAME): {reason}"
        ) from None


def _pieces(text: str, size: int) -> Iterator[tuple[int, str]]:
    """``text`` cut after line breaks into pieces of at most about ``size`` characters, each
    with its offset (a piece without a line break is cut where it reaches ``size``)."""
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


class SpacySource:
    """The named entities of a spaCy pipeline whose labels ``labels`` maps onto schema labels
    (``{"GPE": "Location"}``); entities of other labels are left out."""

    def __init__(self, pipeline: str, labels: Mapping[str, str]) -> None:
        self.name = f"spacy:{Path(pipeline).name or pipeline}"
        self.labels = dict(labels)
        self._nlp = load_pipeline(pipeline)

    def suggest(self, text: str) -> list[Suggestion]:
        """A suggestion for each entity of a mapped label, in code points of ``text``."""
        suggestions = []
        pieces = list(_pieces(text, CHUNK))
        docs = self._nlp.pipe(piece for _, piece in pieces)
        for (offset, _), doc in zip(pieces, docs, strict=True):
            for ent in doc.ents:
                label = self.labels.get(ent.label_)
                if label and ent.end_char > ent.start_char:
                    suggestions.append(
                        Suggestion(
                            offset + ent.start_char, offset + ent.end_char, label, {}, self.name
                        )
                    )
        return suggestions

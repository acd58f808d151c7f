"""Hypothesis strategies shared by the format tests: texts with what breaks offsets (emoji and
other astral characters, combining marks, Arabic, tabs, line breaks) and random spans on them,
overlapping and nested, with attributes and relations.

Texts follow the corpus text rule (LF only): exports start from stored text. Tests of imports
add CRLF themselves.
"""

from __future__ import annotations

from hypothesis import strategies as st

from annotator.document import Document, Relation, Span
from annotator.formats.model import AnnotatedDocument

PIECES = [
    "Russian",
    "jets",
    "struck",
    "al-Bab",
    "🇸🇾",
    "👍🏽",
    "𝐀𝐁",
    "e\u0301",
    "قتلت",
    "مدنيين",
    "Zürich",
    "nine",
    "\t",
    "\n",
    " ",
    ",",
    ".",
    "😀",
    "x",
]
LABELS = ["Actor", "Location", "WeaponSystem", "Casualty"]


@st.composite
def texts(draw: st.DrawFn, min_words: int = 1, max_words: int = 40) -> str:
    """A text of words, spaces and the troublesome characters above, never blank."""
    parts = draw(st.lists(st.sampled_from(PIECES), min_size=min_words, max_size=max_words))
    text = " ".join(parts)
    return text if text.strip() else "x"


@st.composite
def spans_on(
    draw: st.DrawFn, text: str, max_spans: int = 8, labels: list[str] = LABELS
) -> tuple[Span, ...]:
    """Spans on ``text`` that start and end on non-space characters; they may overlap."""
    starts = [i for i, ch in enumerate(text) if not ch.isspace()]
    if not starts:
        return ()
    spans = []
    for _ in range(draw(st.integers(0, max_spans))):
        start = draw(st.sampled_from(starts))
        ends = [i + 1 for i in starts if i >= start]
        end = draw(st.sampled_from(ends))
        spans.append(Span(start, end, draw(st.sampled_from(labels))))
    return tuple(dict.fromkeys(spans))  # no identical spans twice, as in the corpus


@st.composite
def annotated_documents(
    draw: st.DrawFn, with_relations: bool = True, max_spans: int = 8
) -> AnnotatedDocument:
    """A document with spans (overlapping allowed) and, optionally, relations between them."""
    text = draw(texts())
    spans = draw(spans_on(text, max_spans))
    relations: tuple[Relation, ...] = ()
    if with_relations and len(spans) >= 2:
        pairs = draw(
            st.lists(
                st.tuples(st.integers(0, len(spans) - 1), st.integers(0, len(spans) - 1)),
                max_size=3,
            )
        )
        relations = tuple(dict.fromkeys(Relation("located_at", a, b) for a, b in pairs if a != b))
    name = f"doc-{draw(st.integers(1, 10_000))}"
    return AnnotatedDocument(Document(text=text, title=name), name, spans, relations)

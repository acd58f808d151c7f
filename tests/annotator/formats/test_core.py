"""The formats' shared pieces: CRLF normalisation moving offsets, the overlap policies of flat
formats, the deterministic split, the exact-text check and the registry."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from annotator import formats
from annotator.document import Document, Span
from annotator.errors import AnnotatorError
from annotator.formats.flat import flatten
from annotator.formats.model import AnnotatedDocument, check_covered, normalized
from annotator.formats.split import parse_ratios, part_of
from annotator.offsets import normalize_text


def test_normalising_moves_every_span_with_its_text() -> None:
    text = "\ufeffLine one\r\nTwo 🇸🇾 jets\rstruck\r\n"
    words = ["Line", "jets", "struck", "🇸🇾"]
    spans = tuple(Span(text.index(w), text.index(w) + len(w), "X") for w in words)
    doc = normalized(AnnotatedDocument(Document(text=text), "d", spans))
    assert doc.text == normalize_text(text)
    assert [doc.text[s.start : s.end] for s in doc.spans] == words


@given(st.booleans(), st.text(alphabet="ab\r\n🇸é", min_size=1, max_size=30), st.data())
def test_normalising_keeps_what_each_span_selects_but_line_breaks(bom, text: str, data) -> None:
    text = "\ufeff" + text if bom else text
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    doc = normalized(AnnotatedDocument(Document(text=text), "d", (Span(start, end, "X"),)))
    [span] = doc.spans
    before = text[start:end].removeprefix("\ufeff") if start == 0 else text[start:end]
    assume(before != "")  # a span over the byte order mark alone covers nothing
    after = doc.text[span.start : span.end]
    assert after.replace("\n", "") == before.replace("\r", "").replace("\n", "")


def test_flat_policies_keep_no_overlap_and_report_the_rest() -> None:
    spans = [Span(0, 18, "W"), Span(0, 7, "A"), Span(12, 18, "W"), Span(20, 26, "L")]
    assert flatten(spans, "longest") == ([0, 3], [1, 2])
    assert flatten(spans, "shortest") == ([1, 2, 3], [0])
    assert flatten(spans, "first") == ([0, 3], [1, 2])
    with pytest.raises(AnnotatorError, match="unknown policy"):
        flatten(spans, "random")


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 10)), max_size=30))
def test_kept_spans_never_overlap(pairs) -> None:
    spans = [Span(a, a + n, "X") for a, n in pairs]
    for policy in ("longest", "first", "shortest"):
        kept, dropped = flatten(spans, policy)
        assert sorted(kept + dropped) == list(range(len(spans)))
        chosen = sorted((spans[i].start, spans[i].end) for i in kept)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(chosen))


def test_the_split_is_deterministic_and_follows_the_ratios() -> None:
    parts = Counter(part_of(f"doc-{i}", 7, (80, 10, 10)) for i in range(5000))
    assert 3800 < parts["train"] < 4200 and 350 < parts["dev"] < 650
    assert part_of("doc-1", 7, (80, 10, 10)) == part_of("doc-1", 7, (80, 10, 10))
    assert {part_of(f"d{i}", 1, (0, 0, 1)) for i in range(50)} == {"test"}
    assert parse_ratios("80,10,10") == (80, 10, 10)
    for bad in ("80;20", "0,0", "-1,2", "1,2,3,4"):
        with pytest.raises(AnnotatorError):
            parse_ratios(bad)


def test_check_covered_names_file_line_and_both_texts() -> None:
    assert check_covered("Russian jets", 0, 7, "Russian", "a.ann", 3) is None
    error = check_covered("Russian jets", 0, 7, "Russia", "a.ann", 3)
    assert error is not None and str(error) == (
        "a.ann:3: offsets 0..7 select 'Russian', but the file says 'Russia'"
    )
    error = check_covered("abc", 2, 9, "c", "a.ann", 4)
    assert error is not None and "outside the text" in str(error)


def test_an_unknown_format_is_one_line() -> None:
    with pytest.raises(AnnotatorError, match="unknown format 'docx'"):
        formats.get("docx")

"""Agreement's units: the token labels (the longest span wins, gaps and O outside), the batch
codes equal to each document's, and span matching, exact and one-to-one by overlap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement import (
    OUTSIDE,
    AgreementDocument,
    SpanCounts,
    match_exact,
    match_overlap,
    token_offsets,
    unit_labels,
)
from annotator.agreement.spans import matched_pairs, span_counts
from annotator.document import Span
from annotator.tokenizer import tokenize

TEXT = "Russian jets struck Islamic State targets in al-Bab on Tuesday."
#       0       8    13     20      28    34      42 45     52 55


# -- token labels ---------------------------------------------------------------------------------


def test_units_are_the_tokenizers_tokens():
    text = "Al-Bab's 🇸🇾 flag — it’s 12:30 in Aleppo\r\nمرحباً"
    starts, ends = token_offsets(text)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [
        (t.start, t.end) for t in tokenize(text)
    ]
    assert token_offsets("")[0].size == 0
    assert token_offsets("   ")[0].size == 0


def labels_of(spans, text=TEXT):
    return unit_labels(AgreementDocument.from_text(1, text, {"a": spans}), "a")


def test_a_token_takes_the_label_of_the_span_covering_it():
    # tokens: Russian jets struck Islamic State targets in al-Bab on Tuesday .
    assert labels_of([Span(0, 12, "Actor"), Span(45, 51, "Location")]) == [
        "Actor", "Actor", "O", "O", "O", "O", "O", "Location", "O", "O", "O",
    ]  # fmt: skip
    # a span that cuts a word covers the word (one shared code point is enough)
    assert labels_of([Span(10, 15, "Actor")])[:3] == ["O", "Actor", "Actor"]
    assert labels_of([]) == ["O"] * 11


def test_overlapping_spans_the_longest_wins_token_by_token():
    crossing = [Span(0, 12, "Actor"), Span(8, 33, "Attack")]
    assert labels_of(crossing)[:6] == ["Actor", "Attack", "Attack", "Attack", "Attack", "O"]
    nested = [Span(20, 41, "Actor"), Span(20, 27, "Location")]
    assert labels_of(nested)[3:6] == ["Actor", "Actor", "Actor"]
    # same length: the earlier start wins (jets: 8 before 10; struck: 10 before 13)
    same_length = [Span(8, 12, "Actor"), Span(13, 17, "Attack"), Span(10, 14, "Casualty")]
    assert labels_of(same_length)[1:3] == ["Actor", "Casualty"]
    # same place: the label sorting first
    assert labels_of([Span(0, 7, "Location"), Span(0, 7, "Actor")])[0] == "Actor"


def test_a_discontinuous_span_leaves_its_gap_outside():
    span = Span(0, 19, "Actor", fragments=((0, 7), (13, 19)))
    assert labels_of([span])[:3] == ["Actor", "O", "Actor"]


def test_a_span_labelled_o_is_outside():
    assert labels_of([Span(0, 7, OUTSIDE)])[0] == OUTSIDE


def test_units_from_tokens_and_from_length():
    spans = {"a": [Span(2, 4, "X")]}
    by_length = AgreementDocument.from_length(1, 6, spans)
    assert unit_labels(by_length, "a") == ["O", "O", "X", "X", "O", "O"]
    by_tokens = AgreementDocument.from_tokens(1, [(0, 3), (3, 6)], spans)
    assert unit_labels(by_tokens, "a") == ["X", "X"]
    with pytest.raises(ValueError):
        AgreementDocument.from_tokens(1, [(0, 3), (2, 6)], spans)


span_strategy = st.one_of(
    st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from("ABC")).map(
        lambda t: Span(t[0], t[0] + t[1], t[2])
    ),
    st.tuples(
        st.integers(0, 30), st.integers(1, 4), st.integers(1, 5), st.integers(1, 6), st.sampled_from("AB")
    ).map(
        lambda t: Span(
            t[0], t[0] + t[1] + t[2] + t[3], t[4],
            fragments=((t[0], t[0] + t[1]), (t[0] + t[1] + t[2], t[0] + t[1] + t[2] + t[3])),
        )
    ),
)  # fmt: skip
documents_strategy = st.lists(
    st.tuples(
        st.text(alphabet="ab ,.", max_size=45),
        st.lists(st.one_of(st.none(), st.lists(span_strategy, max_size=6)), min_size=3, max_size=3),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(documents_strategy)
def test_the_batch_codes_are_each_documents_codes(documents):
    """code_matrix (the whole batch at once) gives what unit_codes gives span by span, with
    fragments, ties, spans over spaces only and spans past the text."""
    from annotator.agreement.spans import span_key
    from annotator.agreement.units import code_matrix, unit_codes

    code = {"O": 0, "C": 1, "A": 2, "B": 3}
    row = {"x": 0, "y": 1, "z": 2}
    batch, expected = [], []
    for number, (text, per_coder) in enumerate(documents):
        annotations = {
            n: spans for n, spans in zip("xyz", per_coder, strict=True) if spans is not None
        }
        doc = AgreementDocument.from_text(number, text, annotations)
        batch.append((doc, {n: [span_key(x) for x in spans] for n, spans in annotations.items()}))
        block = np.full((3, len(doc)), -1)
        for n, spans in annotations.items():
            block[row[n]] = unit_codes(doc.starts, doc.ends, spans, code)
        expected.append(block)
    assert (code_matrix(batch, row, code) == np.concatenate(expected, axis=1)).all()


def plain_greedy(reference, other) -> int:
    """Overlap matching as the module's docstring states it, without taking exact pairs first
    (contiguous spans)."""

    def shared(r, o):
        return max(0, min(r.end, o.end) - max(r.start, o.start))

    candidates = sorted(
        (
            -shared(r, o),
            (r.end - r.start) + (o.end - o.start) - shared(r, o),
            r.start,
            o.start,
            i,
            j,
        )
        for i, r in enumerate(reference)
        for j, o in enumerate(other)
        if r.label == o.label and shared(r, o)
    )
    done_r, done_o = set(), set()
    for *_, i, j in candidates:
        if i not in done_r and j not in done_o:
            done_r.add(i)
            done_o.add(j)
    return len(done_r)


contiguous = st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from("AB")).map(
    lambda t: Span(t[0], t[0] + t[1], t[2])
)


@settings(max_examples=500, deadline=None)
@given(st.lists(contiguous, max_size=8), st.lists(contiguous, max_size=8))
def test_taking_exact_matches_first_changes_no_count(reference, other):
    assert match_overlap(reference, other) == plain_greedy(reference, other)
    counts = span_counts(reference, other)
    assert sum(c.overlap for c in counts.values()) == plain_greedy(reference, other)
    assert sum(c.exact for c in counts.values()) == match_exact(reference, other)


# -- span matching ---------------------------------------------------------------------------------


def test_exact_matching_needs_start_end_and_label():
    ref = [Span(0, 5, "A"), Span(6, 9, "B"), Span(10, 12, "A")]
    other = [Span(0, 5, "A"), Span(6, 9, "A"), Span(10, 13, "A")]
    assert match_exact(ref, other) == 1
    assert match_overlap(ref, other) == 2  # 0-5 with 0-5, 10-12 with 10-13; B has no A
    split = Span(0, 9, "A", fragments=((0, 3), (6, 9)))
    assert match_exact([split], [Span(0, 9, "A")]) == 0
    assert match_overlap([split], [Span(3, 6, "A")]) == 0  # only the gap is shared


def test_overlap_matching_is_one_to_one_and_prefers_the_closest():
    # one long reference span over two short ones: one match only
    assert match_overlap([Span(0, 20, "A")], [Span(0, 5, "A"), Span(10, 20, "A")]) == 1
    assert matched_pairs([Span(0, 20, "A")], [Span(0, 5, "A"), Span(10, 20, "A")]) == [(0, 1)]
    # an exact match beats a span that contains it, so both reference spans find a partner
    ref = [Span(0, 5, "A"), Span(0, 20, "A")]
    other = [Span(0, 5, "A"), Span(3, 20, "A")]
    assert sorted(matched_pairs(ref, other)) == [(0, 0), (1, 1)]


def test_span_scores_and_their_undefined_cases():
    counts = SpanCounts(reference=4, other=2, exact=1, overlap=2)
    exact, overlap = counts.scores("exact"), counts.scores("overlap")
    assert (exact.precision, exact.recall, exact.f1) == (0.5, 0.25, pytest.approx(1 / 3))
    assert (overlap.precision, overlap.recall, overlap.f1) == (1.0, 0.5, pytest.approx(2 / 3))
    nothing = SpanCounts().scores("overlap")
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, None, None)
    assert SpanCounts(reference=3).scores().precision is None
    assert SpanCounts(reference=3).scores().f1 == 0.0
    with pytest.raises(ValueError):
        counts.scores("fuzzy")

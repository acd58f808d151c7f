"""Agreement: the token labels, every coefficient checked against a reference implementation on
the same data (scikit-learn's cohen_kappa_score and confusion_matrix, statsmodels' fleiss_kappa,
the krippendorff package), span matching, undefined figures as None, and batching."""

from __future__ import annotations

import math
import random
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotator.agreement import (
    OUTSIDE,
    AgreementDocument,
    SpanCounts,
    compute_agreement,
    match_exact,
    match_overlap,
    token_offsets,
    unit_labels,
)
from annotator.agreement import report as report_module
from annotator.agreement.spans import matched_pairs, span_counts
from annotator.agreement.statistics import (
    cohen_kappa,
    cohen_kappa_codes,
    confusion,
    fleiss_kappa_codes,
    krippendorff_alpha_codes,
    label_cohen_kappas,
)
from annotator.document import Span
from annotator.tokenizer import tokenize

TEXT = "Russian jets struck Islamic State targets in al-Bab on Tuesday."
#       0       8    13     20      28    34      42 45     52 55


def close(ours: float | None, reference: float) -> bool:
    """Ours matches the reference, None standing for the reference's NaN."""
    if ours is None:
        return math.isnan(reference)
    return not math.isnan(reference) and ours == pytest.approx(reference, abs=1e-9)


# -- references, quietened (they warn on 0/0) ---------------------------------------------------


def ref_cohen(x, y) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(cohen_kappa_score(x, y))


def ref_confusion(x, y, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns of a 1 x 1 matrix even with labels given
        return confusion_matrix(x, y, labels=list(range(k)))


def ref_fleiss(codes: np.ndarray) -> float:
    """statsmodels over the items every coder coded (coders x items in, items x coders there)."""
    complete = codes[:, np.all(codes >= 0, axis=0)]
    if complete.shape[1] == 0:
        return math.nan
    table, _ = aggregate_raters(complete.T)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return float(sm_fleiss_kappa(table, method="fleiss"))


def ref_alpha(codes: np.ndarray) -> float:
    """krippendorff over coders x units with NaN for missing; its refusals become NaN."""
    data = np.where(codes >= 0, codes, np.nan).astype(float)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # "There has to be more than one value in the domain."
        return math.nan


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


# -- coefficients against the references ---------------------------------------------------------

codes_strategy = st.integers(min_value=1, max_value=5).flatmap(
    lambda k: st.integers(min_value=1, max_value=60).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, k - 1), min_size=n, max_size=n),
            st.lists(st.integers(0, k - 1), min_size=n, max_size=n),
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(codes_strategy)
def test_cohen_kappa_and_confusion_match_scikit_learn(pair):
    x, y = pair
    assert close(cohen_kappa_codes(x, y), ref_cohen(x, y))
    k = max(*x, *y) + 1
    matrix = confusion(x, y, k)
    assert (matrix == ref_confusion(x, y, k)).all()
    for label, ours in enumerate(label_cohen_kappas(matrix)):
        assert close(ours, ref_cohen([v == label for v in x], [v == label for v in y]))


def coder_matrix(k: int, coders: int, units: int, missing: bool):
    value = st.integers(0, k - 1)
    cell = st.one_of(st.just(-1), value) if missing else value
    return st.lists(
        st.lists(cell, min_size=units, max_size=units), min_size=coders, max_size=coders
    ).map(np.array)


matrices = st.tuples(
    st.integers(1, 5), st.integers(2, 5), st.integers(1, 40), st.booleans()
).flatmap(lambda a: coder_matrix(*a))


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_fleiss_kappa_matches_statsmodels(codes):
    assert close(fleiss_kappa_codes(codes), ref_fleiss(codes))


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_krippendorff_alpha_matches_the_krippendorff_package(codes):
    assert close(krippendorff_alpha_codes(codes), ref_alpha(codes))


def test_undefined_coefficients_are_none():
    one_label = [[0, 0, 0], [0, 0, 0]]
    assert cohen_kappa_codes(*one_label) is None
    assert fleiss_kappa_codes(one_label) is None
    assert krippendorff_alpha_codes(one_label) is None
    assert cohen_kappa(np.zeros((3, 3), dtype=np.int64)) is None  # no item both coded
    assert cohen_kappa_codes([0, 1, -1, -1], [-1, -1, 0, 1]) is None
    assert fleiss_kappa_codes([[0, 1, -1], [-1, 1, 0]]) is None  # no item coded by both
    assert krippendorff_alpha_codes([[0, 1, -1], [-1, 1, 0]]) is None  # nothing pairable but 1s
    # perfect agreement over two labels is defined, and 1
    assert cohen_kappa_codes([0, 1, 1], [0, 1, 1]) == 1.0
    assert fleiss_kappa_codes([[0, 1, 1], [0, 1, 1], [0, 1, 1]]) == pytest.approx(1.0)
    assert krippendorff_alpha_codes([[0, 1, 1], [0, 1, 1]]) == pytest.approx(1.0)


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


# -- the whole report against the references --------------------------------------------------

LABELS = ["Actor", "Attack", "Location", "Casualty"]


def random_documents(seed: int, count: int, annotators=("ann", "bob", "cy"), skip=0.2):
    """Documents of made-up words with a gold set of spans, each annotator's spans a noisy copy
    (missed, relabelled, shifted, extra and nested spans); an annotator skips a document now and
    then."""
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        words = [rng.choice(["al-Bab", "jets", "struck", "the", "town", ",", "Aleppo", "2"])]
        words += [rng.choice(["troops", "fired", "on", "Idlib", "shells", "."]) for _ in range(40)]
        text = " ".join(words)
        starts, ends = token_offsets(text)
        gold = []
        i = 0
        while i < len(starts) - 3:
            if rng.random() < 0.25:
                width = rng.randint(1, 3)
                gold.append((i, i + width, rng.choice(LABELS)))
                i += width + 1
            i += 1
        annotations = {}
        for name in annotators:
            if rng.random() < skip:
                continue
            spans = set()
            for a, b, label in gold:
                r = rng.random()
                if r < 0.1:
                    continue
                if r < 0.2:
                    label = rng.choice(LABELS)
                elif r < 0.3:
                    b = min(b + 1, len(starts))
                elif r < 0.35:
                    spans.add(Span(int(starts[a]), int(ends[b - 1]), rng.choice(LABELS)))
                shift = r < 0.4 and ends[a] - starts[a] > 1  # cut into the first word
                spans.add(Span(int(starts[a]) + shift, int(ends[b - 1]), label))
            if rng.random() < 0.3:
                a = rng.randrange(len(starts))
                spans.add(Span(int(starts[a]), int(ends[a]), rng.choice(LABELS)))
            annotations[name] = sorted(spans, key=lambda s: (s.start, s.end, s.label))
        documents.append(AgreementDocument.from_text(number, text, annotations))
    return documents


def reference_codes(documents, annotators, labels):
    """Coders x units codes built straight from unit_labels, -1 where a coder did not annotate."""
    index = {label: i for i, label in enumerate(labels)}
    columns = []
    for doc in documents:
        coders = [a for a in annotators if a in doc.annotations]
        if len(coders) < 2:
            continue
        rows = []
        for a in annotators:
            if a in doc.annotations:
                rows.append([index[x] for x in unit_labels(doc, a)])
            else:
                rows.append([-1] * len(doc))
        columns.append(np.array(rows, dtype=int).reshape(len(annotators), len(doc)))
    return np.concatenate(columns, axis=1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_matches_the_references_on_the_same_labels(seed):
    documents = random_documents(seed, 60)
    report = compute_agreement(documents)
    assert report.annotators == ("ann", "bob", "cy")
    assert report.labels[0] == OUTSIDE
    assert set(report.labels) <= {OUTSIDE, *LABELS}
    codes = reference_codes(documents, report.annotators, report.labels)
    assert report.tokens == codes.shape[1]
    assert report.documents == sum(len(d.annotations) >= 2 for d in documents)

    total = np.zeros((len(report.labels),) * 2, dtype=int)
    for pair in report.pairs:
        x = codes[report.annotators.index(pair.reference)]
        y = codes[report.annotators.index(pair.other)]
        both = (x >= 0) & (y >= 0)
        assert pair.tokens == both.sum()
        assert close(pair.kappa, ref_cohen(x[both], y[both]))
        matrix = ref_confusion(x[both], y[both], len(report.labels))
        assert (np.array(pair.confusion) == matrix).all()
        total += matrix
        for k, label in enumerate(report.labels):
            assert close(pair.label_kappa[label], ref_cohen(x[both] == k, y[both] == k))
    assert (np.array(report.confusion) == total).all()

    assert close(report.fleiss, ref_fleiss(codes))
    assert report.fleiss_items == np.all(codes >= 0, axis=0).sum()
    assert close(report.alpha, ref_alpha(codes))
    for k, label in enumerate(report.labels):
        binary = np.where(codes >= 0, codes == k, -1).astype(int)
        assert close(report.label_fleiss[label], ref_fleiss(binary))
        assert close(report.label_alpha[label], ref_alpha(binary))


def test_span_scores_of_the_report_add_up_per_document():
    documents = random_documents(7, 40)
    report = compute_agreement(documents)
    for pair in report.pairs:
        expected = SpanCounts()
        for doc in documents:
            if pair.reference in doc.annotations and pair.other in doc.annotations:
                ref, other = doc.annotations[pair.reference], doc.annotations[pair.other]
                expected += SpanCounts(
                    len(ref), len(other), match_exact(ref, other), match_overlap(ref, other)
                )
        assert pair.spans == expected
        assert sum(pair.label_spans.values(), SpanCounts()) == expected
    assert report.spans == sum((p.spans for p in report.pairs), SpanCounts())


def test_batches_do_not_change_the_figures(monkeypatch):
    documents = random_documents(4, 50)
    whole = compute_agreement(documents)
    monkeypatch.setattr(report_module, "BATCH_UNITS", 30)  # a batch or two per document
    assert compute_agreement(documents) == whole


def test_documents_without_a_token_count_for_nothing(monkeypatch):
    monkeypatch.setattr(report_module, "BATCH_UNITS", 1)  # each document a batch of its own
    spans = [Span(0, 7, "Actor")]
    documents = [
        AgreementDocument.from_text(1, "", {"a": [], "b": []}),
        AgreementDocument.from_text(2, "Russian jets", {"a": spans, "b": spans}),
        AgreementDocument.from_text(3, "   ", {"a": [], "b": [Span(0, 2, "Actor")]}),
    ]
    report = compute_agreement(documents)
    assert (report.documents, report.tokens, report.fleiss_items) == (3, 2, 2)
    assert report.pairs[0].spans == SpanCounts(reference=1, other=2, exact=1, overlap=1)


def test_chosen_annotators_their_order_and_documents_only_one_of_them_annotated():
    documents = random_documents(5, 30, annotators=("ann", "bob", "cy"), skip=0.3)
    report = compute_agreement(documents, ["cy", "ann"])
    assert report.annotators == ("cy", "ann")
    assert [(p.reference, p.other) for p in report.pairs] == [("cy", "ann")]
    both = [d for d in documents if {"cy", "ann"} <= d.annotations.keys()]
    assert report.documents == len(both)
    assert report.pairs[0].documents == len(both)
    assert report.fleiss == pytest.approx(report.pairs[0].kappa, abs=0.05)  # 2 raters: close


def test_edge_cases_give_none_not_a_crash():
    empty = compute_agreement([])
    assert (empty.documents, empty.tokens, empty.pairs, empty.annotators) == (0, 0, (), ())
    assert empty.fleiss is None and empty.alpha is None and empty.mean_kappa is None
    assert empty.to_dict()["confusion"] == {"labels": [OUTSIDE], "matrix": [[0]]}

    # everybody says O everywhere: perfect agreement, but kappa and alpha are undefined
    text = "Nothing happened in the town today ."
    silent = compute_agreement([AgreementDocument.from_text(1, text, {"a": [], "b": []})])
    assert silent.pairs[0].observed == 1.0
    assert silent.pairs[0].kappa is None and silent.fleiss is None and silent.alpha is None
    assert silent.pairs[0].spans.scores().f1 is None

    # the same spans: perfect agreement, all ones
    spans = [Span(0, 7, "Actor"), Span(20, 24, "Location")]
    same = compute_agreement([AgreementDocument.from_text(1, text, {"a": spans, "b": spans})])
    assert same.pairs[0].kappa == 1.0 and same.fleiss == pytest.approx(1.0)
    assert same.alpha == pytest.approx(1.0)
    assert same.pairs[0].spans.scores("exact").f1 == 1.0
    assert same.label_alpha[OUTSIDE] == pytest.approx(1.0)

    # a pair that never annotated the same document: listed, with nothing defined
    docs = [
        AgreementDocument.from_text(1, text, {"a": spans, "b": []}),
        AgreementDocument.from_text(2, text, {"b": spans, "c": spans}),
    ]
    apart = compute_agreement(docs, ["a", "b", "c"])
    pair = apart.pair("a", "c")
    assert (pair.documents, pair.tokens, pair.kappa, pair.observed) == (0, 0, None, None)
    assert apart.fleiss is None and apart.fleiss_items == 0  # no token coded by all three
    assert apart.alpha is not None

    # a document only one annotator annotated does not count at all
    alone = compute_agreement([AgreementDocument.from_text(1, text, {"a": spans})])
    assert alone.documents == 0 and alone.annotators == ()


def test_report_as_json_values():
    import json

    report = compute_agreement(random_documents(3, 10))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["annotators"] == ["ann", "bob", "cy"]
    assert data["labels"][0] == "O"
    assert data["krippendorff_alpha"]["unitizing"] is None
    assert len(data["pairs"]) == 3
    first = data["pairs"][0]
    assert set(first["spans"]) == {"reference", "other", "exact", "overlap", "labels"}
    assert len(first["confusion"]) == len(data["labels"])

"""The whole agreement report against the references on random documents, span scores adding
up per document, batching, chosen annotators, edge cases as None and the JSON values."""

from __future__ import annotations

import random

import numpy as np
import pytest

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
from annotator.document import Span
from tests.annotator.agreement_references import (
    close,
    ref_alpha,
    ref_cohen,
    ref_confusion,
    ref_fleiss,
)

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
    unitizing = data["krippendorff_alpha"]["unitizing"]
    everyone = [d for d in random_documents(3, 10) if len(d.annotations) == 3]
    assert unitizing["documents"] == len(everyone) > 0
    assert unitizing["overall"] == report.unitizing is not None
    assert set(unitizing["labels"]) == set(data["labels"][1:])
    assert len(data["pairs"]) == 3
    first = data["pairs"][0]
    assert set(first["spans"]) == {"reference", "other", "exact", "overlap", "labels"}
    assert len(first["confusion"]) == len(data["labels"])

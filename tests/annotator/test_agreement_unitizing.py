"""Krippendorff's unitizing alpha, checked against the worked examples of Krippendorff's own
papers, and as the agreement report computes it over many documents."""

from __future__ import annotations

import random

import pytest

from annotator.agreement import AgreementDocument, compute_agreement
from annotator.agreement.unitizing import UnitizingSums
from annotator.document import Span


def study(length: int, coders: list[list[tuple[int, int, str]]]) -> UnitizingSums:
    """One continuum of ``length`` characters with each coder's (start, length, label) units."""
    sums = UnitizingSums(len(coders))
    sums.add(length, [[Span(b, b + n, label) for b, n, label in one] for one in coders])
    return sums


def test_the_worked_example_of_krippendorff_2004():
    # Content Analysis, 2nd ed., p. 254: a continuum from 150 to 450, two coders, labels c, k
    i = [(225, 70, "c"), (370, 30, "c"), (180, 60, "k"), (300, 50, "k")]
    j = [(220, 80, "c"), (355, 20, "c"), (400, 20, "c"), (180, 60, "k"), (300, 50, "k")]
    sums = study(300, [[(b - 150, n, c) for b, n, c in one] for one in (i, j)])
    assert sums.disagreements("c") == (
        pytest.approx(0.0144, abs=1e-4),
        pytest.approx(0.0532, abs=1e-4),
    )
    assert sums.disagreements("k") == (0.0, pytest.approx(0.0490, abs=1e-4))
    overall, labels = sums.alphas()
    assert labels == {"c": pytest.approx(0.7286, abs=1e-4), "k": 1.0}
    assert overall == pytest.approx(0.8591, abs=5e-4)


# Krippendorff 1995, p. 57: four pairs of coders, one label each, on 24 positions
EXAMPLE_1995 = {
    "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)]),
    "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
    "C": ([(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
    "D": ([(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]),
}


def example_1995(label: str, stretch: int) -> UnitizingSums:
    return study(
        24 * stretch,
        [[(b * stretch, n * stretch, label) for b, n in one] for one in EXAMPLE_1995[label]],
    )


@pytest.mark.parametrize(
    ("label", "observed", "expected", "alpha"),
    [
        ("A", 0.03125, 0.06990, 0.553),
        ("B", 2.26736, 1.17731, -0.926),
        ("C", 0.02777, 0.08642, 0.679),
        ("D", 0.38715, 0.41445, 0.066),
    ],
)
def test_the_examples_of_krippendorff_1995(label, observed, expected, alpha):
    """Observed disagreement as in the paper on its 24 positions; expected disagreement and
    alpha as the paper gives them for a continuum of (nearly) continuous positions. Touching
    units of one coder (B's second coder) stay units of their own."""
    assert example_1995(label, 1).disagreements(label)[0] == pytest.approx(observed, abs=1e-5)
    fine = example_1995(label, 50_000)
    assert fine.disagreements(label)[1] == pytest.approx(expected, abs=0.005)
    assert fine.alphas()[1][label] == pytest.approx(alpha, abs=0.02)


def test_documents_make_one_continuum():
    """Two documents give what one text of both, one after the other, gives; a label one
    document lacks has its gap across that document."""
    rng = random.Random(7)
    first = [
        [Span(s, s + rng.randint(1, 9), rng.choice("XY")) for s in rng.sample(range(0, 90, 10), 5)]
        for _ in range(3)
    ]
    second = [
        [Span(s, s + rng.randint(1, 9), "X") for s in rng.sample(range(0, 60, 10), 3)]
        for _ in range(3)
    ]
    apart = UnitizingSums(3)
    apart.add(100, first)
    apart.add(70, second)
    joined = UnitizingSums(3)
    joined.add(
        170,
        [
            a + [Span(s.start + 100, s.end + 100, s.label) for s in b]
            for a, b in zip(first, second, strict=True)
        ],
    )
    overall, labels = apart.alphas()
    assert (overall, labels) == (
        pytest.approx(joined.alphas()[0]),
        pytest.approx(joined.alphas()[1]),
    )
    assert apart.disagreements("Y") == pytest.approx(joined.disagreements("Y"))
    assert apart.documents == 2 and apart.length == joined.length == 170


def test_overlapping_spans_of_one_label_count_as_their_union():
    nested = study(50, [[(5, 10, "X"), (8, 12, "X")], [(5, 15, "X")]])
    assert nested.disagreements("X")[0] == 0.0
    assert nested.alphas()[1]["X"] == 1.0


def test_the_report_counts_the_documents_everyone_annotated():
    text = "Russian jets struck the market in Idlib on Monday ."
    a = [Span(0, 7, "Actor"), Span(34, 39, "Location")]
    b = [Span(0, 12, "Actor"), Span(34, 39, "Location")]
    documents = [
        AgreementDocument.from_text(1, text, {"ann": a, "bob": b, "cy": a}),
        AgreementDocument.from_text(2, text, {"ann": a, "bob": a}),  # cy did not annotate it
        AgreementDocument.from_text(3, text, {"ann": b, "bob": b, "cy": b}),
    ]
    report = compute_agreement(documents)
    expected = UnitizingSums(3)
    for doc in (documents[0], documents[2]):
        expected.add(len(text), [doc.annotations[name] for name in ("ann", "bob", "cy")])
    overall, labels = expected.alphas()
    assert report.unitizing_documents == 2
    assert report.unitizing == overall and 0.0 < overall < 1.0
    assert dict(report.label_unitizing) == labels
    assert report.label_unitizing["Location"] == 1.0
    data = report.to_dict()["krippendorff_alpha"]["unitizing"]
    assert data == {"overall": overall, "documents": 2, "labels": labels}
    # the two who annotated all three documents: all three count
    assert compute_agreement(documents, ["ann", "bob"]).unitizing_documents == 3


def test_no_units_no_figure():
    sums = study(40, [[], []])
    assert sums.alphas() == (None, {})
    report = compute_agreement([AgreementDocument.from_text(1, "a b c", {"a": [], "b": []})])
    assert report.unitizing is None and report.unitizing_documents == 1

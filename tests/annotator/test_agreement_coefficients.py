"""Agreement coefficients against reference implementations on the same data (scikit-learn's
cohen_kappa_score and confusion_matrix, statsmodels' fleiss_kappa, the krippendorff package),
undefined coefficients as None."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.statistics import (
    cohen_kappa,
    cohen_kappa_codes,
    confusion,
    fleiss_kappa_codes,
    krippendorff_alpha_codes,
    label_cohen_kappas,
)
from tests.annotator.agreement_references import (
    close,
    ref_alpha,
    ref_cohen,
    ref_confusion,
    ref_fleiss,
)

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

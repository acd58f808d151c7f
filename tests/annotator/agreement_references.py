"""The reference implementations the agreement tests check against, quietened (they warn on
0/0), and the comparison of a figure of ours with theirs."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa


def close(ours: float | None, reference: float) -> bool:
    """Ours matches the reference, None standing for the reference's NaN."""
    if ours is None:
        return math.isnan(reference)
    return not math.isnan(reference) and ours == pytest.approx(reference, abs=1e-9)


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

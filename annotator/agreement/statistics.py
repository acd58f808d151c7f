"""Chance-corrected agreement coefficients, computed from sums that add up chunk by chunk: a
confusion matrix (Cohen's kappa), category totals and sums of squares (Fleiss' kappa) and a
coincidence matrix (Krippendorff's alpha), each overall and per label (one label against the rest).

Codes are small non-negative integers, one per label; -1 marks a missing value. Every coefficient
is None where it is undefined (no items, or every value in one category, so that chance agreement
is total and the coefficient is 0/0), never NaN and never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int64]
IntVector = npt.NDArray[np.int64]

MISSING = -1
"""The code of a missing value (a coder who did not code the unit)."""


# -- Cohen's kappa -----------------------------------------------------------------------------


def confusion(first: npt.ArrayLike, second: npt.ArrayLike, categories: int) -> IntMatrix:
    """The ``categories`` x ``categories`` counts of (first's code, second's code) over the
    items both coded (rows: ``first``)."""
    x = np.asarray(first, dtype=np.int64)
    y = np.asarray(second, dtype=np.int64)
    both = (x >= 0) & (y >= 0)
    flat = np.bincount(x[both] * categories + y[both], minlength=categories * categories)
    return flat.reshape(categories, categories)


def _kappa(agreed: float, n: float, expected: float) -> float | None:
    """(po - pe) / (1 - pe) with po = agreed / n and pe = expected / n**2, None when pe is 1."""
    denominator = n * n - expected
    if n <= 0 or denominator <= 0:
        return None
    return float((n * agreed - expected) / denominator)


def cohen_kappa(matrix: npt.ArrayLike) -> float | None:
    """Cohen's kappa of a confusion matrix; None without items or when both coders used one and
    the same category only."""
    c = np.asarray(matrix, dtype=np.int64)
    n = int(c.sum())
    expected = int(c.sum(axis=1) @ c.sum(axis=0))
    return _kappa(int(np.trace(c)), n, expected)


def label_cohen_kappas(matrix: npt.ArrayLike) -> list[float | None]:
    """Cohen's kappa of each category against the rest (the 2 x 2 matrix folded from
    ``matrix``); None for a category neither coder used."""
    c = np.asarray(matrix, dtype=np.int64)
    n = int(c.sum())
    rows, cols, hits = c.sum(axis=1), c.sum(axis=0), np.diag(c)
    result: list[float | None] = []
    for a, r, k in zip(hits.tolist(), rows.tolist(), cols.tolist(), strict=True):
        # the folded matrix [[a, r - a], [k - a, n - r - k + a]]
        agreed = a + (n - r - k + a)
        expected = r * k + (n - r) * (n - k)
        result.append(_kappa(agreed, n, expected))
    return result


# -- Fleiss' kappa -----------------------------------------------------------------------------


@dataclass
class FleissSums:
    """What Fleiss' kappa needs of items each coded by the same ``raters`` coders: how many
    items, and per category the total count and the sum of squared counts per item."""

    raters: int
    items: int
    totals: IntVector
    squares: IntVector

    @classmethod
    def of_counts(cls, counts: npt.ArrayLike, raters: int | None = None) -> FleissSums:
        """The sums of an items x categories table of counts, each row summing to ``raters``
        (by default, to what the first row sums to)."""
        table = np.asarray(counts, dtype=np.int64)
        if raters is None:
            raters = int(table[0].sum()) if len(table) else 0
        if np.any(table.sum(axis=1) != raters):
            raise ValueError("every item needs the same number of ratings")
        return cls(raters, len(table), table.sum(axis=0), (table * table).sum(axis=0))

    def add(self, other: FleissSums) -> None:
        """Add the sums of more items coded by as many raters."""
        if other.raters != self.raters:
            raise ValueError("Fleiss' kappa needs the same number of raters for every item")
        self.items += other.items
        self.totals = _padded_sum(self.totals, other.totals)
        self.squares = _padded_sum(self.squares, other.squares)


def _padded_sum(a: IntVector, b: IntVector) -> IntVector:
    size = max(len(a), len(b))
    return np.pad(a, (0, size - len(a))) + np.pad(b, (0, size - len(b)))


def _fleiss(items: int, raters: int, totals: list[int], squares: list[int]) -> float | None:
    ratings = items * raters
    if items == 0 or raters < 2 or max(totals, default=0) == ratings:
        return None
    agreement = (sum(squares) - ratings) / (ratings * (raters - 1))  # mean P_i
    chance = sum(t * t for t in totals) / (ratings * ratings)  # P_e
    return float((agreement - chance) / (1 - chance))


def fleiss_kappa(sums: FleissSums) -> float | None:
    """Fleiss' kappa; None without items or when every rating is in one category."""
    return _fleiss(sums.items, sums.raters, sums.totals.tolist(), sums.squares.tolist())


def label_fleiss_kappas(sums: FleissSums) -> list[float | None]:
    """Fleiss' kappa of each category against the rest (equal to Fleiss' per-category kappa)."""
    n, m = sums.items, sums.raters
    result = []
    for t, q in zip(sums.totals.tolist(), sums.squares.tolist(), strict=True):
        # the other column of the folded table: m - n_ij per item
        rest_squares = n * m * m - 2 * m * t + q
        result.append(_fleiss(n, m, [t, n * m - t], [q, rest_squares]))
    return result


# -- Krippendorff's alpha ----------------------------------------------------------------------


def unit_counts(codes: npt.ArrayLike, categories: int) -> IntMatrix:
    """The units x categories table of how many coders gave each unit each code, from a coders x
    units array of codes (-1 missing)."""
    c = np.asarray(codes, dtype=np.int64)
    units = c.shape[1]
    table = np.zeros((units, categories), dtype=np.int64)
    index = np.arange(units)
    for row in c:  # one coder gives a unit one value: no index repeats within a row
        present = row >= 0
        table[index[present], row[present]] += 1
    return table


@dataclass
class Coincidences:
    """Krippendorff's coincidence matrix, kept exact: for each number m of values in a unit, the
    integer sum over such units of (n_u n_u^T - diag n_u); the matrix is their sum over m - 1."""

    by_values: dict[int, IntMatrix]

    @classmethod
    def empty(cls) -> Coincidences:
        return cls({})

    def add_counts(self, counts: npt.ArrayLike) -> None:
        """Add the pairable units of a units x categories table of counts."""
        table = np.asarray(counts, dtype=np.int64)
        values = table.sum(axis=1)
        for m in np.unique(values[values >= 2]).tolist():
            rows = table[values == m].astype(np.float64)
            # a float product runs on BLAS; its integer results stay exact below 2**53
            pairs = np.rint(rows.T @ rows).astype(np.int64) - np.diag(table[values == m].sum(0))
            self._add(int(m), pairs)

    def _add(self, m: int, pairs: IntMatrix) -> None:
        held = self.by_values.get(m)
        if held is not None and held.shape != pairs.shape:
            size = max(len(held), len(pairs))
            held = np.pad(held, (0, size - len(held)))
            pairs = np.pad(pairs, (0, size - len(pairs)))
        self.by_values[m] = pairs if held is None else held + pairs

    def add(self, other: Coincidences) -> None:
        """Add another set of units."""
        for m, pairs in other.by_values.items():
            self._add(m, pairs)

    def matrix(self, categories: int | None = None) -> npt.NDArray[np.float64]:
        """The coincidence matrix o_ck (``categories`` wide, padded with zeros)."""
        size = max([len(p) for p in self.by_values.values()] + [categories or 0])
        total = np.zeros((size, size))
        for m, pairs in self.by_values.items():
            total[: len(pairs), : len(pairs)] += pairs / (m - 1)
        return total


def _alpha(n: float, disagreements: float, chance: float) -> float | None:
    """1 - (n - 1) D / C, with D the observed disagreeing pairs (off-diagonal coincidences) and
    C the sum over categories c != k of n_c n_k; None when C is 0 (one value only)."""
    if n <= 1 or chance <= 0:
        return None
    return float(1 - (n - 1) * disagreements / chance)


def krippendorff_alpha(coincidences: npt.ArrayLike) -> float | None:
    """Krippendorff's alpha for nominal data from a coincidence matrix; None without pairable
    values or when they are all one value."""
    o = np.asarray(coincidences, dtype=np.float64)
    marginals = o.sum(axis=1)
    n = float(marginals.sum())
    return _alpha(n, n - float(np.trace(o)), n * n - float(marginals @ marginals))


def label_krippendorff_alphas(coincidences: npt.ArrayLike) -> list[float | None]:
    """Nominal alpha of each category against the rest (the 2 x 2 coincidence matrix folded from
    the full one); None for a category no value or every value has."""
    o = np.asarray(coincidences, dtype=np.float64)
    marginals = o.sum(axis=1)
    n = float(marginals.sum())
    result = []
    for same, n_c in zip(np.diag(o).tolist(), marginals.tolist(), strict=True):
        result.append(_alpha(n, 2 * (n_c - same), 2 * n_c * (n - n_c)))
    return result


# -- straight from codes (what the tests compare with the reference implementations) ----------


def cohen_kappa_codes(first: npt.ArrayLike, second: npt.ArrayLike) -> float | None:
    """Cohen's kappa of two coders' codes over the items both coded."""
    x, y = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
    categories = int(max(x.max(initial=-1), y.max(initial=-1))) + 1
    return cohen_kappa(confusion(x, y, max(categories, 1)))


def fleiss_kappa_codes(codes: npt.ArrayLike) -> float | None:
    """Fleiss' kappa of a coders x items array of codes, over the items every coder coded."""
    c = np.asarray(codes, dtype=np.int64)
    complete = c[:, np.all(c >= 0, axis=0)]
    categories = int(c.max(initial=-1)) + 1
    return fleiss_kappa(FleissSums.of_counts(unit_counts(complete, max(categories, 1))))


def krippendorff_alpha_codes(codes: npt.ArrayLike) -> float | None:
    """Nominal Krippendorff's alpha of a coders x units array of codes (-1 missing)."""
    c = np.asarray(codes, dtype=np.int64)
    categories = int(c.max(initial=-1)) + 1
    coincidences = Coincidences.empty()
    coincidences.add_counts(unit_counts(c, max(categories, 1)))
    return krippendorff_alpha(coincidences.matrix(categories))

"""Drift statistics cross-checked with scipy and with independent, hand-written formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance

from mlgate.stats.drift import (
    PSI_FLOOR,
    DriftStats,
    categorical_drift,
    chi2_homogeneity,
    count_drift,
    js_distance,
    ks_wasserstein,
    numeric_drift,
    psi,
    quantile_edges,
    sample_from_counts,
    sorted_drift,
    sparkline,
)


def hand_psi(ref: list[float], cur: list[float]) -> float:
    """PSI written out term by term, proportions floored at 1e-4 (Evidently's convention)."""
    rt, ct = sum(ref), sum(cur)
    total = 0.0
    for r, c in zip(ref, cur, strict=True):
        rp = max(r / rt, 1e-4) if r else 1e-4
        cp = max(c / ct, 1e-4) if c else 1e-4
        total += (cp - rp) * math.log(cp / rp)
    return total


def test_psi_matches_hand_formula() -> None:
    ref, cur = [50, 30, 20], [30, 30, 40]
    expected = (0.3 - 0.5) * math.log(0.3 / 0.5) + 0 + (0.4 - 0.2) * math.log(0.4 / 0.2)
    assert psi(np.array(ref), np.array(cur)) == pytest.approx(expected, rel=1e-12)
    assert psi(np.array(ref), np.array(cur)) == pytest.approx(hand_psi(ref, cur), rel=1e-12)


def test_psi_floors_empty_bins() -> None:
    ref, cur = [100, 0, 50], [0, 10, 40]
    value = psi(np.array(ref), np.array(cur))
    assert math.isfinite(value)
    assert value == pytest.approx(hand_psi(ref, cur), rel=1e-12)
    assert PSI_FLOOR == 1e-4


def test_numeric_psi_against_independent_binning() -> None:
    rng = np.random.default_rng(3)
    ref = rng.gamma(2.0, 3.0, size=5000)
    cur = rng.gamma(2.3, 3.0, size=4000)
    stats = numeric_drift(ref, cur, bins=10)
    # Independent: numpy's quantiles and pandas.cut (right-closed bins) instead of searchsorted.
    edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10))
    full = np.concatenate([[-np.inf], edges, [np.inf]])
    rc = pd.Series(pd.cut(ref, full)).value_counts(sort=False).to_numpy()
    cc = pd.Series(pd.cut(cur, full)).value_counts(sort=False).to_numpy()
    np.testing.assert_array_equal(stats.bins.ref, rc)
    np.testing.assert_array_equal(stats.bins.cur, cc)
    assert stats.psi == pytest.approx(hand_psi(list(rc), list(cc)), rel=1e-10)
    np.testing.assert_allclose(quantile_edges(np.sort(ref), 10), edges)


@pytest.mark.parametrize("n1,n2", [(300, 450), (20_000, 15_000)])  # exact and asymptotic p-values
def test_ks_and_wasserstein_match_scipy(n1: int, n2: int) -> None:
    rng = np.random.default_rng(n1)
    ref = rng.normal(0, 1, n1)
    cur = rng.normal(0.1, 1.2, n2)
    ref[:7] = np.nan  # missing values are left out of the distribution
    stats = numeric_drift(ref, cur)
    clean = ref[~np.isnan(ref)]
    expected = ks_2samp(clean, cur)
    assert stats.ks == pytest.approx(expected.statistic, abs=1e-12)
    assert stats.ks_p == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    w = wasserstein_distance(clean, cur)
    assert stats.wasserstein == pytest.approx(w, rel=1e-9)
    assert stats.wasserstein_norm == pytest.approx(w / np.std(clean), rel=1e-9)
    assert stats.missing_ref == pytest.approx(7 / n1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-5, 5), min_size=1, max_size=60),
    st.lists(st.integers(-5, 5), min_size=1, max_size=60),
)
def test_ks_and_wasserstein_with_ties_match_scipy(a: list[int], b: list[int]) -> None:
    x, y = np.sort(np.array(a, dtype=float)), np.sort(np.array(b, dtype=float))
    d, w = ks_wasserstein(x, y)
    assert d == pytest.approx(ks_2samp(x, y).statistic, abs=1e-12)
    assert w == pytest.approx(wasserstein_distance(x, y), abs=1e-9)


def test_js_distance_matches_scipy_base2() -> None:
    ref, cur = np.array([10, 0, 5, 85]), np.array([3, 7, 0, 90])
    assert js_distance(ref, cur) == pytest.approx(jensenshannon(ref, cur, base=2), rel=1e-12)
    assert js_distance(np.array([1, 0]), np.array([0, 1])) == pytest.approx(1.0)
    assert js_distance(ref, ref) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("ref,cur", [([40, 60], [55, 45]), ([10, 20, 30, 0], [12, 18, 25, 9])])
def test_chi2_matches_contingency(ref: list[int], cur: list[int]) -> None:
    stat, p, dof = chi2_homogeneity(np.array(ref), np.array(cur))
    table = np.array([ref, cur])
    table = table[:, table.sum(axis=0) > 0]
    exp_stat, exp_p, exp_dof, _ = chi2_contingency(table, correction=False)
    assert stat == pytest.approx(exp_stat, rel=1e-12)
    assert p == pytest.approx(exp_p, rel=1e-9)
    assert dof == exp_dof


def test_categorical_drift_counts_unseen_and_missing() -> None:
    labels = ["a", "b", "c", "new"]
    ref = np.array([0] * 50 + [1] * 30 + [2] * 20 + [-1] * 10)
    cur = np.array([0] * 40 + [1] * 30 + [2] * 10 + [3] * 20 + [-1] * 25)
    s = categorical_drift(ref, cur, labels)
    np.testing.assert_array_equal(s.bins.ref, [50, 30, 20, 0])
    np.testing.assert_array_equal(s.bins.cur, [40, 30, 10, 20])
    assert s.unseen == (("new", 20),)
    assert s.unseen_share == pytest.approx(0.2)
    assert s.missing_ref == pytest.approx(10 / 110)
    assert s.missing_cur == pytest.approx(25 / 125)
    assert s.psi == pytest.approx(hand_psi([50, 30, 20, 0], [40, 30, 10, 20]), rel=1e-12)
    assert s.js == pytest.approx(jensenshannon([50, 30, 20, 0], [40, 30, 10, 20], base=2), rel=1e-12)
    assert s.ks is None and s.statistic("ks") == (None, None)


def test_same_distribution_at_100k_rows_is_not_drift() -> None:
    rng = np.random.default_rng(2024)
    n = 100_000
    num = numeric_drift(rng.lognormal(0, 1, n), rng.lognormal(0, 1, n))
    assert num.psi < 0.01
    assert num.wasserstein_norm is not None and num.wasserstein_norm < 0.02
    assert num.js < 0.02
    cats = rng.choice(5, size=n, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    cat = categorical_drift(cats, rng.choice(5, size=n, p=[0.4, 0.3, 0.15, 0.1, 0.05]), list("abcde"))
    assert cat.psi < 0.01 and cat.js < 0.02 and not cat.unseen


def test_clear_drift_is_detected() -> None:
    rng = np.random.default_rng(7)
    n = 20_000
    num = numeric_drift(rng.normal(0, 1, n), rng.normal(0.6, 1, n))
    assert num.psi > 0.2 and num.wasserstein_norm is not None and num.wasserstein_norm > 0.1
    assert num.ks_p is not None and num.ks_p < 1e-10
    before, after = rng.choice(3, n, p=[0.6, 0.3, 0.1]), rng.choice(3, n, p=[0.3, 0.3, 0.4])
    cat = categorical_drift(before, after, list("xyz"))
    assert cat.psi > 0.2 and cat.js > 0.1 and cat.chi2_p < 1e-10


def test_constant_reference_and_heavy_ties() -> None:
    s = numeric_drift(np.zeros(100), np.ones(100))
    assert s.bins.labels == ("<= 0", "> 0")
    assert s.ks == 1.0
    assert math.isfinite(s.wasserstein_norm or math.nan)  # std floor keeps it finite
    with pytest.raises(ValueError, match="no non-missing"):
        numeric_drift(np.array([np.nan, np.nan]), np.ones(3))


def test_sparkline() -> None:
    assert sparkline(np.array([0.0, 0.5, 1.0])) == "▁▅█"
    assert sparkline(np.array([0.0, 0.0])) == "▁▁"


def assert_identical(a: DriftStats, b: DriftStats) -> None:
    """Every field equal, floats to the bit (NaN equal to NaN)."""
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if name == "bins":
            assert x.labels == y.labels
            assert x.ref.tolist() == y.ref.tolist() and x.cur.tolist() == y.cur.tolist()
        elif isinstance(x, float) and math.isnan(x):
            assert isinstance(y, float) and math.isnan(y), name
        else:
            assert x == y, name


@pytest.mark.parametrize("n_ref,n_cur", [(900, 700), (30_000, 25_000)])  # merged and unmerged KS/W1
def test_value_counts_give_the_statistics_of_the_rows(n_ref: int, n_cur: int) -> None:
    """A value-count table (as Spark returns it: distinct values in any order, NaN and -0.0 among
    them) rebuilds the sorted sample exactly, so every statistic is the same to the bit."""
    rng = np.random.default_rng(n_ref)
    ref = np.round(rng.normal(0, 2, n_ref), 1)  # ties, and -0.0 from rounding
    cur = np.round(rng.normal(0.3, 2, n_cur), 1)
    ref[rng.uniform(size=n_ref) < 0.05] = np.nan
    cur[rng.uniform(size=n_cur) < 0.1] = np.nan
    assert np.signbit(ref[ref == 0]).any()

    def table(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        frame = pd.Series(x).value_counts(dropna=False).sample(frac=1.0, random_state=1)
        return frame.index.to_numpy(dtype=np.float64), frame.to_numpy()

    (rs, ref_missing), (cs, cur_missing) = sample_from_counts(*table(ref)), sample_from_counts(*table(cur))
    assert ref_missing == int(np.isnan(ref).sum()) and cur_missing == int(np.isnan(cur).sum())
    np.testing.assert_array_equal(rs, np.sort(ref[~np.isnan(ref)]))
    for ks_p in (True, False):
        assert_identical(sorted_drift(rs, cs, n_ref, n_cur, 10, ks_p), numeric_drift(ref, cur, 10, ks_p))


def test_count_drift_is_categorical_drift_of_the_rows() -> None:
    rng = np.random.default_rng(5)
    ref, cur = rng.integers(-1, 6, 800), rng.integers(-1, 8, 600)  # -1: missing; 6, 7: unseen
    labels = [f"c{i}" for i in range(8)]
    counts = [np.bincount(x[x >= 0], minlength=8) for x in (ref, cur)]
    missing = int((ref < 0).sum()), int((cur < 0).sum())
    assert_identical(count_drift(*counts, labels, *missing), categorical_drift(ref, cur, labels))

"""KS D and Wasserstein-1 of large samples (no merge) against the merged computation and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ks_2samp, wasserstein_distance

import mlgate.stats.drift as drift
from mlgate.stats._two_sample import ks_d, wasserstein_quantiles


def merged(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The merged computation, whatever the sizes."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(drift, "MERGED_MAX", 10**12)
        return drift.ks_wasserstein(x, y)


samples = st.lists(st.integers(-6, 6), min_size=1, max_size=80)


@settings(max_examples=150, deadline=None)
@given(samples, samples, st.sampled_from([1, 2, 3, 7, 64]))
def test_ks_d_is_the_merged_d_to_the_bit(a: list[int], b: list[int], step: int) -> None:
    # Small grid steps make many open intervals; ties (integers) exercise the right-continuous counts.
    x, y = np.sort(np.array(a, dtype=float) / 3), np.sort(np.array(b, dtype=float) / 3)
    d_merged, _ = merged(x, y)
    assert ks_d(x, y, step) == d_merged
    assert ks_d(x, y, step) == pytest.approx(ks_2samp(x, y).statistic, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(samples, samples)
def test_quantile_wasserstein_matches_scipy(a: list[int], b: list[int]) -> None:
    x, y = np.sort(np.array(a, dtype=float)), np.sort(np.array(b, dtype=float))
    assert wasserstein_quantiles(x, y) == pytest.approx(wasserstein_distance(x, y), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("n1,n2", [(30_000, 30_000), (40_000, 25_000), (12_000, 36_000)])
def test_large_samples_take_the_unmerged_path_and_match_scipy(n1: int, n2: int) -> None:
    assert n1 + n2 > drift.MERGED_MAX
    rng = np.random.default_rng(n1 + n2)
    x = np.sort(np.round(rng.gamma(2.0, 3.0, n1), 2))  # rounded: many ties across the samples
    y = np.sort(np.round(rng.gamma(2.2, 3.0, n2), 2))
    d, w = drift.ks_wasserstein(x, y)
    d_merged, w_merged = merged(x, y)
    assert d == d_merged
    assert d == pytest.approx(ks_2samp(x, y).statistic, abs=1e-12)
    assert w == pytest.approx(wasserstein_distance(x, y), rel=1e-12)
    assert w == pytest.approx(w_merged, rel=1e-10)


def test_identical_and_disjoint_samples() -> None:
    rng = np.random.default_rng(0)
    x = np.sort(rng.normal(size=25_000))
    assert drift.ks_wasserstein(x, x.copy()) == (0.0, 0.0)
    d, w = drift.ks_wasserstein(x, x + 100.0)
    assert d == 1.0
    assert w == pytest.approx(100.0, rel=1e-12)

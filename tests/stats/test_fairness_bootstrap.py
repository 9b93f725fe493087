"""The group-stratified bootstrap of counts behaves like a row-level stratified bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.stats import fairness as fs


def _data(n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    g = rng.choice(3, size=n, p=[0.5, 0.35, 0.15]).astype(np.int64)
    y = (rng.random(n) < 0.4 + 0.1 * g).astype(np.int64)
    a = np.where(rng.random(n) < 0.8, y, 1 - y)
    b = np.where(rng.random(n) < 0.9, a, 1 - a)  # baseline: mostly agrees with the candidate (paired)
    return g, y, a, b


def test_resample_keeps_group_sizes_and_is_seeded() -> None:
    g, y, a, b = _data()
    joint = fs.joint_confusion(g, 3, y, a, b, 2)
    s1 = fs.stratified_resample(joint, 200, np.random.default_rng(7))
    s2 = fs.stratified_resample(joint, 200, np.random.default_rng(7))
    np.testing.assert_array_equal(s1, s2)
    assert s1.shape == (200, *joint.shape)
    np.testing.assert_array_equal(
        s1.sum(axis=(2, 3, 4)), np.broadcast_to(joint.sum(axis=(1, 2, 3)), (200, 3))
    )
    # Unbiased: the mean resampled cell equals the observed cell.
    np.testing.assert_allclose(s1.mean(0), joint, rtol=0.1, atol=3)
    s3 = fs.stratified_resample(joint, 200, np.random.default_rng(8))
    assert not np.array_equal(s1, s3)


def test_count_bootstrap_matches_row_bootstrap() -> None:
    """The spread of a paired change equals that of the brute-force row-level stratified bootstrap."""
    g, y, a, b = _data()
    every = np.ones(3, dtype=bool)
    name = "equalized_odds_difference"
    joint = fs.joint_confusion(g, 3, y, a, b, 2)
    samples = fs.stratified_resample(joint, 2000, np.random.default_rng(1))
    fast = fs.metric_values(name, fs.classification_rates(samples.sum(-1)), every) - fs.metric_values(
        name, fs.classification_rates(samples.sum(-2)), every
    )
    rng = np.random.default_rng(2)
    rows = [np.flatnonzero(g == i) for i in range(3)]
    slow = []
    for _ in range(600):
        idx = np.concatenate([rng.choice(r, size=r.size) for r in rows])
        ca = fs.classification_rates(fs.group_confusion(g[idx], 3, y[idx], a[idx], 2))
        cb = fs.classification_rates(fs.group_confusion(g[idx], 3, y[idx], b[idx], 2))
        slow.append(float(fs.metric_values(name, ca, every) - fs.metric_values(name, cb, every)))
    assert np.std(fast) == pytest.approx(np.std(slow), rel=0.15)
    assert np.mean(fast) == pytest.approx(np.mean(slow), abs=0.3 * np.std(slow))


def test_paired_interval_is_narrower_than_unpaired() -> None:
    """Pairing matters: resampling both models on the same rows cancels their shared noise."""
    g, y, a, b = _data()
    every = np.ones(3, dtype=bool)
    name = "demographic_parity_difference"
    joint = fs.joint_confusion(g, 3, y, a, b, 2)
    s = fs.stratified_resample(joint, 2000, np.random.default_rng(1))
    paired = fs.metric_values(name, fs.classification_rates(s.sum(-1)), every) - fs.metric_values(
        name, fs.classification_rates(s.sum(-2)), every
    )
    s2 = fs.stratified_resample(joint, 2000, np.random.default_rng(2))
    unpaired = fs.metric_values(name, fs.classification_rates(s.sum(-1)), every) - fs.metric_values(
        name, fs.classification_rates(s2.sum(-2)), every
    )
    assert np.std(paired) < 0.8 * np.std(unpaired)


def test_mae_resample_matches_row_bootstrap() -> None:
    rng = np.random.default_rng(5)
    n = 3000
    g = rng.choice(3, size=n, p=[0.5, 0.3, 0.2]).astype(np.int64)
    y = rng.normal(size=n)
    a = y + rng.standard_t(5, size=n) * (1 + 0.5 * g)
    b = a + 0.3 * rng.normal(size=n)
    sums = fs.error_sums(g, 3, y, a, b)
    s = fs.mae_resample(sums, 4000, np.random.default_rng(1))
    every = np.ones(3, dtype=bool)
    fast = fs.metric_values("error_gap_mae", {"mae": s[..., 0:1]}, every) - fs.metric_values(
        "error_gap_mae", {"mae": s[..., 1:2]}, every
    )
    rows = [np.flatnonzero(g == i) for i in range(3)]
    slow = []
    for _ in range(800):
        idx = np.concatenate([rng.choice(r, size=r.size) for r in rows])
        sa = fs.regression_rates(fs.error_sums(g[idx], 3, y[idx], a[idx], b[idx]), 0)
        sb = fs.regression_rates(fs.error_sums(g[idx], 3, y[idx], a[idx], b[idx]), 1)
        slow.append(
            float(fs.metric_values("error_gap_mae", sa, every) - fs.metric_values("error_gap_mae", sb, every))
        )
    assert np.std(fast) == pytest.approx(np.std(slow), rel=0.15)
    point = float(
        fs.metric_values("error_gap_mae", fs.regression_rates(sums, 0), every)
        - fs.metric_values("error_gap_mae", fs.regression_rates(sums, 1), every)
    )
    assert np.median(fast) == pytest.approx(point, abs=0.3 * np.std(slow))


def test_percentile_interval_ignores_undefined_resamples() -> None:
    lo, hi = fs.percentile_interval(np.array([np.nan, *np.linspace(0, 1, 101)]), 0.9)
    assert (lo, hi) == (pytest.approx(0.05), pytest.approx(0.95))
    assert all(np.isnan(fs.percentile_interval(np.full(5, np.nan), 0.95)))

"""Holm and Benjamini-Hochberg adjusted p-values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from mlgate.stats.multiple import adjust, benjamini_hochberg, holm


def holm_by_definition(p: np.ndarray) -> np.ndarray:
    """Holm (1979): adjusted p_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)), written out with loops."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


@pytest.mark.parametrize("seed", range(10))
def test_bh_equals_scipy(seed: int) -> None:
    p = np.random.default_rng(seed).random(17) ** 2
    assert benjamini_hochberg(p) == pytest.approx(false_discovery_control(p, method="bh"))


@pytest.mark.parametrize("seed", range(10))
def test_holm_equals_definition(seed: int) -> None:
    p = np.random.default_rng(seed).random(9) ** 3
    assert holm(p) == pytest.approx(holm_by_definition(p))


def test_known_values_and_nan() -> None:
    p = np.array([0.01, 0.04, np.nan, 0.03, 0.005])
    h = holm(p)
    assert np.isnan(h[2])
    assert h[[4, 0, 3, 1]] == pytest.approx([0.02, 0.03, 0.06, 0.06])
    b = benjamini_hochberg(p)
    assert b[[4, 0, 3, 1]] == pytest.approx([0.02, 0.02, 0.04, 0.04])
    assert adjust(p, "none")[0] == 0.01


def test_holm_controls_family_wise_error() -> None:
    """Under the global null (uniform p-values), P(any adjusted p < 0.05) <= 0.05."""
    rng = np.random.default_rng(0)
    hits = sum(bool((holm(rng.random(8)) < 0.05).any()) for _ in range(2000))
    assert hits / 2000 <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 2000)
    # Never less conservative than the raw p-values, and BH never above Holm.
    for u in itertools.islice((rng.random(6) for _ in range(50)), 50):
        assert (holm(u) >= u - 1e-15).all()
        assert (benjamini_hochberg(u) <= holm(u) + 1e-15).all()

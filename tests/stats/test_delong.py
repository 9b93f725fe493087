"""DeLong's paired AUC test against an independent O(m n) implementation and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu
from sklearn.metrics import roc_auc_score

from mlgate.stats.delong import delong, placements


def naive_delong(y: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> tuple[float, float, float]:
    """DeLong et al. (1988), written from the paper: the psi kernel over all (positive, negative) pairs."""
    out = []
    comps = []
    for s in (s1, s2):
        x, z = s[y == 1], s[y == 0]
        psi = (x[:, None] > z[None, :]).astype(float) + 0.5 * (x[:, None] == z[None, :])
        out.append(psi.mean())
        comps.append((psi.mean(axis=1), psi.mean(axis=0)))  # V10 per positive, V01 per negative
    m, n = int((y == 1).sum()), int((y == 0).sum())
    s10 = np.cov(np.vstack([comps[0][0], comps[1][0]]))
    s01 = np.cov(np.vstack([comps[0][1], comps[1][1]]))
    cov = s10 / m + s01 / n
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    return out[0], out[1], var


@pytest.mark.parametrize("seed", range(5))
def test_matches_naive_delong_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    y = rng.integers(0, 2, n)
    s1 = np.round(y * 0.8 + rng.normal(0, 1, n), 1)  # rounding creates many ties
    s2 = np.round(y * 0.6 + rng.normal(0, 1, n) + 0.3 * s1, 1)
    a1, a2, var = delong(y, s1, s2, 2)
    b1, b2, var_ref = naive_delong(y, s1, s2)
    assert a1 == pytest.approx(b1, abs=1e-12)
    assert a2 == pytest.approx(b2, abs=1e-12)
    assert var == pytest.approx(var_ref, rel=1e-9)
    assert a1 == pytest.approx(roc_auc_score(y, s1), abs=1e-12)


def test_single_model_variance_matches_naive() -> None:
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 300)
    s = y + rng.normal(0, 1.5, 300)
    auc, base, var = delong(y, s, None, 2)
    _, _, _ = naive_delong(y, s, s)
    x, z = s[y == 1], s[y == 0]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    expected = psi.mean(axis=1).var(ddof=1) / x.size + psi.mean(axis=0).var(ddof=1) / z.size
    assert np.isnan(base)
    assert var == pytest.approx(expected, rel=1e-9)
    assert auc == pytest.approx(roc_auc_score(y, s))


def test_one_class_is_undefined() -> None:
    auc, v = placements(np.ones(10, dtype=bool), np.arange(10.0))
    assert np.isnan(auc) and np.isnan(v).all()


def test_multiclass_macro_ovr_value_and_variance() -> None:
    rng = np.random.default_rng(3)
    n, k = 1500, 3
    y = rng.integers(0, k, n)
    logits = rng.normal(0, 1, (n, k)) + 1.2 * np.eye(k)[y]
    p1 = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    logits2 = logits + rng.normal(0, 0.7, (n, k))
    p2 = np.exp(logits2) / np.exp(logits2).sum(1, keepdims=True)
    a1, a2, var = delong(y, p1, p2, k)
    assert a1 == pytest.approx(roc_auc_score(y, p1, multi_class="ovr", average="macro"), abs=1e-12)
    assert a2 == pytest.approx(roc_auc_score(y, p2, multi_class="ovr", average="macro"), abs=1e-12)

    # Independent check of the variance: a stratified row bootstrap of the scikit-learn difference.
    # (the macro AUC via scipy's Mann-Whitney U, which is faster than scikit-learn's multiclass path).
    def macro(yy: np.ndarray, pp: np.ndarray) -> float:
        aucs = []
        for c in range(k):
            pos, neg = pp[yy == c, c], pp[yy != c, c]
            aucs.append(mannwhitneyu(pos, neg).statistic / (pos.size * neg.size))
        return float(np.mean(aucs))

    boot = []
    strata = [np.flatnonzero(y == c) for c in range(k)]
    for _ in range(150):
        idx = np.concatenate([rng.choice(s, s.size) for s in strata])
        boot.append(macro(y[idx], p1[idx]) - macro(y[idx], p2[idx]))
    assert np.sqrt(var) == pytest.approx(np.std(boot), rel=0.25)

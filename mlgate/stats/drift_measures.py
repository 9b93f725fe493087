"""The drift statistics of two samples, from counts or sorted values (conventions and sources:
:mod:`mlgate.stats.drift`): PSI, Jensen-Shannon distance, chi-square homogeneity, KS and Wasserstein."""

from __future__ import annotations

import math

import numpy as np

PSI_FLOOR = 1e-4
# Above this many rows in either sample the exact KS distribution is replaced by the asymptotic one
# (scipy.stats.ks_2samp, MAX_AUTO_N).
KS_EXACT_MAX = 10_000
# Up to this many rows in both samples, KS D and Wasserstein come from one merged order.
MERGED_MAX = 20_000


def proportions(counts: np.ndarray, floor: float = PSI_FLOOR) -> np.ndarray:
    total = counts.sum()
    p = counts / total if total > 0 else np.zeros(len(counts))
    return np.where(p == 0, floor, p)


def psi(ref_counts: np.ndarray, cur_counts: np.ndarray, floor: float = PSI_FLOOR) -> float:
    """Population stability index of two count vectors over the same bins (empty bins -> ``floor``)."""
    r = proportions(np.asarray(ref_counts, dtype=np.float64), floor)
    c = proportions(np.asarray(cur_counts, dtype=np.float64), floor)
    return float(np.sum((c - r) * np.log(c / r)))


def js_distance(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    """Jensen-Shannon distance, base 2 (0 = same distribution, 1 = disjoint supports)."""
    p = np.asarray(ref_counts, dtype=np.float64)
    q = np.asarray(cur_counts, dtype=np.float64)
    if p.sum() == 0 or q.sum() == 0:
        return math.nan
    p = p / p.sum()
    q = q / q.sum()
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum()
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum()
    return float(math.sqrt(max((kl_p + kl_q) / 2, 0.0)))


def chi2_homogeneity(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, float, int]:
    """Pearson's chi-square test that both samples share one distribution: (statistic, p, dof)."""
    from scipy.stats import chi2

    table = np.vstack([ref_counts, cur_counts]).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    dof = table.shape[1] - 1
    n = table.sum()
    if dof < 1 or table.sum(axis=1).min() == 0:
        return 0.0, 1.0, max(dof, 0)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    stat = float(((table - expected) ** 2 / expected).sum())
    return stat, float(chi2.sf(stat, dof)), dof


def ks_pvalue(d: float, ref_sorted: np.ndarray, cur_sorted: np.ndarray) -> float:
    """Two-sided p-value of KS statistic ``d`` with scipy's ``method='auto'`` rule."""
    from scipy.stats import distributions, ks_2samp

    n1, n2 = len(ref_sorted), len(cur_sorted)
    if max(n1, n2) <= KS_EXACT_MAX:
        import warnings

        with warnings.catch_warnings():  # scipy falls back to the asymptotic form itself, and says so
            warnings.simplefilter("ignore", RuntimeWarning)
            return float(ks_2samp(ref_sorted, cur_sorted).pvalue)
    m, n = max(n1, n2), min(n1, n2)
    en = m * n / (m + n)
    return float(np.clip(distributions.kstwo.sf(d, np.round(en)), 0.0, 1.0))


def ks_wasserstein(ref_sorted: np.ndarray, cur_sorted: np.ndarray) -> tuple[float, float]:
    """KS D and the Wasserstein-1 distance of two sorted samples.

    Up to ``MERGED_MAX`` rows in all, from one linear merge; above, without the merge (it costs more
    than the two sorts): :mod:`mlgate.stats._two_sample`, the same D to the bit and the same W1 up to
    rounding.
    """
    n1, n2 = len(ref_sorted), len(cur_sorted)
    if n1 + n2 > MERGED_MAX:
        from mlgate.stats._two_sample import ks_d, wasserstein_quantiles

        return ks_d(ref_sorted, cur_sorted), wasserstein_quantiles(ref_sorted, cur_sorted)
    both = np.concatenate([ref_sorted, cur_sorted])
    order = np.argsort(both, kind="stable")  # two sorted runs: a linear merge
    x = both[order]
    cur_count = np.cumsum(order >= n1)
    # F_ref - F_cur after each merged value: (k - cur)/n1 - cur/n2 = k/n1 - cur (1/n1 + 1/n2).
    gap = np.arange(1, len(x) + 1, dtype=np.float64)
    gap *= 1.0 / n1
    gap -= cur_count * (1.0 / n1 + 1.0 / n2)
    np.abs(gap, out=gap)
    # Both CDFs are right-continuous: compare them only at the last element of each run of ties.
    last = np.empty(len(x), dtype=bool)
    np.not_equal(x[1:], x[:-1], out=last[:-1])
    last[-1] = True
    d = float(np.max(gap, where=last, initial=0.0))
    # W1 = integral |F - G| dx over the merged support (Vallender 1974).
    w = float(np.dot(gap[:-1], np.diff(x)))
    return d, w

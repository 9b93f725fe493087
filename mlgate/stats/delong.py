"""DeLong's test for paired ROC AUCs, in the fast O(n log n) form.

DeLong, DeLong & Clarke-Pearson (1988), "Comparing the areas under two or more correlated receiver
operating characteristic curves: a nonparametric approach", Biometrics 44(3):837-845. The AUC is a
two-sample U-statistic; its variance is estimated from the per-row "structural components" (placement
values) V10 (positives) and V01 (negatives):

    Var(AUC_c - AUC_b) = S10/m + S01/n,   S = sample covariance of the components across the two models.

Sun & Xu (2014), "Fast implementation of DeLong's algorithm for comparing the areas under correlated
receiver operating characteristic curves", IEEE Signal Processing Letters 21(11):1389-1393, show the
components follow from midranks, so one sort per model replaces the O(m n) comparisons. We go one step
further: a single sort of all scores gives, per tie group, the negatives below and positives above.

The multiclass one-vs-rest macro AUC (scikit-learn's ``multi_class="ovr", average="macro"``) is a mean
of binary AUCs on the same rows. Each row's contribution to it is summed over classes and the variance
is the stratified (by true class) sample variance of those contributions; for two classes this is
exactly DeLong's S10/m + S01/n.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class TieGroups(NamedTuple):
    """Rows sorted by score (stable, ascending), grouped by equal score.

    ``order`` sorts the rows, ``gid`` is each sorted row's group, ``pos_g``/``cnt_g`` are the
    positives and rows per group, ``pos_sorted`` the sorted rows' positive flags.
    """

    order: np.ndarray
    gid: np.ndarray
    pos_g: np.ndarray
    cnt_g: np.ndarray
    pos_sorted: np.ndarray


def tie_groups(pos: np.ndarray, s: np.ndarray) -> TieGroups:
    """One stable sort of the scores, and the positives and rows of every group of equal scores
    (shared by the AUC placements here and average precision's influence in ``stats.rowwise``)."""
    order = np.argsort(s, kind="stable")
    ss = s[order]
    pp = pos[order]
    starts = np.empty(pos.size, dtype=bool)
    starts[0] = True
    np.not_equal(ss[1:], ss[:-1], out=starts[1:])
    gid = np.cumsum(starts) - 1
    pos_g = np.bincount(gid, weights=pp).astype("float64")
    cnt_g = np.bincount(gid).astype("float64")
    return TieGroups(order, gid, pos_g, cnt_g, pp)


def placements(pos: np.ndarray, s: np.ndarray) -> tuple[float, np.ndarray]:
    """AUC and the DeLong placement value of every row.

    For a positive row: the share of negatives scored below it (ties count one half), V10. For a
    negative row: the share of positives scored above it, V01. Returns (nan, nan-array) when one class
    is absent.
    """
    pos = np.asarray(pos, dtype=bool)
    n_rows = pos.size
    m = int(pos.sum())
    n = n_rows - m
    if m == 0 or n == 0:
        return float("nan"), np.full(n_rows, np.nan)
    order, gid, pos_g, cnt_g, pp = tie_groups(pos, s)
    neg_g = cnt_g - pos_g
    neg_below = np.cumsum(neg_g) - neg_g
    pos_above = m - np.cumsum(pos_g)
    v_pos = (neg_below + 0.5 * neg_g) / n
    v_neg = (pos_above + 0.5 * pos_g) / m
    v_sorted = np.where(pp, v_pos[gid], v_neg[gid])
    v = np.empty(n_rows)
    v[order] = v_sorted
    auc = float((pos_g * v_pos).sum() / m)
    return auc, v


def auc_influence(y: np.ndarray, scores: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """The AUC (binary, or OvR macro over the classes present) and each row's linear contribution.

    For one binary AUC the contribution of a positive row is (V10 - AUC) / m and of a negative row
    (V01 - AUC) / n, so that the U-statistic minus its value is their sum to first order (Hoeffding's
    decomposition, which DeLong's estimator rests on).
    """
    if scores.ndim == 1:
        return _binary_influence(y == 1, scores)
    present = [c for c in range(k) if (y == c).any()]
    if len(present) < 2:
        return float("nan"), np.full(y.size, np.nan)
    total = np.zeros(y.size)
    aucs = []
    for c in present:
        auc_c, infl = _binary_influence(y == c, scores[:, c])
        aucs.append(auc_c)
        total += infl
    return float(np.mean(aucs)), total / len(present)


def _binary_influence(pos: np.ndarray, s: np.ndarray) -> tuple[float, np.ndarray]:
    auc, v = placements(pos, s)
    m = int(pos.sum())
    n = pos.size - m
    if not np.isfinite(auc):
        return auc, v
    return auc, np.where(pos, (v - auc) / m, (v - auc) / n)


def stratified_variance(contrib: np.ndarray, strata: np.ndarray) -> float:
    """sum over strata of n_s * (sample variance of the contributions within stratum s).

    With contributions (V10 - AUC)/m on the positives and (V01 - AUC)/n on the negatives this is
    S10/m + S01/n, DeLong's variance. Strata of one row carry no variance information and add 0.
    """
    strata = np.asarray(strata, dtype="int64")
    cnt = np.bincount(strata).astype("float64")
    sums = np.bincount(strata, weights=contrib)
    means = np.divide(sums, cnt, out=np.zeros_like(sums), where=cnt > 0)
    sq = np.bincount(strata, weights=(contrib - means[strata]) ** 2)
    factor = np.divide(cnt, cnt - 1.0, out=np.zeros_like(cnt), where=cnt > 1)
    return float((sq * factor).sum())


def delong(
    y: np.ndarray, s_cand: np.ndarray, s_base: np.ndarray | None, k: int
) -> tuple[float, float, float]:
    """(AUC candidate, AUC baseline, variance of the difference); baseline None: variance of AUC.

    ``y`` holds class codes (binary: 1 = positive). The baseline AUC is nan when not given.
    """
    auc_c, infl_c = auc_influence(y, s_cand, k)
    if s_base is None:
        return auc_c, float("nan"), stratified_variance(infl_c, y)
    auc_b, infl_b = auc_influence(y, s_base, k)
    return auc_c, auc_b, stratified_variance(infl_c - infl_b, y)

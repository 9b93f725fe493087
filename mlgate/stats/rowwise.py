"""Metrics that are (functions of) a mean of per-row losses, and average precision, in linear form.

For a loss metric M = f(mean_r L_r), the paired comparison works on the per-row loss differences, as in
the Diebold-Mariano test of equal predictive accuracy (Diebold & Mariano 1995, J. Business & Economic
Statistics 13(3):253-263) and the paired t-test: each row contributes z_r = f'(m_c) L_c,r - f'(m_b) L_b,r
and the standard error of the difference is sd(z) / sqrt(n). For linear f (mae, mape, log_loss, brier,
r2) this is exactly the paired t-test on the loss differences; for rmse = sqrt(mse) it is the delta
method (e.g. van der Vaart 1998, Asymptotic Statistics, ch. 3).

Average precision is not a mean of per-row terms; its first-order expansion (the influence function,
computed here in closed form after one sort) gives the infinitesimal-jackknife variance (Jaeckel 1972;
Efron 1982, The Jackknife, the Bootstrap and Other Resampling Plans, ch. 6), the same variance the
row bootstrap approximates but without resampling n rows B times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlgate.metrics_registry import TaskKind
from mlgate.stats.delong import tie_groups

_EPS64 = float(np.finfo(np.float64).eps)
ROW_LOSS_METRICS = frozenset({"mae", "mape", "rmse", "r2", "log_loss", "brier"})


@dataclass(frozen=True)
class Linearized:
    """A metric value and each row's first-order contribution z_r (so that se = sd(z)/sqrt(n))."""

    value: float
    z: np.ndarray


def row_loss(
    name: str, task: TaskKind, y: np.ndarray, pred: np.ndarray, scores: np.ndarray | None
) -> Linearized:
    """The metric and its per-row linear contributions, matching ``stats.metrics.compute``."""
    if name in ("mae", "mape", "rmse", "r2"):
        err = y - pred
        if name == "mae":
            return Linearized(float(np.mean(np.abs(err))), np.abs(err))
        if name == "mape":
            loss = np.abs(err) / np.maximum(np.abs(y), _EPS64)
            return Linearized(float(np.mean(loss)), loss)
        sq = err**2
        mse = float(np.mean(sq))
        if name == "rmse":
            root = float(np.sqrt(mse))
            # d sqrt(m) / dm = 1 / (2 sqrt(m)); a perfect model (m = 0) has no first-order noise.
            grad = 0.5 / root if root > 0 else 0.0
            return Linearized(root, grad * sq)
        ss_tot = float(np.sum((y - y.mean()) ** 2))
        if ss_tot == 0.0:  # scikit-learn's force_finite convention; constant in the errors
            return Linearized(1.0 if mse == 0.0 else 0.0, np.zeros_like(sq))
        # r2 = 1 - n mean(e^2) / SS_tot: linear in the per-row squared errors (SS_tot is shared).
        return Linearized(1.0 - y.size * mse / ss_tot, -y.size * sq / ss_tot)
    assert scores is not None
    if name == "brier":
        loss = (scores - y) ** 2
        return Linearized(float(np.mean(loss)), loss)
    if name == "log_loss":
        proba = np.column_stack([1.0 - scores, scores]) if scores.ndim == 1 else scores
        eps = float(np.finfo(proba.dtype).eps)
        p_true = np.clip(proba[np.arange(y.size), y], eps, 1 - eps)
        loss = -np.log(p_true)
        return Linearized(float(np.mean(loss)), loss)
    if name == "average_precision":
        return average_precision_influence(y == 1, scores)
    raise KeyError(name)


def average_precision_influence(pos: np.ndarray, s: np.ndarray) -> Linearized:
    """AP (= scikit-learn's ``average_precision_score``) and n times its influence function.

    With row weights w, AP(w) = sum_i w_i y_i prec_w(s_i) / sum_i w_i y_i where prec_w(t) is the
    weighted precision among rows scored >= t. Differentiating at w = 1:

        dAP/dw_r = [y_r (prec(s_r) - AP + G1(s_r)) - G2(s_r)] / P,
        G1(x) = sum_{positives i, s_i <= x} 1 / A(s_i),
        G2(x) = sum_{positives i, s_i <= x} prec(s_i) / A(s_i),

    A(t) being the number of rows scored >= t and P the number of positives. The contributions are
    returned times n so that, like the loss metrics, se = sd(z)/sqrt(n).
    """
    pos = np.asarray(pos, dtype=bool)
    n_rows = pos.size
    p_total = float(pos.sum())
    if p_total == 0:
        return Linearized(float("nan"), np.full(n_rows, np.nan))
    order, gid, pos_g, cnt_g, pp = tie_groups(pos, s)  # ascending scores
    below = np.cumsum(cnt_g) - cnt_g
    pos_below = np.cumsum(pos_g) - pos_g
    a_g = n_rows - below  # rows scored >= the group's score
    tp_g = p_total - pos_below
    prec_g = tp_g / a_g
    ap = float((pos_g * prec_g).sum() / p_total)
    g1 = np.cumsum(pos_g / a_g)
    g2 = np.cumsum(pos_g * prec_g / a_g)
    infl_sorted = (pp * (prec_g[gid] - ap + g1[gid]) - g2[gid]) / p_total
    infl = np.empty(n_rows)
    infl[order] = infl_sorted
    return Linearized(ap, infl * n_rows)

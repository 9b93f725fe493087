"""Group fairness from sufficient statistics: per group and per model, the (label, prediction) counts.

Every group rate (selection rate, TPR, FPR, TNR, FNR, precision, accuracy) and every aggregate
(difference = max - min, ratio = min / max, as fairlearn defines them) is a function of those counts,
so one ``np.bincount`` pass over the rows replaces a ``groupby`` per metric, and the bootstrap
resamples counts instead of rows: its cost does not grow with the number of rows.

Definitions follow fairlearn (``fairlearn.metrics``, Bird et al. 2020) except in one place: a rate whose
denominator is empty (TPR of a group with no actual positives, precision of a group with no predicted
positives) is *undefined* (NaN) here and is left out of the aggregate, whereas fairlearn inherits
scikit-learn's ``zero_division`` convention and counts it as 0.

Multiclass tasks are binarised one-vs-rest: class ``c`` is "positive", every other class "negative".
Regression uses per-group error sums (mean absolute error and friends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from mlgate.metrics_registry import FAIRNESS_PARTS, FairnessKind

# The regression side (group error sums) is its own module; re-exported so callers keep one name.
from mlgate.stats.fair_regression import error_sums as error_sums
from mlgate.stats.fair_regression import error_terms as error_terms
from mlgate.stats.fair_regression import group_sums as group_sums
from mlgate.stats.fair_regression import mae_resample as mae_resample
from mlgate.stats.fair_regression import percentile_interval as percentile_interval
from mlgate.stats.fair_regression import ratio as _ratio
from mlgate.stats.fair_regression import regression_rates as regression_rates

# name -> (difference or ratio, the per-group rates it compares): the registry's one table.
Kind = FairnessKind
METRIC_PARTS = FAIRNESS_PARTS

# Why a rate can be undefined in a group; used in warnings.
UNDEFINED_BECAUSE = {
    "tpr": "no actual positives",
    "fnr": "no actual positives",
    "fpr": "no actual negatives",
    "tnr": "no actual negatives",
    "precision": "no predicted positives",
    "fdr": "no predicted positives",
    "for": "no predicted negatives",
}


def _count(flat: np.ndarray, size: int, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return np.bincount(flat, minlength=size)
    return np.bincount(flat, weights=weights, minlength=size).round().astype(np.int64)


def group_confusion(
    groups: np.ndarray,
    n_groups: int,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    k: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Counts of shape (G, k, k): rows = true class, columns = predicted class, per group.

    ``weights``: how many rows each entry stands for (a table of counts, e.g. from Spark); None: one.
    """
    flat = (groups.astype(np.int64) * k + y_true) * k + y_pred
    return _count(flat, n_groups * k * k, weights).reshape(n_groups, k, k)


def joint_confusion(
    groups: np.ndarray,
    n_groups: int,
    y_true: np.ndarray,
    pred_a: np.ndarray,
    pred_b: np.ndarray,
    k: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Counts of shape (G, k, k, k): (true, prediction of model a, prediction of model b) per group.

    Both models' confusion matrices are margins of it (``.sum(-1)`` for a, ``.sum(-2)`` for b), and a
    resample of these cells is a paired resample of rows: the same rows for both models.
    ``weights`` as in :func:`group_confusion`.
    """
    flat = ((groups.astype(np.int64) * k + y_true) * k + pred_a) * k + pred_b
    return _count(flat, n_groups * k**3, weights).reshape(n_groups, k, k, k)


def one_vs_rest(cm: np.ndarray) -> np.ndarray:
    """(..., k, k) confusion -> (..., C, 2, 2) binary cells [[tn, fp], [fn, tp]] per positive class.

    Binary tasks (k = 2) keep only class 1 (the configured positive class), so C = 1.
    """
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diagonal(cm, axis1=-2, axis2=-1)
    fn = cm.sum(axis=-1) - tp
    fp = cm.sum(axis=-2) - tp
    tn = cm.sum(axis=(-2, -1))[..., None] - tp - fn - fp
    cells = np.stack([np.stack([tn, fp], -1), np.stack([fn, tp], -1)], -2)
    out: np.ndarray = cells[..., 1:, :, :] if cm.shape[-1] == 2 else cells
    return out


def rates(cells: np.ndarray) -> dict[str, np.ndarray]:
    """Group rates from (..., C, 2, 2) cells; NaN where the denominator is empty (undefined)."""
    tn, fp = cells[..., 0, 0], cells[..., 0, 1]
    fn, tp = cells[..., 1, 0], cells[..., 1, 1]
    n = tn + fp + fn + tp
    return {
        "size": n,
        "selection_rate": _ratio(tp + fp, n),
        "tpr": _ratio(tp, tp + fn),
        "fpr": _ratio(fp, fp + tn),
        "tnr": _ratio(tn, tn + fp),
        "fnr": _ratio(fn, fn + tp),
        "precision": _ratio(tp, tp + fp),
        "fdr": _ratio(fp, tp + fp),
        "for": _ratio(fn, fn + tn),
        "accuracy": _ratio(tp + tn, n),
    }


def classification_rates(cm: np.ndarray) -> dict[str, np.ndarray]:
    """Rates of shape (..., G, C) from per-group confusion counts (..., G, k, k).

    ``accuracy`` is the group's plain (multiclass) accuracy, trace / n, for every class column: the
    one-vs-rest "accuracy" of a single class would count every other class's confusions as correct.
    """
    out = rates(one_vs_rest(cm))
    cm = np.asarray(cm, dtype=np.float64)
    if cm.shape[-1] > 2:
        acc = _ratio(np.trace(cm, axis1=-2, axis2=-1), cm.sum(axis=(-2, -1)))
        out["accuracy"] = np.broadcast_to(acc[..., None], out["accuracy"].shape).copy()
    return out


def disparity(values: np.ndarray, kind: Kind, include: np.ndarray, ref: int | None = None) -> np.ndarray:
    """Aggregate over the group axis (-1) of ``values``; NaN groups and excluded groups are left out.

    Between groups (fairlearn ``method="between_groups"``): max - min, or min / max. Against a reference
    group (Aequitas, Saleiro et al. 2018): the largest |v_g - v_ref|, or the smallest
    min(v_g / v_ref, v_ref / v_g), so that a ratio is always <= 1 like fairlearn's ``to_overall``.
    Fewer than two defined groups: NaN (nothing to compare).
    """
    v = np.where(include, values, np.nan)
    defined = np.isfinite(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        if ref is None:
            enough = defined.sum(axis=-1) >= 2
            hi = np.nanmax(np.where(defined, v, -np.inf), axis=-1)
            lo = np.nanmin(np.where(defined, v, np.inf), axis=-1)
            # fairlearn: 0 / 0 (every rate 0) is NaN, not a perfect ratio.
            ratio = np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), np.nan)
            out = hi - lo if kind == "difference" else ratio
            return np.where(enough, out, np.nan)
        r = v[..., ref : ref + 1]
        others = defined & np.isfinite(r)
        others[..., ref] = False
        if kind == "difference":
            gap = np.where(others, np.abs(v - r), -np.inf)
            out = gap.max(axis=-1)
        else:
            q = np.fmin(v / r, r / v)  # 0/0 is NaN: both rates 0 is no evidence either way
            ok = others & np.isfinite(q)
            out = np.where(ok, q, np.inf).min(axis=-1)
            others = ok
        return np.where(others.any(axis=-1), out, np.nan)


def metric_values(
    name: str, group_rates: Mapping[str, np.ndarray], include: np.ndarray, ref: int | None = None
) -> np.ndarray:
    """The aggregate ``name`` from rates of shape (..., G, C); the worst rate and class count.

    Returns shape (...,) (a batch of bootstrap resamples, or a scalar array).
    """
    kind, parts = METRIC_PARTS[name]
    per = np.stack(
        [disparity(np.moveaxis(group_rates[p], -1, -2), kind, include, ref) for p in parts], axis=-1
    )  # (..., C, P)
    flat = per.reshape(*per.shape[:-2], -1)
    with np.errstate(invalid="ignore"):
        worst = (
            np.nanmax(np.where(np.isnan(flat), -np.inf, flat), axis=-1)
            if kind == "difference"
            else (np.nanmin(np.where(np.isnan(flat), np.inf, flat), axis=-1))
        )
    return np.where(np.isfinite(worst), worst, np.nan)


@dataclass(frozen=True)
class Drivers:
    """Which rate, class and groups set the value of an aggregate (for the scorecard's message)."""

    part: str
    cls: int
    low: int  # group index with the lowest rate (or, against a reference, the furthest group)
    high: int  # group index with the highest rate (or the reference group)


def drivers(
    name: str, group_rates: Mapping[str, np.ndarray], include: np.ndarray, ref: int | None = None
) -> Drivers | None:
    """The groups behind the point value of ``name`` (rates of shape (G, C)); None when undefined."""
    kind, parts = METRIC_PARTS[name]
    best: tuple[float, Drivers] | None = None
    for p in parts:
        vals = group_rates[p]
        for c in range(vals.shape[-1]):
            col = vals[:, c]
            value = float(disparity(col, kind, include, ref))
            if not np.isfinite(value):
                continue
            score = value if kind == "difference" else -value
            if best is not None and score <= best[0]:
                continue
            v = np.where(include & np.isfinite(col), col, np.nan)
            if ref is None:
                low, high = int(np.nanargmin(v)), int(np.nanargmax(v))
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    gap = np.abs(v - v[ref]) if kind == "difference" else -np.fmin(v / v[ref], v[ref] / v)
                gap[ref] = np.nan
                gap[~np.isfinite(gap)] = np.nan
                low, high = int(np.nanargmax(gap)), ref
            best = (score, Drivers(p, c, low, high))
    return None if best is None else best[1]


def stratified_resample(cells: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Group-stratified bootstrap of counts: (G, ...) -> (n_boot, G, ...).

    Resampling the n_g rows of group g with replacement is a multinomial draw of its cell counts with
    probabilities cell / n_g (Efron & Tibshirani 1993, ch. 6); group sizes stay fixed, as in a
    stratified bootstrap, so a group never vanishes from a resample.
    """
    g = cells.shape[0]
    flat = cells.reshape(g, -1).astype(np.int64)
    out = np.zeros((n_boot, *flat.shape), dtype=np.int64)
    for i in range(g):
        n = int(flat[i].sum())
        if n > 0:
            out[:, i, :] = rng.multinomial(n, flat[i] / n, size=n_boot)
    return out.reshape(n_boot, *cells.shape)

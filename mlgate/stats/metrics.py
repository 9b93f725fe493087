"""Point metrics, computed with numpy from sufficient statistics; values equal scikit-learn's.

Confusion-matrix metrics are functions of the k x k cell counts, so the paired bootstrap can resample
counts instead of rows. Ranking metrics use one sort.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from mlgate.errors import InputError
from mlgate.metrics_registry import METRICS, TaskKind
from mlgate.stats.delong import tie_groups

_EPS64 = float(np.finfo(np.float64).eps)


def confusion(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """k x k counts, rows = true class, columns = predicted class (scikit-learn's layout)."""
    counts = np.bincount(y_true * k + y_pred, minlength=k * k)
    return cast("np.ndarray", counts.reshape(k, k))


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    # scikit-learn's zero_division default: 0 where the denominator is 0.
    return cast("np.ndarray", np.divide(num, den, out=np.zeros_like(num, dtype="float64"), where=den > 0))


def from_confusion(name: str, cm: np.ndarray, task: TaskKind) -> np.ndarray:
    """A confusion metric from counts; ``cm`` may carry a leading batch axis (bootstrap)."""
    cm = np.asarray(cm, dtype="float64")
    diag = np.diagonal(cm, axis1=-2, axis2=-1)
    true_tot = cm.sum(axis=-1)
    pred_tot = cm.sum(axis=-2)
    n = true_tot.sum(axis=-1)
    if name == "accuracy":
        return _safe_div(diag.sum(axis=-1), n)
    if name == "balanced_accuracy":
        recall = np.divide(diag, true_tot, out=np.full_like(diag, np.nan), where=true_tot > 0)
        return np.asarray(np.nanmean(recall, axis=-1))
    if name in ("precision", "recall", "f1"):
        tp, fp, fn = diag, pred_tot - diag, true_tot - diag
        if name == "precision":
            per = _safe_div(tp, tp + fp)
        elif name == "recall":
            per = _safe_div(tp, tp + fn)
        else:
            per = _safe_div(2 * tp, 2 * tp + fp + fn)
        if task is TaskKind.BINARY:
            return np.asarray(per[..., 1])
        # Macro average over the labels present in y_true or y_pred, as scikit-learn does.
        present = (true_tot + pred_tot) > 0
        return _safe_div((per * present).sum(axis=-1), present.sum(axis=-1))
    raise KeyError(name)


def binary_auc(y: np.ndarray, s: np.ndarray) -> float:
    """Mann-Whitney U / (n1 n0) with average ranks for ties (= the ROC AUC)."""
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    # The positives' rank sum from one sort: each group of equal scores has the average of its ranks
    # (numpy only: scipy.stats alone would add ~45 MiB and a fifth of a second to every run).
    groups = tie_groups(np.asarray(y == 1), s)
    average_rank = np.cumsum(groups.cnt_g) - (groups.cnt_g - 1.0) / 2.0
    rank_sum = float(groups.pos_g @ average_rank)
    return (rank_sum - n1 * (n1 + 1) / 2.0) / (n1 * n0)


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), y.size - 1]  # last index of each distinct score
    tps = np.cumsum(y_sorted)[last].astype("float64")
    fps = (last + 1) - tps
    p = tps[-1]
    if p == 0:
        return float("nan")
    precision = tps / (tps + fps)
    recall = tps / p
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _need_scores(name: str, scores: np.ndarray | None) -> np.ndarray:
    if scores is None:
        raise InputError(
            f"metric '{name}' needs probability scores but the predictions have none",
            hint="add a 'score' column (binary) or 'proba_<class>' columns (multiclass), "
            "or remove the metric",
        )
    return scores


def compute(
    name: str, task: TaskKind, y_true: np.ndarray, y_pred: np.ndarray, scores: np.ndarray | None, k: int
) -> float:
    """One metric value. Undefined values (e.g. AUC with one class) are NaN."""
    spec = METRICS[name]
    if spec.confusion:
        return float(from_confusion(name, confusion(y_true, y_pred, k), task))
    if task is TaskKind.REGRESSION:
        err = y_true - y_pred
        if name == "mae":
            return float(np.mean(np.abs(err)))
        if name == "rmse":
            return float(np.sqrt(np.mean(err**2)))
        if name == "mape":
            return float(np.mean(np.abs(err) / np.maximum(np.abs(y_true), _EPS64)))
        if name == "r2":
            ss_res = float(np.sum(err**2))
            ss_tot = float(np.sum((y_true - y_true.mean()) ** 2))
            if ss_tot == 0.0:  # scikit-learn's force_finite convention
                return 1.0 if ss_res == 0.0 else 0.0
            return 1.0 - ss_res / ss_tot
        raise KeyError(name)
    s = _need_scores(name, scores)
    if name == "roc_auc":
        if task is TaskKind.BINARY:
            return binary_auc(y_true, s)
        present = [c for c in range(k) if (y_true == c).any()]
        aucs = [binary_auc((y_true == c).astype("int64"), s[:, c]) for c in present]
        return float(np.mean(aucs)) if len(present) > 1 else float("nan")
    if name == "average_precision":
        return average_precision(y_true, s)
    if name == "brier":
        return float(np.mean((s - y_true) ** 2))
    if name == "log_loss":
        proba = np.column_stack([1.0 - s, s]) if s.ndim == 1 else s
        eps = float(np.finfo(proba.dtype).eps)
        p_true = np.clip(proba[np.arange(y_true.size), y_true], eps, 1 - eps)
        return float(-np.mean(np.log(p_true)))
    raise KeyError(name)

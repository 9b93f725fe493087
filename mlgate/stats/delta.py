"""Analytic standard errors of confusion-matrix metrics: the multinomial delta method on cell counts.

A confusion metric f is a smooth function of the joint (label, candidate, baseline) cell counts t,
which are multinomial(n, p). The delta method (e.g. Agresti 2013, *Categorical Data Analysis*, 3rd
ed., section 16.1) gives Var f(t) ~ sum_j t_j g_j^2 - (sum_j t_j g_j)^2 / n with g = df/dt, the
gradient in count units. The gradient is taken by central differences over the occupied cells only,
in one batched evaluation, so the cost is O(occupied cells^2) and does not grow with rows or with
resamples; the p-value has no floor (a bootstrap p-value cannot go below 1 / (resamples + 1)).
The difference candidate - baseline is one function of the same cells, which keeps the pairing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlgate.metrics_registry import TaskKind
from mlgate.stats.bootstrap import _to_confusions
from mlgate.stats.metrics import from_confusion

_STEP = 1e-3  # in counts; occupied cells hold at least 1, so t - step stays positive
_CHUNK_ENTRIES = 4_000_000


def confusion_delta(
    names: Sequence[str], task: TaskKind, table: np.ndarray, k: int, *, paired: bool
) -> dict[str, tuple[float, float, float]]:
    """Per metric: (candidate value, baseline value or NaN, standard error of the difference, or of
    the candidate's value when unpaired)."""
    cells = np.flatnonzero(table)
    t = table[cells].astype(np.float64)
    n = float(t.sum())
    size = cells.size
    point_c, point_b = _to_confusions(t[None, :], cells, k, paired)
    grads: dict[str, list[np.ndarray]] = {m: [] for m in names}
    chunk = max(1, _CHUNK_ENTRIES // max(1, size))
    for start in range(0, size, chunk):
        idx = np.arange(start, min(size, start + chunk))
        plus = np.repeat(t[None, :], idx.size, axis=0)
        minus = plus.copy()
        plus[np.arange(idx.size), idx] += _STEP
        minus[np.arange(idx.size), idx] -= _STEP
        cp, bp = _to_confusions(plus, cells, k, paired)
        cm, bm = _to_confusions(minus, cells, k, paired)
        for m in names:
            diff_plus = np.asarray(from_confusion(m, cp, task))
            diff_minus = np.asarray(from_confusion(m, cm, task))
            if paired:
                diff_plus = diff_plus - np.asarray(from_confusion(m, bp, task))
                diff_minus = diff_minus - np.asarray(from_confusion(m, bm, task))
            grads[m].append((diff_plus - diff_minus) / (2 * _STEP))
    out = {}
    for m in names:
        g = np.concatenate(grads[m]) if grads[m] else np.zeros(0)
        var = float(np.dot(t, g * g) - np.dot(t, g) ** 2 / n) if n > 0 else float("nan")
        cand = float(from_confusion(m, point_c[0], task))
        base = float(from_confusion(m, point_b[0], task)) if paired else float("nan")
        out[m] = (cand, base, float(np.sqrt(max(var, 0.0))))
    return out


def discordant(table: np.ndarray, k: int, positives_only: bool = False) -> tuple[int, int, int]:
    """(b, c, n) of a paired joint table: b rows the candidate gets wrong and the baseline right, c
    the other way round, n rows (``positives_only``: only the rows labelled 1, for binary recall)."""
    y, rest = np.divmod(np.arange(table.size), k * k)
    cand, base = np.divmod(rest, k)
    keep = y == 1 if positives_only else np.ones(table.size, dtype=bool)
    t = np.where(keep, table, 0)
    b = int(t[(cand != y) & (base == y)].sum())
    c = int(t[(cand == y) & (base != y)].sum())
    return b, c, int(t.sum())

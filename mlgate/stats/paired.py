"""Candidate vs baseline on the same rows: delta, confidence interval and one-sided p-value per metric.

One method per kind of metric, each chosen so that the cost does not grow with rows x resamples:

- confusion-matrix metrics (accuracy, balanced_accuracy, precision, recall, f1): paired bootstrap of
  the joint (label, candidate, baseline) cell counts, percentile interval (``stats.bootstrap``);
- roc_auc: DeLong's test with the Sun & Xu fast algorithm (``stats.delong``), normal interval;
- loss metrics (log_loss, brier, mae, mape, rmse, r2) and average_precision: per-row linear
  contributions, paired t on their differences (``stats.rowwise``).

The p-value is one-sided for "the candidate is worse" (null: it is not worse), in the metric's own
direction (``metrics_registry.Direction``), so lower-is-better metrics need no sign handling by callers.
When only the baseline's stored metric values are known (``base_values``), the comparison is unpaired:
the baseline number is taken as exact and the interval covers the candidate's sampling noise only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from mlgate.errors import InputError
from mlgate.metrics_registry import METRICS, Direction, Task
from mlgate.stats.bootstrap import cell_bootstrap, joint_counts
from mlgate.stats.delong import delong
from mlgate.stats.rowwise import row_loss

METHODS = {
    "bootstrap": "paired bootstrap of confusion-matrix cell counts (Efron 1979), percentile interval",
    "delong": "DeLong's test for correlated AUCs (DeLong et al. 1988; Sun & Xu 2014)",
    "rowwise": "paired t on per-row loss differences (Diebold & Mariano 1995; delta method for rmse)",
    "ij": "infinitesimal-jackknife standard error of the difference (Efron 1982)",
}


@dataclass(frozen=True)
class Comparison:
    """One metric, candidate vs baseline. ``delta`` = candidate - baseline, interval is for ``delta``."""

    metric: str
    candidate: float
    baseline: float
    delta: float
    ci_low: float
    ci_high: float
    p_worse: float
    method: str
    paired: bool
    n: int

    @property
    def direction(self) -> Direction:
        return METRICS[self.metric].direction

    @property
    def worse_by(self) -> float:
        """The regression in metric units (positive = the candidate is worse)."""
        return -self.delta if self.direction is Direction.HIGHER else self.delta

    @property
    def worse_by_high(self) -> float:
        """The pessimistic end of the interval, as a regression (the largest plausible worsening)."""
        return -self.ci_low if self.direction is Direction.HIGHER else self.ci_high


def _sign(name: str) -> float:
    # worse_by = sign * delta
    return -1.0 if METRICS[name].direction is Direction.HIGHER else 1.0


def _scores(name: str, scores: np.ndarray | None, which: str) -> np.ndarray:
    if scores is None:
        raise InputError(
            f"metric '{name}' needs probability scores but the {which} predictions have none",
            hint="add a 'score' column (binary) or 'proba_<class>' columns (multiclass), "
            "or remove the metric",
        )
    return scores


def _normal(
    name: str, cand: float, base: float, se: float, df: int | None, confidence: float
) -> tuple[float, float, float, float]:
    """(delta, ci_low, ci_high, p_worse) from a point difference and its standard error."""
    delta = cand - base
    if not np.isfinite(delta):
        return delta, float("nan"), float("nan"), float("nan")
    worse = _sign(name) * delta
    if not np.isfinite(se) or se <= 0.0:
        # No sampling variability (e.g. both models agree on every row): the difference is exact.
        return delta, delta, delta, 0.0 if worse > 0 else 1.0
    dist = sps.t(df) if df is not None and df > 0 else sps.norm()
    q = float(dist.ppf(0.5 + confidence / 2))
    p = float(dist.sf(worse / se))
    return delta, delta - q * se, delta + q * se, p


def _from_replicates(
    name: str, cand: float, base: float, reps: np.ndarray, confidence: float
) -> tuple[float, float, float, float]:
    delta = cand - base
    ok = reps[np.isfinite(reps)]
    if ok.size == 0 or not np.isfinite(delta):
        return delta, float("nan"), float("nan"), float("nan")
    lo, hi = np.quantile(ok, [0.5 - confidence / 2, 0.5 + confidence / 2])
    worse = _sign(name) * ok
    # Share of resamples in which the candidate is not worse; +1 so that p is never exactly 0
    # (Davison & Hinkley 1997, Bootstrap Methods and their Application, eq. 4.11).
    p = (1.0 + float(np.count_nonzero(worse <= 0.0))) / (ok.size + 1.0)
    return delta, float(lo), float(hi), min(p, 1.0)


def compare(
    names: Sequence[str],
    task: Task,
    y: np.ndarray | None,
    k: int,
    *,
    cand_pred: np.ndarray | None,
    cand_scores: np.ndarray | None,
    base_pred: np.ndarray | None = None,
    base_scores: np.ndarray | None = None,
    base_values: Mapping[str, float] | None = None,
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int | np.random.SeedSequence = 0,
    cells: np.ndarray | None = None,
    paired: bool | None = None,
) -> dict[str, Comparison]:
    """Compare every metric in ``names``; paired when ``base_pred`` is given, else vs ``base_values``.

    ``cells``: the joint (label, candidate, baseline) counts of :func:`joint_counts`, already counted
    (e.g. in Spark); confusion metrics then use them, and ``y`` and the predictions are needed only by
    row-level metrics (they may be None, with ``paired`` saying whether ``cells`` hold a baseline).
    """
    paired = base_pred is not None if paired is None else paired
    if not paired and base_values is None:
        raise ValueError("compare() needs baseline predictions or baseline values")
    if y is not None and cand_pred is not None:
        n = int(y.size)
    elif cells is not None:
        n = int(cells.sum())
    else:
        raise ValueError("compare() needs the rows (y, cand_pred) or their cells")
    out: dict[str, Comparison] = {}

    def stored(name: str) -> float:
        assert base_values is not None
        return float(base_values[name])

    conf = [m for m in names if METRICS[m].confusion]
    if conf:
        if cells is None:
            assert y is not None and cand_pred is not None
            cells = joint_counts(y, cand_pred, base_pred, k)
        boot = cell_bootstrap(conf, task, cells, k, paired=paired, n_boot=n_boot, seed=seed)
        for m in conf:
            c = boot.candidate[m]
            if boot.baseline is not None and boot.replicates_baseline is not None:
                b = boot.baseline[m]
                reps = boot.replicates_candidate[m] - boot.replicates_baseline[m]
            else:
                b = stored(m)
                reps = boot.replicates_candidate[m] - b
            d, lo, hi, p = _from_replicates(m, c, b, reps, confidence)
            out[m] = Comparison(m, c, b, d, lo, hi, p, "bootstrap", paired, n)

    for m in names:
        if m in out:
            continue
        if y is None or cand_pred is None:
            raise ValueError(f"compare(): '{m}' is computed from rows, not from cells")
        if m == "roc_auc":
            s_c = _scores(m, cand_scores, "candidate")
            s_b = _scores(m, base_scores, "baseline") if paired else None
            c, b, var = delong(y, s_c, s_b, k)
            if not paired:
                b = stored(m)
            d, lo, hi, p = _normal(
                m, c, b, float(np.sqrt(var)) if var >= 0 else float("nan"), None, confidence
            )
            out[m] = Comparison(m, c, b, d, lo, hi, p, "delong", paired, n)
            continue
        if METRICS[m].needs_scores:
            _scores(m, cand_scores, "candidate")
            if paired:
                _scores(m, base_scores, "baseline")
        lin_c = row_loss(m, task, y, cand_pred, cand_scores)
        if paired:
            assert base_pred is not None
            lin_b = row_loss(m, task, y, base_pred, base_scores)
            b, z = lin_b.value, lin_c.z - lin_b.z
        else:
            b, z = stored(m), lin_c.z
        se = float(np.std(z, ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        d, lo, hi, p = _normal(m, lin_c.value, b, se, n - 1, confidence)
        method = "ij" if m == "average_precision" else "rowwise"
        out[m] = Comparison(m, lin_c.value, b, d, lo, hi, p, method, paired, n)
    return {m: out[m] for m in names}

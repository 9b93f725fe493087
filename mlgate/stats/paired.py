"""Candidate vs baseline on the same rows: delta, confidence interval and one-sided p-values per metric.

Every comparison carries a :class:`mlgate.stats.margin.DropTest` of the drop (the regression in metric
units): the verdict at any margin, its p-values and the interval come from that one test. One method
per kind of metric, none of them resampling, so the cost does not grow with rows x resamples and no
p-value has a floor:

- accuracy (and binary recall, accuracy on the positives): McNemar's test on the discordant pairs,
  mid-p or exact, inverted for the interval (``stats.mcnemar``);
- other confusion-matrix metrics (balanced_accuracy, precision, recall, f1): the multinomial delta
  method on the joint (label, candidate, baseline) cell counts (``stats.delta``);
- roc_auc: DeLong's test with the Sun & Xu fast algorithm (``stats.delong``);
- loss metrics (log_loss, brier, mae, mape, rmse, r2) and average_precision: per-row linear
  contributions, paired t on their differences (``stats.rowwise``).

``p_worse`` is one-sided for "the candidate is worse" (null: it is not worse), in the metric's own
direction (``metrics_registry.Direction``). When only the baseline's stored metric values are known
(``base_values``), the comparison is unpaired: the baseline number is exact when it was computed on
these rows, and otherwise (``base_rows``) its own sampling variance is added, estimated as the
candidate's per-row variance over the baseline's row count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mlgate.errors import InputError
from mlgate.metrics_registry import METRICS, Direction, TaskKind
from mlgate.stats.bootstrap import joint_counts
from mlgate.stats.delong import delong
from mlgate.stats.margin import DropTest, NormalDrop
from mlgate.stats.mcnemar import McNemarDrop
from mlgate.stats.rowwise import row_loss

METHODS = {
    "mcnemar-midp": "McNemar's mid-p test on the discordant rows (McNemar 1947), inverted for the interval",
    "mcnemar-exact": "McNemar's exact test on the discordant rows (McNemar 1947), inverted for the interval",
    "delta": "multinomial delta method on the confusion cell counts",
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
    drop: DropTest | None = None  # the test of the drop; None: a normal test read off the interval

    @property
    def direction(self) -> Direction:
        return METRICS[self.metric].direction

    @property
    def worse_by(self) -> float:
        """The regression in metric units (positive = the candidate is worse)."""
        return -self.delta if self.direction is Direction.HIGHER else self.delta

    @property
    def test(self) -> DropTest:
        """The test behind the interval and p-values (for comparisons built by hand, a normal test
        with the standard error the 95%-style interval implies)."""
        if self.drop is not None:
            return self.drop
        z95 = 1.959963984540054
        return NormalDrop(self.worse_by, (self.ci_high - self.ci_low) / (2 * z95), None, self.method)

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


def _build(
    name: str, cand: float, base: float, test: DropTest, paired: bool, n: int, confidence: float
) -> Comparison:
    """The comparison read off ``test``: the interval of the delta and p for "the candidate is worse"."""
    delta = cand - base
    lo, hi = test.bounds((1.0 - confidence) / 2.0)
    # delta = -drop for higher-is-better metrics, +drop for lower-is-better ones.
    ci_low, ci_high = (-hi, -lo) if _sign(name) < 0 else (lo, hi)
    return Comparison(
        name, cand, base, delta, ci_low, ci_high, test.p_above(0.0), test.method, paired, n, test
    )


def compare(
    names: Sequence[str],
    task: TaskKind,
    y: np.ndarray | None,
    k: int,
    *,
    cand_pred: np.ndarray | None,
    cand_scores: np.ndarray | None,
    base_pred: np.ndarray | None = None,
    base_scores: np.ndarray | None = None,
    base_values: Mapping[str, float] | None = None,
    base_rows: int | None = None,
    confidence: float = 0.95,
    cells: np.ndarray | None = None,
    paired: bool | None = None,
    mid_p: bool = True,
) -> dict[str, Comparison]:
    """Compare every metric in ``names``; paired when ``base_pred`` is given, else vs ``base_values``.

    ``cells``: the joint (label, candidate, baseline) counts of :func:`joint_counts`, already counted
    (e.g. in Spark); confusion metrics then use them, and ``y`` and the predictions are needed only by
    row-level metrics (they may be None, with ``paired`` saying whether ``cells`` hold a baseline).
    ``base_rows``: unpaired only, the stored baseline was measured on other rows (this many): its
    sampling variance is added.
    """
    from mlgate.stats.delta import confusion_delta, discordant

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

    def unpaired_se(se_c: float) -> float:
        # The baseline's own noise, as if its per-row variance equalled the candidate's.
        return se_c * float(np.sqrt(1.0 + n / base_rows)) if base_rows else se_c

    conf = [m for m in names if METRICS[m].confusion]
    if conf:
        if cells is None:
            assert y is not None and cand_pred is not None
            cells = joint_counts(y, cand_pred, base_pred, k)
        values = confusion_delta(conf, task, cells, k, paired=paired)
        for m in conf:
            c, b, se = values[m]
            test: DropTest
            if paired and (m == "accuracy" or (m == "recall" and task is TaskKind.BINARY)):
                bb, cc, rows = discordant(cells, k, positives_only=m == "recall")
                test = McNemarDrop(bb, cc, rows, mid_p=mid_p)
            elif paired:
                test = NormalDrop(_sign(m) * (c - b), se, None, "delta")
            else:
                b = stored(m)
                test = NormalDrop(_sign(m) * (c - b), unpaired_se(se), None, "delta")
            out[m] = _build(m, c, b, test, paired, n, confidence)

    for m in names:
        if m in out:
            continue
        if y is None or cand_pred is None:
            raise ValueError(f"compare(): '{m}' is computed from rows, not from cells")
        if m == "roc_auc":
            s_c = _scores(m, cand_scores, "candidate")
            s_b = _scores(m, base_scores, "baseline") if paired else None
            c, b, var = delong(y, s_c, s_b, k)
            se = float(np.sqrt(var)) if var >= 0 else float("nan")
            if not paired:
                b, se = stored(m), unpaired_se(se)
            out[m] = _build(
                m, c, b, NormalDrop(_sign(m) * (c - b), se, None, "delong"), paired, n, confidence
            )
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
        if not paired:
            se = unpaired_se(se)
        method = "ij" if m == "average_precision" else "rowwise"
        test = NormalDrop(_sign(m) * (lin_c.value - b), se, n - 1, method)
        out[m] = _build(m, lin_c.value, b, test, paired, n, confidence)
    return {m: out[m] for m in names}

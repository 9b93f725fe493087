"""Fairness gate vs fairlearn ``MetricFrame`` on the same synthetic rows: ``run(n_rows) -> dict``.

Both sides compute 4 group metrics (selection rate, TPR, FPR, accuracy) for 2 sensitive attributes
(``sex``, ``age_group``) of the benchmark workload (``benchmarks/data.py``). Loading the Parquet
files is done once, outside both timings. The mlgate side is timed twice:

* ``stats_s``: the same work as fairlearn's — group codes, one ``bincount`` of (group, label,
  prediction) cells per attribute, the rates and the aggregates from the counts;
* ``gate_s``: the whole ``FairnessGate.run`` of the workload's config, which does more (the
  ``sex & age_group`` intersection, the baseline model, the 1,000-resample paired bootstrap,
  tables and messages).

The target (issue: at least 20x faster at 1M rows) is checked on ``gate_s``; ``max_abs_diff`` is the
largest difference between the group values of both libraries (they must agree).

Usage: ``python -m benchmarks.bench_fairness 1m``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np

ATTRIBUTES = ("sex", "age_group")
TARGET_SPEEDUP = 20.0


def _load(n_rows: int) -> tuple[Any, Any]:
    from benchmarks.data import workload
    from mlgate.config import load_config
    from mlgate.inputs import build_inputs

    loaded = load_config(workload(n_rows) / "mlgate.fairness.yaml")
    return loaded, build_inputs(loaded)


def _ours(inputs: Any) -> dict[str, np.ndarray]:
    """Group rates (G, 4) per attribute from cell counts: what MetricFrame computes."""
    import pandas as pd

    from mlgate.stats import fairness as fs

    out = {}
    assert inputs.candidate is not None
    for attr in ATTRIBUTES:
        codes, uniques = pd.factorize(inputs.eval.frame[attr], sort=True)
        cm = fs.group_confusion(
            codes.astype(np.int64), len(uniques), inputs.eval.y_true, inputs.candidate.y_pred, 2
        )
        r = fs.classification_rates(cm)
        every = np.ones(len(uniques), dtype=bool)
        fs.metric_values("demographic_parity_difference", r, every)
        fs.metric_values("equalized_odds_difference", r, every)
        out[attr] = np.column_stack([r[k][:, 0] for k in ("selection_rate", "tpr", "fpr", "accuracy")])
    return out


def _fairlearn(inputs: Any) -> dict[str, np.ndarray]:
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    assert inputs.candidate is not None
    metrics = {
        "sr": selection_rate,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "acc": accuracy_score,
    }
    out = {}
    for attr in ATTRIBUTES:
        mf = MetricFrame(
            metrics=metrics,
            y_true=inputs.eval.y_true,
            y_pred=inputs.candidate.y_pred,
            sensitive_features=inputs.eval.frame[attr],
        )
        mf.difference()
        out[attr] = mf.by_group.sort_index().to_numpy(dtype=float)
    return out


def _timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def run(n_rows: int) -> dict[str, object]:
    from mlgate.gates.fairness import FairnessGate

    loaded, inputs = _load(n_rows)
    stats_s, ours = _timed(_ours, inputs)
    gate_s, result = _timed(FairnessGate().run, inputs, loaded.config.gates.fairness)
    fairlearn_s, theirs = _timed(_fairlearn, inputs)
    diff = max(float(np.nanmax(np.abs(ours[a] - theirs[a]))) for a in ATTRIBUTES)
    speedup = fairlearn_s / gate_s
    return {
        "n_rows": n_rows,
        "gate_s": round(gate_s, 4),
        "stats_s": round(stats_s, 4),
        "fairlearn_metricframe_s": round(fairlearn_s, 4),
        "speedup_gate": round(speedup, 1),
        "speedup_stats": round(fairlearn_s / stats_s, 1),
        "target_speedup": TARGET_SPEEDUP,
        "meets_target": speedup >= TARGET_SPEEDUP if n_rows >= 1_000_000 else None,
        "max_abs_diff": diff,
        "gate_status": result.status.value,
        "gate_checks": len(result.checks),
    }


if __name__ == "__main__":
    from benchmarks.data import parse_size

    print(json.dumps(run(parse_size(sys.argv[1] if len(sys.argv) > 1 else "100k")), indent=2))

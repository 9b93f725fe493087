"""Performance gate (8 metrics, paired intervals) + slices gate (2 columns) vs scikit-learn point metrics.

Target (issue): on 1,000,000 rows the whole gate, intervals included, takes at most 3x the time of
computing the same 8 point metrics once with scikit-learn. ``run(n_rows)`` returns the timings; the
benchmark driver calls it. Usage: ``python -m benchmarks.bench_performance 1000000``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

METRICS = ["accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "brier"]
CONFIG = """\
version: 1
task: binary
data: {eval: eval.parquet, label: label, positive: 1, id: id}
candidate: {predictions: candidate.parquet}
baseline: {predictions: baseline.parquet}
gates:
  performance:
    metrics:
METRIC_LINES
  slices:
    columns: [segment, amount]
    metric: accuracy
    max_drop: 0.02
""".replace("METRIC_LINES", "\n".join(f"      {m}: {{max_drop: 0.01}}" for m in METRICS))


def workload(n_rows: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n_rows)
    latent = (2 * y - 1) + rng.normal(0, 1, n_rows)
    sc = 1 / (1 + np.exp(-2 * (latent + rng.normal(0, 0.5, n_rows))))
    sb = 1 / (1 + np.exp(-2 * (latent + rng.normal(0, 0.5, n_rows))))
    return {
        "y": y,
        "sc": sc,
        "sb": sb,
        "pc": (sc >= 0.5).astype("int64"),
        "pb": (sb >= 0.5).astype("int64"),
        "segment": rng.choice([f"s{i}" for i in range(8)], n_rows),
        "amount": rng.lognormal(8, 1, n_rows),
    }


def gate_inputs(w: dict[str, Any]) -> Any:
    import pandas as pd

    from mlgate.bundle import EvalData, GateInputs, PredictionSet
    from mlgate.config import LoadedConfig, parse_config
    from mlgate.io.lazy import FrameTable

    loaded = LoadedConfig(
        config=parse_config(CONFIG, "bench.yaml"), path=Path("bench.yaml").resolve(), sha256="0"
    )
    frame = pd.DataFrame({"label": w["y"], "segment": w["segment"], "amount": w["amount"]})
    return GateInputs(
        task=loaded.config.task,
        eval=EvalData(
            frame=FrameTable(frame, "eval.parquet"), y_true=w["y"], classes=(0, 1), source="eval.parquet",
            label="label",
        ),
        candidate=PredictionSet("candidate", w["pc"], w["sc"], "candidate.parquet"),
        baseline=PredictionSet("baseline", w["pb"], w["sb"], "baseline.parquet"),
    )


def sklearn_point_metrics(w: dict[str, Any]) -> dict[str, float]:
    import sklearn.metrics as skm

    y, p, s = w["y"], w["pc"], w["sc"]
    return {
        "accuracy": skm.accuracy_score(y, p),
        "balanced_accuracy": skm.balanced_accuracy_score(y, p),
        "precision": skm.precision_score(y, p),
        "recall": skm.recall_score(y, p),
        "f1": skm.f1_score(y, p),
        "roc_auc": skm.roc_auc_score(y, s),
        "log_loss": skm.log_loss(y, s),
        "brier": skm.brier_score_loss(y, s),
    }


def run(n_rows: int) -> dict[str, Any]:
    """Seconds for the gates and for scikit-learn on the same in-memory data, and their ratio."""
    from mlgate.config import parse_config
    from mlgate.gates.performance import PerformanceGate
    from mlgate.gates.slices import SlicesGate

    w = workload(n_rows)
    inputs = gate_inputs(w)
    sklearn_point_metrics(workload(1000))  # warm imports
    gates = parse_config(CONFIG, "bench.yaml").gates
    assert gates.performance is not None and gates.slices is not None
    PerformanceGate().run(gate_inputs(workload(1000)), gates.performance)
    t0 = time.perf_counter()
    reference = sklearn_point_metrics(w)
    t1 = time.perf_counter()
    perf = PerformanceGate().run(inputs, gates.performance)
    t2 = time.perf_counter()
    slices = SlicesGate().run(inputs, gates.slices)
    t3 = time.perf_counter()
    values = {c.metric: c.value for c in perf.checks if c.metric is not None}
    worst_diff = max(abs(values[m] - reference[m]) for m in METRICS)  # type: ignore[operator]
    return {
        "n_rows": n_rows,
        "sklearn_s": t1 - t0,
        "performance_s": t2 - t1,
        "slices_s": t3 - t2,
        "gate_s": t3 - t1,
        "ratio": (t3 - t1) / (t1 - t0),
        "target_ratio": 3.0,
        "max_abs_diff_vs_sklearn": worst_diff,
        "slices_judged": sum(1 for c in slices.checks if c.status.value != "skip"),
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    for key, value in run(n).items():
        print(f"{key:>24}: {value:.4g}" if isinstance(value, float) else f"{key:>24}: {value}")

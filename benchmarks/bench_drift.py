"""Drift gate cost against the cost of reading its data: ``run(n_rows) -> dict``.

Target (issue: drift gate): on 1,000,000 rows x 20 feature columns the gate takes at most 2x the time
of reading the eval and reference tables. Both are timed in this process on the shared workload of
``benchmarks/data.py``; the gate is timed from loaded frames (``GateInputs``) to its ``GateResult``.
Usage: ``python -m benchmarks.bench_drift 1m``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def _best(fn: object, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best, out


def run(n_rows: int, repeat: int = 2) -> dict[str, object]:
    from benchmarks.data import workload
    from mlgate.config import load_config
    from mlgate.gates.drift import DriftGate
    from mlgate.inputs import build_inputs
    from mlgate.io.tables import read_table

    root = Path(workload(n_rows))
    loaded = load_config(root / "mlgate.yaml")
    cfg = loaded.config
    assert cfg.data.reference is not None and cfg.gates.drift is not None

    def read() -> tuple[int, int]:
        ev = read_table(loaded.resolve(cfg.data.eval), null_values=cfg.data.null_values)
        ref = read_table(loaded.resolve(cfg.data.reference or ""), null_values=cfg.data.null_values)
        return len(ev), len(ref)

    read_s, _ = _best(read, repeat)
    inputs = build_inputs(loaded)
    gate = DriftGate()
    gate_s, result = _best(lambda: gate.run(inputs), repeat)
    checks = result.checks  # type: ignore[attr-defined]
    features = [c for c in checks if c.details.get("role") == "feature"]
    drifted = [c.attribute for c in features if c.value is not None and c.status.value in ("fail", "warn")]
    return {
        "n_rows": n_rows,
        "feature_columns": len(features),
        "read_s": round(read_s, 3),
        "gate_s": round(gate_s, 3),
        "ratio": round(gate_s / read_s, 2),
        "target_ratio": 2.0,
        "ok": gate_s <= 2.0 * read_s,
        "drifted": drifted,
        "status": result.status.value,  # type: ignore[attr-defined]
    }


if __name__ == "__main__":
    from benchmarks.data import parse_size

    print(run(parse_size(sys.argv[1] if len(sys.argv) > 1 else "100k")))

"""Drift gate cost against the cost of reading its data: ``run(n_rows) -> dict``.

Target (issue: drift gate): on 1,000,000 rows x 20 feature columns the gate takes at most 2x the time
of reading the eval and reference tables. Both are timed in this process on the shared workload of
``benchmarks/data.py``; the gate is timed from tables already in memory (``GateInputs`` holding
``FrameTable``s) to its ``GateResult``. ``gate_from_parquet_s`` is the same gate on the lazy Parquet
tables ``mlgate check`` uses, so it includes reading each column (one at a time).
Usage: ``python -m benchmarks.bench_drift 1m``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
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
    from mlgate.io.lazy import FrameTable
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
    lazy_inputs = build_inputs(loaded)
    assert lazy_inputs.reference is not None
    in_memory = replace(
        lazy_inputs,
        eval=replace(lazy_inputs.eval, frame=FrameTable(lazy_inputs.eval.frame.to_pandas(), cfg.data.eval)),
        reference=FrameTable(lazy_inputs.reference.to_pandas(), cfg.data.reference),
    )
    gate = DriftGate()
    section = cfg.gates.drift
    gate_s, result = _best(lambda: gate.run(in_memory, section), repeat)
    lazy_s, _ = _best(lambda: gate.run(lazy_inputs, section), repeat)
    checks = result.checks  # type: ignore[attr-defined]
    features = [c for c in checks if c.details.get("role") == "feature"]
    drifted = [c.attribute for c in features if c.value is not None and c.status.value in ("fail", "warn")]
    return {
        "n_rows": n_rows,
        "feature_columns": len(features),
        "read_s": round(read_s, 3),
        "gate_s": round(gate_s, 3),
        "ratio": round(gate_s / read_s, 2),
        "gate_from_parquet_s": round(lazy_s, 3),
        "target_ratio": 2.0,
        "ok": gate_s <= 2.0 * read_s,
        "drifted": drifted,
        "status": result.status.value,  # type: ignore[attr-defined]
    }


if __name__ == "__main__":
    from benchmarks.data import parse_size

    print(run(parse_size(sys.argv[1] if len(sys.argv) > 1 else "100k")))

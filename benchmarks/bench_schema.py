"""Schema gate vs pandera's own ``validate(lazy=True)`` on the same frame with the same schema.

Target (data-gate issue): on 1,000,000 rows x 25 columns the gate stays within 1.5x of pandera. Two
scenarios: ``clean`` (every check passes) and ``failing`` (1% of the rows break a range check and a
category check, so failure cases must be grouped into examples). The gate is timed with its built-in
dataset checks off (the same checks as pandera) and on (what ``mlgate check`` runs by default).
Times are the best of ``repeats`` runs (timeit's advice: the minimum is the least noisy estimate).

Usage: ``python -m benchmarks.bench_schema 1m``.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from typing import Any


def _best(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(n_rows: int, repeats: int = 3) -> dict[str, Any]:
    import numpy as np
    import pandera.errors as pe

    from benchmarks.data import workload
    from mlgate.bundle import EvalData, GateInputs
    from mlgate.config import load_config
    from mlgate.gates.schema import SchemaGate
    from mlgate.io.lazy import FrameTable
    from mlgate.io.tables import read_table
    from mlgate.schema.load import load_schema

    root = workload(n_rows)
    clean = read_table(root / "eval.parquet")
    failing = clean.copy()
    rng = np.random.default_rng(0)
    bad = rng.choice(n_rows, size=max(1, n_rows // 100), replace=False)
    failing.loc[bad, "num_00"] = 1e6
    failing.loc[bad, "cat_0"] = "unknown"
    schema = load_schema("schema.yaml", "auto", root).schema

    def pandera(frame: Any) -> None:
        with contextlib.suppress(pe.SchemaErrors):
            schema.validate(frame, lazy=True)

    out: dict[str, Any] = {"n_rows": n_rows, "n_columns": clean.shape[1], "repeats": repeats}
    for builtins in (False, True):
        cfg_path = root / f"bench_schema_{'builtins' if builtins else 'plain'}.yaml"
        text = (root / "mlgate.schema.yaml").read_text(encoding="utf-8")
        if not builtins:
            text = text.replace(
                "  schema:\n",
                "  schema:\n    duplicate_ids: 'off'\n    unknown_labels: 'off'\n"
                "    single_class: 'off'\n    empty_columns: 'off'\n",
            )
        cfg_path.write_text(text, encoding="utf-8")
        loaded = load_config(cfg_path)
        for scenario, frame in (("clean", clean), ("failing", failing)):
            cfg = loaded.config
            inputs = GateInputs(
                task=cfg.task,
                eval=EvalData(
                    frame=FrameTable(frame, "eval"),
                    y_true=frame["label"].to_numpy(),
                    classes=(0, 1),
                    source="eval",
                    label=cfg.data.label,
                    id_column=cfg.data.id,
                ),
                candidate=None,
                schema=load_schema("schema.yaml", "auto", root),
            )
            section = cfg.schema_gate
            gate_s = _best(lambda inputs=inputs, section=section: SchemaGate().run(inputs, section), repeats)
            key = f"{scenario}{'_builtins' if builtins else ''}"
            if not builtins:
                out[f"{scenario}_pandera_s"] = _best(lambda frame=frame: pandera(frame), repeats)
            out[f"{key}_gate_s"] = gate_s
            out[f"{key}_ratio"] = gate_s / out[f"{scenario}_pandera_s"]
    out["within_1_5x"] = out["clean_ratio"] <= 1.5 and out["failing_ratio"] <= 1.5
    return out


if __name__ == "__main__":
    from benchmarks.data import parse_size

    result = run(parse_size(sys.argv[1] if len(sys.argv) > 1 else "100k"))
    for k, v in result.items():
        print(f"{k:28s} {v:.3f}" if isinstance(v, float) else f"{k:28s} {v}")

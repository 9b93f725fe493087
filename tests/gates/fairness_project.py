"""A small on-disk project for fairness gate tests: eval CSV, predictions, mlgate.yaml."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mlgate.config import load_config
from mlgate.gates.fairness import FairnessGate
from mlgate.inputs import build_inputs
from mlgate.result import GateResult
from mlgate.runner import run


def write_project(
    root: Path,
    frame: pd.DataFrame,
    candidate: np.ndarray,
    baseline: np.ndarray | None,
    gate_yaml: str,
    *,
    task: str = "binary",
    label: str = "y",
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    frame = frame.copy()
    frame.insert(0, "id", np.arange(len(frame)))
    frame.to_csv(root / "eval.csv", index=False)
    pd.DataFrame({"id": frame["id"], "prediction": candidate}).to_csv(root / "cand.csv", index=False)
    base = ""
    if baseline is not None:
        pd.DataFrame({"id": frame["id"], "prediction": baseline}).to_csv(root / "base.csv", index=False)
        base = "baseline:\n  predictions: base.csv\n"
    positive = "  positive: 1\n" if task == "binary" else ""
    text = (
        f"version: 1\ntask: {task}\n"
        f"data:\n  eval: eval.csv\n  label: {label}\n  id: id\n{positive}"
        f"candidate:\n  predictions: cand.csv\n{base}"
        "gates:\n  fairness:\n" + "".join(f"    {line}\n" for line in gate_yaml.strip().splitlines())
    )
    path = root / "mlgate.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_gate(path: Path) -> GateResult:
    """The gate itself (errors raise)."""
    loaded = load_config(path)
    assert loaded.config.gates.fairness is not None
    return FairnessGate().run(build_inputs(loaded), loaded.config.gates.fairness)


def run_all(path: Path) -> GateResult:
    """Through the runner (errors become the gate's error result)."""
    report = run(load_config(path))
    (gate,) = [g for g in report.gates if g.name == "fairness"]
    return gate


def check(result: GateResult, name: str, attribute: str) -> object:
    found = [c for c in result.checks if c.name == name and c.attribute == attribute]
    assert len(found) == 1, [(c.name, c.attribute) for c in result.checks]
    return found[0]

"""A small on-disk project with controlled candidate and baseline predictions (performance, slices)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mlgate.config import LoadedConfig, load_config
from mlgate.result import GateResult, Report
from mlgate.runner import run


def write_project(
    root: Path,
    y: np.ndarray,
    cand: np.ndarray,
    base: np.ndarray | None,
    gates: str,
    *,
    cand_score: np.ndarray | None = None,
    base_score: np.ndarray | None = None,
    extra: dict[str, np.ndarray] | None = None,
    baseline_yaml: str | None = None,
    task: str = "binary",
) -> Path:
    """Binary labels 'yes'/'no' (1 = yes); ``gates`` is the YAML under ``gates:`` (indented 2)."""
    root.mkdir(parents=True, exist_ok=True)
    n = y.size
    ids = np.arange(1000, 1000 + n)
    lab = (lambda v: np.where(v == 1, "yes", "no")) if task == "binary" else (lambda v: v)
    frame = pd.DataFrame({"id": ids, "label": lab(y), **(extra or {})})
    frame.to_csv(root / "eval.csv", index=False)
    # Predictions in another row order: the join on data.id must realign them.
    order = np.random.default_rng(0).permutation(n)
    for name, pred, score in (("candidate", cand, cand_score), ("baseline", base, base_score)):
        if pred is None:
            continue
        cols = {"id": ids, "prediction": lab(pred)}
        if score is not None:
            cols["score"] = score
        pd.DataFrame(cols).iloc[order].to_csv(root / f"{name}.csv", index=False)
    if baseline_yaml is None:
        baseline_yaml = "baseline:\n  predictions: baseline.csv\n" if base is not None else ""
    positive = "  positive: 'yes'\n" if task == "binary" else ""
    text = (
        f"version: 1\ntask: {task}\ndata:\n  eval: eval.csv\n  label: label\n{positive}  id: id\n"
        f"candidate:\n  predictions: candidate.csv\n{baseline_yaml}gates:\n{gates}"
    )
    (root / "mlgate.yaml").write_text(text, encoding="utf-8")
    return root / "mlgate.yaml"


def run_gate(config: Path, name: str) -> tuple[GateResult, Report, LoadedConfig]:
    loaded = load_config(config)
    report = run(loaded)
    gate = next(g for g in report.gates if g.name == name)
    return gate, report, loaded


def flip(pred: np.ndarray, y: np.ndarray, share: float, seed: int, *, to_wrong: bool = True) -> np.ndarray:
    """Flip ``share`` of the rows the model gets right (to_wrong) or wrong (not to_wrong)."""
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero((pred == y) if to_wrong else (pred != y))
    pick = rng.choice(rows, int(share * y.size), replace=False)
    out = pred.copy()
    out[pick] = 1 - out[pick]
    return out

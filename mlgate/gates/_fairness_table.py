"""The fairness gate's per-group table: size and rates of the candidate, with the baseline's values."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlgate.gates._fairness_groups import Attribute
from mlgate.metrics_registry import TaskKind
from mlgate.result import Table
from mlgate.stats.fairness import UNDEFINED_BECAUSE

RATE_NAMES = {
    "selection_rate": "selection rate",
    "tpr": "TPR",
    "fpr": "FPR",
    "tnr": "TNR",
    "fnr": "FNR",
    "precision": "precision",
    "fdr": "FDR",
    "for": "FOR",
    "accuracy": "accuracy",
    "mae": "MAE",
    "rmse": "RMSE",
    "mean_error": "mean error",
}
SHOWN = {
    TaskKind.BINARY: ("selection_rate", "tpr", "fpr", "accuracy"),
    TaskKind.MULTICLASS: ("selection_rate", "tpr", "fpr", "accuracy"),
    TaskKind.REGRESSION: ("mae", "rmse", "mean_error"),
}
UNDEFINED = "undefined"


def _cell(x: float) -> float | str:
    return float(x) if np.isfinite(x) else UNDEFINED


def group_table(
    attr: Attribute,
    include: np.ndarray,
    cand: dict[str, np.ndarray],
    base: dict[str, np.ndarray] | None,
    task: TaskKind,
    classes: tuple[object, ...],
) -> Table:
    shown = SHOWN[task]
    headers: list[str] = ["group"]
    if task is TaskKind.MULTICLASS:
        headers.append("class")
    headers.append("n")
    for r in shown:
        headers.append(RATE_NAMES[r])
        if base is not None:
            headers.append(f"{RATE_NAMES[r]} (baseline)")
    headers.append("status")
    rows: list[tuple[Any, ...]] = []
    n_cls = cand["size"].shape[1]
    for g, label in enumerate(attr.labels):
        for c in range(n_cls):
            row: list[Any] = [label + (" (reference)" if g == attr.ref else "")]
            if task is TaskKind.MULTICLASS:
                row.append(str(classes[c]))
            row.append(int(cand["size"][g, c]))
            for r in shown:
                row.append(_cell(cand[r][g, c]))
                if base is not None:
                    row.append(_cell(base[r][g, c]))
            if not include[g]:
                status = "too small to judge"
            else:
                undefined = [
                    f"{RATE_NAMES[r]} undefined ({why})"
                    for r, why in UNDEFINED_BECAUSE.items()
                    if r in cand and r in shown and not np.isfinite(cand[r][g, c])
                ]
                status = "; ".join(undefined) or "judged"
            row.append(status)
            rows.append(tuple(row))
    return Table(title=f"Groups by {attr.name}", headers=tuple(headers), rows=tuple(rows))

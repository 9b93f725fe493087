"""Metric names, directions and requirements. Pure data: imported by the config without numpy."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal


class Direction(str, enum.Enum):
    HIGHER = "higher"  # higher is better (accuracy, roc_auc, r2)
    LOWER = "lower"  # lower is better (log_loss, rmse)


class TaskKind(str, enum.Enum):
    BINARY = "binary"
    MULTICLASS = "multiclass"
    REGRESSION = "regression"


@dataclass(frozen=True)
class MetricSpec:
    name: str
    direction: Direction
    tasks: frozenset[TaskKind]
    needs_scores: bool
    formula: str
    # Metrics that are a function of the confusion matrix get the paired cell-count bootstrap.
    confusion: bool = False

    def worse_by(self, candidate: float, baseline: float) -> float:
        """How much worse the candidate is, in metric units (positive = regression)."""
        return baseline - candidate if self.direction is Direction.HIGHER else candidate - baseline


_C = frozenset({TaskKind.BINARY, TaskKind.MULTICLASS})
_B = frozenset({TaskKind.BINARY})
_R = frozenset({TaskKind.REGRESSION})

METRICS: dict[str, MetricSpec] = {
    m.name: m
    for m in (
        MetricSpec("accuracy", Direction.HIGHER, _C, False, "(TP+TN)/N", confusion=True),
        MetricSpec("balanced_accuracy", Direction.HIGHER, _C, False, "mean per-class recall", confusion=True),
        MetricSpec("precision", Direction.HIGHER, _C, False, "TP/(TP+FP); macro for multiclass", True),
        MetricSpec("recall", Direction.HIGHER, _C, False, "TP/(TP+FN); macro for multiclass", True),
        MetricSpec("f1", Direction.HIGHER, _C, False, "2PR/(P+R); macro for multiclass", True),
        MetricSpec("roc_auc", Direction.HIGHER, _C, True, "P(score_pos > score_neg); OvR macro"),
        MetricSpec("average_precision", Direction.HIGHER, _B, True, "sum (R_n - R_n-1) P_n"),
        MetricSpec("log_loss", Direction.LOWER, _C, True, "-mean log p(true class)"),
        MetricSpec("brier", Direction.LOWER, _B, True, "mean (score - y)^2"),
        MetricSpec("mae", Direction.LOWER, _R, False, "mean |y - yhat|"),
        MetricSpec("rmse", Direction.LOWER, _R, False, "sqrt(mean (y - yhat)^2)"),
        MetricSpec("r2", Direction.HIGHER, _R, False, "1 - SS_res/SS_tot"),
        MetricSpec("mape", Direction.LOWER, _R, False, "mean |y - yhat| / max(|y|, eps)"),
    )
}

FairnessKind = Literal["difference", "ratio"]


def _both(family: str, rates: tuple[str, ...]) -> dict[str, tuple[FairnessKind, tuple[str, ...]]]:
    return {f"{family}_difference": ("difference", rates), f"{family}_ratio": ("ratio", rates)}


# Fairness aggregates, name -> (kind, the per-group rates it compares), in fairlearn's definitions:
# difference = max - min (lower is better), ratio = min / max (higher is better). Several rates: the
# worst one counts (fairlearn's equalized_odds_* with agg="worst_case").
FAIRNESS_PARTS: dict[str, tuple[FairnessKind, tuple[str, ...]]] = {
    **_both("demographic_parity", ("selection_rate",)),
    **_both("equalized_odds", ("tpr", "fpr")),
    **_both("equal_opportunity", ("tpr",)),
    "predictive_parity_difference": ("difference", ("precision",)),
    "accuracy_difference": ("difference", ("accuracy",)),
    "error_gap_mae": ("difference", ("mae",)),
    # Aequitas's group-metric parities (Saleiro et al. 2018, "Aequitas: a bias and fairness audit
    # toolkit", arXiv:1811.05577): error rates among the actual negatives / positives (FPR, FNR) and
    # among the predicted positives / negatives (false discovery and false omission rates).
    **_both("false_positive_rate", ("fpr",)),
    **_both("false_negative_rate", ("fnr",)),
    **_both("false_discovery_rate", ("fdr",)),
    **_both("false_omission_rate", ("for",)),
}
FAIRNESS_METRICS: dict[str, Direction] = {
    name: Direction.HIGHER if kind == "ratio" else Direction.LOWER
    for name, (kind, _) in FAIRNESS_PARTS.items()
}

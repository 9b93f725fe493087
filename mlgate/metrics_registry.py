"""Metric names, directions and requirements. Pure data: imported by the config without numpy."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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

# Fairness aggregates (fairlearn definitions: difference = max - min, ratio = min / max).
FAIRNESS_METRICS: dict[str, Direction] = {
    "demographic_parity_difference": Direction.LOWER,
    "demographic_parity_ratio": Direction.HIGHER,
    "equalized_odds_difference": Direction.LOWER,
    "equalized_odds_ratio": Direction.HIGHER,
    "equal_opportunity_difference": Direction.LOWER,
    "equal_opportunity_ratio": Direction.HIGHER,
    "predictive_parity_difference": Direction.LOWER,
    "accuracy_difference": Direction.LOWER,
    "error_gap_mae": Direction.LOWER,
    # Aequitas's parities of error rates (difference: lower is better; ratio <= 1: higher is better).
    "false_positive_rate_difference": Direction.LOWER,
    "false_positive_rate_ratio": Direction.HIGHER,
    "false_negative_rate_difference": Direction.LOWER,
    "false_negative_rate_ratio": Direction.HIGHER,
    "false_discovery_rate_difference": Direction.LOWER,
    "false_discovery_rate_ratio": Direction.HIGHER,
    "false_omission_rate_difference": Direction.LOWER,
    "false_omission_rate_ratio": Direction.HIGHER,
}

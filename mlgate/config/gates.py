"""The sections of the gates that compare the candidate with limits or the baseline (performance,
slices, fairness); the data gates' sections are in :mod:`mlgate.config.gates_data`. Each gate has its
own model, listed in :mod:`mlgate.config.registry`; an absent gate is not run. A section states what
it needs from the rest of the config in ``requires`` (the metric defined for the task, a baseline)."""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import Field, field_validator, model_validator

from mlgate.config._base import Facts, Section
from mlgate.config.thresholds import MetricThreshold
from mlgate.metrics_registry import FAIRNESS_METRICS, METRICS, TaskKind

DecisionRule = Literal["margin", "evidence", "strict"]  # stats.decision.Rule
# The rules of stats.decision, described once for the gates that compare with the baseline.
RULES = (
    "margin: fail when the interval lies above the allowed drop, pass when it lies below, warn "
    "(inconclusive) otherwise; evidence: fail on a point drop past the allowed drop that is significant "
    "against zero; strict: the whole interval must clear the allowed drop (it needs no correction)."
)


def _check_names(names: list[str] | tuple[str, ...], known: list[str], what: str) -> None:
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(sorted(known))}"
            # The key path is added by the loader from the error location.
            raise ValueError(f"@{name}@unknown {what}{hint}")


def _undefined(metric: str, task: TaskKind, ok: list[str]) -> None:
    known = ", ".join(sorted(ok))
    raise ValueError(f"@metrics.{metric}@not defined for task '{task.value}'; use one of: {known}")


class PerformanceSection(Section):
    metrics: dict[str, MetricThreshold] = Field(
        description="Metric name -> thresholds. Names come from the metric registry."
    )
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="Confidence level of the intervals.")
    decision: DecisionRule = Field("margin", description=RULES)
    multiplicity: Literal["holm", "bh", "none", "primary"] = Field(
        "holm",
        description="Correction across the metrics compared with the baseline: Holm (family-wise "
        "error), Benjamini-Hochberg (false discovery rate), none, or primary (only the 'primary' "
        "metric can fail; the others are advisory).",
    )
    primary: str | None = Field(None, description="The metric that decides when multiplicity is primary.")
    mcnemar: Literal["mid-p", "exact"] = Field(
        "mid-p", description="McNemar's test for accuracy (and binary recall): mid-p or exact."
    )
    n_boot: int = Field(
        2000, ge=100, le=100_000, description="Unused: every comparison is analytic (kept for old configs)."
    )
    seed: int = Field(0, description="Unused: every comparison is analytic (kept for old configs).")

    @field_validator("metrics")
    @classmethod
    def _known(cls, v: dict[str, MetricThreshold]) -> dict[str, MetricThreshold]:
        _check_names(list(v), list(METRICS), "metric")
        if not v:
            raise ValueError("configure at least one metric")
        return v

    @model_validator(mode="after")
    def _primary(self) -> PerformanceSection:
        if self.multiplicity == "primary" and self.primary is None:
            raise ValueError("@primary@multiplicity: primary needs the name of the primary metric")
        if self.primary is not None and self.primary not in self.metrics:
            raise ValueError(f"@primary@'{self.primary}' is not one of the configured metrics")
        return self

    def requires(self, facts: Facts) -> None:
        for name in self.metrics:
            if facts.task not in METRICS[name].tasks:
                _undefined(name, facts.task, [n for n, s in METRICS.items() if facts.task in s.tasks])
        for name, th in self.metrics.items():
            if not facts.baseline and (th.max_drop is not None or th.max_drop_relative is not None):
                raise ValueError(
                    f"@metrics.{name}@max_drop compares with the baseline, but no baseline is "
                    "configured: set baseline.predictions, baseline.model or baseline.metrics"
                )


class SlicesSection(Section):
    columns: tuple[str, ...] = Field(description="Columns to slice by (numeric ones are binned).")
    metric: str = Field("accuracy", description="Metric compared per slice.")
    max_drop: float = Field(0.05, ge=0, description="Allowed regression per slice, in metric units.")
    min_size: int = Field(30, ge=1, description="Slices smaller than this are 'too small to judge'.")
    bins: int = Field(4, ge=2, le=20, description="Quantile bins for numeric columns.")
    correction: Literal["holm", "bh", "none"] = Field(
        "holm", description="Family-wise error control across slices (Holm) or FDR (Benjamini-Hochberg)."
    )
    decision: DecisionRule = Field(
        "margin", description=f"Per slice, as for the performance gate. {RULES}"
    )
    confidence: float = Field(0.95, gt=0.5, lt=1.0)
    n_boot: int = Field(
        1000, ge=100, le=100_000, description="Unused: every comparison is analytic (kept for old configs)."
    )
    seed: int = Field(0, description="Unused: every comparison is analytic (kept for old configs).")
    max_slices: int = Field(
        50, ge=1, le=10_000, description="Slices judged per column (the largest); the rest are counted."
    )

    @field_validator("metric")
    @classmethod
    def _known(cls, v: str) -> str:
        _check_names([v], list(METRICS), "metric")
        return v

    def requires(self, facts: Facts) -> None:
        if facts.task not in METRICS[self.metric].tasks:
            raise ValueError(f"@metric@not defined for task '{facts.task.value}'")
        if not facts.baseline_rows:
            raise ValueError(
                "compares candidate and baseline on the same rows of each slice: "
                "set baseline.predictions or baseline.model (stored metrics have no rows)"
            )


class FairnessSection(Section):
    sensitive: tuple[str, ...] = Field(description="Sensitive attribute columns of the eval data.")
    intersections: tuple[tuple[str, ...], ...] = Field(
        (), description="Intersectional groups, e.g. [[sex, race]]."
    )
    metrics: dict[str, MetricThreshold] = Field(
        default_factory=dict, description="Fairness metric name -> min/max limits."
    )
    max_regression: float | None = Field(
        None, ge=0, description="Allowed worsening vs the baseline, per metric, in metric units."
    )
    min_group_size: int = Field(30, ge=1, description="Groups smaller than this are not judged.")
    reference_group: dict[str, str] | None = Field(
        None, description="Compare every group with this one (Aequitas style), e.g. {sex: male}."
    )
    missing: Literal["group", "error"] = Field(
        "group",
        description="Rows whose sensitive value is missing: judged as their own group '(missing)', "
        "or an input error.",
    )
    decision: DecisionRule = Field(
        "margin",
        description="Regression vs the baseline, per group against the reference; the allowed drop is "
        f"the allowed worsening. {RULES}",
    )
    multiplicity: Literal["holm", "bh", "none"] = Field(
        "holm", description="Correction across attributes x metrics x groups of the regression tests."
    )
    confidence: float = Field(0.95, gt=0.5, lt=1.0)
    n_boot: int = Field(1000, ge=100, le=100_000, description="Bootstrap resamples (standard errors).")
    seed: int = 0

    @field_validator("metrics")
    @classmethod
    def _known(cls, v: dict[str, MetricThreshold]) -> dict[str, MetricThreshold]:
        _check_names(list(v), list(FAIRNESS_METRICS), "fairness metric")
        return v

    @field_validator("sensitive")
    @classmethod
    def _some(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("name at least one sensitive column")
        if len(set(v)) != len(v):
            raise ValueError("a column is listed twice")
        return v

    @model_validator(mode="after")
    def _groups(self) -> FairnessSection:
        for i, combo in enumerate(self.intersections):
            if len(combo) < 2 or len(set(combo)) != len(combo):
                raise ValueError(f"@intersections.{i}@an intersection names two or more different columns")
        for col in self.reference_group or {}:
            if col not in self.sensitive:
                raise ValueError(
                    f"@reference_group.{col}@'{col}' is not a sensitive column; "
                    f"sensitive: {', '.join(self.sensitive)}"
                )
        return self

    def requires(self, facts: Facts) -> None:
        # Regression has group error gaps only; rates need classes (error_gap_* = regression).
        regression = facts.task is TaskKind.REGRESSION
        for name in self.metrics:
            if name.startswith("error_gap_") != regression:
                ok = [n for n in FAIRNESS_METRICS if n.startswith("error_gap_") == regression]
                _undefined(name, facts.task, ok)

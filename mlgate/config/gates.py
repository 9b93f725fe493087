"""``gates:`` section. Each gate has its own model; an absent gate is not run."""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import Field, field_validator, model_validator

from mlgate.config._base import Section
from mlgate.config.thresholds import MetricThreshold
from mlgate.metrics_registry import FAIRNESS_METRICS, METRICS


def _check_names(names: list[str] | tuple[str, ...], known: list[str], what: str) -> None:
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(sorted(known))}"
            # The key path is added by the loader from the error location.
            raise ValueError(f"@{name}@unknown {what}{hint}")


class PerformanceGate(Section):
    metrics: dict[str, MetricThreshold] = Field(
        description="Metric name -> thresholds. Names come from the metric registry."
    )
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="Confidence level of the intervals.")
    decision: Literal["evidence", "strict"] = Field(
        "evidence",
        description="evidence: fail only on a significant regression past the allowed drop; "
        "strict: the whole interval must clear the allowed drop (non-inferiority).",
    )
    n_boot: int = Field(2000, ge=100, le=100_000, description="Bootstrap resamples.")
    seed: int = Field(0, description="Seed of every resampling, so scorecards are reproducible.")

    @field_validator("metrics")
    @classmethod
    def _known(cls, v: dict[str, MetricThreshold]) -> dict[str, MetricThreshold]:
        _check_names(list(v), list(METRICS), "metric")
        if not v:
            raise ValueError("configure at least one metric")
        return v


class SlicesGate(Section):
    columns: tuple[str, ...] = Field(description="Columns to slice by (numeric ones are binned).")
    metric: str = Field("accuracy", description="Metric compared per slice.")
    max_drop: float = Field(0.05, ge=0, description="Allowed regression per slice, in metric units.")
    min_size: int = Field(30, ge=1, description="Slices smaller than this are 'too small to judge'.")
    bins: int = Field(4, ge=2, le=20, description="Quantile bins for numeric columns.")
    correction: Literal["holm", "bh", "none"] = Field(
        "holm", description="Family-wise error control across slices (Holm) or FDR (Benjamini-Hochberg)."
    )
    confidence: float = Field(0.95, gt=0.5, lt=1.0)

    @field_validator("metric")
    @classmethod
    def _known(cls, v: str) -> str:
        _check_names([v], list(METRICS), "metric")
        return v


class FairnessGate(Section):
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
    confidence: float = Field(0.95, gt=0.5, lt=1.0)
    n_boot: int = Field(1000, ge=100, le=100_000)
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
    def _groups(self) -> FairnessGate:
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


class DriftColumn(Section):
    method: Literal["psi", "ks", "wasserstein", "chi2", "js"] | None = None
    max: float | None = None


class DriftGate(Section):
    columns: Literal["all"] | tuple[str, ...] = Field("all", description="'all' or a list of columns.")
    method: Literal["psi", "ks", "wasserstein", "chi2", "js"] = Field(
        "psi", description="Default statistic; p-value tests (ks, chi2) are opt-in."
    )
    max: float = Field(0.2, gt=0, description="A column drifts when its statistic passes this.")
    share_max: float = Field(0.3, ge=0, le=1, description="Fail when more than this share drifts.")
    per_column: dict[str, DriftColumn] = Field(default_factory=dict)
    bins: int = Field(10, ge=2, le=100)
    predictions: bool = Field(True, description="Also compare candidate vs baseline score drift.")
    label: bool = Field(True, description="Also compare the label distribution.")


class SchemaGate(Section):
    max_examples: int = Field(5, ge=0, le=100, description="Example failing values shown per check.")
    severity: dict[str, Literal["error", "warn"]] = Field(
        default_factory=dict, description="Per-check severity, keyed by 'column:check' or 'check'."
    )
    max_failure_share: dict[str, float] = Field(
        default_factory=dict, description="Per-check tolerated share of failing rows."
    )
    apply_to: tuple[Literal["eval", "reference"], ...] = ("eval",)
    duplicate_ids: Literal["error", "warn", "off"] = "error"
    unknown_labels: Literal["error", "warn", "off"] = "error"
    single_class: Literal["error", "warn", "off"] = "error"
    empty_columns: Literal["error", "warn", "off"] = "warn"


class DeepchecksGate(Section):
    suite: str | tuple[str, ...] = Field(
        "data_integrity", description="data_integrity | train_test_validation | model_evaluation | checks"
    )


class Gates(Section):
    schema_: SchemaGate | None = Field(None, alias="schema")
    performance: PerformanceGate | None = None
    slices: SlicesGate | None = None
    fairness: FairnessGate | None = None
    drift: DriftGate | None = None
    deepchecks: DeepchecksGate | None = None

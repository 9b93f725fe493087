"""The sections of the gates that judge the data itself: drift against the reference, the schema,
deepchecks suites (the comparison gates' sections are in :mod:`mlgate.config.gates`)."""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from mlgate.config._base import Section

DriftMethod = Literal["psi", "ks", "wasserstein", "chi2", "js"]
# Methods that measure an effect size and decide with `max`; the others are p-value tests (`alpha`).
DRIFT_EFFECT_SIZES = ("psi", "wasserstein", "js")
# Default `max` of each effect size: PSI 0.2 is the usual "significant shift" line (Siddiqi 2006);
# 0.1 is Evidently's default for normed Wasserstein and Jensen-Shannon distance.
DRIFT_DEFAULT_MAX = {"psi": 0.2, "wasserstein": 0.1, "js": 0.1}


class DriftColumn(Section):
    method: DriftMethod | None = Field(None, description="Statistic for this column (default: the gate's).")
    max: float | None = Field(None, gt=0, description="Threshold of an effect size for this column.")
    alpha: float | None = Field(None, gt=0, lt=1, description="Significance level of a p-value test.")
    kind: Literal["auto", "numeric", "categorical"] = Field(
        "auto", description="auto: numeric dtypes are numeric, the rest categorical."
    )
    severity: Literal["error", "warn"] | None = Field(
        None, description="error: drift of this column fails the gate; warn: it is only reported."
    )

    @model_validator(mode="after")
    def _fits_kind(self) -> DriftColumn:
        if self.kind == "categorical" and self.method in ("ks", "wasserstein"):
            raise ValueError(f"@method@'{self.method}' needs numbers; use psi, js or chi2 for categories")
        return self


class DriftSection(Section):
    columns: Literal["all"] | tuple[str, ...] = Field(
        "all", description="'all' (data.features, else every column but label, id and predictions) or a list."
    )
    exclude: tuple[str, ...] = Field((), description="Columns never compared.")
    method: DriftMethod = Field(
        "psi", description="Default statistic; p-value tests (ks, chi2) are opt-in."
    )
    categorical_method: Literal["psi", "chi2", "js"] | None = Field(
        None,
        description="Statistic for categorical columns when `method` needs numbers (ks, wasserstein); "
        "default psi.",
    )
    max: float | None = Field(
        None, gt=0, description="A column drifts when its effect size passes this (default per method: "
        "psi 0.2, wasserstein 0.1, js 0.1)."
    )
    alpha: float = Field(0.05, gt=0, lt=1, description="p-value tests (ks, chi2): drift when p < alpha.")
    share_max: float = Field(0.3, ge=0, le=1, description="Fail when more than this share drifts.")
    column_severity: Literal["error", "warn"] = Field(
        "error", description="error: one drifted column fails the gate; warn: only `share_max` decides."
    )
    per_column: dict[str, DriftColumn] = Field(default_factory=dict)
    bins: int = Field(10, ge=2, le=100, description="Quantile bins of numeric columns (PSI, JS, chi2).")
    min_rows: int = Field(30, ge=1, description="Columns with fewer non-missing values are not judged.")
    missing_max: float = Field(
        0.05, ge=0, le=1, description="Flag a column whose missing share changes by more than this."
    )
    unseen_max: float = Field(
        0.0, ge=0, le=1, description="Flag a column whose share of categories unseen in the reference "
        "passes this."
    )
    integrity_severity: Literal["error", "warn"] = Field(
        "warn", description="Severity of the missing-share and unseen-category checks."
    )
    predictions: bool = Field(True, description="Also compare candidate vs baseline score drift.")
    prediction_severity: Literal["error", "warn"] = Field(
        "warn", description="A new model is expected to move its scores: prediction drift warns by default."
    )
    label_severity: Literal["error", "warn"] = Field("warn", description="Severity of label drift.")
    reference_predictions: str | None = Field(
        None,
        description="Column of data.reference with the production model's predictions (binary: score "
        "of the positive class); when set, candidate predictions are compared with it instead.",
    )
    label: bool = Field(True, description="Also compare the label distribution.")

    @field_validator("columns")
    @classmethod
    def _some_columns(cls, v: Literal["all"] | tuple[str, ...]) -> Literal["all"] | tuple[str, ...]:
        if v != "all" and not v:
            raise ValueError("list at least one column, or use 'all'")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> DriftSection:
        if self.columns != "all":
            for col in self.per_column:
                if col not in self.columns:
                    raise ValueError(f"@per_column.{col}@'{col}' is not in gates.drift.columns")
        if self.max is not None and self.method not in DRIFT_EFFECT_SIZES:
            raise ValueError(
                f"@max@'{self.method}' is a p-value test: set alpha, or use an effect size "
                f"({', '.join(DRIFT_EFFECT_SIZES)}) with max"
            )
        for col, spec in self.per_column.items():
            method = spec.method or self.method
            if spec.max is not None and method not in DRIFT_EFFECT_SIZES:
                raise ValueError(f"@per_column.{col}.max@'{method}' is a p-value test: set alpha instead")
            if spec.alpha is not None and method in DRIFT_EFFECT_SIZES:
                raise ValueError(f"@per_column.{col}.alpha@'{method}' is an effect size: set max instead")
        return self


class SchemaSection(Section):
    max_examples: int = Field(5, ge=0, le=100, description="Example failing values shown per check.")
    severity: dict[str, Literal["error", "warn"]] = Field(
        default_factory=dict, description="Per-check severity, keyed by 'column:check' or 'check'."
    )
    max_failure_share: dict[str, float] = Field(
        default_factory=dict, description="Per-check tolerated share of failing rows."
    )
    apply_to: tuple[Literal["eval", "reference"], ...] = ("eval",)
    labels: tuple[str, ...] | None = Field(
        None, description="Known label classes; default: the two classes of a binary task."
    )

    @field_validator("max_failure_share")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        for key, share in v.items():
            if not 0 <= share <= 1:
                raise ValueError(f"@{key}@a share of rows, between 0 and 1 (got {share})")
        return v
    duplicate_ids: Literal["error", "warn", "off"] = "error"
    unknown_labels: Literal["error", "warn", "off"] = "error"
    single_class: Literal["error", "warn", "off"] = "error"
    empty_columns: Literal["error", "warn", "off"] = "warn"


DEEPCHECKS_SUITES = ("data_integrity", "train_test_validation", "model_evaluation")


class DeepchecksCheck(Section):
    """Parameters and conditions of one deepchecks check named in ``suite``."""

    params: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments of the check.")
    conditions: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="add_condition_* method -> its keyword arguments; default: the conditions the "
        "built-in suites attach to this check.",
    )

    @field_validator("conditions")
    @classmethod
    def _condition_names(cls, v: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for name in v:
            if not name.startswith("add_condition_"):
                raise ValueError(f"@{name}@conditions are deepchecks methods named add_condition_*")
        return v


class DeepchecksSection(Section):
    suite: str | tuple[str, ...] = Field(
        "data_integrity",
        description="data_integrity | train_test_validation | model_evaluation, or a list of check "
        "class names (e.g. [FeatureDrift, MixedNulls]).",
    )
    checks: dict[str, DeepchecksCheck] = Field(
        default_factory=dict, description="Check class name -> params and conditions (list suites)."
    )
    fail_as: Literal["error", "warn"] = Field(
        "error", description="error: a failed deepchecks condition fails the gate; warn: it only warns."
    )
    n_samples: int | None = Field(
        None, ge=100, description="Rows each check samples (deepchecks' default when unset)."
    )
    random_state: int = Field(0, description="Seed of deepchecks' sampling.")

    @model_validator(mode="after")
    def _known_suite(self) -> DeepchecksSection:
        if isinstance(self.suite, str) and self.suite not in DEEPCHECKS_SUITES:
            close = difflib.get_close_matches(self.suite, DEEPCHECKS_SUITES, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "or give a list of check names"
            known = ", ".join(DEEPCHECKS_SUITES)
            raise ValueError(f"@suite@unknown suite '{self.suite}'; use {known} ({hint})")
        if isinstance(self.suite, tuple):
            if not self.suite:
                raise ValueError("@suite@list at least one check")
            for name in self.checks:
                if name not in self.suite:
                    raise ValueError(f"@checks.{name}@'{name}' is not in gates.deepchecks.suite")
        elif self.checks:
            raise ValueError("@checks@only for a list of checks; a named suite brings its own conditions")
        return self

"""The root ``mlgate.yaml`` model."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mlgate.config._base import Section
from mlgate.config.data import BaselineSource, DataConfig, ModelSource
from mlgate.config.gates import Gates, SchemaSection
from mlgate.config.mlflow import MlflowSettings
from mlgate.config.report import ReportConfig
from mlgate.metrics_registry import FAIRNESS_METRICS, METRICS, TaskKind


class SchemaRef(Section):
    path: str = Field(description="pandera YAML, pandera Python 'module:attribute', or a GE suite JSON.")
    kind: Literal["auto", "pandera-yaml", "pandera-python", "great-expectations"] = "auto"


class Config(Section):
    """mlgate.yaml, version 1."""

    version: Literal[1] = Field(description="Config format version; must be 1.")
    task: TaskKind = Field(description="binary | multiclass | regression")
    data: DataConfig
    schema_: str | SchemaRef | None = Field(
        None, alias="schema", description="Schema for the data gate (path or {path, kind})."
    )
    candidate: ModelSource
    baseline: BaselineSource | None = None
    gates: Gates = Field(default_factory=lambda: Gates())
    report: ReportConfig = Field(default_factory=lambda: ReportConfig())
    mlflow: MlflowSettings | None = Field(None, description="MLflow tracking server settings.")

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.task is TaskKind.BINARY and self.data.positive is None:
            raise ValueError("@data.positive@required for task 'binary': the positive class value")
        perf = self.gates.performance
        if perf is not None:
            for name in perf.metrics:
                spec = METRICS[name]
                if self.task not in spec.tasks:
                    ok = ", ".join(sorted(n for n, s in METRICS.items() if self.task in s.tasks))
                    raise ValueError(
                        f"@gates.performance.metrics.{name}@not defined for task "
                        f"'{self.task.value}'; use one of: {ok}"
                    )
        fair = self.gates.fairness
        if fair is not None:
            # Regression has group error gaps only; rates need classes (error_gap_* = regression).
            for name in fair.metrics:
                if name.startswith("error_gap_") != (self.task is TaskKind.REGRESSION):
                    ok = ", ".join(
                        sorted(
                            n
                            for n in FAIRNESS_METRICS
                            if n.startswith("error_gap_") == (self.task is TaskKind.REGRESSION)
                        )
                    )
                    raise ValueError(
                        f"@gates.fairness.metrics.{name}@not defined for task "
                        f"'{self.task.value}'; use one of: {ok}"
                    )
        self._check_baseline_needs()
        return self

    def _check_baseline_needs(self) -> None:
        """Thresholds against the baseline, and slices, cannot be evaluated without a baseline."""
        perf, sl = self.gates.performance, self.gates.slices
        if perf is not None and self.baseline is None:
            for name, th in perf.metrics.items():
                if th.max_drop is not None or th.max_drop_relative is not None:
                    raise ValueError(
                        f"@gates.performance.metrics.{name}@max_drop compares with the baseline, but no "
                        "baseline is configured: set baseline.predictions, baseline.model or baseline.metrics"
                    )
        if sl is not None:
            if self.task not in METRICS[sl.metric].tasks:
                raise ValueError(f"@gates.slices.metric@not defined for task '{self.task.value}'")
            if self.baseline is None or self.baseline.metrics is not None:
                raise ValueError(
                    "@gates.slices@compares candidate and baseline on the same rows of each slice: "
                    "set baseline.predictions or baseline.model (stored metrics have no rows)"
                )

    @property
    def schema_gate(self) -> SchemaSection | None:
        """The schema gate's settings when it runs: its ``gates.schema`` section, or the defaults
        when only a top-level ``schema:`` is set (a schema must never be silently not applied)."""
        if self.gates.schema_ is not None:
            return self.gates.schema_
        return SchemaSection() if self.schema_ is not None else None

    @property
    def schema_ref(self) -> SchemaRef | None:
        if self.schema_ is None or isinstance(self.schema_, SchemaRef):
            return self.schema_
        return SchemaRef(path=self.schema_)

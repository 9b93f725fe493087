"""Per-metric thresholds shared by the performance, slices and fairness gates."""

from __future__ import annotations

from pydantic import Field, model_validator

from mlgate.config._base import Section


class MetricThreshold(Section):
    """Limits for one metric. ``min``/``max`` are absolute; the drops are relative to the baseline."""

    min: float | None = Field(None, description="Absolute lower limit of the metric.")
    max: float | None = Field(None, description="Absolute upper limit of the metric.")
    max_drop: float | None = Field(
        None, ge=0, description="Allowed regression against the baseline, in metric units."
    )
    max_drop_relative: float | None = Field(
        None, ge=0, description="Allowed regression as a fraction of the baseline value (0.02 = 2%)."
    )
    severity: str = Field("error", pattern="^(error|warn)$", description="error blocks; warn reports.")

    @model_validator(mode="after")
    def _ordered(self) -> MetricThreshold:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self

"""``report:`` section: how the scorecard is rendered."""

from __future__ import annotations

from pydantic import Field

from mlgate.config._base import Section
from mlgate.config.mlflow import MlflowReport


class ReportConfig(Section):
    title: str = Field("mlgate scorecard", description="Heading of the scorecard.")
    id: str | None = Field(
        None, description="Sticky-comment id; default derived from the config path (one per config)."
    )
    charts: bool = Field(True, description="Mermaid charts in the markdown scorecard.")
    html: bool = Field(True, description="Write scorecard.html.")
    artifact_url: str | None = Field(None, description="Link to the full report when the comment is cut.")
    mlflow: MlflowReport | None = Field(None, description="Log each check as an MLflow run.")

"""``mlflow:`` (where the tracking server is) and ``report.mlflow:`` (log each check as an MLflow run)."""

from __future__ import annotations

from pydantic import Field, field_validator

from mlgate.config._base import Section


class MlflowSettings(Section):
    tracking_uri: str | None = Field(
        None,
        description="MLflow tracking server (http or https) for models:/ and runs:/ URIs and results; "
        "MLFLOW_TRACKING_URI wins when set. Credentials (MLFLOW_TRACKING_TOKEN...) are only sent to "
        "the server MLFLOW_TRACKING_URI names.",
    )

    @field_validator("tracking_uri")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        # The config comes from the pull request: a file: or sqlite: store would let it read (and
        # unpickle from) any path on the runner, so only a server address is accepted here.
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError(
                "must be an http:// or https:// server address (set MLFLOW_TRACKING_URI otherwise)"
            )
        return value


class MlflowReport(Section):
    experiment: str = Field(
        min_length=1,
        max_length=500,
        description="Experiment to log each `mlgate check` into as one run (metrics, verdict, scorecards).",
    )

"""``data:``, ``candidate:`` and ``baseline:`` sections."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mlgate.config._base import Section

DEFAULT_NULL_VALUES: tuple[str, ...] = ("", "NA", "N/A", "NaN", "nan", "null", "NULL")


class DataConfig(Section):
    eval: str = Field(description="Evaluation table: .csv, .csv.gz, .parquet or .jsonl (or git:REF:PATH).")
    label: str = Field(description="Column holding the true label (or target for regression).")
    positive: str | int | bool | None = Field(
        None, description="Binary tasks: the positive class value, as it appears in the label column."
    )
    id: str | None = Field(None, description="Join key shared with the prediction files.")
    reference: str | None = Field(None, description="Reference table (e.g. training data) for drift.")
    features: tuple[str, ...] | None = Field(
        None, description="Feature columns fed to models; default: every column but label and id."
    )
    engine: Literal["pandas", "spark"] = Field(
        "pandas",
        description="pandas: compute on this machine (Parquet is read a column subset or row batch at "
        "a time; CSV/JSONL are parsed into memory). spark: read Parquet files or dataset directories "
        "with pyspark and compute every gate's counts in Spark (pip install 'mlgate[spark]', Java 17).",
    )
    null_values: tuple[str, ...] = Field(
        DEFAULT_NULL_VALUES,
        description="Spellings read as missing in CSV/JSONL. Category values like 'none' are not nulls.",
    )


class ModelSource(Section):
    """Where a model's predictions come from: a predictions file or a model file to score."""

    predictions: str | None = Field(None, description="Prediction file (.csv/.parquet/.jsonl).")
    model: str | None = Field(
        None,
        description="Model scored on the eval features: a .skops or .onnx file, or an MLflow URI "
        "(models:/NAME@ALIAS, models:/NAME/VERSION, runs:/RUN_ID/PATH).",
    )

    @model_validator(mode="after")
    def _one_source(self) -> ModelSource:
        if self.predictions is None and self.model is None:
            raise ValueError("give either 'predictions' or 'model'")
        if self.predictions is not None and self.model is not None:
            raise ValueError("give only one of 'predictions' and 'model'")
        return self


class BaselineSource(Section):
    predictions: str | None = Field(None, description="Baseline predictions on the same eval rows.")
    model: str | None = Field(
        None, description="Baseline model scored on the eval features: a model file or an MLflow URI."
    )
    metrics: str | None = Field(
        None, description="Metrics JSON from `mlgate baseline save` (unpaired comparison only)."
    )
    artifact: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
        description="CI artifact (GitHub) or job (GitLab) of the base branch holding what `mlgate "
        "baseline save` stored, e.g. mlgate-baseline; locally --baseline-dir or GITHUB_TOKEN.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> BaselineSource:
        keys = ("predictions", "model", "metrics", "artifact")
        given = [k for k in keys if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'predictions', 'model', 'metrics' or 'artifact'")
        return self

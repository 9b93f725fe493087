"""The root ``mlgate.yaml`` model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from mlgate.config import registry
from mlgate.config._base import Facts, Section
from mlgate.config.data import BaselineSource, DataConfig, ModelSource
from mlgate.config.gates_data import SchemaSection
from mlgate.config.mlflow import MlflowSettings
from mlgate.config.registry import Gates, GateSpec
from mlgate.config.report import ReportConfig
from mlgate.metrics_registry import TaskKind

# The gates: model is built from the registry (for mypy, its base: the typed accessors).
if TYPE_CHECKING:
    GatesModel = Gates
else:
    GatesModel = registry.gates_model()


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
    gates: GatesModel = Field(default_factory=lambda: GatesModel())
    report: ReportConfig = Field(default_factory=lambda: ReportConfig())
    mlflow: MlflowSettings | None = Field(None, description="MLflow tracking server settings.")

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.task is TaskKind.BINARY and self.data.positive is None:
            raise ValueError("@data.positive@required for task 'binary': the positive class value")
        base = self.baseline
        facts = Facts(
            task=self.task,
            baseline=base is not None,
            baseline_rows=base is not None and base.metrics is None,
        )
        # What a gate needs of the rest of the config is stated by its section (Section.requires).
        for spec, section in self.gates.configured():
            try:
                section.requires(facts)
            except ValueError as exc:
                raise ValueError(_under(f"gates.{spec.name}", str(exc))) from None
        return self

    @property
    def schema_gate(self) -> SchemaSection | None:
        """The schema gate's settings when it runs: its ``gates.schema`` section, or the defaults
        when only a top-level ``schema:`` is set (a schema must never be silently not applied)."""
        section = self.gates.get(SchemaSection)
        if section is not None:
            return section
        return SchemaSection() if self.schema_ is not None else None

    @property
    def schema_ref(self) -> SchemaRef | None:
        if self.schema_ is None or isinstance(self.schema_, SchemaRef):
            return self.schema_
        return SchemaRef(path=self.schema_)


def _under(key: str, message: str) -> str:
    """A section's ``@path@message`` error with its path under ``key`` (the loader points at it)."""
    if message.startswith("@") and "@" in message[1:]:
        path, text = message[1:].split("@", 1)
        return f"@{key}.{path}@{text}" if path else f"@{key}@{text}"
    return f"@{key}@{message}"


def register_gate(spec: GateSpec) -> None:
    """Add a gate to the registry after import (a plugin or a test): the ``gates:`` model and
    :class:`Config` are rebuilt so the new section validates, in the JSON schema too."""
    unregister_gate(spec.name)
    registry.GATES.append(spec)
    _rebuild()


def unregister_gate(name: str) -> None:
    registry.GATES[:] = [s for s in registry.GATES if s.name != name]
    _rebuild()


def _rebuild() -> None:
    model = registry.gates_model()
    field = Config.model_fields["gates"]
    field.annotation = model
    field.default_factory = model
    Config.model_rebuild(force=True)

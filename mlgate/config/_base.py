"""Shared pydantic base for every config section: frozen, unknown keys rejected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from mlgate.metrics_registry import TaskKind


@dataclass(frozen=True)
class Facts:
    """What a gate's section may require of the rest of the config (:meth:`Section.requires`)."""

    task: TaskKind
    baseline: bool  # a baseline of any kind is configured
    baseline_rows: bool  # a baseline with per-row predictions (predictions or a model, not metrics)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def requires(self, facts: Facts) -> None:
        """Raise ``ValueError("@key.path@message")`` (the path relative to this section) when the rest
        of the config cannot give this gate what it needs; a gate's section overrides it."""
        del facts  # the default gate needs nothing else

"""The gate registry: one line per gate, in the order gates run and are shown.

A line names the gate's key under ``gates:``, its section model (the configuration reference and the
JSON schema are generated from it) and its class, as ``module:Class``: the configuration sits below
the gates, so it names a gate without importing it, and a run imports only the gates it configures
(:func:`mlgate.gates.gate_class`). The ``gates:`` model is built from these lines: adding a gate is its
module, its section and one line here (docs/architecture.md, "Adding a gate").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from pydantic import BaseModel, Field, create_model

from mlgate.config._base import Section
from mlgate.config.gates import FairnessSection, PerformanceSection, SlicesSection
from mlgate.config.gates_data import DeepchecksSection, DriftSection, SchemaSection

S = TypeVar("S", bound=Section)


@dataclass(frozen=True)
class GateSpec:
    name: str  # the key under gates: and the gate's name on the scorecard
    section: type[Section]
    gate: str  # "module:Class" of its mlgate.gates.interface.Gate subclass

    @property
    def field(self) -> str:
        """The attribute of the ``gates:`` model (``schema`` is a pydantic method: ``schema_``)."""
        return f"{self.name}_" if hasattr(BaseModel, self.name) else self.name


GATES: list[GateSpec] = [
    GateSpec("schema", SchemaSection, "mlgate.gates.schema:SchemaGate"),
    GateSpec("performance", PerformanceSection, "mlgate.gates.performance:PerformanceGate"),
    GateSpec("slices", SlicesSection, "mlgate.gates.slices:SlicesGate"),
    GateSpec("fairness", FairnessSection, "mlgate.gates.fairness:FairnessGate"),
    GateSpec("drift", DriftSection, "mlgate.gates.drift:DriftGate"),
    GateSpec("deepchecks", DeepchecksSection, "mlgate.gates.deepchecks:DeepchecksGate"),
]


class Gates(Section):
    """The ``gates:`` section; its fields (one per registry line) are added by :func:`gates_model`."""

    def section(self, name: str) -> Section | None:
        """The section of gate ``name``, or None when the config does not set it."""
        spec = next((s for s in GATES if s.name == name), None)
        return None if spec is None else cast("Section | None", getattr(self, spec.field, None))

    def get(self, kind: type[S]) -> S | None:
        """The section of the gate whose model is ``kind`` (typed), or None."""
        spec = next((s for s in GATES if s.section is kind), None)
        return None if spec is None else cast("S | None", getattr(self, spec.field, None))

    def configured(self) -> Iterator[tuple[GateSpec, Section]]:
        """(line, section) of every gate the config sets, in registry order."""
        for spec in GATES:
            value = getattr(self, spec.field, None)
            if isinstance(value, Section):
                yield spec, value


def gates_model() -> type[Gates]:
    """The ``gates:`` model of the registry as it is now: one optional field per gate."""
    fields: dict[str, Any] = {
        spec.field: (spec.section | None, Field(None, alias=spec.name)) for spec in GATES
    }
    return create_model("Gates", __base__=Gates, **fields)

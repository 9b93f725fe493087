"""Gate registry: name -> gate class, in the order gates run and are shown."""

from __future__ import annotations

from typing import Any

from mlgate.gates.deepchecks import DeepchecksGate
from mlgate.gates.drift import DriftGate
from mlgate.gates.fairness import FairnessGate
from mlgate.gates.interface import Gate
from mlgate.gates.performance import PerformanceGate
from mlgate.gates.schema import SchemaGate
from mlgate.gates.slices import SlicesGate

REGISTRY: dict[str, type[Gate[Any]]] = {
    SchemaGate.name: SchemaGate,
    PerformanceGate.name: PerformanceGate,
    SlicesGate.name: SlicesGate,
    FairnessGate.name: FairnessGate,
    DriftGate.name: DriftGate,
    DeepchecksGate.name: DeepchecksGate,
}

__all__ = ["REGISTRY", "Gate"]

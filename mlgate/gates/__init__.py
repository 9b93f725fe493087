"""The gates, built from the one registry (:mod:`mlgate.config.registry`), in run order.

A gate module is imported when a run asks for its class, so a run pays only for the gates the
registry lists (and ``mlgate --version`` for none).
"""

from __future__ import annotations

import importlib
from typing import Any

from mlgate.config import registry as config_registry
from mlgate.config.registry import GateSpec
from mlgate.gates.interface import Gate


def gate_class(spec: GateSpec) -> type[Gate[Any]]:
    """The class a registry line names (``module:Class``), checked to be the gate of that line."""
    module, _, attr = spec.gate.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    if not (isinstance(cls, type) and issubclass(cls, Gate)) or cls.name != spec.name:
        raise TypeError(f"registry line {spec.name!r}: {spec.gate} is not the Gate named {spec.name!r}")
    return cls


def registry() -> dict[str, type[Gate[Any]]]:
    """Gate name -> class, for every registry line, in run order."""
    return {spec.name: gate_class(spec) for spec in config_registry.GATES}


__all__ = ["Gate", "gate_class", "registry"]

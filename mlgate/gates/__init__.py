"""The gates, built from the one registry (:mod:`mlgate.config.registry`), in run order.

A gate module is imported when a run asks for its class, so a run pays only for the gates the
registry lists (and ``mlgate --version`` for none).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mlgate.config import registry as config_registry
from mlgate.config.registry import GateSpec
from mlgate.gates.interface import Gate

if TYPE_CHECKING:
    from mlgate.config import Config
    from mlgate.config._base import Section


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


def configured(config: Config) -> list[tuple[Gate[Any], Section]]:
    """Every gate the config runs, with its section, in run order (a gate decides whether it runs:
    :meth:`Gate.section`)."""
    gates = (cls() for cls in registry().values())
    return [(gate, section) for gate in gates if (section := gate.section(config)) is not None]


__all__ = ["Gate", "configured", "gate_class", "registry"]

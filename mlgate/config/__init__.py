"""Configuration: ``mlgate.yaml`` -> frozen :class:`Config`."""

from __future__ import annotations

from mlgate.config.data import BaselineSource, DataConfig, ModelSource
from mlgate.config.gates import FairnessSection, PerformanceSection, SlicesSection
from mlgate.config.gates_data import DeepchecksSection, DriftSection, SchemaSection
from mlgate.config.loader import LoadedConfig, config_json_schema, load_config, parse_config
from mlgate.config.registry import Gates, GateSpec
from mlgate.config.report import ReportConfig
from mlgate.config.root import Config, SchemaRef, register_gate, unregister_gate
from mlgate.config.thresholds import MetricThreshold
from mlgate.metrics_registry import TaskKind

__all__ = [
    "BaselineSource",
    "Config",
    "DataConfig",
    "DeepchecksSection",
    "DriftSection",
    "FairnessSection",
    "GateSpec",
    "Gates",
    "LoadedConfig",
    "MetricThreshold",
    "ModelSource",
    "PerformanceSection",
    "ReportConfig",
    "SchemaRef",
    "SchemaSection",
    "SlicesSection",
    "TaskKind",
    "config_json_schema",
    "load_config",
    "parse_config",
    "register_gate",
    "unregister_gate",
]

"""Configuration: ``mlgate.yaml`` -> frozen :class:`Config`."""

from __future__ import annotations

from mlgate.config.data import BaselineSource, DataConfig, ModelSource
from mlgate.config.gates import (
    DeepchecksGate,
    DriftGate,
    FairnessGate,
    Gates,
    PerformanceGate,
    SchemaGate,
    SlicesGate,
)
from mlgate.config.loader import LoadedConfig, config_json_schema, load_config, parse_config
from mlgate.config.report import ReportConfig
from mlgate.config.root import Config, SchemaRef
from mlgate.config.thresholds import MetricThreshold
from mlgate.metrics_registry import Task

__all__ = [
    "BaselineSource",
    "Config",
    "DataConfig",
    "DeepchecksGate",
    "DriftGate",
    "FairnessGate",
    "Gates",
    "LoadedConfig",
    "MetricThreshold",
    "ModelSource",
    "PerformanceGate",
    "ReportConfig",
    "SchemaGate",
    "SchemaRef",
    "SlicesGate",
    "Task",
    "config_json_schema",
    "load_config",
    "parse_config",
]

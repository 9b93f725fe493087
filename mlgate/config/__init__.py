"""Configuration: ``mlgate.yaml`` -> frozen :class:`Config`."""

from __future__ import annotations

from mlgate.config.data import BaselineSource, DataConfig, ModelSource
from mlgate.config.gates import (
    DeepchecksSection,
    DriftSection,
    FairnessSection,
    Gates,
    PerformanceSection,
    SchemaSection,
    SlicesSection,
)
from mlgate.config.loader import LoadedConfig, config_json_schema, load_config, parse_config
from mlgate.config.report import ReportConfig
from mlgate.config.root import Config, SchemaRef
from mlgate.config.thresholds import MetricThreshold
from mlgate.metrics_registry import TaskKind

__all__ = [
    "BaselineSource",
    "Config",
    "DataConfig",
    "DeepchecksSection",
    "DriftSection",
    "FairnessSection",
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
]

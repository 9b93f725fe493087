"""The input bundle: everything the gates are given, read and checked once by :mod:`mlgate.inputs`.

It sits at the bottom of the package (it imports nothing of mlgate at run time), so the readers in
:mod:`mlgate.io` can build its parts without knowing any gate, and a gate sees its inputs without
reading a file: the eval file's header and hash are here, computed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np

    from mlgate.datatable import DataTable
    from mlgate.errors import MlgateError
    from mlgate.metrics_registry import TaskKind

SchemaKind = Literal["pandera-yaml", "pandera-python", "great-expectations"]


@dataclass(frozen=True)
class LoadedSchema:
    """A data schema read by :mod:`mlgate.schema.load`, given to the schema gate in the bundle."""

    kind: SchemaKind
    source: str  # as written in the config, for messages
    schema: Any  # pandera DataFrameSchema, or the GE suite as a dict


@dataclass(frozen=True)
class EvalData:
    """The evaluation rows, with the label encoded for the task.

    ``y_true`` is int codes into ``classes`` for classification (binary: 0 = negative, 1 = positive)
    and float64 for regression (``classes`` empty). ``label``, ``id_column`` and ``features`` are the
    column roles of ``data:``; ``header`` is every column of the eval file (``frame`` may hold only
    the columns the gates need); ``sha256`` the hash of the eval file (None for a DataFrame given by
    a Python caller).
    """

    frame: DataTable
    y_true: np.ndarray
    classes: tuple[object, ...]
    source: str
    ids: np.ndarray | None = None
    label: str = ""
    id_column: str | None = None
    features: tuple[str, ...] | None = None
    header: tuple[str, ...] = ()
    sha256: str | None = None


@dataclass(frozen=True)
class PredictionSet:
    """One model's predictions on the eval rows, aligned row by row with :class:`EvalData`.

    ``y_pred`` uses the same encoding as ``EvalData.y_true``. ``scores`` is P(positive) of shape (n,)
    for binary tasks, class probabilities of shape (n, k) in ``classes`` order for multiclass, or None.
    """

    name: str
    y_pred: np.ndarray
    scores: np.ndarray | None
    source: str
    # Where a registry model came from (registered model, version, alias, run id, sha256), for provenance.
    origin: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BaselineMetrics:
    """Metric values stored by ``mlgate baseline save``: only an unpaired comparison is possible."""

    values: Mapping[str, float]
    n_rows: int
    source: str
    data_sha256: str | None = None


@dataclass(frozen=True)
class GateInputs:
    """What every gate is given, besides its own config section."""

    task: TaskKind
    eval: EvalData
    candidate: PredictionSet | None
    baseline: PredictionSet | None = None
    baseline_metrics: BaselineMetrics | None = None
    reference: DataTable | None = None
    # The data schema named by ``schema:`` (the schema gate's), loaded once.
    schema: LoadedSchema | None = None
    # Errors met while loading an input that only one gate needs, keyed by that input (e.g.
    # "schema"): that gate reports it, the other gates still run.
    problems: Mapping[str, MlgateError] = field(default_factory=dict)
    # baseline.artifact when the base branch has none yet (the first pull request): why, as a warning.
    baseline_missing: str | None = None
    # Where baseline.artifact came from (artifact, run, commit, and "how" on one line).
    baseline_origin: Mapping[str, str] = field(default_factory=dict)
    # Run-wide remarks for the report (Report.notes), e.g. predictions joined by position.
    notes: tuple[str, ...] = ()

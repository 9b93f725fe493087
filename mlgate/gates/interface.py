"""The gate extension point: a gate turns :class:`GateInputs` into a :class:`GateResult`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from mlgate.result import GateResult

if TYPE_CHECKING:
    import numpy as np

    from mlgate.config import LoadedConfig
    from mlgate.io.lazy import Table


@dataclass(frozen=True)
class EvalData:
    """The evaluation rows, with the label encoded for the task.

    ``y_true`` is int codes into ``classes`` for classification (binary: 0 = negative, 1 = positive)
    and float64 for regression (``classes`` empty).
    """

    frame: Table
    y_true: np.ndarray
    classes: tuple[object, ...]
    source: str
    ids: np.ndarray | None = None


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
    loaded: LoadedConfig
    eval: EvalData
    candidate: PredictionSet | None
    baseline: PredictionSet | None = None
    baseline_metrics: BaselineMetrics | None = None
    reference: Table | None = None
    # Failures met while loading optional inputs, keyed by what they block (e.g. "candidate").
    problems: Mapping[str, str] = field(default_factory=dict)


class Gate(ABC):
    """Subclasses set ``name`` and implement :meth:`run`; raising :class:`InputError` -> exit 2."""

    name: ClassVar[str]

    def configured(self, loaded: LoadedConfig) -> bool:
        """Whether the config asks for this gate: by default, its ``gates.<name>`` section is set."""
        gates = loaded.config.gates
        for key, info in type(gates).model_fields.items():
            if (info.alias or key) == self.name:
                return getattr(gates, key) is not None
        return False

    @abstractmethod
    def run(self, inputs: GateInputs) -> GateResult:
        """Evaluate; must not print or exit."""

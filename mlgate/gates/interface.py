"""The gate extension point: a gate turns :class:`GateInputs` and its config section into a
:class:`GateResult`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, cast

from mlgate.config._base import Section
from mlgate.result import GateResult
from mlgate.views import ChartKind

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config import Config
    from mlgate.config.data import DataConfig

S = TypeVar("S", bound=Section)


class Gate(ABC, Generic[S]):
    """Subclasses set ``name`` and implement :meth:`run`; raising :class:`InputError` -> exit 2."""

    name: ClassVar[str]
    #: The chart its results are drawn as (:mod:`mlgate.views`); None: none.
    chart: ClassVar[ChartKind | None] = None

    def section(self, config: Config) -> S | None:
        """This gate's settings when the config asks for it (by default its ``gates.<name>``
        section), else None: the gate is not run."""
        return cast("S | None", config.gates.section(self.name))

    def columns(self, section: S, data: DataConfig) -> set[str] | None:
        """The columns of the eval and reference tables this gate reads, besides the label, the id
        and the features (always read); None: it may read any column.

        A CSV or JSON Lines table is parsed for the columns some configured gate declares only, so a
        gate that reads a column must name it here; the default, None, keeps every column."""
        return None

    def reads_models(self, section: S) -> bool:
        """Whether it reads what the models produced (predictions, scores, stored baseline metrics).
        A run none of whose gates does reads no prediction file, downloads no baseline artifact and
        loads no model."""
        return True

    @abstractmethod
    def run(self, inputs: GateInputs, section: S) -> GateResult:
        """Evaluate; must not print or exit."""

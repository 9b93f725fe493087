"""The gate extension point: a gate turns :class:`GateInputs` and its config section into a
:class:`GateResult`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, cast

from mlgate.config._base import Section
from mlgate.result import GateResult

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config import Config

S = TypeVar("S", bound=Section)


class Gate(ABC, Generic[S]):
    """Subclasses set ``name`` and implement :meth:`run`; raising :class:`InputError` -> exit 2."""

    name: ClassVar[str]

    def section(self, config: Config) -> S | None:
        """This gate's settings when the config asks for it (by default its ``gates.<name>``
        section), else None: the gate is not run."""
        gates = config.gates
        for key, info in type(gates).model_fields.items():
            if (info.alias or key) == self.name:
                return cast("S | None", getattr(gates, key))
        return None

    @abstractmethod
    def run(self, inputs: GateInputs, section: S) -> GateResult:
        """Evaluate; must not print or exit."""

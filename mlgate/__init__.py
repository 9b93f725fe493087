"""mlgate: a quality gate for machine-learning changes in CI.

Heavy modules are imported lazily so ``mlgate --version`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate._version import __version__

if TYPE_CHECKING:
    from mlgate.api import check
    from mlgate.config import load_config
    from mlgate.result import Report
    from mlgate.runner import run

__all__ = ["Report", "__version__", "check", "load_config", "run"]


def __getattr__(name: str) -> Any:
    if name == "check":
        from mlgate.api import check

        return check
    if name == "run":
        from mlgate.runner import run

        return run
    if name == "load_config":
        from mlgate.config import load_config

        return load_config
    if name == "Report":
        from mlgate.result import Report

        return Report
    raise AttributeError(name)

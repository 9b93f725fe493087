"""How a gate's results are drawn: the chart a gate declares (``Gate.chart``), carried in
``GateResult.chart`` and ``scorecard.json``, so renderers choose a chart by what the results are,
never by a gate's name.

Each view reads typed fields of the gate's checks and tables (docs/architecture.md, "Charts are
views"); a new gate whose checks carry the same fields declares one of these and gets the chart.
"""

from __future__ import annotations

import enum
from typing import Any

from mlgate import jsonread as jr


class ChartKind(str, enum.Enum):
    #: Candidate vs baseline per metric, with the interval of the paired change and the limits.
    METRICS = "metrics"
    #: Per-group rates of each sensitive attribute (the ``Groups by <attribute>`` tables) and the
    #: fairness aggregates against their limits.
    GROUPS = "groups"
    #: One drift score per column against its threshold.
    COLUMNS = "columns"
    #: The change vs the baseline of the worst slices.
    SLICES = "slices"


#: The charts of ``scorecard.json`` files written before gates declared them, by gate name.
LEGACY: dict[str, ChartKind] = {
    "performance": ChartKind.METRICS,
    "fairness": ChartKind.GROUPS,
    "drift": ChartKind.COLUMNS,
    "slices": ChartKind.SLICES,
}


def chart_from_dict(d: dict[str, Any], key: str, name: str) -> ChartKind | None:
    """A gate object's ``chart`` (null: none); a file older than the key draws by gate name."""
    if "chart" not in d:
        return LEGACY.get(name)
    return None if d["chart"] is None else jr.choice(d, "chart", key, ChartKind)

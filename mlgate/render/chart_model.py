"""The types the charts are drawn from (:mod:`svg`, :mod:`mermaid`) and how a typed limit is labelled.

A limit is labelled from ``Check.limit`` alone (its kind, value and base), never from a check's
name, so two different limits on one chart always read differently ("min 0.7" and "max drop 0.02
→ 0.74"), and a derived one comes with the sentence that explains it, shown under the chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeGuard

from mlgate.metrics_registry import FAIRNESS_METRICS, METRICS, Direction
from mlgate.result import Limit, LimitKind, Status

LimitSide = Literal["min", "max"]
MAX_BARS = 20


def finite(x: object) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def fmt(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.3g}" if abs(x) >= 1000 or (x != 0 and abs(x) < 0.001) else f"{x:.3f}".rstrip("0").rstrip(".")


def direction(metric: str | None) -> Direction | None:
    if metric is None:
        return None
    if metric in METRICS:
        return METRICS[metric].direction
    return FAIRNESS_METRICS.get(metric)


@dataclass(frozen=True)
class LimitLine:
    """A limit as drawn: where (in the chart's units), which side is allowed, its label, and for a
    derived limit the sentence that explains it (empty for a plain min or max)."""

    at: float
    side: LimitSide
    label: str
    explanation: str = ""


def _word(kind: LimitKind) -> str:
    if kind is LimitKind.MAX_DROP:
        return "max drop"
    if kind is LimitKind.MAX_INCREASE:
        return "max increase"
    return str(kind.value)


def limit_line(limit: Limit | None, at: float | None = None) -> LimitLine | None:
    """The line of ``limit`` (``at``: its position when the chart's axis is not the value's own, e.g.
    a change from the baseline); None for a limit with no line (two-sided, or on the p-value)."""
    if limit is None or limit.side is None or limit.bound is None or not finite(limit.bound):
        return None
    kind, value, bound, side = limit.kind, limit.value, limit.bound, limit.side
    where = bound if at is None else at
    if kind in (LimitKind.MIN, LimitKind.MAX):
        return LimitLine(where, side, f"{side} {fmt(value)}")
    if kind in (LimitKind.MAX_DROP, LimitKind.MAX_INCREASE):
        label = f"{_word(kind)} {fmt(value)}" + (f" → {fmt(bound)}" if at is None else "")
    else:  # RATIO_OF_BEST, GAP_TO_BEST (MAX_CHANGE and MIN_P_VALUE have no bound: returned above)
        label = f"{side} {fmt(bound)}"
    why = limit.derivation or f"{_word(kind)} {fmt(value)} from {fmt(limit.base or 0.0)}"
    return LimitLine(where, side, label, f"{label} = {why}")


@dataclass(frozen=True)
class MetricPoint:
    """One metric of the candidate against the baseline, in metric units."""

    metric: str
    candidate: float
    baseline: float | None
    low: float | None  # plausible range of the candidate given the baseline (interval of the change)
    high: float | None
    limits: tuple[LimitLine, ...]
    status: Status
    higher_is_better: bool


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    status: Status
    limit: float | None = None
    note: str = ""
    limit_label: str = ""  # e.g. "min 0.8"; empty: the panel's shared limit names it


@dataclass(frozen=True)
class BarPanel:
    """Horizontal bars sharing one axis; ``limit_kind`` says on which side of a limit bars must stay;
    ``notes`` explain derived limits and limits that are not drawn (shown under the chart)."""

    title: str
    bars: tuple[Bar, ...]
    limit_kind: LimitSide | None = None
    unit: str = ""
    diverging: bool = False  # bars grow from zero both ways (changes rather than levels)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartSet:
    metrics: tuple[MetricPoint, ...] = ()
    fairness: tuple[BarPanel, ...] = ()
    drift: BarPanel | None = None
    slices: BarPanel | None = None

    @property
    def empty(self) -> bool:
        return not (self.metrics or self.fairness or self.drift or self.slices)

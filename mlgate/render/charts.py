"""What the charts show, read from the result model; drawn by :mod:`svg` (HTML) and :mod:`mermaid`.

Charts are a view of the same checks the tables show, never a second computation: every number here
is a field of a :class:`~mlgate.result.Check` (or a cell of a gate's :class:`~mlgate.result.Table`).
A gate that is absent, skipped or in error simply contributes no chart.

Conventions of the result model that the charts rely on (``mlgate/result.py``):

- performance: ``value`` is the candidate, ``baseline`` the baseline, ``delta = value - baseline`` and
  ``ci_low``/``ci_high`` the interval of that difference (or of the value itself, detected below);
- fairness: ``metric`` + ``attribute`` (+ ``group`` for per-group checks), ``threshold`` the limit;
- drift: one check per column (``attribute`` or ``details["column"]``), ``value`` its statistic;
- slices: ``attribute`` + ``group`` per slice, ``value``/``baseline``/``delta`` as for performance.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeGuard

from mlgate.metrics_registry import FAIRNESS_METRICS, METRICS, Direction
from mlgate.result import Check, GateResult, Report, Status

MAX_BARS = 20
MAX_SLICES = 10
LimitKind = Literal["min", "max"]


@dataclass(frozen=True)
class MetricPoint:
    """One metric of the candidate against the baseline, in metric units."""

    metric: str
    candidate: float
    baseline: float | None
    low: float | None  # plausible range of the candidate given the baseline (interval of the change)
    high: float | None
    limits: tuple[tuple[LimitKind, float], ...]
    status: Status
    higher_is_better: bool


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    status: Status
    limit: float | None = None
    note: str = ""


@dataclass(frozen=True)
class BarPanel:
    """Horizontal bars sharing one axis; ``limit_kind`` says on which side of a limit bars must stay."""

    title: str
    bars: tuple[Bar, ...]
    limit_kind: LimitKind | None = None
    unit: str = ""
    diverging: bool = False  # bars grow from zero both ways (changes rather than levels)


@dataclass(frozen=True)
class ChartSet:
    metrics: tuple[MetricPoint, ...] = ()
    fairness: tuple[BarPanel, ...] = ()
    drift: BarPanel | None = None
    slices: BarPanel | None = None

    @property
    def empty(self) -> bool:
        return not (self.metrics or self.fairness or self.drift or self.slices)


def finite(x: object) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _gate(report: Report, name: str) -> GateResult | None:
    for g in report.gates:
        if g.name == name and g.error is None and g.skipped_reason is None:
            return g
    return None


def direction(metric: str | None) -> Direction | None:
    if metric is None:
        return None
    if metric in METRICS:
        return METRICS[metric].direction
    return FAIRNESS_METRICS.get(metric)


_ABSOLUTE = re.compile(r"(>=|<=|\bmin\b|\bmax\b(?!_))")


def _limits(check: Check, higher: bool) -> list[tuple[LimitKind, float]]:
    """The limit of ``check`` in metric units: absolute limits as is, allowed drops from the baseline."""
    th = check.threshold
    if not finite(th):
        return []
    assert th is not None
    name = check.name.lower()
    # "<metric> vs baseline" checks carry the allowed worsening in metric units (performance gate).
    if "drop" in name or "regress" in name or "vs baseline" in name:
        if not finite(check.baseline):
            return []
        assert check.baseline is not None
        amount = th * abs(check.baseline) if "relative" in name or "%" in name else th
        return [("min", check.baseline - amount)] if higher else [("max", check.baseline + amount)]
    if ">=" in name:
        return [("min", th)]
    if "<=" in name:
        return [("max", th)]
    if _ABSOLUTE.search(name) or not finite(check.baseline):
        return [("min", th)] if higher else [("max", th)]
    return []


def _interval(check: Check) -> tuple[float | None, float | None]:
    lo, hi = check.ci_low, check.ci_high
    if not (finite(lo) and finite(hi)):
        return None, None
    assert lo is not None and hi is not None and check.value is not None
    if lo <= check.value <= hi and not (lo <= 0 <= hi and abs(check.value) > max(abs(lo), abs(hi))):
        return lo, hi  # an interval of the value itself
    if finite(check.baseline):
        assert check.baseline is not None
        # An interval of the paired difference (candidate - baseline): where the candidate may lie.
        return check.baseline + lo, check.baseline + hi
    return None, None


def metric_points(gate: GateResult | None) -> tuple[MetricPoint, ...]:
    if gate is None:
        return ()
    by_metric: dict[str, list[Check]] = {}
    for c in gate.checks:
        if c.metric is not None and finite(c.value) and c.attribute is None and c.group is None:
            by_metric.setdefault(c.metric, []).append(c)
    points = []
    for metric, checks in by_metric.items():
        higher = direction(metric) is not Direction.LOWER
        main = next((c for c in checks if finite(c.baseline)), checks[0])
        low, high = next(((lo, hi) for lo, hi in map(_interval, checks) if lo is not None), (None, None))
        limits = tuple(dict.fromkeys(lim for c in checks for lim in _limits(c, higher)))
        assert main.value is not None
        points.append(
            MetricPoint(
                metric=metric, candidate=float(main.value),
                baseline=float(main.baseline) if finite(main.baseline) else None,
                low=low, high=high, limits=limits, status=worst_of(c.status for c in checks),
                higher_is_better=higher,
            )
        )
    return tuple(points)


def worst_of(statuses: Iterable[Status]) -> Status:
    from mlgate.result import worst

    return worst(tuple(statuses))


def size_note(c: Check) -> str:
    n = c.details.get("n") if c.details else None
    return f"n={n}" if isinstance(n, int) else ""


def _column(c: Check) -> str | None:
    col = c.details.get("column") if c.details else None
    return str(col) if col is not None else c.attribute


# Integrity checks of the drift gate carry shares, not drift statistics; p-value tests are shown by
# their statistic without a limit (their threshold applies to the p-value).
_NOT_DRIFT = frozenset({"missing_share", "unseen_share", "drift_share"})
_P_VALUE_TESTS = frozenset({"ks", "chi2"})


def drift_panel(gate: GateResult | None) -> BarPanel | None:
    """The drift statistic of each column, largest first, against its threshold."""
    if gate is None:
        return None
    rows = [c for c in gate.checks
            if finite(c.value) and _column(c) is not None and c.metric not in _NOT_DRIFT]
    if not rows:
        return None
    rows.sort(key=lambda c: -_ratio(c))
    bars = tuple(
        Bar(label=str(_column(c)), value=float(c.value or 0.0), status=c.status,
            limit=c.threshold if finite(c.threshold) and c.metric not in _P_VALUE_TESTS else None,
            note=str(c.metric or ""))
        for c in rows[:MAX_BARS]
    )
    more = f" (top {MAX_BARS} of {len(rows)})" if len(rows) > MAX_BARS else ""
    return BarPanel(title=f"Drift per column{more}", bars=bars, limit_kind="max")


def _ratio(c: Check) -> float:
    value = float(c.value or 0.0)
    th = c.threshold
    return value / th if th is not None and finite(th) and th > 0 else value


def slices_panel(gate: GateResult | None) -> BarPanel | None:
    """The slices where the candidate lost most against the baseline (worst first)."""
    if gate is None:
        return None
    rows: list[tuple[float, Check]] = []
    for c in gate.checks:
        if c.group is None:
            continue
        if finite(c.delta):
            change = float(c.delta or 0.0)
        elif finite(c.value) and finite(c.baseline):
            change = float((c.value or 0.0) - (c.baseline or 0.0))
        else:
            continue
        higher = direction(c.metric) is not Direction.LOWER
        rows.append((change if higher else -change, c))
    if not rows:
        return None
    rows.sort(key=lambda r: r[0])
    bars = tuple(
        Bar(label=f"{c.attribute} = {c.group}" if c.attribute else str(c.group), value=change,
            status=c.status, limit=-abs(c.threshold or 0.0) if finite(c.threshold) else None,
            note=size_note(c))
        for change, c in rows[:MAX_SLICES]
    )
    metric = next((c.metric for _, c in rows if c.metric), "metric")
    return BarPanel(title=f"Worst slices: change in {metric} vs the baseline (higher is better)", bars=bars,
                    limit_kind="min", diverging=True)


def chart_set(report: Report) -> ChartSet:
    from mlgate.render.charts_fairness import fairness_panels  # it builds on the types above

    return ChartSet(
        metrics=metric_points(_gate(report, "performance")),
        fairness=fairness_panels(_gate(report, "fairness")),
        drift=drift_panel(_gate(report, "drift")),
        slices=slices_panel(_gate(report, "slices")),
    )

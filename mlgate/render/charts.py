"""What the charts show, read from the result model; drawn by :mod:`svg` (HTML) and :mod:`mermaid`.

Charts are a view of the same checks the tables show, never a second computation: every number here
is a field of a :class:`~mlgate.result.Check` (or a cell of a gate's :class:`~mlgate.result.Table`).
A gate that is absent, skipped or in error simply contributes no chart.

Conventions of the result model that the charts rely on (``mlgate/result.py``):

- performance: ``value`` is the candidate, ``baseline`` the baseline, ``delta = value - baseline`` and
  ``ci_low``/``ci_high`` the interval of that difference (or of the value itself, detected below);
- fairness: ``metric`` + ``attribute`` (+ ``group`` for per-group checks);
- drift: one check per column (``attribute`` or ``details["column"]``), ``value`` its statistic;
- slices: ``attribute`` + ``group`` per slice, ``value``/``baseline``/``delta`` as for performance;
- every limit is the typed ``Check.limit`` (kind, value, base): never read from a check's name.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlgate.metrics_registry import Direction
from mlgate.render.chart_model import MAX_BARS, LimitLine, direction, finite, fmt, limit_line
from mlgate.render.chart_model import Bar as Bar
from mlgate.render.chart_model import BarPanel as BarPanel
from mlgate.render.chart_model import ChartSet as ChartSet
from mlgate.render.chart_model import MetricPoint as MetricPoint
from mlgate.render.charts_fairness import fairness_panels
from mlgate.result import Check, GateResult, LimitKind, Report, Status
from mlgate.views import ChartKind

MAX_SLICES = 10


def _gate(report: Report, kind: ChartKind) -> GateResult | None:
    """The first gate drawn as ``kind`` that ran (the gate declares its chart, mlgate.views)."""
    for g in report.gates:
        if g.chart is kind and g.error is None and g.skipped_reason is None:
            return g
    return None


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
        limits = tuple(dict.fromkeys(line for c in checks if (line := limit_line(c.limit)) is not None))
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


# Integrity checks of the drift gate carry shares, not drift statistics.
_NOT_DRIFT = frozenset({"missing_share", "unseen_share", "drift_share"})


def drift_panel(gate: GateResult | None) -> BarPanel | None:
    """The drift statistic of each column, largest first, against its threshold."""
    if gate is None:
        return None
    rows = [c for c in gate.checks
            if finite(c.value) and _column(c) is not None and c.metric not in _NOT_DRIFT]
    if not rows:
        return None
    rows.sort(key=lambda c: -_ratio(c))
    shown = rows[:MAX_BARS]
    bars = tuple(_bar(str(_column(c)), float(c.value or 0.0), c, limit_line(c.limit), str(c.metric or ""))
                 for c in shown)
    # A test's threshold applies to its p-value, not to the statistic drawn: said, not drawn.
    tests = sorted({f"{c.metric} (p >= {c.limit.value:g})" for c in shown
                    if c.limit is not None and c.limit.kind is LimitKind.MIN_P_VALUE})
    notes = (f"No limit line for {', '.join(tests)}: the statistic is drawn, the limit applies to its "
             "p-value (drifted when the p-value is below it).",) if tests else ()
    more = f" (top {MAX_BARS} of {len(rows)})" if len(rows) > MAX_BARS else ""
    return BarPanel(title=f"Drift per column{more}", bars=bars, limit_kind="max", notes=notes)


def _bar(label: str, value: float, c: Check, line: LimitLine | None, note: str) -> Bar:
    return Bar(label=label, value=value, status=c.status, limit=line.at if line else None, note=note,
               limit_label=line.label if line else "")


def _ratio(c: Check) -> float:
    value = float(c.value or 0.0)
    th = c.limit.value if c.limit is not None and c.limit.kind is LimitKind.MAX else None
    return value / th if th is not None and th > 0 else value


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
    bars, notes = [], []
    for change, c in rows[:MAX_SLICES]:
        # On this axis (the change, worse to the left) an allowed worsening d is a floor at -d.
        lim = c.limit if c.limit is not None and c.limit.kind in _WORSENING else None
        line = limit_line(lim, at=-abs(lim.value)) if lim is not None else None
        bars.append(_bar(f"{c.attribute} = {c.group}" if c.attribute else str(c.group), change, c, line,
                         size_note(c)))
        if line is not None:
            assert lim is not None
            notes.append(f"{line.label}: a slice fails when the candidate is shown to be worse than the "
                         f"baseline on the same rows by more than {fmt(lim.value)}.")
    metric = next((c.metric for _, c in rows if c.metric), "metric")
    return BarPanel(title=f"Worst slices: change in {metric} vs the baseline (higher is better)",
                    bars=tuple(bars), limit_kind="min", diverging=True, notes=tuple(dict.fromkeys(notes)))


_WORSENING = (LimitKind.MAX_DROP, LimitKind.MAX_INCREASE)


def chart_set(report: Report) -> ChartSet:
    return ChartSet(
        metrics=metric_points(_gate(report, ChartKind.METRICS)),
        fairness=fairness_panels(_gate(report, ChartKind.GROUPS)),
        drift=drift_panel(_gate(report, ChartKind.COLUMNS)),
        slices=slices_panel(_gate(report, ChartKind.SLICES)),
    )

"""Fairness charts: each aggregate against its limit, and each group's rate with the limit it implies.

The fairness gate (``mlgate/gates/fairness.py``) reports one check per metric and attribute (the
``group`` field names the groups that drive the value, e.g. ``"female vs male"``) and a per-group
table ``Groups by <attribute>`` with the candidate's rates. fairlearn defines the aggregates over
those rates: ``demographic_parity_ratio = min/max`` and ``..._difference = max - min`` of the
selection rate (fairlearn.metrics documentation). So a ratio limit ``r`` puts a floor of ``r × max``
under every group's selection rate (the "four-fifths rule" when r = 0.8), and a difference limit
``d`` a floor of ``max - d``: that floor is the line drawn across the group bars.
"""

from __future__ import annotations

from mlgate.metrics_registry import Direction
from mlgate.render.chart_model import MAX_BARS, Bar, BarPanel, LimitSide, direction, finite, fmt, limit_line
from mlgate.result import Check, GateResult, Limit, LimitKind, Status, Table

SELECTION = "selection rate"
_REF = " (reference)"


def _limit_side(checks: list[Check]) -> LimitSide:
    """The side of the panel's limits; without any, the metric's direction."""
    for c in checks:
        if c.limit is not None and c.limit.side is not None:
            return c.limit.side
    return "min" if direction(checks[0].metric) is Direction.HIGHER else "max"


def _absolute(c: Check) -> bool:
    """A check of the candidate's own value (a min, a max, or no limit), not one against the baseline."""
    return c.limit is None or c.limit.kind in (LimitKind.MIN, LimitKind.MAX)


def aggregate_panels(gate: GateResult) -> list[BarPanel]:
    """One panel per fairness metric, one bar per attribute (or intersection), with the limit."""
    by_metric: dict[str, list[Check]] = {}
    for c in gate.checks:
        if c.metric and c.attribute is not None and finite(c.value) and _absolute(c):
            by_metric.setdefault(c.metric, []).append(c)
    out = []
    for metric, checks in by_metric.items():
        bars = []
        for c in checks[:MAX_BARS]:
            line = limit_line(c.limit)
            bars.append(Bar(label=c.attribute or "", value=float(c.value or 0.0), status=c.status,
                            limit=line.at if line else None, note=c.group or "",
                            limit_label=line.label if line else ""))
        side = _limit_side(checks)
        out.append(BarPanel(title=f"{metric} per attribute", bars=tuple(bars), limit_kind=side))
    return out


def _floor(rates: list[float], ref: float | None, checks: list[Check]) -> tuple[Limit | None, Status, str]:
    """The lowest selection rate the configured parity limits allow, the status of that check, and
    the check in words (fairlearn: ratio = min / max, difference = max - min of the selection rates)."""
    top = ref if ref is not None else max(rates)
    whose = f"the reference group's rate ({fmt(top)})" if ref is not None else (
        f"the highest group's rate ({fmt(top)})")
    for c in checks:
        lim = c.limit
        if lim is None:
            continue
        v = lim.value
        if c.metric == "demographic_parity_ratio" and lim.kind is LimitKind.MIN:
            floor = Limit(LimitKind.RATIO_OF_BEST, v, top, f"{v:g} × {whose}")
            return floor, c.status, f"{c.metric} >= {v:g}"
        if c.metric == "demographic_parity_difference" and lim.kind is LimitKind.MAX:
            return Limit(LimitKind.GAP_TO_BEST, v, top, f"{whose} − {v:g}"), c.status, f"{c.metric} <= {v:g}"
    return None, Status.PASS, ""


def group_panel(table: Table, checks: list[Check]) -> BarPanel | None:
    """Selection rate per group from a ``Groups by <attribute>`` table, with the parity floor."""
    headers = [h.lower() for h in table.headers]
    if "group" not in headers or SELECTION not in headers or "class" in headers:
        return None
    gi, si = headers.index("group"), headers.index(SELECTION)
    ni = headers.index("n") if "n" in headers else None
    status_i = headers.index("status") if "status" in headers else None
    rows = [r for r in table.rows if len(r) > si and finite(r[si])]
    judged = [r for r in rows if status_i is None or "too small" not in str(r[status_i])]
    if not judged:
        return None
    ref = next((float(r[si]) for r in judged if str(r[gi]).endswith(_REF)), None)
    limit, status, source = _floor([float(r[si]) for r in judged], ref, checks)
    line = limit_line(limit)
    floor = line.at if line is not None else None
    bars = []
    for r in rows[:MAX_BARS]:
        small = status_i is not None and "too small" in str(r[status_i])
        value = float(r[si])
        st = Status.SKIP if small else (status if floor is not None and value < floor else Status.PASS)
        note = f"n={r[ni]}" if ni is not None else ""
        bars.append(Bar(label=str(r[gi]), value=value, status=st, limit=None if small else floor,
                        note=note + (" too small" if small else ""),
                        limit_label="" if small or line is None else line.label))
    attribute = table.title.removeprefix("Groups by ").strip()
    notes = (f"{line.explanation}: the lowest selection rate {source} allows any judged group.",
             ) if line is not None else ()
    return BarPanel(title=f"{SELECTION} by {attribute}", bars=tuple(bars), limit_kind="min", notes=notes)


def fairness_panels(gate: GateResult | None) -> tuple[BarPanel, ...]:
    if gate is None:
        return ()
    panels = aggregate_panels(gate)
    for table in gate.tables:
        if not table.title.startswith("Groups by "):
            continue
        attribute = table.title.removeprefix("Groups by ").strip()
        related = [c for c in gate.checks if c.attribute == attribute]
        panel = group_panel(table, related)
        if panel is not None:
            panels.append(panel)
    return tuple(panels)

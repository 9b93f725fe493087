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

from mlgate.render.charts import MAX_BARS, Bar, BarPanel, LimitKind, finite
from mlgate.result import Check, GateResult, Status, Table

SELECTION = "selection rate"
_REF = " (reference)"


def _limit_kind(checks: list[Check]) -> LimitKind:
    from mlgate.metrics_registry import Direction

    for c in checks:
        if ">=" in c.name:
            return "min"
        if "<=" in c.name:
            return "max"
    # A failing bar shows which side of its limit is bad; otherwise the metric's direction.
    for c in checks:
        if c.status is Status.FAIL and finite(c.value) and finite(c.threshold) and c.value != c.threshold:
            return "min" if c.value < c.threshold else "max"
    from mlgate.render.charts import direction

    return "min" if direction(checks[0].metric) is Direction.HIGHER else "max"


def aggregate_panels(gate: GateResult) -> list[BarPanel]:
    """One panel per fairness metric, one bar per attribute (or intersection), with the limit."""
    by_metric: dict[str, list[Check]] = {}
    for c in gate.checks:
        if c.metric and c.attribute is not None and finite(c.value) and not c.name.endswith("vs baseline"):
            by_metric.setdefault(c.metric, []).append(c)
    out = []
    for metric, checks in by_metric.items():
        bars = tuple(
            Bar(label=c.attribute or "", value=float(c.value or 0.0), status=c.status,
                limit=c.threshold if finite(c.threshold) else None, note=c.group or "")
            for c in checks[:MAX_BARS]
        )
        out.append(BarPanel(title=f"{metric} per attribute", bars=bars, limit_kind=_limit_kind(checks)))
    return out


def _floor(rates: list[float], ref: float | None, checks: list[Check]) -> tuple[float | None, Status]:
    """The lowest selection rate the configured parity limits allow, and the status of that check."""
    top = ref if ref is not None else max(rates)
    for c in checks:
        if c.threshold is None or not finite(c.threshold):
            continue
        if c.metric == "demographic_parity_ratio" and ">=" in c.name:
            return c.threshold * top, c.status
        if c.metric == "demographic_parity_difference" and "<=" in c.name:
            return top - c.threshold, c.status
    return None, Status.PASS


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
    floor, status = _floor([float(r[si]) for r in judged], ref, checks)
    bars = []
    for r in rows[:MAX_BARS]:
        small = status_i is not None and "too small" in str(r[status_i])
        value = float(r[si])
        st = Status.SKIP if small else (status if floor is not None and value < floor else Status.PASS)
        note = f"n={r[ni]}" if ni is not None else ""
        bars.append(Bar(label=str(r[gi]), value=value, status=st, limit=None if small else floor,
                        note=note + (" too small" if small else "")))
    attribute = table.title.removeprefix("Groups by ").strip()
    return BarPanel(title=f"{SELECTION} by {attribute}", bars=tuple(bars), limit_kind="min")


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

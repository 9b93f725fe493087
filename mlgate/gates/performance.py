"""``performance`` gate: metrics of the candidate against absolute limits and the baseline."""

from __future__ import annotations

import math

from mlgate.config import LoadedConfig
from mlgate.errors import InputError
from mlgate.gates.interface import Gate, GateInputs
from mlgate.metrics_registry import METRICS, Direction
from mlgate.result import Check, GateResult, Status


def fmt(x: float | None) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.4g}"


def absolute_check(
    metric: str, value: float, lo: float | None, hi: float | None, blocking: Status
) -> Check | None:
    """The min/max check of one metric, or None when no absolute limit is configured."""
    if lo is None and hi is None:
        return None
    spec = METRICS.get(metric)
    if lo is not None and value < lo:
        return Check(
            name=f"{metric} >= {lo:g}", status=blocking, metric=metric, value=value, threshold=lo,
            message=f"{metric} is {fmt(value)}, below the minimum {lo:g}",
        )
    if hi is not None and value > hi:
        return Check(
            name=f"{metric} <= {hi:g}", status=blocking, metric=metric, value=value, threshold=hi,
            message=f"{metric} is {fmt(value)}, above the maximum {hi:g}",
        )
    # Report the limit that matters for the metric's direction first.
    bound = lo if lo is not None and (hi is None or spec is None or spec.direction is Direction.HIGHER) else hi
    op = ">=" if bound == lo else "<="
    return Check(
        name=f"{metric} {op} {bound:g}", status=Status.PASS, metric=metric, value=value, threshold=bound,
        message=f"{metric} is {fmt(value)} ({op} {bound:g})",
    )


class PerformanceGate(Gate):
    name = "performance"

    def configured(self, loaded: LoadedConfig) -> bool:
        return loaded.config.gates.performance is not None

    def run(self, inputs: GateInputs) -> GateResult:
        from mlgate.stats.metrics import compute

        cfg = inputs.loaded.config
        gate = cfg.gates.performance
        assert gate is not None
        cand = inputs.candidate
        if cand is None:
            raise InputError("performance: no candidate predictions", hint="set candidate.predictions")
        ev = inputs.eval
        k = len(ev.classes)
        checks: list[Check] = []
        for metric, th in gate.metrics.items():
            try:
                value = compute(metric, cfg.task, ev.y_true, cand.y_pred, cand.scores, k)
            except InputError as exc:
                raise InputError(f"gates.performance.metrics.{metric}: {exc.message}", hint=exc.hint) from None
            if not math.isfinite(value):
                raise InputError(
                    f"gates.performance.metrics.{metric}: undefined on {ev.source} "
                    "(e.g. only one class present in the label)",
                    hint="use more eval rows or another metric",
                )
            blocking = Status.FAIL if th.severity == "error" else Status.WARN
            check = absolute_check(metric, value, th.min, th.max, blocking)
            if check is None:
                check = Check(
                    name=metric, status=Status.PASS, metric=metric, value=value,
                    message=f"{metric} is {fmt(value)} (no absolute limit)",
                )
            checks.append(check)
        failed = [c for c in checks if c.status is Status.FAIL]
        summary = (
            f"{len(failed)} of {len(checks)} metric checks failed"
            if failed
            else f"{len(checks)} metric checks passed on {len(ev.y_true)} rows"
        )
        return GateResult(name=self.name, checks=tuple(checks), summary=summary)

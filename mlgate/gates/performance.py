"""``performance`` gate: the candidate's metrics against absolute limits and against the baseline.

With baseline predictions (a file or a model scored on the same rows) every metric gets a paired
comparison (``stats.paired``): delta, interval and a one-sided p-value for "the candidate is worse",
judged by the configured decision rule (``stats.decision``). With only stored baseline metrics the
comparison is unpaired, and the scorecard says so.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.gates._compare_text import (
    absolute_check,
    fmt,
    power,
    power_text,
    rule_note,
    sentence,
    status_of,
    worsening_limit,
)
from mlgate.gates._performance_family import corrected, family_of
from mlgate.gates.interface import Gate
from mlgate.metrics_registry import METRICS, Direction, TaskKind
from mlgate.result import Check, GateResult, Status
from mlgate.views import ChartKind

if TYPE_CHECKING:
    import numpy as np

    from mlgate.bundle import GateInputs
    from mlgate.config.data import DataConfig
    from mlgate.config.gates import PerformanceSection
    from mlgate.stats.paired import Comparison


def _key(metric: str) -> str:
    return f"gates.performance.metrics.{metric}"


class PerformanceGate(Gate["PerformanceSection"]):
    name = "performance"
    chart = ChartKind.METRICS

    def columns(self, section: PerformanceSection, data: DataConfig) -> set[str]:
        return set()  # the label and the predictions only

    def run(self, inputs: GateInputs, section: PerformanceSection) -> GateResult:
        gate = section
        cand = inputs.candidate
        if cand is None:
            raise InputError(
                "performance: no candidate predictions", hint="set candidate.predictions or candidate.model"
            )
        cells = self._cells(inputs, list(gate.metrics))
        comps, notes = self._compare(inputs, gate, cells)
        adjusted, family = family_of(gate, comps)
        if family:
            notes.append(family)
        checks: list[Check] = []
        if inputs.baseline_missing and not comps:
            # The first pull request of baseline.artifact: limits are judged, the comparison warns.
            checks.append(Check(name="baseline", status=Status.WARN, message=inputs.baseline_missing))
        for metric, th in gate.metrics.items():
            cmp = comps.get(metric)
            value = cmp.candidate if cmp is not None else self._point(inputs, metric)
            if not math.isfinite(value):
                raise InputError(
                    f"{_key(metric)}: undefined on {inputs.eval.source} "
                    "(e.g. only one class present in the label)",
                    hint="use more eval rows or another metric",
                )
            blocking = Status.FAIL if th.severity == "error" else Status.WARN
            spec = METRICS.get(metric)
            higher = spec is None or spec.direction is Direction.HIGHER
            found = absolute_check(metric, value, th.min, th.max, higher=higher, blocking=blocking)
            if found is not None:
                checks.append(found)
            if cmp is not None:
                checks.append(
                    self._regression_check(
                        metric,
                        cmp,
                        th.max_drop,
                        th.max_drop_relative,
                        th.severity,
                        gate,
                        adjusted.get(metric),
                    )
                )
            elif found is None:
                checks.append(
                    Check(
                        name=metric,
                        status=Status.PASS,
                        metric=metric,
                        value=value,
                        message=f"{metric} is {fmt(value)} (no absolute limit, no baseline to compare with).",
                    )
                )
        return GateResult(
            name=self.name,
            checks=tuple(checks),
            summary=self._summary(checks, len(inputs.eval.y_true)),
            notes=tuple(notes),
        )

    @staticmethod
    def _cells(inputs: GateInputs, names: list[str]) -> np.ndarray | None:
        """The (label, candidate, baseline) cell counts of the confusion metrics, counted by the eval
        table's engine, when a comparison needs them; None: no comparison, or no confusion metric.
        Point values and row-level metrics (roc_auc, losses) use the driver's arrays."""
        confusion = any(METRICS[m].confusion for m in names if m in METRICS)
        compared = inputs.baseline is not None or inputs.baseline_metrics is not None
        if inputs.task is TaskKind.REGRESSION or not confusion or not compared:
            return None
        from mlgate.engines.interface import RowCodes, engine_of

        ev, cand, base = inputs.eval, inputs.candidate, inputs.baseline
        assert cand is not None
        codes = RowCodes(ev.y_true, cand.y_pred, base.y_pred if base is not None else None, len(ev.classes))
        return engine_of(ev.frame).joint_cells(codes)

    @staticmethod
    def _point(inputs: GateInputs, metric: str) -> float:
        from mlgate.stats.metrics import compute

        cand = inputs.candidate
        assert cand is not None
        ev = inputs.eval
        try:
            return compute(
                metric, inputs.task, ev.y_true, cand.y_pred, cand.scores, len(ev.classes)
            )
        except InputError as exc:
            raise InputError(f"{_key(metric)}: {exc.message}", hint=exc.hint) from None

    @staticmethod
    def _compare(
        inputs: GateInputs, gate: PerformanceSection, cells: np.ndarray | None
    ) -> tuple[dict[str, Comparison], list[str]]:
        """Paired comparisons, unpaired ones against stored metrics, or none without a baseline."""
        from mlgate.stats.paired import METHODS, compare

        cand, base, stored = inputs.candidate, inputs.baseline, inputs.baseline_metrics
        assert cand is not None
        ev = inputs.eval
        names = list(gate.metrics)
        if base is None and stored is None:
            return {}, ["No baseline configured: only the absolute limits (min/max) are checked."]
        notes = []
        base_values = None
        base_rows = None
        if base is None:
            assert stored is not None
            for m in names:
                th = gate.metrics[m]
                if m not in stored.values and (th.max_drop is not None or th.max_drop_relative is not None):
                    raise InputError(
                        f"{stored.source}: no value for '{m}' ({_key(m)} has a max_drop)",
                        hint="save the baseline again with this metric configured (mlgate baseline save)",
                    )
            names = [m for m in names if m in stored.values]
            base_values = dict(stored.values)
            notes.append(
                f"Unpaired comparison against stored baseline metrics ({stored.source}, {stored.n_rows} "
                "rows): the baseline was not scored on these rows, so a change of eval data shows up as a "
                "change of model. Store baseline predictions (mlgate baseline save) for a paired test."
            )
            same = stored.data_sha256 is not None and stored.data_sha256 == inputs.eval.sha256
            if same:
                notes.append(
                    "The stored metrics were computed on these eval rows: the baseline value is exact and "
                    "the intervals cover the candidate's sampling noise."
                )
            else:
                base_rows = max(int(stored.n_rows), 1)
                seen = (
                    f"on different eval data (sha256 {stored.data_sha256[:12]})"
                    if stored.data_sha256
                    else "on eval data of unknown fingerprint"
                )
                notes.append(
                    f"The stored baseline metrics were computed {seen}: the intervals add the baseline's "
                    f"own sampling noise ({base_rows} rows, per-row variance taken as the candidate's), "
                    "and the comparison still mixes data and model changes."
                )
        try:
            comps = compare(
                names,
                inputs.task,
                ev.y_true,
                len(ev.classes),
                cand_pred=cand.y_pred,
                cand_scores=cand.scores,
                base_pred=base.y_pred if base is not None else None,
                base_scores=base.scores if base is not None else None,
                base_values=base_values,
                base_rows=base_rows,
                confidence=gate.confidence,
                cells=cells,
                mid_p=gate.mcnemar == "mid-p",
            )
        except InputError as exc:
            bad = next((m for m in names if f"'{m}'" in exc.message), None)
            where = _key(bad) if bad is not None else "gates.performance"
            raise InputError(f"{where}: {exc.message}", hint=exc.hint) from None
        used = sorted({c.method for c in comps.values()})
        kind = "Paired comparison on the same" if base is not None else "Comparison on"
        rule = rule_note(gate.decision, gate.confidence)
        methods = [f"{', '.join(m for m, c in comps.items() if c.method == u)}: {METHODS[u]}" for u in used]
        notes[:0] = [
            f"{kind} {len(ev.y_true)} rows, {gate.confidence:.0%} intervals. Methods: "
            + "; ".join(methods)
            + ".",
            rule,
        ]
        return comps, notes

    @staticmethod
    def _regression_check(
        metric: str,
        cmp: Comparison,
        max_drop: float | None,
        max_drop_relative: float | None,
        severity: str,
        gate: PerformanceSection,
        adjusted: tuple[float, str] | None,
    ) -> Check:
        from mlgate.stats.decision import Outcome, allowed_drop, alpha, decide, rule_p

        allowed = allowed_drop(max_drop, max_drop_relative, cmp.baseline)
        a = alpha(gate.confidence)
        p_raw = rule_p(cmp, allowed, gate.decision)
        p, family = adjusted if adjusted is not None else (p_raw, None)
        outcome = decide(cmp, allowed, gate.decision, gate.confidence, p=None if math.isnan(p) else p)
        advisory = gate.multiplicity == "primary" and metric != gate.primary
        mde, rows = power(cmp, allowed, a, outcome)
        text = sentence(
            metric,
            cmp,
            outcome,
            allowed,
            confidence=gate.confidence,
            alpha=a,
            p=p,
            p_label="adjusted p" if corrected(family, gate.multiplicity) else "p",
            rule=gate.decision,
        )
        if not cmp.paired:
            text = text[:-1] + " (unpaired, vs stored baseline metrics)."
        text = power_text(text, mde, rows, outcome)
        status = status_of(outcome, severity)
        if advisory and outcome is Outcome.FAIL:
            status = Status.WARN
            text += f" Advisory: only the primary metric ({gate.primary}) blocks."
        return Check(
            name=f"{metric} vs baseline",
            status=status,
            message=text,
            metric=metric,
            value=cmp.candidate,
            baseline=cmp.baseline,
            delta=cmp.delta,
            threshold=allowed,
            ci_low=cmp.ci_low,
            ci_high=cmp.ci_high,
            p_value=p if gate.decision != "strict" else cmp.p_worse,
            mde=mde,
            rows_needed=rows,
            family=family,
            limit=None if allowed is None else worsening_limit(
                getattr(METRICS.get(metric), "direction", None) is not Direction.LOWER,
                allowed, cmp.baseline, max_drop, max_drop_relative,
            ),
            details={
                "outcome": outcome.value,
                "allowed_drop": allowed,
                "worse_by": cmp.worse_by,
                "method": cmp.method,
                "paired": cmp.paired,
                "decision": gate.decision,
                "confidence": gate.confidence,
                "rows": cmp.n,
                "p_raw": p_raw,
                "p_within": cmp.test.p_below(allowed) if allowed is not None else None,
                "p_worse": cmp.p_worse,
            },
        )

    @staticmethod
    def _summary(checks: list[Check], n_rows: int) -> str:
        failed = [c for c in checks if c.status is Status.FAIL]
        warned = [c for c in checks if c.status is Status.WARN]
        if failed:
            return f"{len(failed)} of {len(checks)} checks failed: {', '.join(c.name for c in failed)}"
        if warned:
            word = "warning" if len(warned) == 1 else "warnings"
            return f"{len(checks) - len(warned)} of {len(checks)} checks passed, {len(warned)} {word}"
        return f"{len(checks)} checks passed on {n_rows} rows"

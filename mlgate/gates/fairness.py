"""``fairness`` gate: group metrics of the candidate, absolute limits, and regression vs the baseline.

Aggregates follow fairlearn's definitions (difference = max - min over groups, ratio = min / max;
equalized odds = the worse of TPR and FPR), optionally against a reference group as Aequitas does.
Groups smaller than ``min_group_size`` are listed as "too small to judge" and left out of aggregates;
undefined rates (e.g. TPR with no actual positives) are left out with a warning naming the group.
Regression against the baseline compares each judged group with the reference group, with standard
errors from a paired, group-stratified bootstrap of cell counts (:mod:`mlgate.stats.fairness`), and
decides by the configured rule, margin, evidence or strict (:mod:`mlgate.gates._fairness_regression`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mlgate.errors import InputError
from mlgate.gates._fairness_checks import absolute_check, allowance, coverage_checks, regression_check
from mlgate.gates._fairness_checks import plan as plan_of
from mlgate.gates._fairness_groups import attributes, group_rows, needed_columns
from mlgate.gates._fairness_regression import decide_all
from mlgate.gates._fairness_stats import explain, fmt, group_stats, metric_value
from mlgate.gates._fairness_table import group_table
from mlgate.gates.interface import Gate
from mlgate.metrics_registry import TaskKind
from mlgate.result import Check, GateResult, Status
from mlgate.stats.fair_gaps import GroupGap
from mlgate.views import ChartKind

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config.data import DataConfig
    from mlgate.config.gates import FairnessSection

DEFAULT_METRICS = {
    TaskKind.BINARY: ("demographic_parity_difference", "equalized_odds_difference"),
    TaskKind.MULTICLASS: ("demographic_parity_difference", "equalized_odds_difference"),
    TaskKind.REGRESSION: ("error_gap_mae",),
}


class FairnessGate(Gate["FairnessSection"]):
    name = "fairness"
    chart = ChartKind.GROUPS

    def columns(self, section: FairnessSection, data: DataConfig) -> set[str]:
        return {*needed_columns(section), *(section.reference_group or {})}

    def run(self, inputs: GateInputs, section: FairnessSection) -> GateResult:
        from mlgate.config.thresholds import MetricThreshold

        gate = section
        if inputs.candidate is None:
            raise InputError("fairness: no candidate predictions", hint="set candidate.predictions")
        task, ev = inputs.task, inputs.eval
        metrics = dict(gate.metrics) or {m: MetricThreshold() for m in DEFAULT_METRICS[task]}
        wants_boot = inputs.baseline is not None and any(
            allowance(th, gate, 0.0) is not None for th in metrics.values()
        )
        checks: list[Check] = []
        tables = []
        # The counts by combination of sensitive values, label and predictions, from the engine.
        rows = group_rows(inputs, gate, task is TaskKind.REGRESSION)
        computed = []
        plans: dict[tuple[int, str], tuple[list[GroupGap], float]] = {}
        for i, attr in enumerate(attributes(rows, gate, ev.source, lambda: list(ev.header))):
            rng = np.random.default_rng([gate.seed, i]) if wants_boot else None
            st = group_stats(attr, rows, inputs, gate, task, rng)
            computed.append(st)
            for name, th in metrics.items():
                plan = plan_of(name, th, gate, st)
                if plan is not None:
                    plans[(i, name)] = plan
        decided = decide_all(
            plans,
            gate.decision,
            gate.multiplicity,
            (1.0 - gate.confidence) / 2.0,
            len(computed),
            len(metrics),
        )
        for i, st in enumerate(computed):
            attr = st.attr
            tables.append(group_table(st.attr, st.include, st.cand, st.base, task, ev.classes))
            checks += coverage_checks(st, list(metrics), gate, task, ev.classes)
            for name, th in metrics.items():
                value = metric_value(name, st.cand, st)
                why, group = explain(name, st, ev.classes, task)
                found = [
                    c
                    for c in (
                        absolute_check(name, th, value, st, why, group),
                        regression_check(name, th, gate, st, value, why, group, decided.get((i, name))),
                    )
                    if c
                ]
                checks += found or [
                    Check(
                        name=name,
                        status=Status.PASS,
                        metric=name,
                        attribute=attr.name,
                        group=group,
                        value=value,
                        message=f"{name} for {attr.name} is {fmt(value)} (no limit configured); {why}",
                    )
                ]
        notes = []
        if decided:
            family = next(iter(decided.values())).family or (
                "none needed (a check passes only when every group's whole interval lies within the "
                "allowance, an intersection-union test; the p-values shown are against no worsening, "
                "unadjusted)"
            )
            notes.append(
                f"Regression vs the baseline: each judged group against the reference group (the "
                f"configured one, else the largest), decision rule '{gate.decision}'; multiplicity: "
                f"{family}."
            )
        if inputs.baseline is None and any(allowance(th, gate, 0.0) is not None for th in metrics.values()):
            notes.append(
                "No baseline predictions: the regression against the baseline was not checked "
                "(group metrics need the baseline's predictions on the same rows)."
            )
        failed = [c for c in checks if c.status is Status.FAIL]
        if failed:
            which = ", ".join(dict.fromkeys(f"{c.metric} ({c.attribute}: {c.group})" for c in failed))
            summary = f"{len(failed)} of {len(checks)} fairness checks failed: {which}"
        else:
            summary = f"{len(checks)} fairness checks on {len(tables)} attribute(s), none failed"
        return GateResult(
            name=self.name, checks=tuple(checks), summary=summary, tables=tuple(tables), notes=tuple(notes)
        )

"""``fairness`` gate: group metrics of the candidate, absolute limits, and regression vs the baseline.

Aggregates follow fairlearn's definitions (difference = max - min over groups, ratio = min / max;
equalized odds = the worse of TPR and FPR), optionally against a reference group as Aequitas does.
Groups smaller than ``min_group_size`` are listed as "too small to judge" and left out of aggregates;
undefined rates (e.g. TPR with no actual positives) are left out with a warning naming the group.
Regression against the baseline uses a paired, group-stratified bootstrap of cell counts
(:mod:`mlgate.stats.fairness`): fail when the metric worsens by more than the allowance and the
interval of the change excludes "no worsening"; warn (inconclusive) when it worsens by more than the
allowance but the interval does not exclude it; pass otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mlgate.engines.interface import GroupRows
from mlgate.errors import InputError
from mlgate.gates._compare_text import against_limits, worsening_limit
from mlgate.gates._fairness_groups import Attribute, attributes, group_rows, needed_columns
from mlgate.gates._fairness_regression import Decided, decide_all
from mlgate.gates._fairness_table import RATE_NAMES, group_table
from mlgate.gates.interface import Gate
from mlgate.metrics_registry import FAIRNESS_METRICS, Direction, TaskKind
from mlgate.result import Check, GateResult, Limit, Status
from mlgate.stats import fairness as fs
from mlgate.stats.decision import Outcome, allowed_drop
from mlgate.stats.fair_gaps import GroupGap, group_gaps, reference_index

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config.data import DataConfig
    from mlgate.config.gates import FairnessSection
    from mlgate.config.thresholds import MetricThreshold

DEFAULT_METRICS = {
    TaskKind.BINARY: ("demographic_parity_difference", "equalized_odds_difference"),
    TaskKind.MULTICLASS: ("demographic_parity_difference", "equalized_odds_difference"),
    TaskKind.REGRESSION: ("error_gap_mae",),
}


def fmt(x: float | None) -> str:
    return "undefined" if x is None or not np.isfinite(x) else f"{x:.4g}"


@dataclass(frozen=True)
class GroupStats:
    """One attribute's group rates for both models, and their paired bootstrap resamples."""

    attr: Attribute
    include: np.ndarray  # groups large enough to judge
    cand: dict[str, np.ndarray]  # rate -> (G, C)
    base: dict[str, np.ndarray] | None
    boot_cand: dict[str, np.ndarray] | None  # rate -> (B, G, C)
    boot_base: dict[str, np.ndarray] | None


def group_stats(
    attr: Attribute,
    rows: GroupRows,
    inputs: GateInputs,
    gate: FairnessSection,
    task: TaskKind,
    rng: np.random.Generator | None,
) -> GroupStats:
    """Sufficient statistics -> rates (``rng`` None: no bootstrap)."""
    g = len(attr.labels)
    has_base = inputs.baseline is not None
    if task is TaskKind.REGRESSION:
        assert rows.sums is not None
        sums = fs.group_sums(attr.codes, g, rows.sums)
        rc, rb = fs.regression_rates(sums, 0), fs.regression_rates(sums, 1) if has_base else None
        bc = bb = None
        if has_base and rng is not None:
            s = fs.mae_resample(sums, gate.n_boot, rng)
            bc, bb = {"mae": s[..., 0:1]}, {"mae": s[..., 1:2]}
        sizes = sums[:, 0]
    else:
        assert rows.y is not None and rows.cand is not None
        k = len(inputs.eval.classes)
        bc = bb = rb = None
        if rows.base is None:
            cm = fs.group_confusion(attr.codes, g, rows.y, rows.cand, k, rows.count)
        else:
            joint = fs.joint_confusion(attr.codes, g, rows.y, rows.cand, rows.base, k, rows.count)
            cm = joint.sum(axis=-1)
            rb = fs.classification_rates(joint.sum(axis=-2))
            if rng is not None:
                samples = fs.stratified_resample(joint, gate.n_boot, rng)
                bc = fs.classification_rates(samples.sum(axis=-1))
                bb = fs.classification_rates(samples.sum(axis=-2))
        rc = fs.classification_rates(cm)
        sizes = cm.sum(axis=(-2, -1))
    return GroupStats(attr, sizes >= gate.min_group_size, rc, rb, bc, bb)


def _value(name: str, rates: dict[str, np.ndarray], st: GroupStats) -> float:
    return float(fs.metric_values(name, rates, st.include, st.attr.ref))


def explain(name: str, st: GroupStats, classes: tuple[object, ...], task: TaskKind) -> tuple[str, str | None]:
    """Which groups drive the candidate's value: a phrase for the message and the Check.group text."""
    d = fs.drivers(name, st.cand, st.include, st.attr.ref)
    if d is None:
        return "", None
    labels, rate = st.attr.labels, st.cand[d.part][:, d.cls]
    cls = f" (class '{classes[d.cls]}' vs rest)" if task is TaskKind.MULTICLASS else ""
    ref = " (reference)" if st.attr.ref is not None else ""
    text = (
        f"{RATE_NAMES[d.part]}{cls} {fmt(float(rate[d.low]))} for {labels[d.low]} vs "
        f"{fmt(float(rate[d.high]))} for {labels[d.high]}{ref}"
    )
    return text, f"{labels[d.low]} vs {labels[d.high]}"


def _allowance(th: MetricThreshold, gate: FairnessSection, baseline: float) -> float | None:
    """Allowed worsening: per-metric max_drop / max_drop_relative (the stricter, as for performance),
    else the gate's max_regression."""
    allowed = allowed_drop(th.max_drop, th.max_drop_relative, baseline)
    return allowed if allowed is not None else gate.max_regression


def _worsening(name: str, th: MetricThreshold, allowed: float, base: float) -> Limit:
    own = allowed_drop(th.max_drop, th.max_drop_relative, base) is not None
    source = "" if own else "the gate's max_regression"
    return worsening_limit(FAIRNESS_METRICS[name] is not Direction.LOWER, allowed, base, th.max_drop,
                           th.max_drop_relative, source)


def absolute_check(
    name: str, th: MetricThreshold, value: float, st: GroupStats, why: str, group: str | None
) -> Check | None:
    """The min/max check of one aggregate on the candidate (point value vs the limit)."""
    if th.min is None and th.max is None:
        return None
    attr = st.attr.name
    if not np.isfinite(value):
        ref = st.attr.ref
        if ref is not None and not st.include[ref]:
            why_not = f"the reference group {st.attr.labels[ref]} is too small to judge"
        else:
            rates = " / ".join(RATE_NAMES[p] for p in fs.METRIC_PARTS[name][1])
            why_not = f"fewer than two judged groups with a defined {rates}"
        return Check(
            name=name,
            status=Status.WARN,
            metric=name,
            attribute=attr,
            group=group,
            message=f"{name} for {attr} cannot be computed: {why_not}",
        )
    blocking = Status.FAIL if th.severity == "error" else Status.WARN
    # The limit that matters for the metric's direction: a ratio's min, a difference's max.
    limit = against_limits(value, th.min, th.max, FAIRNESS_METRICS[name] is Direction.HIGHER)
    assert limit is not None
    return Check(
        name=f"{name} {limit.op} {limit.bound:g}",
        status=blocking if limit.broken else Status.PASS,
        metric=name,
        attribute=attr,
        group=group,
        value=value,
        threshold=limit.bound,
        limit=limit.typed,
        message=f"{name} for {attr} is {fmt(value)} ({limit.text}): {why}",
    )


def regression_check(
    name: str,
    th: MetricThreshold,
    gate: FairnessSection,
    st: GroupStats,
    value: float,
    why: str,
    group: str | None,
    decided: Decided | None = None,
) -> Check | None:
    """Candidate vs baseline on the same rows, decided on the group-vs-reference tests
    (:mod:`mlgate.gates._fairness_regression`)."""
    if st.base is None:
        return None
    base = _value(name, st.base, st)
    allowed = _allowance(th, gate, base)
    if allowed is None:
        return None
    attr = st.attr.name
    if not (np.isfinite(value) and np.isfinite(base)) or decided is None:
        which = "the candidate" if not np.isfinite(value) else "the baseline"
        reason = (
            f"undefined for {which}"
            if not (np.isfinite(value) and np.isfinite(base))
            else "no judged group has a rate defined on both models beside the reference group's"
        )
        return Check(
            name=f"{name} vs baseline",
            status=Status.WARN,
            metric=name,
            attribute=attr,
            group=group,
            value=value,
            baseline=base,
            threshold=allowed,
            limit=_worsening(name, th, allowed, base) if np.isfinite(base) else None,
            message=f"{name} for {attr} cannot be compared with the baseline: {reason}",
        )
    return decided_check(name, th, gate, st, value, base, allowed, why, decided)


def decided_check(
    name: str,
    th: MetricThreshold,
    gate: FairnessSection,
    st: GroupStats,
    value: float,
    base: float,
    allowed: float,
    why: str,
    decided: Decided,
) -> Check:
    from mlgate.gates._compare_text import fmt_p

    a = (1.0 - gate.confidence) / 2.0
    d, t, labels = decided.driver, decided.driver.test, st.attr.labels
    lo, hi = t.bounds(a)
    cls = f" (class {d.cls})" if st.cand["size"].shape[1] > 1 else ""
    kind = "ratio" if fs.METRIC_PARTS[name][0] == "ratio" else "gap"
    what = (
        f"{RATE_NAMES[d.part]}{cls} {kind} of {labels[d.group]} vs {labels[d.ref]} (reference) "
        f"{fmt(d.base_value)} -> {fmt(d.cand_value)}"
    )
    ci = f"{gate.confidence:.0%} interval of its worsening [{lo:+.3g}, {hi:+.3g}]"
    head = f"{name} for {st.attr.name}: {fmt(base)} -> {fmt(value)}"
    p_label = "adjusted p" if gate.multiplicity != "none" and decided.tests > 1 else "p"
    n_group = int(st.cand["size"][d.group, 0])
    rows = t.rows_needed(allowed, a, n_group) if decided.outcome is Outcome.INCONCLUSIVE else None
    mde = t.mde(allowed, a)
    if decided.outcome is Outcome.FAIL:
        status = Status.FAIL if th.severity == "error" else Status.WARN
        msg = (
            f"{head}; {what}, worse by {t.estimate:.3g}, beyond the allowed worsening {allowed:g} "
            f"({ci}; {p_label} {fmt_p(decided.p)}): {why}"
        )
    elif decided.outcome is Outcome.PASS:
        status = Status.PASS
        msg = (
            f"{head}; every group stays within the allowed worsening {allowed:g} (least clear: {what}, {ci})"
        )
    else:
        status = Status.WARN
        more = (
            f"about {rows} rows in {labels[d.group]} would decide"
            if rows
            else "more rows per group would decide"
        )
        msg = (
            f"{head}; {what}: the {ci} includes the allowed worsening {allowed:g}: inconclusive; "
            f"{more}. {why}"
        )
    # The interval of the driving group's change, oriented like delta (lower-is-better metrics rise).
    lower = FAIRNESS_METRICS[name] is Direction.LOWER
    return Check(
        name=f"{name} vs baseline",
        status=status,
        message=msg,
        metric=name,
        attribute=st.attr.name,
        group=f"{labels[d.group]} vs {labels[d.ref]}",
        value=value,
        baseline=base,
        delta=value - base,
        threshold=allowed,
        limit=_worsening(name, th, allowed, base),
        ci_low=lo if lower else -hi,
        ci_high=hi if lower else -lo,
        p_value=decided.p,
        mde=mde if np.isfinite(mde) else None,
        rows_needed=rows,
        family=decided.family,
        details={
            "outcome": decided.outcome.value,
            "decision": gate.decision,
            "rate": d.part,
            "class": d.cls,
            "reference": labels[d.ref],
            "worsening": t.estimate,
            "p_raw": decided.p_raw,
            "p_within": t.p_below(allowed),
            "tests": decided.tests,
        },
    )


def _plan(
    name: str, th: MetricThreshold, gate: FairnessSection, st: GroupStats
) -> tuple[list[GroupGap], float] | None:
    """The group tests of one regression check and its allowance; None when it is not judged."""
    if st.base is None or st.boot_cand is None or st.boot_base is None:
        return None
    base = _value(name, st.base, st)
    allowed = _allowance(th, gate, base)
    if allowed is None or not np.isfinite(base):
        return None
    ref = reference_index(st.cand["size"][:, 0], st.include, st.attr.ref)
    if ref is None:
        return None
    gaps = group_gaps(name, st.cand, st.base, st.boot_cand, st.boot_base, st.include, ref)
    return (gaps, allowed) if gaps else None


def coverage_checks(
    st: GroupStats, metrics: list[str], gate: FairnessSection, task: TaskKind, classes: tuple[object, ...]
) -> list[Check]:
    """Warnings for groups too small to judge and for undefined rates (named, never dropped silently)."""
    attr, out = st.attr, []
    small = [f"{attr.labels[i]} (n={int(st.cand['size'][i, 0])})" for i in np.flatnonzero(~st.include)]
    if small:
        out.append(
            Check(
                name="groups too small to judge",
                status=Status.WARN,
                attribute=attr.name,
                group=", ".join(attr.labels[i] for i in np.flatnonzero(~st.include)),
                details={"min_group_size": gate.min_group_size},
                message=f"{len(small)} group(s) of {attr.name} below min_group_size {gate.min_group_size}, "
                f"shown but not judged: {', '.join(small)}",
            )
        )
    used = dict.fromkeys(p for m in metrics for p in fs.METRIC_PARTS[m][1])
    parts = {p: [m for m in metrics if p in fs.METRIC_PARTS[m][1]] for p in used}
    notes, groups = [], []
    for part, users in parts.items():
        values = st.cand[part]
        for i in np.flatnonzero(st.include):
            bad = [c for c in range(values.shape[1]) if not np.isfinite(values[i, c])]
            if not bad:
                continue
            cls = ""
            if task is TaskKind.MULTICLASS:
                cls = f" for class {', '.join(repr(str(classes[c])) for c in bad)}"
            why = fs.UNDEFINED_BECAUSE.get(part, "empty group")
            notes.append(
                f"{RATE_NAMES[part]} of {attr.labels[i]}{cls} is undefined ({why}); "
                f"left out of {', '.join(users)}"
            )
            groups.append(attr.labels[i])
    if notes:
        out.append(
            Check(
                name="undefined rates",
                status=Status.WARN,
                attribute=attr.name,
                group=", ".join(dict.fromkeys(groups)),
                message="; ".join(notes) + " (fairlearn would count it as 0)",
            )
        )
    return out


class FairnessGate(Gate["FairnessSection"]):
    name = "fairness"

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
            _allowance(th, gate, 0.0) is not None for th in metrics.values()
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
                plan = _plan(name, th, gate, st)
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
                value = _value(name, st.cand, st)
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
            family = next(iter(decided.values())).family
            notes.append(
                f"Regression vs the baseline: each judged group against the reference group (the "
                f"configured one, else the largest), decision rule '{gate.decision}'; multiplicity: "
                f"{family}."
            )
        if inputs.baseline is None and any(_allowance(th, gate, 0.0) is not None for th in metrics.values()):
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

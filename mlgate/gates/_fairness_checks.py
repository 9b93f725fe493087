"""The fairness gate's checks: a metric's absolute limits on the candidate, its regression against the
baseline (decided on the group-against-reference tests of :mod:`mlgate.gates._fairness_regression`),
and the warnings for groups too small to judge and rates left undefined."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mlgate.gates._compare_text import absolute_check as absolute
from mlgate.gates._compare_text import strict_clause, worsening_limit
from mlgate.gates._fairness_regression import Decided
from mlgate.gates._fairness_stats import GroupStats, fmt, metric_value
from mlgate.gates._fairness_table import RATE_NAMES
from mlgate.metrics_registry import FAIRNESS_METRICS, Direction, TaskKind
from mlgate.result import Check, Limit, Status
from mlgate.stats import fairness as fs
from mlgate.stats.decision import Outcome, allowed_drop
from mlgate.stats.fair_gaps import GroupGap, group_gaps, reference_index

if TYPE_CHECKING:
    from mlgate.config.gates import FairnessSection
    from mlgate.config.thresholds import MetricThreshold


def allowance(th: MetricThreshold, gate: FairnessSection, baseline: float) -> float | None:
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
    return absolute(
        name, value, th.min, th.max, higher=FAIRNESS_METRICS[name] is Direction.HIGHER, blocking=blocking,
        subject=f"{name} for {attr}", why=why, attribute=attr, group=group,
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
    base = metric_value(name, st.base, st)
    allowed = allowance(th, gate, base)
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
    limit = f"the allowed worsening {allowed:g}"
    if decided.outcome is Outcome.FAIL:
        status = Status.FAIL if th.severity == "error" else Status.WARN
        because = (
            f"; {strict_clause(Outcome.FAIL, ci, hi, limit, 'worsening')}"
            if gate.decision == "strict"
            else f", beyond {limit} ({ci}; {p_label} {fmt_p(decided.p)})"
        )
        msg = f"{head}; {what}, worse by {t.estimate:.3g}{because}: {why}"
    elif decided.outcome is Outcome.UNPROVEN:
        status = Status.WARN
        msg = f"{head}; {what}: {strict_clause(Outcome.UNPROVEN, ci, hi, limit, 'worsening')}. {why}"
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


def plan(
    name: str, th: MetricThreshold, gate: FairnessSection, st: GroupStats
) -> tuple[list[GroupGap], float] | None:
    """The group tests of one regression check and its allowance; None when it is not judged."""
    if st.base is None or st.boot_cand is None or st.boot_base is None:
        return None
    base = metric_value(name, st.base, st)
    allowed = allowance(th, gate, base)
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
            _warning(
                "groups too small to judge", attr.name, [attr.labels[i] for i in np.flatnonzero(~st.include)],
                f"{len(small)} group(s) of {attr.name} below min_group_size {gate.min_group_size}, "
                f"shown but not judged: {', '.join(small)}",
                {"min_group_size": gate.min_group_size},
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
            _warning(
                "undefined rates", attr.name, list(dict.fromkeys(groups)),
                "; ".join(notes) + " (fairlearn would count it as 0)",
            )
        )
    return out


def _warning(
    name: str, attribute: str, groups: list[str], message: str, details: dict[str, int] | None = None
) -> Check:
    return Check(
        name=name, status=Status.WARN, attribute=attribute, group=", ".join(groups),
        details=details or {}, message=message,
    )

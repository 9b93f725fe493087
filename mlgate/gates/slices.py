"""``slices`` gate: the paired candidate-vs-baseline comparison within each slice of the eval data.

A model can be better overall and much worse for one segment. Each value of a configured column (and
each quantile bin of a numeric one) gets the same paired comparison as the performance gate; slices
smaller than ``min_size`` are "too small to judge", never failed. Because many slices are tested at
once, the p-values are adjusted across all judged slices (Holm: family-wise error; Benjamini-Hochberg:
false discovery rate) before the margin or evidence rule decides; the strict rule needs no adjustment
(a slice passes only when its whole interval is within the allowed drop, and the gate only when every
slice passes). The worst slices are listed first.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.gates._compare_text import fmt, fmt_p, rule_note
from mlgate.gates._slice_groups import CORRECTION_NAMES, Slice, build_slices, cell_slices, judge_slices
from mlgate.gates.interface import Gate
from mlgate.metrics_registry import METRICS
from mlgate.result import Check, GateResult, Status, severity
from mlgate.views import ChartKind

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config.data import DataConfig
    from mlgate.config.gates import SlicesSection
    from mlgate.stats.paired import Comparison

# Too-small slices listed one by one per column; the rest are counted in a note.
_MAX_SMALL_LISTED = 20


class SlicesGate(Gate["SlicesSection"]):
    name = "slices"
    chart = ChartKind.SLICES

    def columns(self, section: SlicesSection, data: DataConfig) -> set[str]:
        return set(section.columns)

    def run(self, inputs: GateInputs, section: SlicesSection) -> GateResult:
        from mlgate.stats.decision import alpha
        from mlgate.stats.paired import compare

        gate = section
        cand, base = inputs.candidate, inputs.baseline
        if base is None and cand is not None and inputs.baseline_missing:
            return GateResult(
                name=self.name,
                checks=(Check(name="baseline", status=Status.WARN, message=inputs.baseline_missing),),
                summary="not compared: " + inputs.baseline_missing,
            )
        if cand is None or base is None:
            missing = "candidate" if cand is None else "baseline"
            raise InputError(
                f"slices: no {missing} predictions",
                hint=f"slices compare paired predictions: set {missing}.predictions or .model",
            )
        ev = inputs.eval
        k = len(ev.classes)
        if METRICS[gate.metric].confusion:
            # The engine counts each slice's (label, candidate, baseline) cells: the slice columns
            # stay where the table is.
            slices = cell_slices(ev, cand.y_pred, base.y_pred, gate.columns, gate.bins)
        else:
            # A row-level metric (e.g. roc_auc) needs the rows of each slice: this reads the slice
            # column alone (the label and predictions are on the driver already).
            slices = build_slices(ev.frame, gate.columns, gate.bins, ev.source)
        judged: list[tuple[Slice, Comparison]] = []
        small: list[Slice] = []
        undefined: list[Slice] = []
        over_cap: dict[str, int] = {}
        per_column: dict[str, int] = {}
        ordered = sorted(slices, key=lambda s: -s.size)
        for sl in ordered:
            if sl.size < gate.min_size:
                small.append(sl)
                continue
            if per_column.get(sl.column, 0) >= gate.max_slices:
                over_cap[sl.column] = over_cap.get(sl.column, 0) + 1
                continue
            per_column[sl.column] = per_column.get(sl.column, 0) + 1
            r = sl.rows
            try:
                if r is None:  # counted by the engine
                    cmp = compare(
                        [gate.metric],
                        inputs.task,
                        None,
                        k,
                        cand_pred=None,
                        cand_scores=None,
                        confidence=gate.confidence,
                        cells=sl.cells,
                        paired=True,
                    )[gate.metric]
                else:
                    cmp = compare(
                        [gate.metric],
                        inputs.task,
                        ev.y_true[r],
                        k,
                        cand_pred=cand.y_pred[r],
                        cand_scores=None if cand.scores is None else cand.scores[r],
                        base_pred=base.y_pred[r],
                        base_scores=None if base.scores is None else base.scores[r],
                        confidence=gate.confidence,
                    )[gate.metric]
            except InputError as exc:
                raise InputError(f"gates.slices.metric: {exc.message}", hint=exc.hint) from None
            if not (math.isfinite(cmp.delta) and math.isfinite(cmp.p_worse)):
                undefined.append(sl)
                continue
            judged.append((sl, cmp))

        checks = judge_slices(judged, gate)
        # Worst first: by status, then by how much worse the candidate is on the slice.
        checks.sort(key=lambda cc: (-severity(cc[0].status), -cc[1].worse_by))
        out = [c for c, _ in checks]
        listed: dict[str, int] = {}

        def not_judged(sl: Slice, message: str) -> Check:
            return Check(
                name=f"{sl.column} = {sl.label}",
                status=Status.SKIP,
                metric=gate.metric,
                attribute=sl.column,
                group=sl.label,
                details={"rows": int(sl.size)},
                message=message,
            )

        for sl in undefined:
            out.append(
                not_judged(
                    sl,
                    f"{gate.metric} is undefined on {sl.column} = {sl.label} "
                    f"({sl.size} rows, e.g. one class only): not judged.",
                )
            )
        for sl in small:
            listed[sl.column] = listed.get(sl.column, 0) + 1
            if listed[sl.column] > _MAX_SMALL_LISTED:
                continue
            out.append(
                not_judged(
                    sl,
                    f"{sl.column} = {sl.label}: too small to judge ({sl.size} rows "
                    f"< min_size {gate.min_size}).",
                )
            )
        a = alpha(gate.confidence)
        notes = [
            f"{len(judged)} slices judged with the paired comparison of {gate.metric} "
            f"({gate.confidence:.0%} intervals, not adjusted)"
            + _family_note(gate, len(judged), a)
            + f". Numeric columns are cut into {gate.bins} quantile bins."
        ]
        hopeless = _undecidable(judged, gate.max_drop, gate.decision, gate.correction, a)
        if hopeless is not None:
            notes.append(hopeless)
        for col, n in sorted(listed.items()):
            if n > _MAX_SMALL_LISTED:
                notes.append(f"{n - _MAX_SMALL_LISTED} more slices of {col} are too small to judge.")
        for col, n in sorted(over_cap.items()):
            notes.append(f"{n} smaller slices of {col} were not judged (max_slices {gate.max_slices}).")
        return GateResult(
            name=self.name,
            checks=tuple(out),
            summary=self._summary(checks, len(small), gate),
            notes=tuple(notes),
        )

    @staticmethod
    def _summary(checks: list[tuple[Check, Comparison]], n_small: int, gate: SlicesSection) -> str:
        metric = gate.metric
        judged = [c for c, _ in checks]
        failed = [c for c in judged if c.status is Status.FAIL]
        warned = [c for c in judged if c.status is Status.WARN]
        tail = f"; {n_small} too small to judge" if n_small else ""
        if gate.decision == "strict" and (failed or warned):
            # The slice whose interval's pessimistic end lies furthest beyond the allowed drop.
            shown, cmp = max(
                ((c, cmp) for c, cmp in checks if c.status is not Status.PASS),
                key=lambda cc: (severity(cc[0].status), cc[1].worse_by_high),
            )
            how = (
                f"{len(failed)} of {len(judged)} slices worse on {metric} and not shown within the allowed "
                "drop (decision: strict)"
                if failed
                else f"{len(warned)} of {len(judged)} slices unproven on {metric} (decision: strict, "
                "interval not tight enough)"
            )
            return (
                f"{how}; worst: {shown.name} ({fmt(shown.baseline)} → "
                f"{fmt(shown.value)}, {shown.details.get('rows')} rows, its interval allows a drop of up to "
                f"{fmt(cmp.worse_by_high)}, more than {fmt(gate.max_drop)}){tail}"
            )
        if failed:
            worst = failed[0]
            return (
                f"{len(failed)} of {len(judged)} slices significantly worse on {metric}; worst: "
                f"{worst.name} ({fmt(worst.baseline)} → {fmt(worst.value)}, "
                f"{worst.details.get('rows')} rows, p {fmt_p(worst.p_value or math.nan)}){tail}"
            )
        if warned:
            return f"{len(warned)} of {len(judged)} slices inconclusive on {metric}{tail}"
        return f"{len(judged)} slices within the allowed drop on {metric}{tail}"


def _family_note(gate: SlicesSection, n: int, a: float) -> str:
    """How the slices are decided together: the correction of the p-values (margin, evidence) or none
    needed (strict: every slice must pass)."""
    if gate.decision == "strict":
        return (
            ". "
            + rule_note("strict", gate.confidence)[:-1]
            + f"; a slice passes only when its interval lies within the allowed drop {fmt(gate.max_drop)}, "
            "fails when the candidate is worse on it otherwise, and is unproven (a warning) when it is "
            f"better but its interval is too wide. No correction across the {n} judged slices is needed "
            f"(correction: {gate.correction} is not applied): the gate passes only when every slice passes, "
            "an intersection-union test, so while some slice's true drop is at or beyond the allowed drop "
            f"the gate passes at most {a:.3g} of the time"
        )
    label = "adjusted p" if gate.correction != "none" else "p"
    return (
        f"; {CORRECTION_NAMES[gate.correction]} correction of the p-values across them (the family: all {n} "
        f"judged slices), a slice fails when it is worse by more than {fmt(gate.max_drop)} with {label} "
        f"< {a:.3g}"
        + (
            " (decision rule 'margin': the drop beyond the allowed drop is tested)"
            if gate.decision == "margin"
            else ""
        )
    )


def _undecidable(
    judged: list[tuple[Slice, Comparison]], margin: float, rule: str, correction: str, a: float
) -> str | None:
    """A note when no slice could fail at this family size, whatever its rows showed: each slice's
    smallest attainable p-value (every discordant row against the candidate), corrected across the
    family, stays at or above alpha. Only exact tests on few rows have such a floor."""
    import numpy as np

    from mlgate.stats.mcnemar import McNemarDrop
    from mlgate.stats.multiple import adjust

    if not judged or rule not in ("margin", "evidence"):
        return None
    best = []
    for _, cmp in judged:
        t = cmp.test
        if not isinstance(t, McNemarDrop):
            return None  # a normal test can reach any p-value
        worst = McNemarDrop(t.b + t.c, 0, t.n, t.mid_p)
        best.append(worst.p_above(margin if rule == "margin" else 0.0))
    floor = float(np.nanmin(adjust(np.array(best), correction)))  # type: ignore[arg-type]
    if floor < a:
        return None
    return (
        f"No slice can fail at this family size: even with every discordant row against the candidate, "
        f"the smallest corrected p-value would be {floor:.3g} (needs < {a:.3g}) across {len(judged)} "
        "slices. Judge fewer slices (max_slices, columns), raise min_size, or add eval rows."
    )

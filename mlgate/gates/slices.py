"""``slices`` gate: the paired candidate-vs-baseline comparison within each slice of the eval data.

A model can be better overall and much worse for one segment. Each value of a configured column (and
each quantile bin of a numeric one) gets the same paired comparison as the performance gate; slices
smaller than ``min_size`` are "too small to judge", never failed. Because many slices are tested at
once, the p-values are adjusted across all judged slices (Holm: family-wise error; Benjamini-Hochberg:
false discovery rate) before the evidence rule decides. The worst slices are listed first.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.gates._compare_text import fmt, fmt_p, power, power_text, sentence, status_of, worsening_limit
from mlgate.gates._slice_groups import Slice, build_slices, cell_slices
from mlgate.gates.interface import Gate
from mlgate.metrics_registry import METRICS, Direction
from mlgate.result import Check, GateResult, Status, severity

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config.data import DataConfig
    from mlgate.config.gates import SlicesSection
    from mlgate.stats.paired import Comparison

_CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no"}
# Too-small slices listed one by one per column; the rest are counted in a note.
_MAX_SMALL_LISTED = 20


class SlicesGate(Gate["SlicesSection"]):
    name = "slices"

    def columns(self, section: SlicesSection, data: DataConfig) -> set[str]:
        return set(section.columns)

    def run(self, inputs: GateInputs, section: SlicesSection) -> GateResult:
        import numpy as np

        from mlgate.stats.decision import alpha, decide, rule_p
        from mlgate.stats.multiple import adjust
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

        raw = np.array([rule_p(c, gate.max_drop, gate.decision) for _, c in judged])
        adjusted = adjust(raw, gate.correction)
        a = alpha(gate.confidence)
        label = "adjusted p" if gate.correction != "none" else "p"
        family = f"{_CORRECTION_NAMES[gate.correction]} correction across {len(judged)} judged slices"
        checks: list[tuple[Check, float]] = []
        for (sl, cmp), p_adj, p_raw in zip(judged, adjusted, raw, strict=True):
            outcome = decide(cmp, gate.max_drop, gate.decision, gate.confidence, p=float(p_adj))
            what = f"{gate.metric} on {sl.column} = {sl.label} ({sl.size} rows)"
            text = sentence(
                what,
                cmp,
                outcome,
                gate.max_drop,
                confidence=gate.confidence,
                alpha=a,
                p=float(p_adj),
                p_label=label,
                rule=gate.decision,
            )
            mde, rows = power(cmp, gate.max_drop, a, outcome)
            text = power_text(text, mde, rows, outcome)
            checks.append(
                (
                    Check(
                        name=f"{sl.column} = {sl.label}",
                        status=status_of(outcome, "error"),
                        message=text,
                        metric=gate.metric,
                        attribute=sl.column,
                        group=sl.label,
                        value=cmp.candidate,
                        baseline=cmp.baseline,
                        delta=cmp.delta,
                        threshold=gate.max_drop,
                        limit=worsening_limit(
                            METRICS[gate.metric].direction is not Direction.LOWER, gate.max_drop, cmp.baseline
                        ),
                        ci_low=cmp.ci_low,
                        ci_high=cmp.ci_high,
                        p_value=float(p_adj),
                        mde=mde,
                        rows_needed=rows,
                        family=family,
                        details={
                            "rows": int(sl.size),
                            "p_raw": float(p_raw),
                            "p_worse": cmp.p_worse,
                            "outcome": outcome.value,
                            "worse_by": cmp.worse_by,
                            "method": cmp.method,
                        },
                    ),
                    cmp.worse_by,
                )
            )
        # Worst first: by status, then by how much worse the candidate is on the slice.
        checks.sort(key=lambda cw: (-severity(cw[0].status), -cw[1]))
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
        notes = [
            f"{len(judged)} slices judged with the paired comparison of {gate.metric} "
            f"({gate.confidence:.0%} intervals, not adjusted); {_CORRECTION_NAMES[gate.correction]} "
            f"correction of the p-values across them (the family: all {len(judged)} judged slices), "
            f"a slice fails when it is worse by more than {fmt(gate.max_drop)} with {label} < {a:.3g}"
            + (
                " (decision rule 'margin': the drop beyond the allowed drop is tested)"
                if gate.decision == "margin"
                else ""
            )
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
            summary=self._summary(out, len(small), gate.metric),
            notes=tuple(notes),
        )

    @staticmethod
    def _summary(checks: list[Check], n_small: int, metric: str) -> str:
        judged = [c for c in checks if c.status is not Status.SKIP]
        failed = [c for c in judged if c.status is Status.FAIL]
        warned = [c for c in judged if c.status is Status.WARN]
        tail = f"; {n_small} too small to judge" if n_small else ""
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

"""``slices`` gate: the paired candidate-vs-baseline comparison within each slice of the eval data.

A model can be better overall and much worse for one segment. Each value of a configured column (and
each quantile bin of a numeric one) gets the same paired comparison as the performance gate; slices
smaller than ``min_size`` are "too small to judge", never failed. Because many slices are tested at
once, the p-values are adjusted across all judged slices (Holm: family-wise error; Benjamini-Hochberg:
false discovery rate) before the evidence rule decides. The worst slices are listed first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.gates._compare_text import fmt, fmt_p, sentence, status_of
from mlgate.gates.interface import Gate, GateInputs
from mlgate.result import Check, GateResult, Status, severity

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.io.lazy import Table
    from mlgate.stats.paired import Comparison

MISSING = "(missing)"
_CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no"}
# Too-small slices listed one by one per column; the rest are counted in a note.
_MAX_SMALL_LISTED = 20


@dataclass(frozen=True)
class Slice:
    column: str
    label: str
    rows: np.ndarray  # row positions in the eval data


def _fmt_edge(x: float) -> str:
    return f"{x:.4g}"


def slice_codes(col: pd.Series, bins: int) -> tuple[np.ndarray, list[str]]:
    """Integer code per row and the label of each code; numeric columns with many values are binned.

    Quantile bins (``pandas.qcut``) give slices of similar size, so each has a similar chance to be
    judged; repeated quantiles (a skewed column) are merged rather than producing empty bins.
    """
    import numpy as np
    import pandas as pd

    missing = col.isna().to_numpy()
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if numeric and col.nunique(dropna=True) > bins:
        binned = pd.qcut(col, q=bins, duplicates="drop")
        cats = binned.cat.categories
        labels = [
            f"{'[' if i == 0 else '('}{_fmt_edge(iv.left)}, {_fmt_edge(iv.right)}]"
            for i, iv in enumerate(cats)
        ]
        codes = binned.cat.codes.to_numpy().astype("int64")
    else:
        codes_raw, uniques = pd.factorize(col.astype("string"), use_na_sentinel=True)
        codes = np.asarray(codes_raw, dtype="int64")
        labels = [str(u) for u in uniques]
    if missing.any():
        codes = np.where(missing, len(labels), codes)
        labels.append(MISSING)
    return codes, labels


def build_slices(frame: Table, columns: tuple[str, ...], bins: int, where: str) -> list[Slice]:
    import numpy as np

    out: list[Slice] = []
    for col in columns:
        if col not in frame.columns:
            raise InputError(
                f"gates.slices.columns: no column '{col}' in {where}",
                hint=f"columns found: {', '.join(map(str, frame.columns[:30]))}",
            )
        codes, labels = slice_codes(frame[col], bins)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
        for j, label in enumerate(labels):
            rows = order[bounds[j] : bounds[j + 1]]
            if rows.size:
                out.append(Slice(col, label, rows))
    return out


class SlicesGate(Gate):
    name = "slices"

    def run(self, inputs: GateInputs) -> GateResult:
        import numpy as np

        from mlgate.stats.decision import alpha, decide
        from mlgate.stats.multiple import adjust
        from mlgate.stats.paired import compare

        cfg = inputs.loaded.config
        gate = cfg.gates.slices
        assert gate is not None
        cand, base = inputs.candidate, inputs.baseline
        if cand is None or base is None:
            missing = "candidate" if cand is None else "baseline"
            why = inputs.problems.get(missing, f"no {missing} predictions")
            raise InputError(
                f"slices: {why}",
                hint=f"slices compare paired predictions: set {missing}.predictions or .model",
            )
        ev = inputs.eval
        k = len(ev.classes)
        slices = build_slices(ev.frame, gate.columns, gate.bins, ev.source)
        judged: list[tuple[Slice, Comparison]] = []
        small: list[Slice] = []
        undefined: list[Slice] = []
        over_cap: dict[str, int] = {}
        per_column: dict[str, int] = {}
        root = np.random.SeedSequence(gate.seed)
        ordered = sorted(slices, key=lambda s: -s.rows.size)
        for sl, seed in zip(ordered, root.spawn(len(ordered)), strict=True):
            if sl.rows.size < gate.min_size:
                small.append(sl)
                continue
            if per_column.get(sl.column, 0) >= gate.max_slices:
                over_cap[sl.column] = over_cap.get(sl.column, 0) + 1
                continue
            per_column[sl.column] = per_column.get(sl.column, 0) + 1
            r = sl.rows
            try:
                cmp = compare(
                    [gate.metric],
                    cfg.task,
                    ev.y_true[r],
                    k,
                    cand_pred=cand.y_pred[r],
                    cand_scores=None if cand.scores is None else cand.scores[r],
                    base_pred=base.y_pred[r],
                    base_scores=None if base.scores is None else base.scores[r],
                    confidence=gate.confidence,
                    n_boot=gate.n_boot,
                    seed=seed,
                )[gate.metric]
            except InputError as exc:
                raise InputError(f"gates.slices.metric: {exc.message}", hint=exc.hint) from None
            if not (math.isfinite(cmp.delta) and math.isfinite(cmp.p_worse)):
                undefined.append(sl)
                continue
            judged.append((sl, cmp))

        adjusted = adjust(np.array([c.p_worse for _, c in judged]), gate.correction)
        a = alpha(gate.confidence)
        label = "adjusted p" if gate.correction != "none" else "p"
        checks: list[tuple[Check, float]] = []
        for (sl, cmp), p_adj in zip(judged, adjusted, strict=True):
            outcome = decide(cmp, gate.max_drop, "evidence", gate.confidence, p=float(p_adj))
            what = f"{gate.metric} on {sl.column} = {sl.label} ({sl.rows.size} rows)"
            text = sentence(
                what,
                cmp,
                outcome,
                gate.max_drop,
                confidence=gate.confidence,
                alpha=a,
                p=float(p_adj),
                p_label=label,
            )
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
                        ci_low=cmp.ci_low,
                        ci_high=cmp.ci_high,
                        p_value=float(p_adj),
                        details={
                            "rows": int(sl.rows.size),
                            "p_raw": cmp.p_worse,
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
                details={"rows": int(sl.rows.size)},
                message=message,
            )

        for sl in undefined:
            out.append(not_judged(sl, f"{gate.metric} is undefined on {sl.column} = {sl.label} "
                                      f"({sl.rows.size} rows, e.g. one class only): not judged."))
        for sl in small:
            listed[sl.column] = listed.get(sl.column, 0) + 1
            if listed[sl.column] > _MAX_SMALL_LISTED:
                continue
            out.append(not_judged(sl, f"{sl.column} = {sl.label}: too small to judge ({sl.rows.size} rows "
                                      f"< min_size {gate.min_size})."))
        notes = [
            f"{len(judged)} slices judged with the paired comparison of {gate.metric} "
            f"({gate.confidence:.0%} intervals, not adjusted); {_CORRECTION_NAMES[gate.correction]} "
            f"correction of the p-values across them, a slice fails when it is worse by more than "
            f"{fmt(gate.max_drop)} with {label} < {a:.3g}. Numeric columns are cut into {gate.bins} "
            "quantile bins."
        ]
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

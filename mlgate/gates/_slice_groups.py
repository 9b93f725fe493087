"""The slices of the eval rows: one per value of a column, or per quantile bin of a numeric one
(:mod:`mlgate.engines.slicing` defines them, the same on every engine), and each judged slice's check.

For a confusion metric a slice holds its (label, candidate, baseline) cell counts, counted by the eval
table's engine (:meth:`mlgate.engines.interface.Engine.slice_cells`): the slice columns stay where the
table is. A row-level metric (e.g. roc_auc) needs each slice's row positions, from the column read
alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlgate.engines.slicing import slice_codes
from mlgate.errors import InputError
from mlgate.gates._compare_text import power, power_text, sentence, status_of, worsening_limit
from mlgate.metrics_registry import METRICS, Direction
from mlgate.result import Check
from mlgate.text import one_line, quote

if TYPE_CHECKING:
    import numpy as np

    from mlgate.bundle import EvalData
    from mlgate.config.gates import SlicesSection
    from mlgate.datatable import DataTable
    from mlgate.stats.paired import Comparison

CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no"}


@dataclass(frozen=True)
class Slice:
    """One slice: its row positions, or its joint cell counts, and its size."""

    column: str
    label: str
    size: int
    rows: np.ndarray | None = None
    cells: np.ndarray | None = None  # flat (label, candidate, baseline) counts, as stats.bootstrap


def _absent(col: str, frame: DataTable, where: str) -> InputError:
    return InputError(
        f"gates.slices.columns: no column {quote(col)} in {where}",
        hint=f"columns found: {', '.join(one_line(c, 60) for c in frame.columns[:30])}",
    )


def build_slices(frame: DataTable, columns: tuple[str, ...], bins: int, where: str) -> list[Slice]:
    """Slices holding their row positions."""
    import numpy as np

    out: list[Slice] = []
    for col in columns:
        if col not in frame.columns:
            raise _absent(col, frame, where)
        codes, labels = slice_codes(frame[col], bins)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
        for j, label in enumerate(labels):
            rows = order[bounds[j] : bounds[j + 1]]
            if rows.size:
                out.append(Slice(col, label, int(rows.size), rows=rows))
    return out


def cell_slices(
    ev: EvalData, cand: np.ndarray, base: np.ndarray, columns: tuple[str, ...], bins: int
) -> list[Slice]:
    """Slices holding their joint cell counts, counted by the eval table's engine."""
    from mlgate.engines.interface import RowCodes, engine_of

    table = ev.frame
    for col in columns:
        if col not in table.columns:
            raise _absent(col, table, ev.source)
    engine = engine_of(table)
    codes = RowCodes(ev.y_true, cand, base, len(ev.classes))
    out: list[Slice] = []
    for col in columns:
        labels, cells = engine.slice_cells(col, bins, codes)
        for j, label in enumerate(labels):
            size = int(cells[j].sum())
            if size:
                out.append(Slice(col, label, size, cells=cells[j]))
    return out


def judge_slices(
    judged: list[tuple[Slice, Comparison]], gate: SlicesSection
) -> list[tuple[Check, Comparison]]:
    """Each judged slice's check under the gate's rule, in the order given.

    ``margin`` and ``evidence`` fail on the p-values adjusted across the judged slices; ``strict`` has
    no p-value to adjust: a slice passes only when its whole interval is within the allowed drop, so
    the gate passes only when every slice does (an intersection-union test, valid without a
    correction), and the check shows the unadjusted p-value against zero, as the performance gate does.
    """
    import numpy as np

    from mlgate.stats.decision import alpha, decide, rule_p
    from mlgate.stats.multiple import adjust

    strict = gate.decision == "strict"
    raw = np.array([rule_p(c, gate.max_drop, gate.decision) for _, c in judged])
    adjusted = raw if strict else adjust(raw, gate.correction)
    a = alpha(gate.confidence)
    label = "adjusted p" if gate.correction != "none" else "p"
    family = f"{CORRECTION_NAMES[gate.correction]} correction across {len(judged)} judged slices"
    out: list[tuple[Check, Comparison]] = []
    for (sl, cmp), p_adj, p_raw in zip(judged, adjusted, raw, strict=True):
        outcome = decide(cmp, gate.max_drop, gate.decision, gate.confidence, p=float(p_adj))
        what = f"{gate.metric} on {sl.column} = {sl.label} ({sl.size} rows)"
        text = sentence(
            what, cmp, outcome, gate.max_drop, confidence=gate.confidence, alpha=a, p=float(p_adj),
            p_label=label, rule=gate.decision,
        )
        mde, rows = power(cmp, gate.max_drop, a, outcome)
        check = Check(
            name=f"{sl.column} = {sl.label}",
            status=status_of(outcome, "error"),
            message=power_text(text, mde, rows, outcome),
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
            p_value=cmp.p_worse if strict else float(p_adj),
            mde=mde,
            rows_needed=rows,
            family=None if strict else family,
            details={
                "rows": int(sl.size),
                "p_raw": float(p_raw),
                "p_worse": cmp.p_worse,
                "outcome": outcome.value,
                "worse_by": cmp.worse_by,
                "method": cmp.method,
            },
        )
        out.append((check, cmp))
    return out

"""The slices of the eval rows: one per value of a column, or per quantile bin of a numeric one
(:mod:`mlgate.engines.slicing` defines them, the same on every engine).

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
from mlgate.text import one_line, quote

if TYPE_CHECKING:
    import numpy as np

    from mlgate.bundle import EvalData
    from mlgate.datatable import DataTable


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

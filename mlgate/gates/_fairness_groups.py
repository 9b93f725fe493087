"""Sensitive columns of the eval data -> integer group codes, for the fairness gate.

A missing sensitive value is, by default (``missing: group``), its own group named ``(missing)``:
rows whose attribute was not collected are people too, and a model that treats them differently is
worth seeing; dropping them would hide them. ``missing: error`` makes them an input error instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mlgate.errors import InputError

if TYPE_CHECKING:

    from mlgate.config.gates import FairnessGate
    from mlgate.io.lazy import Table

MISSING = "(missing)"
# More distinct values than this is a continuous column (e.g. age), not a set of groups.
MAX_GROUPS = 50


@dataclass(frozen=True)
class Attribute:
    """One sensitive attribute (a column, or an intersection of columns) as group codes."""

    name: str
    columns: tuple[str, ...]
    codes: np.ndarray  # int64 group index per row
    labels: tuple[str, ...]  # group names, sorted
    ref: int | None = None  # index of the reference group, if configured


def _column_codes(
    frame: Table, col: str, gate: FairnessGate, source: str, header: Callable[[], list[str]]
) -> tuple[np.ndarray, list[str]]:
    import pandas as pd

    if col not in frame.columns:
        # The frame may hold only the columns the gates asked for; the file's header has them all.
        known = header()
        close = difflib.get_close_matches(col, known, n=1)
        raise InputError(
            f"{source}: no column '{col}' (gates.fairness.sensitive)",
            hint=f"did you mean '{close[0]}'?" if close else f"columns found: {', '.join(known[:30])}",
        )
    codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
    labels = [str(u) for u in uniques]
    missing = codes < 0
    if missing.any():
        row = int(np.argmax(missing)) + 1
        if gate.missing == "error":
            raise InputError(
                f"{source}: row {row}: sensitive column '{col}' is missing in {int(missing.sum())} rows",
                hint=f"fill it, or set gates.fairness.missing: group to judge those rows as '{MISSING}'",
            )
        if MISSING in labels:
            raise InputError(
                f"{source}: column '{col}' has both missing values and the literal value '{MISSING}'",
                hint="rename that value, or set gates.fairness.missing: error",
            )
        codes = np.where(missing, len(labels), codes)
        labels.append(MISSING)
    if len(set(labels)) != len(labels):  # e.g. 1 and "1" in one object column
        raise InputError(f"{source}: column '{col}' mixes values that print alike: {sorted(labels)[:6]}")
    if len(labels) > MAX_GROUPS:
        raise InputError(
            f"{source}: sensitive column '{col}' has {len(labels)} distinct values; "
            f"fairness compares groups (at most {MAX_GROUPS})",
            hint=f"bin it into a categorical column (e.g. {col}_group) and name that one",
        )
    order = np.argsort(np.array(labels, dtype=object), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[codes].astype(np.int64), [labels[i] for i in order]


def attributes(
    frame: Table, gate: FairnessGate, source: str, header: Callable[[], list[str]] | None = None
) -> list[Attribute]:
    """Each sensitive column, then each intersection (only the combinations present are groups).

    ``header`` lists every column of the source file, for the hint when a column is absent.
    """
    columns = header or (lambda: [str(c) for c in frame.columns])
    single: dict[str, tuple[np.ndarray, list[str]]] = {}
    refs = gate.reference_group or {}
    for col in dict.fromkeys([*gate.sensitive, *(c for combo in gate.intersections for c in combo)]):
        single[col] = _column_codes(frame, col, gate, source, columns)
    out = []
    for col in gate.sensitive:
        codes, labels = single[col]
        ref = None
        if col in refs:
            if refs[col] not in labels:
                raise InputError(
                    f"gates.fairness.reference_group.{col}: no group '{refs[col]}' in {source}",
                    hint=f"groups of '{col}': {', '.join(labels[:20])}",
                )
            ref = labels.index(refs[col])
        out.append(Attribute(col, (col,), codes, tuple(labels), ref))
    for combo in gate.intersections:
        combined = np.zeros(len(frame), dtype=np.int64)
        for col in combo:
            codes, labels = single[col]
            combined = combined * len(labels) + codes
        present, inverse = np.unique(combined, return_inverse=True)
        names = []
        for value in present.tolist():
            parts = []
            for col in reversed(combo):
                labels = single[col][1]
                value, i = divmod(value, len(labels))
                parts.append(labels[i])
            names.append(" & ".join(reversed(parts)))
        ref_name = " & ".join(refs[c] for c in combo) if all(c in refs for c in combo) else None
        ref = names.index(ref_name) if ref_name in names else None
        out.append(Attribute(" & ".join(combo), tuple(combo), inverse.astype(np.int64), tuple(names), ref))
    return out

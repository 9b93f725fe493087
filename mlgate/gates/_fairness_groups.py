"""Sensitive columns of the eval data -> integer group codes, for the fairness gate.

A missing sensitive value is, by default (``missing: group``), its own group named ``(missing)``:
rows whose attribute was not collected are people too, and a model that treats them differently is
worth seeing; dropping them would hide them. ``missing: error`` makes them an input error instead.

The codes index the :class:`~mlgate.engines.interface.GroupRows` the eval table's engine counts:
every eval row, or each distinct combination of sensitive values, label and predictions with its
row count (the sensitive columns then stay where the table is). Groups are named, ordered and
checked by the same code on every engine.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mlgate.engines.interface import GroupRows
from mlgate.errors import InputError
from mlgate.text import one_line, quote

if TYPE_CHECKING:

    from mlgate.bundle import GateInputs
    from mlgate.config.gates import FairnessSection

MISSING = "(missing)"
# More distinct values than this is a continuous column (e.g. age), not a set of groups.
MAX_GROUPS = 50


@dataclass(frozen=True)
class Attribute:
    """One sensitive attribute (a column, or an intersection of columns) as group codes."""

    name: str
    columns: tuple[str, ...]
    codes: np.ndarray  # int64 group index per entry of the GroupRows
    labels: tuple[str, ...]  # group names, sorted
    ref: int | None = None  # index of the reference group, if configured


def _names(values: Iterable[object]) -> str:
    """Column or group names from the data, listed in a message: each one an inert, short line."""
    return ", ".join(one_line(v, 60) for v in values)


def _unknown(col: str, source: str, header: Callable[[], list[str]]) -> InputError:
    # The frame may hold only the columns the gates asked for; the file's header has them all.
    known = header()
    close = difflib.get_close_matches(col, known, n=1)
    return InputError(
        f"{source}: no column {quote(col)} (gates.fairness.sensitive)",
        hint=f"did you mean {quote(close[0])}?" if close else f"columns found: {_names(known[:30])}",
    )


def _check_column(
    col: str,
    labels: list[str],
    n_missing: int,
    first_row: Callable[[], int],
    gate: FairnessSection,
    source: str,
    n_values: int | None = None,
) -> None:
    """The checks of one column's groups (``labels``: its distinct values as text; ``n_values``: how
    many there are when ``labels`` does not list them)."""
    if n_missing:
        if gate.missing == "error":
            raise InputError(
                f"{source}: row {first_row()}: sensitive column {quote(col)} is missing in {n_missing} rows",
                hint=f"fill it, or set gates.fairness.missing: group to judge those rows as '{MISSING}'",
            )
        if MISSING in labels:
            raise InputError(
                f"{source}: column {quote(col)} has both missing values and the literal value '{MISSING}'",
                hint="rename that value, or set gates.fairness.missing: error",
            )
    if len(set(labels)) != len(labels):  # e.g. 1 and "1" in one object column
        alike = ", ".join(quote(v, 60) for v in sorted(labels)[:6])
        raise InputError(f"{source}: column {quote(col)} mixes values that print alike: {alike}")
    total = (len(labels) if n_values is None else n_values) + (1 if n_missing else 0)
    if total > MAX_GROUPS:
        raise InputError(
            f"{source}: sensitive column {quote(col)} has {total} distinct values; "
            f"fairness compares groups (at most {MAX_GROUPS})",
            hint=f"bin it into a categorical column (e.g. {one_line(col, 60)}_group) and name that one",
        )


def _column_codes(
    rows: GroupRows, col: str, gate: FairnessSection, source: str, header: Callable[[], list[str]]
) -> tuple[np.ndarray, list[str]]:
    import pandas as pd

    if col not in rows.columns:
        raise _unknown(col, source, header)
    codes, uniques = pd.factorize(rows.values(col), use_na_sentinel=True)
    labels = [str(u) for u in uniques]
    missing = codes < 0
    n_missing = int(missing.sum() if rows.count is None else rows.count[missing].sum())
    _check_column(col, labels, n_missing, lambda: rows.first_missing(col, missing), gate, source)
    if n_missing:
        codes = np.where(missing, len(labels), codes)
        labels.append(MISSING)
    order = np.argsort(np.array(labels, dtype=object), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[codes].astype(np.int64), [labels[i] for i in order]


def needed_columns(gate: FairnessSection) -> list[str]:
    """The sensitive columns and those of the intersections, in the order they are checked."""
    return list(dict.fromkeys([*gate.sensitive, *(c for combo in gate.intersections for c in combo)]))


def attributes(
    rows: GroupRows, gate: FairnessSection, source: str, header: Callable[[], list[str]] | None = None
) -> list[Attribute]:
    """Each sensitive column, then each intersection (only the combinations present are groups).

    ``header`` lists every column of the source file, for the hint when a column is absent.
    """
    columns = header or (lambda: [str(c) for c in rows.columns])
    single: dict[str, tuple[np.ndarray, list[str]]] = {}
    refs = gate.reference_group or {}
    for col in needed_columns(gate):
        single[col] = _column_codes(rows, col, gate, source, columns)
    out = []
    for col in gate.sensitive:
        codes, labels = single[col]
        ref = None
        if col in refs:
            if refs[col] not in labels:
                raise InputError(
                    f"gates.fairness.reference_group.{one_line(col, 60)}: "
                    f"no group {quote(refs[col])} in {source}",
                    hint=f"groups of {quote(col)}: {_names(labels[:20])}",
                )
            ref = labels.index(refs[col])
        out.append(Attribute(col, (col,), codes, tuple(labels), ref))
    for combo in gate.intersections:
        combined = np.zeros(rows.size, dtype=np.int64)
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


def group_rows(inputs: GateInputs, gate: FairnessSection, regression: bool) -> GroupRows:
    """The rows' counts (regression: error sums) by combination of sensitive values, from the eval
    table's engine."""
    from mlgate.engines.interface import ColumnSummary, GroupQuery, RowCodes, engine_of

    ev, cand, base = inputs.eval, inputs.candidate, inputs.baseline
    assert cand is not None
    codes = RowCodes(ev.y_true, cand.y_pred, base.y_pred if base is not None else None, len(ev.classes))

    def too_many(s: ColumnSummary) -> None:
        # The error the checks on the groups give, raised before an engine groups by every value.
        literal = s.missing > 0 and gate.missing != "error" and s.has_text(MISSING)
        labels = [MISSING] if literal else []
        _check_column(s.column, labels, s.missing, s.first_missing, gate, ev.source, n_values=s.distinct)

    query = GroupQuery(tuple(needed_columns(gate)), codes, regression, MAX_GROUPS, too_many)
    return engine_of(ev.frame).group_rows(query)

"""Sensitive columns of the eval data -> integer group codes, for the fairness gate.

A missing sensitive value is, by default (``missing: group``), its own group named ``(missing)``:
rows whose attribute was not collected are people too, and a model that treats them differently is
worth seeing; dropping them would hide them. ``missing: error`` makes them an input error instead.

The codes index :class:`GroupRows`: with pandas, every eval row; with ``data.engine: spark``, each
distinct combination of sensitive values, label and predictions counted in Spark (the sensitive
columns never leave Spark). Groups are named, ordered and checked by the same code on both.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mlgate.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.bundle import GateInputs
    from mlgate.config.gates import FairnessGate

MISSING = "(missing)"
# More distinct values than this is a continuous column (e.g. age), not a set of groups.
MAX_GROUPS = 50


@dataclass(frozen=True)
class GroupRows:
    """What the group codes index, and the statistics counted per entry.

    ``values(col)`` gives one raw value per entry; ``count`` is the number of eval rows each entry
    stands for (None: one each); ``y``, ``cand``, ``base`` the class codes per entry (classification),
    ``sums`` the error sums per entry (regression, :func:`mlgate.stats.fairness.error_terms`).
    ``first_missing(col, mask)`` is the 1-based eval row of the column's first missing value, where
    ``mask`` marks the entries that are missing.
    """

    size: int
    columns: Sequence[str]
    values: Callable[[str], pd.Series]
    first_missing: Callable[[str, np.ndarray], int]
    count: np.ndarray | None = None
    y: np.ndarray | None = None
    cand: np.ndarray | None = None
    base: np.ndarray | None = None
    sums: np.ndarray | None = None


@dataclass(frozen=True)
class Attribute:
    """One sensitive attribute (a column, or an intersection of columns) as group codes."""

    name: str
    columns: tuple[str, ...]
    codes: np.ndarray  # int64 group index per entry of the GroupRows
    labels: tuple[str, ...]  # group names, sorted
    ref: int | None = None  # index of the reference group, if configured


def _unknown(col: str, source: str, header: Callable[[], list[str]]) -> InputError:
    # The frame may hold only the columns the gates asked for; the file's header has them all.
    known = header()
    close = difflib.get_close_matches(col, known, n=1)
    return InputError(
        f"{source}: no column '{col}' (gates.fairness.sensitive)",
        hint=f"did you mean '{close[0]}'?" if close else f"columns found: {', '.join(known[:30])}",
    )


def _check_column(
    col: str,
    labels: list[str],
    n_missing: int,
    first_row: Callable[[], int],
    gate: FairnessGate,
    source: str,
    n_values: int | None = None,
) -> None:
    """The checks of one column's groups (``labels``: its distinct values as text; ``n_values``: how
    many there are when ``labels`` does not list them)."""
    if n_missing:
        if gate.missing == "error":
            raise InputError(
                f"{source}: row {first_row()}: sensitive column '{col}' is missing in {n_missing} rows",
                hint=f"fill it, or set gates.fairness.missing: group to judge those rows as '{MISSING}'",
            )
        if MISSING in labels:
            raise InputError(
                f"{source}: column '{col}' has both missing values and the literal value '{MISSING}'",
                hint="rename that value, or set gates.fairness.missing: error",
            )
    if len(set(labels)) != len(labels):  # e.g. 1 and "1" in one object column
        raise InputError(f"{source}: column '{col}' mixes values that print alike: {sorted(labels)[:6]}")
    total = (len(labels) if n_values is None else n_values) + (1 if n_missing else 0)
    if total > MAX_GROUPS:
        raise InputError(
            f"{source}: sensitive column '{col}' has {total} distinct values; "
            f"fairness compares groups (at most {MAX_GROUPS})",
            hint=f"bin it into a categorical column (e.g. {col}_group) and name that one",
        )


def _column_codes(
    rows: GroupRows, col: str, gate: FairnessGate, source: str, header: Callable[[], list[str]]
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


def needed_columns(gate: FairnessGate) -> list[str]:
    """The sensitive columns and those of the intersections, in the order they are checked."""
    return list(dict.fromkeys([*gate.sensitive, *(c for combo in gate.intersections for c in combo)]))


def attributes(
    rows: GroupRows, gate: FairnessGate, source: str, header: Callable[[], list[str]] | None = None
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
                    f"gates.fairness.reference_group.{col}: no group '{refs[col]}' in {source}",
                    hint=f"groups of '{col}': {', '.join(labels[:20])}",
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


def spark_guard(frame: Any, columns: Sequence[str], gate: FairnessGate, source: str) -> None:
    """Refuse, before counting in Spark, the columns with too many values to be groups, with the
    error the local checks give (so a continuous column is never grouped by in full).

    Spark columns hold one type, so values cannot "print alike" here.
    """
    from mlgate.engines.spark_stats import distinct_counts, first_missing_row, present

    known = [c for c in columns if c in frame.columns]
    counts = distinct_counts(frame, known)
    for col in columns:
        if col not in known:
            break  # the local checks raise it, after the columns before it
        distinct, n_missing = counts[col]
        if distinct + (1 if n_missing else 0) <= MAX_GROUPS:
            continue
        literal = (
            n_missing > 0
            and gate.missing != "error"
            and dict(frame.dtypes)[col] == "string"
            and frame.where(present(frame, col) == MISSING).limit(1).count() > 0
        )
        _check_column(
            col,
            [MISSING] if literal else [],
            n_missing,
            lambda: first_missing_row(frame, col),  # noqa: B023 - called before the loop moves on
            gate,
            source,
            n_values=distinct,
        )


def local_rows(inputs: GateInputs, regression: bool) -> GroupRows:
    """Every eval row, with the driver's label and predictions (the pandas engine)."""
    from mlgate.stats.fairness import error_terms

    ev, cand, base = inputs.eval, inputs.candidate, inputs.baseline
    assert cand is not None
    frame = ev.frame
    base_pred = base.y_pred if base is not None else None
    return GroupRows(
        size=len(frame),
        columns=frame.columns,
        values=lambda c: frame[c],
        first_missing=lambda _, missing: int(np.argmax(missing)) + 1,
        y=ev.y_true,
        cand=cand.y_pred,
        base=base_pred,
        sums=error_terms(ev.y_true, cand.y_pred, base_pred) if regression else None,
    )


def spark_rows(inputs: GateInputs, gate: FairnessGate, regression: bool) -> GroupRows:
    """Each distinct combination of the sensitive values with the label and prediction codes and its
    row count (regression: its error sums), counted in Spark (``data.engine: spark``)."""
    from pyspark.sql import functions as F

    from mlgate.engines.spark_stats import column, counts_by, first_missing_row
    from mlgate.gates._spark_counts import BASE, CAND, LABEL, coded

    table, source = inputs.eval.frame, inputs.eval.source
    frame = table.spark
    needed = needed_columns(gate)
    spark_guard(frame, needed, gate, source)
    known = [c for c in needed if c in table.columns]
    data = coded(inputs)
    groups = [column(c) for c in known]
    has_base = inputs.baseline is not None
    sums = None
    if regression:
        y, a = F.col(LABEL), F.col(CAND)
        ea = a - y
        eb = F.col(BASE) - y if has_base else F.lit(0.0)
        terms = [F.abs(ea), ea * ea, ea, F.abs(eb), eb * eb, eb, F.abs(ea) * F.abs(eb)]
        t = counts_by(data, groups, sums=terms)
        sums = np.column_stack([t["n"], *[t[f"s{i}"] for i in range(7)]]).astype(np.float64)
    else:
        t = counts_by(data, groups, [LABEL, CAND, *([BASE] if has_base else [])])
    name = {c: f"g{i}" for i, c in enumerate(known)}

    def codes(key: str) -> np.ndarray | None:
        return None if regression or key not in t else t[key].to_numpy(dtype=np.int64)

    return GroupRows(
        size=len(t),
        columns=table.columns,
        values=lambda c: t[name[c]],
        first_missing=lambda c, _: first_missing_row(frame, c),
        count=t["n"].to_numpy(dtype=np.int64),
        y=codes(LABEL),
        cand=codes(CAND),
        base=codes(BASE),
        sums=sums,
    )

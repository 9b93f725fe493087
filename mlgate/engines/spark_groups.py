"""Counts by slice and by group computed in Spark (``data.engine: spark``): the joint (label,
candidate, baseline) cells of each slice and of each combination of sensitive values, or its error
sums (regression). The grouping columns never leave Spark.

The label and predictions are validated and encoded on the driver; they are joined to the Spark rows
by position (:meth:`mlgate.engines.spark.SparkTable.with_codes`) under the same names for every
question, so the joined frame is built once and shared by the performance, slices and fairness gates.
Categorical slices are named and ordered (by first appearance) by the same local code as on the
driver, run on Spark's table of counts; numeric columns are cut at the edges ``pandas.qcut`` would
choose, computed from the few order statistics numpy's quantile reads (found in Spark), then bucketed
in Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from mlgate.engines.interface import ColumnSummary, GroupQuery, GroupRows, RowCodes
from mlgate.engines.slicing import (
    MISSING,
    cells_by_code,
    cut_labels,
    linear_quantiles,
    qcut_quantiles,
    slice_codes,
)
from mlgate.engines.spark_stats import (
    bucket,
    column,
    counts_by,
    distinct_counts,
    first_missing_row,
    order_statistics,
    present,
)

if TYPE_CHECKING:
    from mlgate.engines.spark import SparkTable

LABEL, CAND, BASE = "__mlgate_y__", "__mlgate_cand__", "__mlgate_base__"
# Spark types pandas reads as numbers (decimal arrives as Python objects, boolean as bool).
_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double")


def coded(table: SparkTable, codes: RowCodes) -> Any:
    """The Spark rows with columns LABEL, CAND (and BASE when there is a baseline)."""
    values = {LABEL: codes.y, CAND: codes.cand}
    if codes.base is not None:
        values[BASE] = codes.base
    return table.with_codes(values)


def slice_cells(table: SparkTable, col: str, bins: int, codes: RowCodes) -> tuple[list[str], np.ndarray]:
    """One column's slices with their cell counts from Spark; the column is never collected."""
    frame, k = table.spark, codes.k
    types = dict(frame.dtypes)
    data = coded(table, codes)
    keys = [LABEL, CAND, BASE]
    counts = distinct_counts(frame, [col]) if types[col] in _NUMERIC else {}
    if col in counts and counts[col][0] > bins:
        n_missing = counts[col][1]
        n = len(table) - n_missing

        def at(ranks: np.ndarray) -> np.ndarray:
            values = order_statistics(frame, col, ranks.tolist())
            # The dtype pandas reads the column as: float64 for integers with missing values.
            if types[col] == "float":
                return values.astype(np.float32)
            return values.astype(np.float64) if n_missing and values.dtype.kind in "iu" else values

        edges, labels = cut_labels(linear_quantiles(n, qcut_quantiles(bins), at))
        t = counts_by(data, [bucket(data, col, edges.tolist())], keys)
        missing = t["g0"].isna().to_numpy()
        rows = t["g0"].fillna(-1).to_numpy(dtype=np.int64)
        if missing.any():
            rows = np.where(missing, len(labels), rows)
            labels.append(MISSING)
    else:
        t = counts_by(data, [column(col)], keys, first_seen=True)
        # Values in the order of their first row, as factorize meets them in the column.
        t = t.sort_values("first", kind="stable").reset_index(drop=True)
        rows, labels = slice_codes(t["g0"], bins)
    joint = (t[LABEL].to_numpy(np.int64) * k + t[CAND].to_numpy(np.int64)) * k + t[BASE].to_numpy(np.int64)
    return labels, cells_by_code(rows, len(labels), joint, k, t["n"].to_numpy(np.float64))


def _guard(
    table: SparkTable, columns: Sequence[str], max_groups: int, too_many: Callable[[ColumnSummary], None]
) -> None:
    """Before counting, hand the columns with too many values to be groups to ``too_many`` (so a
    continuous column is never grouped by in full). Spark columns hold one type, so values cannot
    "print alike" here."""
    frame = table.spark
    known = [c for c in columns if c in table.columns]
    counts = distinct_counts(frame, known)
    for col in columns:
        if col not in known:
            break  # the gate's own checks report it, after the columns before it
        distinct, n_missing = counts[col]
        if distinct + (1 if n_missing else 0) <= max_groups:
            continue
        text = dict(frame.dtypes)[col] == "string"
        first = partial(first_missing_row, frame, col)
        too_many(ColumnSummary(col, distinct, n_missing, first, partial(_holds, frame, col, text)))


def _holds(frame: Any, col: str, text: bool, value: str) -> bool:
    """Whether a text column holds ``value`` (one small job)."""
    return text and frame.where(present(frame, col) == value).limit(1).count() > 0


def group_rows(table: SparkTable, query: GroupQuery) -> GroupRows:
    """Each distinct combination of the grouping values with the label and prediction codes and its
    row count (regression: its error sums), counted in Spark."""
    from pyspark.sql import functions as F

    frame, columns, codes, regression = table.spark, query.columns, query.codes, query.regression
    _guard(table, columns, query.max_groups, query.too_many)
    known = [c for c in columns if c in table.columns]
    data = coded(table, codes)
    groups = [column(c) for c in known]
    has_base = codes.base is not None
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

    def entry_codes(key: str) -> np.ndarray | None:
        return None if regression or key not in t else t[key].to_numpy(dtype=np.int64)

    return GroupRows(
        size=len(t),
        columns=table.columns,
        values=lambda c: t[name[c]],
        first_missing=lambda c, _: first_missing_row(frame, c),
        count=t["n"].to_numpy(dtype=np.int64),
        y=entry_codes(LABEL),
        cand=entry_codes(CAND),
        base=entry_codes(BASE),
        sums=sums,
    )

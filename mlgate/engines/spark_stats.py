"""Group-wise sufficient statistics computed in Spark; the decisions are taken locally from them.

Each function runs one ``groupBy().count()`` (or one ``agg``) on the cluster and returns a small count
table or numpy array that the local code in :mod:`mlgate.stats` takes as row weights (e.g. the
(group, label, candidate, baseline) cells of :func:`mlgate.stats.fairness.joint_confusion`), so the
same decision functions apply: a paired bootstrap of these cells is a paired bootstrap of rows.
Groups are counted by their raw values and named on the driver, as the pandas path names them.

Drift's value-count tables are in :mod:`mlgate.engines.spark_drift`, schema checks in
:mod:`mlgate.engines.spark_schema`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mlgate.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


# Columns mlgate adds to a Spark table: the row order key, and the 0-based row position.
ORDER = "__mlgate_row__"
POS = "__mlgate_pos__"
# Floating Spark types: their NaN is a value to Spark but missing to pandas.
FLOAT_TYPES = ("double", "float")


def column(name: str) -> Any:
    """A column by name, whatever characters the name holds (dots, spaces)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def missing(col: Any, spark_type: str) -> Any:
    """Null, or NaN in a floating column: what pandas counts as missing."""
    from pyspark.sql import functions as F

    return col.isNull() | F.isnan(col) if spark_type in FLOAT_TYPES else col.isNull()


def present(frame: Any, name: str) -> Any:
    """The column with NaN as null: pandas reads both as missing, Spark keeps NaN as a value."""
    from pyspark.sql import functions as F

    col = column(name)
    if dict(frame.dtypes)[name] in FLOAT_TYPES:
        return F.when(~F.isnan(col), col)
    return col


def distinct_counts(frame: Any, columns: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Per column: distinct values and missing rows (null or NaN), in one aggregate."""
    from pyspark.sql import functions as F

    if not columns:
        return {}
    exprs = []
    for i, c in enumerate(columns):
        v = present(frame, c)
        exprs += [F.countDistinct(v).alias(f"d{i}"), F.sum(v.isNull().cast("long")).alias(f"m{i}")]
    row = frame.agg(*exprs).first()
    return {c: (int(row[f"d{i}"]), int(row[f"m{i}"] or 0)) for i, c in enumerate(columns)}


def counts_by(
    frame: Any,
    groups: Sequence[Any],
    keys: Sequence[str] = (),
    *,
    sums: Sequence[Any] = (),
    first_seen: bool = False,
) -> pd.DataFrame:
    """One row per distinct combination of ``groups`` (Spark columns, named g0, g1...) and ``keys``
    (column names): its row count ``n``, the ``sums`` s0, s1... of the given expressions, and with
    ``first_seen`` the rank ``first`` (1, 2...) of the groups' first row in the row order.

    Values arrive as pandas would read the whole column (through Arrow), so the local code that
    names groups runs unchanged on them.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    names = [f"g{i}" for i in range(len(groups))]
    aggs = [F.count(F.lit(1)).alias("n"), *[F.sum(e).alias(f"s{i}") for i, e in enumerate(sums)]]
    if first_seen:
        aggs.append(F.min(ORDER).alias("_first"))
    table = frame.groupBy(*[g.alias(n) for g, n in zip(groups, names, strict=True)], *keys).agg(*aggs)
    if first_seen:
        # Rows of a group are spread over several (key) rows: the group's first row is their minimum.
        table = table.withColumn("_first", F.min("_first").over(Window.partitionBy(*names)))
        table = table.withColumn("first", F.dense_rank().over(Window.orderBy("_first"))).drop("_first")
    local: pd.DataFrame = table.toPandas()
    return local


def first_missing_row(frame: Any, name: str) -> int:
    """1-based row number of the first row where the column is missing (0: none)."""
    from pyspark.sql import functions as F

    first = frame.where(present(frame, name).isNull()).agg(F.min(ORDER).alias("_m"))
    if first.first()["_m"] is None:
        return 0
    return int(frame.crossJoin(first).where(F.col(ORDER) < F.col("_m")).count()) + 1


def order_statistics(frame: Any, name: str, ranks: Sequence[int]) -> np.ndarray:
    """The values at 0-based ``ranks`` of the column's non-missing values sorted ascending.

    Only a value-count table is sorted (one row per distinct value), and only the rows holding the
    requested ranks leave Spark.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    v = present(frame, name)
    counts = frame.where(v.isNotNull()).groupBy(v.alias("v")).count()
    upto = Window.orderBy("v").rowsBetween(Window.unboundedPreceding, Window.currentRow)
    counts = counts.withColumn("_end", F.sum("count").over(upto))
    wanted = sorted(set(int(r) for r in ranks))
    hit = F.lit(False)
    for r in wanted:
        hit = hit | ((F.col("_end") - F.col("count") <= r) & (F.lit(r) < F.col("_end")))
    rows = counts.where(hit).select("v", "_end", "count").collect()
    spans = sorted((int(r["_end"]) - int(r["count"]), int(r["_end"]), r["v"]) for r in rows)
    value = {}
    for r in wanted:
        value[r] = next(val for lo, hi, val in spans if lo <= r < hi)
    return np.array([value[int(r)] for r in ranks])


def bucket(frame: Any, name: str, edges: Sequence[float]) -> Any:
    """Bin code of each row as ``pandas.cut(x, edges, include_lowest=True)`` gives it (null: missing).

    pandas: code = (number of edges < x) - 1, and x equal to the first edge is in bin 0.
    """
    from pyspark.sql import functions as F

    v = present(frame, name)
    above = sum((v > F.lit(float(e))).cast("int") for e in edges)
    return F.when(v.isNotNull(), F.greatest(above, F.lit(1)) - 1)


def joint_counts(frame: Any, label: str, pred_c: str, pred_b: str | None, k: int) -> np.ndarray:
    """Counts of (label, candidate, baseline) codes as :func:`mlgate.stats.bootstrap.joint_counts`
    lays them out: a flat array of k^3 cells (k^2 without ``pred_b``)."""
    keys = [label, pred_c, *([pred_b] if pred_b else [])]
    table = counts_by(frame, [], keys)
    flat = np.zeros(k ** len(keys), dtype=np.int64)
    index = np.zeros(len(table), dtype=np.int64)
    for c in keys:
        codes = table[c].to_numpy(dtype=np.int64)
        if ((codes < 0) | (codes >= k)).any():
            raise InputError(f"class code out of range in {c}")
        index = index * k + codes
    np.add.at(flat, index, table["n"].to_numpy(dtype=np.int64))
    return flat

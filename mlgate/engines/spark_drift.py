"""The ``drift`` gate's distributions computed in Spark: value-count tables instead of whole columns.

The gate decides locally (:mod:`mlgate.gates._drift_columns`) from, per table and column:

- categorical: ``groupBy(column)`` with each value's row count and first row (the smallest row-order
  key), ordered by that first row: the distinct values in order of first appearance, the order in
  which ``pandas.factorize`` labels a local column;
- numeric: ``groupBy(column).count()``: repeating the distinct values by their counts in ascending
  order is the sorted column (:func:`mlgate.stats.drift.sample_from_counts`), to the bit.

Both come back through Arrow and ``pyarrow.Table.to_pandas``, the conversion the pandas engine's
Parquet reader uses, so the values have the dtype a collected column would have: the null group is
one of the rows, hence an integer column with nulls becomes float64 and a boolean one object, as in
the whole column. Spark groups NaN as one value and null as another; both are missing locally.
Only on an error path does a query look at rows: :func:`first_row` finds the row number to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mlgate.engines.interface import Column, Distinct
from mlgate.engines.spark_stats import ORDER
from mlgate.engines.spark_stats import column as by_name
from mlgate.engines.values import floats, infinite, not_a_number

if TYPE_CHECKING:
    import pandas as pd

# Spark types that become a numeric pandas dtype (decimals become Python objects, booleans bool).
NUMBER_TYPES = frozenset({"byte", "short", "integer", "long", "float", "double"})
TIMESTAMP_TYPES = frozenset({"timestamp", "timestamp_ntz"})


def _type(frame: Any, column: str) -> str:
    return str(frame.schema[column].dataType.typeName())


def is_number(frame: Any, column: str) -> bool:
    """Whether the column collects as numbers (not booleans), from the schema alone."""
    return _type(frame, column) in NUMBER_TYPES


def is_timestamp(frame: Any, column: str) -> bool:
    """Whether the column collects as pandas datetimes (dates collect as objects)."""
    return _type(frame, column) in TIMESTAMP_TYPES


def value_counts(frame: Any, column: str, *, first_seen: bool) -> tuple[pd.Series, np.ndarray]:
    """The column's distinct values (missing ones included) and their row counts.

    ``first_seen``: ordered by each value's first row; otherwise in no particular order.
    """
    from pyspark.sql import functions as F

    groups = frame.groupBy(by_name(column).alias("v"))
    if first_seen:
        table = groups.agg(F.count(F.lit(1)).alias("n"), F.min(ORDER).alias("first"))
        table = table.orderBy("first").select("v", "n")
    else:
        table = groups.agg(F.count(F.lit(1)).alias("n"))
    local = table.toArrow().to_pandas()
    return local["v"], local["n"].to_numpy(dtype=np.int64)


def first_row(frame: Any, column: str, values: Sequence[Any]) -> tuple[int, Any]:
    """The row number (from 1, in row order) of the first row holding one of ``values``, and its value.

    Two jobs: the first matching row by row-order key, then the count of the rows before it.
    """
    from pyspark.sql import functions as F

    col = by_name(column)
    hit = frame.where(col.isin(list(values))).orderBy(ORDER).select(ORDER, col).first()
    key, value = hit[0], hit[1]
    kind = frame.schema[ORDER].dataType
    if hasattr(kind, "fields"):  # a struct (file path, position): compare field by field
        at = F.struct(*[F.lit(key[f.name]).cast(f.dataType).alias(f.name) for f in kind.fields])
    else:
        at = F.lit(key).cast(kind)
    return int(frame.where(F.col(ORDER) < at).count()) + 1, value


class SparkColumn(Column):
    """A column of a Spark DataFrame, seen through its value counts (one Spark job per table)."""

    def __init__(self, frame: Any, name: str, where: str, text: bool = False) -> None:
        self.frame, self.name, self.where, self.text = frame, name, where, text
        self._distinct: Distinct | None = None

    @property
    def numeric(self) -> bool:
        return not self.text and is_number(self.frame, self.name)

    def any_value(self) -> bool:
        return bool(self.distinct().counts.sum() > 0)

    def numbers(self, column: str) -> tuple[np.ndarray, int]:
        from mlgate.stats.drift import sample_from_counts

        values, counts = value_counts(self.frame, self.name, first_seen=False)
        if self.text:
            values = values.astype("string")
        as_float, bad = floats(values)
        if bad is not None and bad.any():
            row, value = first_row(self.frame, self.name, values[bad].tolist())
            raise not_a_number(self.where, row, column, value)
        inf = np.isinf(as_float)
        if inf.any():
            row, _ = first_row(self.frame, self.name, values[inf].tolist())
            raise infinite(self.where, row, column, int(counts[inf].sum()))
        sample, _ = sample_from_counts(as_float, counts)
        return sample, int(counts.sum())

    def distinct(self) -> Distinct:
        if self._distinct is None:
            values, counts = value_counts(self.frame, self.name, first_seen=True)
            self._distinct = Distinct.of(values.astype("string") if self.text else values, counts)
        return self._distinct

    def as_text(self) -> Column:
        return SparkColumn(self.frame, self.name, self.where, text=True)

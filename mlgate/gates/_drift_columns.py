"""One side (reference or eval) of a column the ``drift`` gate compares, wherever its rows are.

The statistics need, of each side, either its sorted non-missing numbers (numeric columns) or its
distinct values with their row counts, in order of first appearance (categorical columns).
:class:`LocalColumn` takes them from a pandas column; :class:`SparkColumn` from value-count tables
computed in Spark (:mod:`mlgate.engines.spark_drift`), so a feature column never leaves Spark whole.
Both go through the same conversions below, so the labels and their order, the missing values and
the error messages are the same with either engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.stats.drift import DriftStats


def is_number(s: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s))


def floats(values: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """``values`` as float64 (NaN = missing), and where a non-missing value is not a number (or None)."""
    import numpy as np
    import pandas as pd

    if values.dtype == np.float64:  # NaN is already the missing value: a view, no copy
        return values.to_numpy(), None
    if is_number(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan), None
    coerced = pd.to_numeric(values, errors="coerce")
    bad = coerced.isna().to_numpy() & values.notna().to_numpy()
    return coerced.to_numpy(dtype=np.float64, na_value=np.nan), bad


def not_a_number(where: str, row: int, column: str, value: object) -> InputError:
    return InputError(
        f"{where}: row {row}: column '{column}' has {value!r}, not a number",
        hint=f"set gates.drift.per_column.{column}.kind: categorical, or fix the value",
    )


def infinite(where: str, row: int, column: str, rows: int) -> InputError:
    return InputError(f"{where}: row {row}: column '{column}' is infinite ({rows} rows)")


@dataclass(frozen=True)
class Distinct:
    """A column's distinct non-missing values in order of first appearance (in the column's dtype),
    the rows of each, and the missing rows."""

    values: pd.Series
    counts: np.ndarray
    missing: int
    dtype: Any

    @classmethod
    def of(cls, values: pd.Series, counts: np.ndarray | None = None) -> Distinct:
        """From a column (``counts`` None), or from its distinct values (missing ones included, in
        order of first appearance) with their ``counts``."""
        import numpy as np
        import pandas as pd

        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if counts is None:  # one row each: slot 0 counts the missing code -1
            per = np.bincount(codes + 1, minlength=len(uniques) + 1).astype(np.int64, copy=False)
        else:
            per = np.zeros(len(uniques) + 1, dtype=np.int64)
            np.add.at(per, codes + 1, np.asarray(counts, dtype=np.int64))
        return cls(pd.Series(uniques), per[1:], int(per[0]), values.dtype)


def shared_counts(ref: Distinct, cur: Distinct) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Counts of both sides over one list of labels, in order of first appearance (reference first)."""
    import numpy as np
    import pandas as pd

    a, b = ref.values, cur.values
    if ref.dtype != cur.dtype:  # e.g. 1 vs "1": compare the text
        a, b = a.astype("string"), b.astype("string")
    codes, uniques = pd.factorize(pd.concat([a, b], ignore_index=True), use_na_sentinel=True)
    k = len(uniques)
    rc, cc = np.zeros(k, dtype=np.int64), np.zeros(k, dtype=np.int64)
    np.add.at(rc, codes[: len(a)], ref.counts)
    np.add.at(cc, codes[len(a) :], cur.counts)
    return rc, cc, [str(u) for u in uniques]


class Column(ABC):
    """One side of a compared column; ``where`` names its table in messages."""

    where: str

    @property
    @abstractmethod
    def numeric(self) -> bool:
        """Whether the column holds numbers (booleans do not count)."""

    @abstractmethod
    def any_value(self) -> bool:
        """Whether any row is not missing."""

    @abstractmethod
    def numbers(self, column: str) -> tuple[np.ndarray, int]:
        """The sorted non-missing values as float64 and the row count; raises :class:`InputError` at
        the first value that is not a number, or is infinite."""

    @abstractmethod
    def distinct(self) -> Distinct: ...

    @abstractmethod
    def as_text(self) -> Column:
        """The column with its values as text (pandas ``astype("string")``)."""


class LocalColumn(Column):
    def __init__(self, s: pd.Series, where: str) -> None:
        self.s = s
        self.where = where

    @property
    def numeric(self) -> bool:
        return is_number(self.s)

    def any_value(self) -> bool:
        return bool(self.s.notna().any())

    def numbers(self, column: str) -> tuple[np.ndarray, int]:
        import numpy as np

        from mlgate.stats.drift import sorted_values

        values, bad = floats(self.s)
        if bad is not None and bad.any():
            i = int(bad.argmax())
            raise not_a_number(self.where, i + 1, column, self.s.iloc[i])
        inf = np.isinf(values)
        if inf.any():
            raise infinite(self.where, int(inf.argmax()) + 1, column, int(inf.sum()))
        return sorted_values(values), len(values)

    def distinct(self) -> Distinct:
        return Distinct.of(self.s)

    def as_text(self) -> Column:
        return LocalColumn(self.s.astype("string"), self.where)


class SparkColumn(Column):
    """A column of a Spark DataFrame, seen through its value counts (one Spark job per table)."""

    def __init__(self, frame: Any, name: str, where: str, text: bool = False) -> None:
        self.frame, self.name, self.where, self.text = frame, name, where, text
        self._distinct: Distinct | None = None

    @property
    def numeric(self) -> bool:
        from mlgate.engines.spark_drift import is_number as spark_number

        return not self.text and spark_number(self.frame, self.name)

    def any_value(self) -> bool:
        return bool(self.distinct().counts.sum() > 0)

    def numbers(self, column: str) -> tuple[np.ndarray, int]:
        import numpy as np

        from mlgate.engines.spark_drift import first_row, value_counts
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
            from mlgate.engines.spark_drift import value_counts

            values, counts = value_counts(self.frame, self.name, first_seen=True)
            self._distinct = Distinct.of(values.astype("string") if self.text else values, counts)
        return self._distinct

    def as_text(self) -> Column:
        return SparkColumn(self.frame, self.name, self.where, text=True)


def column_stats(
    ref: Column, cur: Column, kind: str, bins: int, column: str, ks_p: bool = True
) -> DriftStats:
    """Statistics of one column; ``kind`` is numeric | categorical | auto."""
    from mlgate.stats.drift import count_drift, sorted_drift

    if kind == "auto":
        num_ref, num_cur = ref.numeric, cur.numeric
        if num_ref != num_cur and ref.any_value() and cur.any_value():
            which = ref.where if num_ref else cur.where
            raise InputError(
                f"drift: column '{column}' holds numbers in {which} but text in the other table",
                hint=f"fix the data, or set gates.drift.per_column.{column}.kind",
            )
        kind = "numeric" if num_ref and num_cur else "categorical"
    if kind == "numeric":
        rs, ref_rows = ref.numbers(column)
        cs, cur_rows = cur.numbers(column)
        return sorted_drift(rs, cs, ref_rows, cur_rows, bins, ks_p)
    r, c = ref.distinct(), cur.distinct()
    rc, cc, labels = shared_counts(r, c)
    return count_drift(rc, cc, labels, r.missing, c.missing)

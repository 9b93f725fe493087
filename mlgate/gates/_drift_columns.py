"""One side (reference or eval) of a column the ``drift`` gate compares, wherever its rows are.

The statistics need, of each side, either its sorted non-missing numbers (numeric columns) or its
distinct values with their row counts, in order of first appearance (categorical columns): the
table's engine answers both (:class:`mlgate.engines.interface.Column`) without handing over the
column whole. Both sides go through the same conversions below, so the labels and their order, the
missing values and the error messages are the same with every engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.text import one_line, quote

if TYPE_CHECKING:
    import numpy as np

    from mlgate.engines.interface import Column, Distinct
    from mlgate.stats.drift import DriftStats


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
                f"drift: column {quote(column)} holds numbers in {which} but text in the other table",
                hint=f"fix the data, or set gates.drift.per_column.{one_line(column, 60)}.kind",
            )
        kind = "numeric" if num_ref and num_cur else "categorical"
    if kind == "numeric":
        rs, ref_rows = ref.numbers(column)
        cs, cur_rows = cur.numbers(column)
        return sorted_drift(rs, cs, ref_rows, cur_rows, bins, ks_p)
    r, c = ref.distinct(), cur.distinct()
    rc, cc, labels = shared_counts(r, c)
    return count_drift(rc, cc, labels, r.missing, c.missing)

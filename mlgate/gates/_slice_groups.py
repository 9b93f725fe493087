"""The slices of the eval rows: one per value of a column, or per quantile bin of a numeric one.

With pandas, a slice holds its row positions. With ``data.engine: spark`` the slice columns stay in
Spark and a slice holds its (label, candidate, baseline) cell counts, counted there: categorical
values are named and ordered (by first appearance) by the same local code, run on Spark's table of
counts; numeric columns are cut at the edges ``pandas.qcut`` would choose, computed from the few
order statistics numpy's quantile reads (found in Spark), then bucketed in Spark. Slices, labels and
counts are the same on both engines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlgate.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.bundle import GateInputs
    from mlgate.io.lazy import Table

MISSING = "(missing)"
# Spark types pandas reads as numbers (decimal arrives as Python objects, boolean as bool).
_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double")


@dataclass(frozen=True)
class Slice:
    """One slice: its row positions (pandas), or its joint cell counts (Spark), and its size."""

    column: str
    label: str
    size: int
    rows: np.ndarray | None = None
    cells: np.ndarray | None = None  # flat (label, candidate, baseline) counts, as stats.bootstrap


def _fmt_edge(x: float) -> str:
    return f"{x:.4g}"


def interval_labels(categories: pd.Index) -> list[str]:
    """Labels of pandas' bins, the first one closed on the left."""
    return [
        f"{'[' if i == 0 else '('}{_fmt_edge(iv.left)}, {_fmt_edge(iv.right)}]"
        for i, iv in enumerate(categories)
    ]


def slice_codes(col: pd.Series, bins: int) -> tuple[np.ndarray, list[str]]:
    """Integer code per row and the label of each code; numeric columns with many values are binned.

    Quantile bins (``pandas.qcut``) give slices of similar size, so each has a similar chance to be
    judged; repeated quantiles (a skewed column) are merged rather than producing empty bins.
    """
    import numpy as np
    import pandas as pd

    missing = col.isna().to_numpy()
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if numeric and col.nunique(dropna=True) > bins:
        binned = pd.qcut(col, q=bins, duplicates="drop")
        labels = interval_labels(binned.cat.categories)
        codes = binned.cat.codes.to_numpy().astype("int64")
    else:
        codes_raw, uniques = pd.factorize(col.astype("string"), use_na_sentinel=True)
        codes = np.asarray(codes_raw, dtype="int64")
        labels = [str(u) for u in uniques]
    if missing.any():
        codes = np.where(missing, len(labels), codes)
        labels.append(MISSING)
    return codes, labels


def _absent(col: str, frame: Table, where: str) -> InputError:
    return InputError(
        f"gates.slices.columns: no column '{col}' in {where}",
        hint=f"columns found: {', '.join(map(str, frame.columns[:30]))}",
    )


def build_slices(frame: Table, columns: tuple[str, ...], bins: int, where: str) -> list[Slice]:
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


# ------------------------------------------------------------------ quantile edges from order statistics


def qcut_quantiles(bins: int) -> np.ndarray:
    """The probabilities ``pandas.qcut(x, bins)`` asks for (pandas/core/reshape/tile.py): evenly
    spaced, rounded up where not representable in base 2."""
    import numpy as np

    q = np.linspace(0, 1, bins + 1)
    np.putmask(q, bins * q != np.arange(bins + 1), np.nextafter(q, 1))
    return q


def linear_quantiles(n: int, qs: np.ndarray, at: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``numpy.quantile(x, qs)`` (method "linear", Hyndman & Fan 1996 definition 7) of ``n`` values,
    reading only the order statistics it needs: ``at(ranks)`` gives the values at 0-based ranks.

    The arithmetic is numpy's own (numpy/lib/_function_base_impl.py: ``_get_indexes``, ``_get_gamma``,
    ``_lerp``), step by step, so the result is the same number, not merely a close one.
    """
    import numpy as np

    virtual = (n - 1) * qs
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above] = -1
    following[above] = -1
    below = virtual < 0
    previous[below] = 0
    following[below] = 0
    prev_i, next_i = previous.astype(np.intp), following.astype(np.intp)
    gamma = np.asanyarray(virtual - prev_i, dtype=virtual.dtype)
    values = at(np.concatenate([prev_i % n, next_i % n]))
    a, b = values[: qs.size], values[qs.size :]
    diff = b - a
    out: np.ndarray = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe", dtype=out.dtype)
    return out


def cut_labels(edges: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The edges ``pandas.qcut`` keeps (duplicates dropped) and the labels of its bins."""
    import numpy as np
    import pandas as pd

    index = pd.Index(edges)
    cut, kept = pd.cut(index, index, include_lowest=True, duplicates="drop", retbins=True)
    return np.asarray(kept), interval_labels(cut.categories)


# ------------------------------------------------------------------ Spark


def spark_slices(inputs: GateInputs, columns: tuple[str, ...], bins: int) -> list[Slice]:
    """Slices with their cell counts from Spark; the slice columns are never collected."""
    import numpy as np

    from mlgate.engines.spark_stats import bucket, column, counts_by, distinct_counts, order_statistics
    from mlgate.gates._spark_counts import BASE, CAND, LABEL, coded

    ev = inputs.eval
    table, k = ev.frame, len(ev.classes)
    frame = table.spark
    assert frame is not None
    for col in columns:
        if col not in table.columns:
            raise _absent(col, table, ev.source)
    types = dict(frame.dtypes)
    numeric = [c for c in dict.fromkeys(columns) if types[c] in _NUMERIC]
    counts = distinct_counts(frame, numeric)
    data = coded(inputs)
    keys = [LABEL, CAND, BASE]
    out: list[Slice] = []
    for col in columns:
        if col in counts and counts[col][0] > bins:
            n_missing = counts[col][1]
            n = len(table) - n_missing

            def at(ranks: np.ndarray, col: str = col, n_missing: int = n_missing) -> np.ndarray:
                values = order_statistics(frame, col, ranks.tolist())
                # The dtype pandas reads the column as: float64 for integers with missing values.
                if types[col] == "float":
                    return values.astype(np.float32)
                return values.astype(np.float64) if n_missing and values.dtype.kind in "iu" else values

            edges, labels = cut_labels(linear_quantiles(n, qcut_quantiles(bins), at))
            t = counts_by(data, [bucket(data, col, edges.tolist())], keys)
            missing = t["g0"].isna().to_numpy()
            codes = t["g0"].fillna(-1).to_numpy(dtype=np.int64)
            if missing.any():
                codes = np.where(missing, len(labels), codes)
                labels.append(MISSING)
        else:
            t = counts_by(data, [column(col)], keys, first_seen=True)
            # Values in the order of their first row, as factorize meets them in the column.
            t = t.sort_values("first", kind="stable").reset_index(drop=True)
            codes, labels = slice_codes(t["g0"], bins)
        cell = (t[LABEL].to_numpy(np.int64) * k + t[CAND].to_numpy(np.int64)) * k + t[BASE].to_numpy(np.int64)
        cells = np.bincount(
            codes * k**3 + cell, weights=t["n"].to_numpy(np.float64), minlength=len(labels) * k**3
        )
        cells = cells.round().astype(np.int64).reshape(len(labels), k**3)
        for j, label in enumerate(labels):
            size = int(cells[j].sum())
            if size:
                out.append(Slice(col, label, size, cells=cells[j]))
    return out

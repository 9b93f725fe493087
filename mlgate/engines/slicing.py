"""How a column is cut into slices, the same on every engine: one slice per value, or per quantile bin
of a numeric column with more values than bins, and the quantile edges from order statistics.

The Spark engine computes the edges ``pandas.qcut`` would choose from the few order statistics numpy's
quantile reads, so slices, labels and counts are the same on both engines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mlgate.text import number

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MISSING = "(missing)"


def _fmt_edge(x: float) -> str:
    return number(x)


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


def cells_by_code(
    codes: np.ndarray, n_codes: int, joint: np.ndarray, k: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """(codes, k^3) joint-cell counts: ``joint`` is each entry's (label, candidate, baseline) cell index
    and ``weights`` the rows each entry stands for (None: one each)."""
    import numpy as np

    cells = np.bincount(
        codes * k**3 + joint,
        weights=None if weights is None else weights.astype(np.float64),
        minlength=n_codes * k**3,
    )
    return np.asarray(cells.round().astype(np.int64).reshape(n_codes, k**3))

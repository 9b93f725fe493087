"""KS D and Wasserstein-1 of two large sorted samples without merging them.

Merging two sorted samples of a million rows each (a stable argsort of the 2n values) costs more than
sorting them; both statistics can do without it:

- KS D = max |F_ref - F_cur| over the data values. It is first evaluated on a grid (every ``step``-th
  value of each sample); between two grid points both ECDFs are monotone, so the counts at the ends bound
  the gap inside. Only values in intervals whose bound reaches the grid maximum are evaluated exactly
  (``searchsorted`` counts), with the same floating-point expression as the merged computation of
  :func:`mlgate.stats.drift.ks_wasserstein`, so D is bit-for-bit the merged one.
- W1 = integral over u in (0, 1) of |Q_ref(u) - Q_cur(u)| du, the quantile-function form of the same
  area (Vallender 1974). Both quantile functions are steps at i/n1 and j/n2, whose merged order is plain
  integer arithmetic: every interval between breakpoints ends at one i/n1 or one j/n2, so the integral is
  one sum over the reference's breakpoints plus one over the current's. Equal to scipy's
  ``wasserstein_distance`` up to rounding (the terms are summed in another order).
"""

from __future__ import annotations

import numpy as np

GRID_STEP = 64


def gaps(n_ref: int, n_cur: int, at_ref: np.ndarray, at_cur: np.ndarray) -> np.ndarray:
    """|F_ref - F_cur| from counts of values <= v, as the merged computation rounds it.

    There the gap after merged position k (k values so far, ``cur`` of them current) is
    ``k * (1/n1) - cur * (1/n1 + 1/n2)``: the same operations in the same order.
    """
    g: np.ndarray = np.add(at_ref, at_cur, dtype=np.float64)
    g *= 1.0 / n_ref
    g -= at_cur * (1.0 / n_ref + 1.0 / n_cur)
    np.abs(g, out=g)
    return g


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, stop)`` for each pair, vectorised."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    first = np.cumsum(lengths) - lengths  # where each range begins in the output
    return np.repeat(starts - first, lengths) + np.arange(total)


def ks_d(ref_sorted: np.ndarray, cur_sorted: np.ndarray, step: int = GRID_STEP) -> float:
    """Two-sample KS D of two sorted, NaN-free, non-empty samples."""
    rs, cs = ref_sorted, cur_sorted
    n1, n2 = len(rs), len(cs)
    grid = np.unique(np.concatenate([rs[::step], cs[::step], rs[-1:], cs[-1:]]))
    a = np.searchsorted(rs, grid, side="right")  # reference values <= each grid point
    b = np.searchsorted(cs, grid, side="right")
    d = float(gaps(n1, n2, a, b).max())
    # Inside (grid[t], grid[t+1]) the counts lie between those at the two ends, so the gap is at most
    # the larger of a[t+1]/n1 - b[t]/n2 and b[t+1]/n2 - a[t]/n1. The slack (far above the rounding
    # of either expression) keeps every interval that could hold a larger rounded gap.
    upper = np.maximum(a[1:] / n1 - b[:-1] / n2, b[1:] / n2 - a[:-1] / n1)
    open_ = np.flatnonzero(upper >= d - 1e-9)
    if len(open_) == 0:
        return d
    # Values strictly inside the open intervals: from the first one above grid[t] (a[t]) up to the
    # last one below grid[t+1].
    below_r = np.searchsorted(rs, grid[open_ + 1], side="left")
    below_c = np.searchsorted(cs, grid[open_ + 1], side="left")
    inside = np.concatenate([rs[_ranges(a[open_], below_r)], cs[_ranges(b[open_], below_c)]])
    if len(inside) == 0:
        return d
    at_r = np.searchsorted(rs, inside, side="right")
    at_c = np.searchsorted(cs, inside, side="right")
    return max(d, float(gaps(n1, n2, at_r, at_c).max()))


def wasserstein_quantiles(ref_sorted: np.ndarray, cur_sorted: np.ndarray) -> float:
    """Wasserstein-1 distance of two sorted, NaN-free, non-empty samples, in the quantile domain."""
    rs, cs = ref_sorted, cur_sorted
    n1, n2 = len(rs), len(cs)
    if n1 == n2:  # the quantile functions step together: W1 = mean |x_(i) - y_(i)|
        return float(np.abs(rs - cs).sum() / n1)
    # Breakpoints in units of 1/(n1 n2): the reference's at i*n2, the current's at j*n1.
    total = 0.0
    for is_ref, own, other, n_own, n_other in ((True, rs, cs, n1, n2), (False, cs, rs, n2, n1)):
        ends = np.arange(n_other, n_own * n_other + 1, n_other, dtype=np.int64)  # i * n_other
        # The other sample's quantile on (prev, end]: its index is ceil(end / n_own) - 1.
        j = (ends - 1) // n_own
        if is_ref:
            # Interval ending at a reference breakpoint: from the previous breakpoint of either sample.
            prev = np.maximum(ends - n_other, j * n_own)
        else:
            # Ending at a current breakpoint: a reference breakpoint at the same place already closed
            # it (width 0 here), hence "<=" on the reference's side (floor(end / n_own) * n_own).
            prev = np.maximum(ends - n_other, (ends // n_own) * n_own)
        width = (ends - prev).astype(np.float64)
        total += float(np.dot(np.abs(own - other[j]), width))
    return total / (n1 * n2)

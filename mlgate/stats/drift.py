"""Distribution drift between a reference sample and a current sample: pure numpy/scipy, vectorised.

Cost per column: a numeric column is sorted once per sample; the two sorted runs are merged by a stable
argsort (timsort finds the two runs and merges them in linear time), and KS, Wasserstein and the
quantile-bin counts all come from that one merged order. A categorical column is one ``bincount`` per
sample over codes shared by both samples. Both also start from counts, as an engine such as Spark
computes them: a numeric sample from its value-count table (:func:`sample_from_counts`, the same sorted
array), a categorical one from its per-category counts (:func:`count_drift`).

Conventions, with sources:

- PSI = sum_i (c_i - r_i) ln(c_i / r_i) over bins (Siddiqi 2006, *Credit Risk Scorecards*, ch. 8).
  Numeric bins are the reference's quantiles; empty bins get the proportion ``PSI_FLOOR`` = 1e-4 so the
  logarithm stays finite, as Evidently's ``get_binned_data`` does (``np.place(..., == 0, 0.0001)``).
- KS is the two-sample Kolmogorov-Smirnov D; its p-value is scipy's ``ks_2samp`` (exact up to 10,000
  rows per sample, Smirnov's asymptotic ``kstwo.sf(D, round(n*m/(n+m)))`` above, the same switch as
  scipy's ``method='auto'``).
- Wasserstein-1 distance divided by the reference's standard deviation (floor 1e-3), as Evidently's
  ``wasserstein`` stat test ("normed by std of reference data"), so one threshold (0.1) fits all scales.
- Jensen-Shannon *distance* (the square root of the divergence) with log base 2, so it lies in [0, 1];
  equal to ``scipy.spatial.distance.jensenshannon(p, q, base=2)``. Numeric columns use the quantile bins.
- chi-square is the test of homogeneity of the 2 x k table (reference vs current counts), without
  Yates' correction: ``scipy.stats.chi2_contingency(table, correction=False)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# The statistics of two samples (PSI, JS, chi-square, KS and Wasserstein) are their own module;
# re-exported so every caller names them from here.
from mlgate.stats.drift_measures import KS_EXACT_MAX as KS_EXACT_MAX
from mlgate.stats.drift_measures import MERGED_MAX as MERGED_MAX
from mlgate.stats.drift_measures import PSI_FLOOR as PSI_FLOOR
from mlgate.stats.drift_measures import chi2_homogeneity as chi2_homogeneity
from mlgate.stats.drift_measures import js_distance as js_distance
from mlgate.stats.drift_measures import ks_pvalue as ks_pvalue
from mlgate.stats.drift_measures import ks_wasserstein as ks_wasserstein
from mlgate.stats.drift_measures import proportions as proportions
from mlgate.stats.drift_measures import psi as psi
from mlgate.text import number

STD_FLOOR = 1e-3


@dataclass(frozen=True)
class Bins:
    """Per-bin (numeric) or per-category counts of both samples, missing values excluded."""

    labels: tuple[str, ...]
    ref: np.ndarray
    cur: np.ndarray


@dataclass(frozen=True)
class DriftStats:
    """Every statistic of one column; ``ks``/``wasserstein_norm`` are None for categorical columns."""

    kind: str  # "numeric" | "categorical"
    n_ref: int
    n_cur: int
    missing_ref: float
    missing_cur: float
    bins: Bins
    psi: float
    js: float
    chi2: float
    chi2_p: float
    ks: float | None = None
    ks_p: float | None = None
    wasserstein: float | None = None
    wasserstein_norm: float | None = None
    ref_std: float | None = None
    # Categories seen only in the current sample, with their counts (categorical columns).
    unseen: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    @property
    def unseen_share(self) -> float:
        """Share of the current non-missing rows whose category the reference never had."""
        return sum(c for _, c in self.unseen) / self.n_cur if self.n_cur else 0.0

    def statistic(self, method: str) -> tuple[float | None, float | None]:
        """``(statistic, p_value)`` of ``method``; ``(None, None)`` where it is not defined."""
        if method == "psi":
            return self.psi, None
        if method == "js":
            return self.js, None
        if method == "chi2":
            return self.chi2, self.chi2_p
        if method == "ks":
            return self.ks, self.ks_p
        if method == "wasserstein":
            return self.wasserstein_norm, None
        raise ValueError(f"unknown drift method {method!r}")


def quantile_edges(ref_sorted: np.ndarray, bins: int) -> np.ndarray:
    """Inner bin edges at the reference's i/bins quantiles (numpy's 'linear' method), ties merged."""
    n = len(ref_sorted)
    h = (n - 1) * np.arange(1, bins) / bins
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    edges = ref_sorted[lo] + (h - lo) * (ref_sorted[hi] - ref_sorted[lo])
    return np.unique(edges)


def _bin_counts(sorted_values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    # Bins are (-inf, e1], (e1, e2], ..., (ek, inf): right-closed, like pandas.cut's default.
    cum = np.searchsorted(sorted_values, edges, side="right")
    return np.diff(np.concatenate([[0], cum, [len(sorted_values)]]))


def _fmt(x: float) -> str:
    return number(x)


def bin_labels(edges: np.ndarray) -> tuple[str, ...]:
    if len(edges) == 0:
        return ("all",)
    labels = [f"<= {_fmt(edges[0])}"]
    labels += [f"({_fmt(a)}, {_fmt(b)}]" for a, b in itertools.pairwise(edges)]
    labels.append(f"> {_fmt(edges[-1])}")
    return tuple(labels)


def _nan_tail(sorted_values: np.ndarray) -> int:
    """How many NaN end a sorted array (numpy sorts NaN after every number)."""
    if len(sorted_values) == 0 or not np.isnan(sorted_values[-1]):
        return 0
    return len(sorted_values) - int(np.searchsorted(sorted_values, np.nan, side="left"))


def sorted_values(values: np.ndarray) -> np.ndarray:
    """The non-missing values in ascending order (numpy sorts NaN last: sort once, cut the NaN tail).

    -0.0 becomes 0.0 (adding 0.0 does that), as in Spark's grouping keys: equal values, equal bits, so
    a sample rebuilt from value counts (:func:`sample_from_counts`) is this array byte for byte.
    """
    s = np.sort(np.asarray(values, dtype=np.float64))
    s = s[: len(s) - _nan_tail(s)]
    s += 0.0
    return s


def sample_from_counts(values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, int]:
    """The sorted sample of a value-count table, and its number of missing rows.

    ``values`` are distinct float64 values (NaN = missing) and ``counts`` their rows: repeating each
    value in ascending order gives exactly ``sorted_values`` of the rows themselves, so the statistics
    of :func:`sorted_drift` are the same to the bit.
    """
    values = np.asarray(values, dtype=np.float64) + 0.0
    counts = np.asarray(counts, dtype=np.int64)
    missing = np.isnan(values)
    order = np.argsort(values[~missing], kind="stable")
    return np.repeat(values[~missing][order], counts[~missing][order]), int(counts[missing].sum())


def numeric_drift(ref: np.ndarray, cur: np.ndarray, bins: int = 10, ks_p: bool = True) -> DriftStats:
    """Drift of a numeric column; NaN is missing. Raises ValueError when a sample has no values.

    ``ks_p=False`` leaves the KS p-value out (None): on a million rows scipy's ``kstwo.sf`` costs as
    much as everything else together, and it is needed only when the KS test decides.
    """
    return sorted_drift(sorted_values(ref), sorted_values(cur), len(ref), len(cur), bins, ks_p)


def sorted_drift(
    ref_sorted: np.ndarray, cur_sorted: np.ndarray, ref_rows: int, cur_rows: int, bins: int = 10,
    ks_p: bool = True,
) -> DriftStats:
    """:func:`numeric_drift` of samples already sorted without their missing values; ``ref_rows`` and
    ``cur_rows`` count the rows with the missing ones (for the missing shares)."""
    rs, cs = ref_sorted, cur_sorted
    if len(rs) == 0 or len(cs) == 0:
        raise ValueError("no non-missing values to compare")
    edges = quantile_edges(rs, bins)
    rc, cc = _bin_counts(rs, edges), _bin_counts(cs, edges)
    d, w = ks_wasserstein(rs, cs)
    std = float(rs.std())
    stat, p, _ = chi2_homogeneity(rc, cc)
    return DriftStats(
        kind="numeric",
        n_ref=len(rs),
        n_cur=len(cs),
        missing_ref=1 - len(rs) / ref_rows,
        missing_cur=1 - len(cs) / cur_rows,
        bins=Bins(bin_labels(edges), rc, cc),
        psi=psi(rc, cc),
        js=js_distance(rc, cc),
        chi2=stat,
        chi2_p=p,
        ks=d,
        ks_p=ks_pvalue(d, rs, cs) if ks_p else None,
        wasserstein=w,
        wasserstein_norm=w / max(std, STD_FLOOR),
        ref_std=std,
    )


def categorical_drift(ref_codes: np.ndarray, cur_codes: np.ndarray, labels: Sequence[str]) -> DriftStats:
    """Drift of a categorical column given codes into ``labels`` shared by both samples (-1 = missing)."""
    k = len(labels)
    # One bincount per sample; the missing code -1 is shifted into slot 0.
    rc_all = np.bincount(np.asarray(ref_codes) + 1, minlength=k + 1)
    cc_all = np.bincount(np.asarray(cur_codes) + 1, minlength=k + 1)
    return count_drift(rc_all[1:], cc_all[1:], labels, int(rc_all[0]), int(cc_all[0]))


def count_drift(
    ref_counts: np.ndarray, cur_counts: np.ndarray, labels: Sequence[str], ref_missing: int = 0,
    cur_missing: int = 0,
) -> DriftStats:
    """:func:`categorical_drift` from the rows of each label in both samples, and their missing rows."""
    rc, cc = np.asarray(ref_counts), np.asarray(cur_counts)
    n_ref, n_cur = int(rc.sum()), int(cc.sum())
    if n_ref == 0 or n_cur == 0:
        raise ValueError("no non-missing values to compare")
    stat, p, _ = chi2_homogeneity(rc, cc)
    unseen_idx = np.flatnonzero((rc == 0) & (cc > 0))
    unseen_idx = unseen_idx[np.argsort(-cc[unseen_idx], kind="stable")]
    return DriftStats(
        kind="categorical",
        n_ref=n_ref,
        n_cur=n_cur,
        missing_ref=ref_missing / (n_ref + ref_missing),
        missing_cur=cur_missing / (n_cur + cur_missing),
        bins=Bins(tuple(labels), rc, cc),
        psi=psi(rc, cc),
        js=js_distance(rc, cc),
        chi2=stat,
        chi2_p=p,
        unseen=tuple((str(labels[int(i)]), int(cc[i])) for i in unseen_idx),
    )


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(shares: np.ndarray, top: float | None = None) -> str:
    """A tiny text histogram of proportions (one block character per bin), scaled to ``top``."""
    shares = np.asarray(shares, dtype=np.float64)
    top = float(shares.max()) if top is None else top
    if top <= 0 or len(shares) == 0:
        return SPARK[0] * len(shares)
    idx = np.clip(np.round(shares / top * (len(SPARK) - 1)), 0, len(SPARK) - 1).astype(int)
    return "".join(SPARK[i] for i in idx)

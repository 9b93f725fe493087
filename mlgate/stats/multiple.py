"""Multiple-comparison adjustments for families of p-values (e.g. one test per slice).

- Holm (1979), "A simple sequentially rejective multiple test procedure", Scandinavian Journal of
  Statistics 6(2):65-70: controls the family-wise error rate under any dependence.
- Benjamini & Hochberg (1995), "Controlling the false discovery rate", JRSS B 57(1):289-300: controls
  the false discovery rate for independent or positively dependent tests.

Both return adjusted p-values: a hypothesis is rejected at level alpha when its adjusted p < alpha.
NaN p-values (tests that could not be run) stay NaN and do not count in the family.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Correction = Literal["holm", "bh", "none"]


def _ranked(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NaN-filled output and the finite p-values' indices, ascending (NaN p-values are left out of the
    family and stay NaN)."""
    p = np.asarray(p, dtype="float64")
    ok = np.flatnonzero(np.isfinite(p))
    return np.full_like(p, np.nan), ok[np.argsort(p[ok], kind="stable")]


def holm(p: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values: max over j <= i of (m - j + 1) p_(j), capped at 1."""
    out, order = _ranked(p)
    m = order.size
    if m:
        scaled = (m - np.arange(m)) * np.asarray(p, dtype="float64")[order]
        out[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return out


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg step-up adjusted p-values: min over j >= i of m p_(j) / j, capped at 1."""
    out, order = _ranked(p)
    m = order.size
    if m:
        scaled = np.asarray(p, dtype="float64")[order] * m / np.arange(1, m + 1)
        out[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return out


def adjust(p: np.ndarray, method: Correction) -> np.ndarray:
    if method == "holm":
        return holm(p)
    if method == "bh":
        return benjamini_hochberg(p)
    return np.asarray(p, dtype="float64").copy()

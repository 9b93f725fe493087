"""Three zones at the margin: one test, inverted, gives the verdict, the p-values and the interval.

Every comparison is expressed as the *drop* D (the regression in metric units, positive = the
candidate is worse) and judged against the user's allowed drop, the margin delta (``max_drop``):

- **fail** when the data show D > delta: the test of H0: D <= delta rejects at level alpha. This is the
  non-inferiority literature's test turned around (Blackwelder 1982, "Proving the null hypothesis in
  clinical trials", Controlled Clinical Trials 3:345-353; Wellek 2010, *Testing Statistical Hypotheses
  of Equivalence and Noninferiority*, ch. 2): the false-block rate is at most alpha when the true drop
  equals the margin, and smaller for any allowed drop below it.
- **pass** when the data show D < delta: the test of H0: D >= delta rejects at level alpha (the
  non-inferiority test itself, as in the FDA's 2016 guidance *Non-Inferiority Clinical Trials to
  Establish Effectiveness*, section IV: the upper bound of the two-sided 1 - 2 alpha interval of the
  loss is below the margin);
- **inconclusive** otherwise: a warning, never a block.

Both one-sided tests at level alpha are the two ends of the two-sided (1 - 2 alpha) interval, so "fail"
is exactly "the interval lies above the margin" and "pass" exactly "it lies below": the verdict, the
p-values and the interval cannot disagree. A gate passes only when every comparison passes; that is an
intersection-union test (Berger 1982, Technometrics 24(4):295-300), valid at alpha without any
multiplicity correction, whereas failing on *any* of several metrics needs one (``stats.multiple``).

This module holds the normal-theory test (DeLong, paired t, delta method, infinitesimal jackknife);
``stats.mcnemar`` holds the exact one for paired proportions. Both follow :class:`DropTest`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

POWER = 0.8
# Floating-point slack: a drop equal to the margin (0.8 - 0.78 vs 0.02) is not beyond it.
TOL = 1e-12


class DropTest(Protocol):
    """A test of the drop D at any margin; p-values are one-sided and in [0, 1]."""

    @property
    def estimate(self) -> float: ...

    @property
    def method(self) -> str: ...

    def p_above(self, margin: float) -> float:
        """p-value of H0: D <= margin (small: the drop is shown to exceed the margin)."""
        ...

    def p_below(self, margin: float) -> float:
        """p-value of H0: D >= margin (small: the drop is shown to be below the margin)."""
        ...

    def bounds(self, alpha: float) -> tuple[float, float]:
        """The margins not rejected by either test at ``alpha``: the two-sided 1 - 2 alpha interval."""
        ...

    def mde(self, margin: float, alpha: float, power: float = POWER) -> float:
        """The true drop that fails with probability ``power`` (the minimum detectable drop)."""
        ...

    def rows_needed(self, margin: float, alpha: float, n: int, power: float = POWER) -> int | None:
        """About how many rows would decide (either way) if the true drop were the estimate."""
        ...


def _quantile(p: float, df: int | None) -> float:
    from scipy import special

    return float(special.stdtrit(df, p) if df is not None and df > 0 else special.ndtri(p))


def _cdf(z: float, df: int | None) -> float:
    """Student's t (df) or standard normal cdf; scipy.special's ufuncs, the functions behind
    scipy.stats.t / norm, without their per-call overhead (the simulations call this a lot)."""
    from scipy import special

    return float(special.stdtr(df, z) if df is not None and df > 0 else special.ndtr(z))


@dataclass(frozen=True)
class NormalDrop:
    """D-hat with its standard error; Student's t with ``df`` degrees of freedom, else normal."""

    estimate: float
    se: float
    df: int | None = None
    method: str = "normal"

    def _z(self, margin: float) -> float | None:
        if self.se == 0.0:
            return None  # no sampling variability: the drop is known exactly
        return (self.estimate - margin) / self.se

    def p_above(self, margin: float) -> float:
        if not (math.isfinite(self.estimate) and math.isfinite(self.se)):
            return math.nan
        z = self._z(margin)
        if z is None:
            return 0.0 if self.estimate > margin + TOL else 1.0
        return _cdf(-z, self.df)

    def p_below(self, margin: float) -> float:
        if not (math.isfinite(self.estimate) and math.isfinite(self.se)):
            return math.nan
        z = self._z(margin)
        if z is None:
            return 0.0 if self.estimate <= margin + TOL else 1.0
        return _cdf(z, self.df)

    def bounds(self, alpha: float) -> tuple[float, float]:
        if not (math.isfinite(self.estimate) and math.isfinite(self.se)):
            return math.nan, math.nan
        if self.se <= 0.0:
            return self.estimate, self.estimate
        q = _quantile(1.0 - alpha, self.df)
        return self.estimate - q * self.se, self.estimate + q * self.se

    def mde(self, margin: float, alpha: float, power: float = POWER) -> float:
        if not (math.isfinite(self.se) and self.se >= 0.0):
            return math.nan
        return margin + (_quantile(1.0 - alpha, self.df) + _quantile(power, self.df)) * self.se

    def rows_needed(self, margin: float, alpha: float, n: int, power: float = POWER) -> int | None:
        return rows_to_decide(self.estimate, self.se, margin, alpha, n, power)


def rows_to_decide(
    estimate: float, se: float, margin: float, alpha: float, n: int, power: float = POWER
) -> int | None:
    """Rows at which a true drop equal to ``estimate`` is decided with probability ``power``.

    The standard error shrinks as 1/sqrt(n) (the usual sample-size formula, e.g. Chow, Shao & Wang
    2008, *Sample Size Calculations in Clinical Research*, ch. 3): n' = n (z_{1-a} + z_power)^2 se^2 /
    (D - delta)^2. None when the estimate sits on the margin (no number of rows decides it) or is
    undefined.
    """
    gap = abs(estimate - margin)
    if not (math.isfinite(gap) and math.isfinite(se)) or gap <= TOL or n <= 0:
        return None
    z = _quantile(1.0 - alpha, None) + _quantile(power, None)
    return max(n, math.ceil(n * (z * se / gap) ** 2))

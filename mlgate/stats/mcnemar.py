"""Paired proportions at a margin from the discordant pairs: McNemar's test, exact or mid-p, inverted.

Accuracy (and any paired error rate) compares two proportions on the same n rows. Only the
*discordant* rows carry information: b rows where the candidate is wrong and the baseline right,
c rows the other way round; the drop is D = (b - c) / n. Given the m = b + c discordant rows, b is
binomial(m, pi) with pi = p_b / (p_b + p_c) (McNemar 1947, "Note on the sampling error of the
difference between correlated proportions or percentages", Psychometrika 12(2):153-157); at D = 0,
pi = 1/2 and the one-sided p-value is the exact binomial tail, or its mid-p version (Lancaster 1961,
JASA 56:223-234; Fagerland, Lydersen & Laake 2013, BMC Med. Res. Methodol. 13:91, who recommend the
mid-p McNemar test for its size close to, and in their study never above, the nominal level).

At a margin delta != 0, pi depends on the nuisance p_c. It is set to its maximum-likelihood value
under H0: D = delta (the restricted MLE of Nam 1997, Biometrics 53:1422-1430, and Tango 1998,
Statistics in Medicine 17:891-908, in closed form), and b is referred to binomial(m, pi_0). Simulated
at the margin (tests/stats/test_margin_simulation.py, docs/statistics.md) its false-block rate stays at
or below alpha where the plug-in pi = 1/2 + n delta / 2m does not.

Conditioning on m discards what m itself says: with one discordant row in 10,000 a drop of one point
is impossible, yet b = 1 of m = 1 is no evidence conditionally. The discordance rate bounds the drop
(|D| <= p_b + p_c), and P(M <= m) under p_b + p_c = |delta| is a valid p-value for |D| >= |delta|;
the two are combined by a weighted Bonferroni split (1 - EPS for the conditional test, EPS for the
bound), which keeps the level for every margin. The interval is the set of margins that neither
one-sided test rejects (test inversion), found by bisection, so it matches the p-values by
construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlgate.stats.margin import POWER, rows_to_decide

# Share of alpha given to the discordance-rate bound (it matters only with very few discordant rows).
EPS = 0.01
_BISECT_STEPS = 48  # 2 / 2^48: far below any difference a scorecard shows


def restricted_mle(
    b: np.ndarray | float, c: np.ndarray | float, n: np.ndarray | float, delta: float
) -> np.ndarray:
    """(p_b, p_c) maximising the trinomial likelihood of (b, c, n - b - c) under p_b - p_c = delta.

    Setting the derivative of b log(x + d) + c log x + (n - b - c) log(1 - 2x - d) to zero gives
    2n x^2 - B x - c d (1 - d) = 0 with B = b + c - d (2n - b + c); x = p_c is its non-negative root.
    For d < 0 the problem is mirrored (b <-> c), which keeps the root in range.
    """
    b_, c_, n_ = (np.asarray(v, dtype=np.float64) for v in (b, c, n))
    flip = delta < 0
    if flip:
        b_, c_ = c_, b_
    d = abs(delta)
    big_b = b_ + c_ - d * (2 * n_ - b_ + c_)
    x = (big_b + np.sqrt(big_b * big_b + 8 * n_ * c_ * d * (1 - d))) / (4 * n_)
    x = np.clip(x, 0.0, (1.0 - d) / 2.0)
    hi, lo = x + d, x
    return np.stack([lo, hi]) if flip else np.stack([hi, lo])


def pi_null(b: np.ndarray | float, c: np.ndarray | float, n: np.ndarray | float, delta: float) -> np.ndarray:
    """P(a discordant row is against the candidate) under D = delta, at the restricted MLE."""
    p_b, p_c = restricted_mle(b, c, n, delta)
    total = p_b + p_c
    return np.asarray(np.divide(p_b, total, out=np.full_like(total, 0.5), where=total > 0))


def conditional_p(
    b: np.ndarray | float,
    c: np.ndarray | float,
    n: np.ndarray | float,
    delta: float,
    *,
    upper: bool,
    mid_p: bool = True,
) -> np.ndarray:
    """The conditional (binomial) p-value: upper tail (H0: D <= delta) or lower tail (H0: D >= delta).

    At delta = 0 this is McNemar's exact test, or its mid-p version: scipy.stats.binomtest(b, b + c,
    0.5) gives the same number for the exact one.
    """
    from scipy import special

    b_ = np.asarray(b, dtype=np.float64)
    m = np.rint(b_ + np.asarray(c, dtype=np.float64)).astype(np.int64)  # bdtr wants integer trials
    pi = pi_null(b, c, n, delta)
    # scipy.special's binomial cdf (bdtr) and survival (bdtrc) ufuncs: the same numbers as
    # scipy.stats.binom, without its per-call overhead (the interval bisects on them).
    with np.errstate(invalid="ignore"):
        below = np.where(b_ > 0, special.bdtr(np.maximum(b_ - 1, 0), m, pi), 0.0)  # P(B < b)
        at_most = special.bdtr(b_, m, pi)  # P(B <= b)
    point = at_most - below
    if upper:  # P(B >= b); mid-p: P(B > b) + P(B = b) / 2
        p = 1.0 - (below + 0.5 * point if mid_p else below)
    else:
        p = at_most - 0.5 * point if mid_p else at_most
    # No discordant row: the conditional test has nothing to say.
    return np.where(m > 0, np.clip(p, 0.0, 1.0), 1.0)


def discordance_p(m: np.ndarray | float, n: np.ndarray | float, size: float) -> np.ndarray:
    """P(M <= m) when p_b + p_c = |size| (the least discordance a drop of that size needs)."""
    from scipy import special

    if size <= 0:
        return np.ones_like(np.asarray(m, dtype=np.float64))
    trials = np.rint(np.asarray(n, dtype=np.float64)).astype(np.int64)
    return np.asarray(special.bdtr(m, trials, min(size, 1.0)), dtype=np.float64)


def p_values(
    b: np.ndarray | float, c: np.ndarray | float, n: np.ndarray | float, margin: float, mid_p: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """(p_above, p_below) at ``margin``, vectorised over arrays of counts (the simulations use it)."""
    m = np.asarray(b, dtype=np.float64) + np.asarray(c, dtype=np.float64)
    up = conditional_p(b, c, n, margin, upper=True, mid_p=mid_p) / (1 - EPS)
    down = conditional_p(b, c, n, margin, upper=False, mid_p=mid_p) / (1 - EPS)
    # H0: D <= margin < 0 needs p_b + p_c >= -margin; H0: D >= margin > 0 needs p_b + p_c >= margin.
    up = np.minimum(up, discordance_p(m, n, -margin) / EPS)
    down = np.minimum(down, discordance_p(m, n, margin) / EPS)
    return np.minimum(up, 1.0), np.minimum(down, 1.0)


@dataclass(frozen=True)
class McNemarDrop:
    """The drop (b - c) / n of a paired proportion, with b, c the discordant counts on n rows."""

    b: int
    c: int
    n: int
    mid_p: bool = True

    @property
    def estimate(self) -> float:
        return (self.b - self.c) / self.n if self.n > 0 else math.nan

    @property
    def method(self) -> str:
        return "mcnemar-midp" if self.mid_p else "mcnemar-exact"

    def p_above(self, margin: float) -> float:
        if self.n <= 0:
            return math.nan
        if margin >= 1.0:
            return 1.0
        return float(p_values(self.b, self.c, self.n, max(margin, -1.0), self.mid_p)[0])

    def p_below(self, margin: float) -> float:
        if self.n <= 0:
            return math.nan
        if margin <= -1.0:
            return 1.0
        return float(p_values(self.b, self.c, self.n, min(margin, 1.0), self.mid_p)[1])

    def bounds(self, alpha: float) -> tuple[float, float]:
        """Inverted tests: lo = sup of the margins whose p_above < alpha, hi = inf of those whose
        p_below < alpha. Both p-values are monotone in the margin, so bisection finds them."""
        if self.n <= 0:
            return math.nan, math.nan
        return self._edge(alpha, lower=True), self._edge(alpha, lower=False)

    def _edge(self, alpha: float, *, lower: bool) -> float:
        lo, hi = -1.0, 1.0
        # lower: p_above rises with the margin, rejected (< alpha) on the left; upper: the mirror.
        for _ in range(_BISECT_STEPS):
            mid = (lo + hi) / 2
            rejected = (self.p_above(mid) if lower else self.p_below(mid)) < alpha
            if rejected == lower:
                lo = mid
            else:
                hi = mid
        return lo if lower else hi

    def se(self) -> float:
        """Normal-approximation standard error of D (Connor 1987, Biometrics 43:207-211): it sizes
        the MDE and the rows needed, never the verdict."""
        if self.n <= 0:
            return math.nan
        share = max(self.b + self.c, 1) / self.n
        return math.sqrt(max(share - self.estimate**2, 1.0 / self.n**2) / self.n)

    def mde(self, margin: float, alpha: float, power: float = POWER) -> float:
        from scipy import special

        z = float(special.ndtri(1 - alpha) + special.ndtri(power))
        return margin + z * self.se()

    def rows_needed(self, margin: float, alpha: float, n: int, power: float = POWER) -> int | None:
        return rows_to_decide(self.estimate, self.se(), margin, alpha, n, power)

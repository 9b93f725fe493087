"""The decision rules that turn a comparison into pass / inconclusive / fail.

- ``margin`` (default): three zones at the allowed drop (``stats.margin``): fail when the interval
  lies above the allowed drop, pass when it lies below, inconclusive otherwise. The false-block rate
  is at most alpha when the true drop equals the allowed drop, the one place where a guarantee is
  worth having.
- ``evidence``: fail only when the estimated regression exceeds the allowed drop AND the
  regression is statistically significant (one-sided p below alpha); when the estimate exceeds the
  allowed drop without significance the verdict is "inconclusive" (typically a small eval set).
  Two models that are equally good then fail at most at rate alpha, whatever the allowed drop; a
  true drop equal to the allowed drop fails about half the time.
- ``strict``: non-inferiority (e.g. Wellek 2010, Testing Statistical Hypotheses of Equivalence and
  Noninferiority): the whole interval must clear the allowed drop, i.e. even the pessimistic end of
  the interval is within it. A point improvement whose interval is too wide is "unproven", never a
  failure: an improvement never fails.

alpha is (1 - confidence) / 2, so "significant" means exactly "the two-sided interval shown in the
scorecard lies entirely on the worse side of zero": the table and the verdict cannot disagree.
"""

from __future__ import annotations

import enum
import math
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # keep this module free of numpy/scipy: the gates import it at start-up
    from mlgate.stats.margin import DropTest
    from mlgate.stats.paired import Comparison

Rule = Literal["margin", "evidence", "strict"]
# Floating-point slack so that a delta equal to the allowed drop (e.g. 0.8 - 0.78 vs 0.02) is within.
_TOL = 1e-12


class Outcome(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    UNPROVEN = "unproven"  # strict rule: point estimate fine, interval not tight enough
    REPORTED = "reported"  # no allowed drop configured: shown, not judged


def alpha(confidence: float) -> float:
    return (1.0 - confidence) / 2.0


def allowed_drop(max_drop: float | None, max_drop_relative: float | None, baseline: float) -> float | None:
    """The allowed regression in metric units; with both limits the stricter one applies.

    The relative limit is a fraction of |baseline|, so a baseline of 0 allows 0 and never divides.
    """
    limits = []
    if max_drop is not None:
        limits.append(max_drop)
    if max_drop_relative is not None and math.isfinite(baseline):
        limits.append(max_drop_relative * abs(baseline))
    return min(limits) if limits else None


def decide(
    cmp: Comparison, allowed: float | None, rule: Rule, confidence: float, p: float | None = None
) -> Outcome:
    """The verdict; ``p`` overrides the rule's p-value (e.g. a multiplicity-adjusted one): for
    ``margin`` the p-value of "the drop exceeds the allowed drop", for ``evidence`` that of "the
    candidate is worse" (``cmp.p_worse``); ``strict`` uses the interval alone."""
    if allowed is None:
        return Outcome.REPORTED
    return judge(
        cmp.test, allowed, rule, alpha(confidence), p,
        worse_by=cmp.worse_by, worse_by_high=cmp.worse_by_high, p_worse=cmp.p_worse,
    )


def judge(
    test: DropTest,
    allowed: float,
    rule: Rule,
    alpha: float,
    p: float | None = None,
    *,
    worse_by: float | None = None,
    worse_by_high: float | None = None,
    p_worse: float | None = None,
) -> Outcome:
    """The rule applied to one test of the drop: the one place the three rules are written (the
    performance and slices gates call it through :func:`decide`, the fairness gate per group).

    ``worse_by``, ``worse_by_high`` and ``p_worse`` default to the test's estimate, the upper end of its
    two-sided (1 - 2 alpha) interval and its p-value against zero; a comparison passes its own."""
    if rule == "margin":
        return three_zones(test, allowed, alpha, p)
    drop = test.estimate if worse_by is None else worse_by
    if rule == "strict":
        high = test.bounds(alpha)[1] if worse_by_high is None else worse_by_high
        if high <= allowed + _TOL:
            return Outcome.PASS
        return Outcome.FAIL if drop > 0 else Outcome.UNPROVEN
    p_value = p if p is not None else test.p_above(0.0) if p_worse is None else p_worse
    if not drop > allowed + _TOL:
        return Outcome.PASS
    if math.isfinite(p_value) and p_value < alpha:
        return Outcome.FAIL
    return Outcome.INCONCLUSIVE


def three_zones(test: DropTest, margin: float, alpha: float, p_fail: float | None = None) -> Outcome:
    """The verdict at ``margin``; ``p_fail`` overrides ``test.p_above(margin)`` (an adjusted p-value).

    Failing is checked first: an adjusted p-value can only make a failure harder, never a pass easier
    (the pass side needs no adjustment, see the module docstring).
    """
    p_up = test.p_above(margin) if p_fail is None else p_fail
    if math.isfinite(p_up) and p_up < alpha:
        return Outcome.FAIL
    p_down = test.p_below(margin)
    if math.isfinite(p_down) and p_down < alpha:
        return Outcome.PASS
    return Outcome.INCONCLUSIVE


def rule_p(cmp: Comparison, allowed: float | None, rule: Rule) -> float:
    """The p-value the rule compares with alpha, the one a multiplicity correction adjusts
    (NaN when the rule has none: no allowed drop, or ``strict``)."""
    if allowed is None or rule == "strict":
        return math.nan
    if rule == "margin":
        return cmp.test.p_above(allowed)
    return cmp.p_worse

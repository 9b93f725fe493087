"""Decision rules: direction, allowed drops, baseline 0, improvements, evidence vs strict."""

from __future__ import annotations

import pytest

from mlgate.stats.decision import Outcome, allowed_drop, decide
from mlgate.stats.paired import Comparison


def cmp(metric: str, cand: float, base: float, lo: float, hi: float, p: float, n: int = 1000) -> Comparison:
    return Comparison(metric, cand, base, cand - base, lo, hi, p, "test", True, n)


def test_allowed_drop_takes_the_stricter_limit_and_handles_zero() -> None:
    assert allowed_drop(0.02, None, 0.8) == 0.02
    assert allowed_drop(None, 0.05, 0.8) == pytest.approx(0.04)
    assert allowed_drop(0.02, 0.05, 0.8) == 0.02
    assert allowed_drop(None, 0.1, 0.0) == 0.0  # baseline 0: no division, nothing allowed
    assert allowed_drop(None, 0.1, -2.0) == pytest.approx(0.2)  # r2 can be negative
    assert allowed_drop(None, None, 0.8) is None


def test_higher_is_better_regression_fails_only_with_evidence() -> None:
    significant = cmp("accuracy", 0.75, 0.80, -0.07, -0.03, 0.001)
    assert decide(significant, 0.02, "evidence", 0.95) is Outcome.FAIL
    noisy = cmp("accuracy", 0.75, 0.80, -0.15, 0.05, 0.2, n=50)
    assert decide(noisy, 0.02, "evidence", 0.95) is Outcome.INCONCLUSIVE
    within = cmp("accuracy", 0.79, 0.80, -0.03, 0.01, 0.01)
    assert decide(within, 0.02, "evidence", 0.95) is Outcome.PASS
    # Exactly the allowed drop (floating point 0.8 - 0.78) is within.
    edge = cmp("accuracy", 0.78, 0.80, -0.03, -0.01, 0.0001)
    assert decide(edge, 0.02, "evidence", 0.95) is Outcome.PASS


def test_lower_is_better_signs() -> None:
    worse = cmp("log_loss", 0.50, 0.40, 0.06, 0.14, 0.0001)  # loss went up by 0.1
    assert worse.worse_by == pytest.approx(0.1)
    assert worse.worse_by_high == pytest.approx(0.14)
    assert decide(worse, 0.05, "evidence", 0.95) is Outcome.FAIL
    better = cmp("rmse", 1.0, 1.5, -0.6, -0.4, 1.0)
    assert better.worse_by == pytest.approx(-0.5)
    assert decide(better, 0.0, "evidence", 0.95) is Outcome.PASS
    assert decide(better, 0.0, "strict", 0.95) is Outcome.PASS


@pytest.mark.parametrize("rule", ["evidence", "strict"])
@pytest.mark.parametrize("metric", ["accuracy", "log_loss", "roc_auc", "rmse"])
def test_an_improvement_never_fails(rule: str, metric: str) -> None:
    from mlgate.metrics_registry import METRICS, Direction

    sign = 1 if METRICS[metric].direction is Direction.HIGHER else -1
    # A point improvement with a very wide interval, baseline 0 and nothing allowed.
    c = cmp(metric, sign * 0.01, 0.0, -0.5, 0.5, 0.48)
    for allowed in (0.0, allowed_drop(None, 0.1, 0.0)):
        assert decide(c, allowed, rule, 0.95) in (Outcome.PASS, Outcome.UNPROVEN)  # type: ignore[arg-type]


def test_strict_requires_the_whole_interval_within_the_allowed_drop() -> None:
    tight = cmp("accuracy", 0.795, 0.80, -0.015, 0.005, 0.2)
    assert decide(tight, 0.02, "strict", 0.95) is Outcome.PASS
    wide = cmp("accuracy", 0.795, 0.80, -0.06, 0.05, 0.4, n=80)
    assert decide(wide, 0.02, "strict", 0.95) is Outcome.FAIL
    assert decide(wide, 0.02, "evidence", 0.95) is Outcome.PASS


def test_significance_level_matches_the_interval() -> None:
    # alpha = (1 - 0.95) / 2: p = 0.03 is not significant (the 95% interval includes 0).
    c = cmp("accuracy", 0.70, 0.80, -0.2, 0.01, 0.03)
    assert decide(c, 0.02, "evidence", 0.95) is Outcome.INCONCLUSIVE
    assert decide(c, 0.02, "evidence", 0.90) is Outcome.FAIL
    assert decide(c, None, "evidence", 0.95) is Outcome.REPORTED
    # An adjusted p-value overrides the raw one.
    assert (
        decide(cmp("accuracy", 0.7, 0.8, -0.2, -0.05, 0.001), 0.02, "evidence", 0.95, p=0.2)
        is Outcome.INCONCLUSIVE
    )

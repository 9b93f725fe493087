"""McNemar at a margin: the conditional test equals scipy's binomial test at zero, the restricted MLE
is the likelihood's maximum, and for every case the verdict, the p-values and the interval agree."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from mlgate.stats.decision import Outcome, three_zones
from mlgate.stats.margin import NormalDrop
from mlgate.stats.mcnemar import McNemarDrop, conditional_p, restricted_mle

ALPHA = 0.025


@pytest.mark.parametrize(("b", "c"), [(4, 0), (0, 4), (7, 3), (30, 12), (150, 170), (1, 1)])
def test_exact_conditional_p_is_scipy_binomtest(b: int, c: int) -> None:
    exact_up = float(conditional_p(b, c, 1000, 0.0, upper=True, mid_p=False))
    exact_down = float(conditional_p(b, c, 1000, 0.0, upper=False, mid_p=False))
    assert exact_up == pytest.approx(stats.binomtest(b, b + c, 0.5, alternative="greater").pvalue, rel=1e-12)
    assert exact_down == pytest.approx(stats.binomtest(b, b + c, 0.5, alternative="less").pvalue, rel=1e-12)
    # mid-p (Lancaster 1961): the exact tail less half the probability of the observed count.
    mid = float(conditional_p(b, c, 1000, 0.0, upper=True, mid_p=True))
    assert mid == pytest.approx(exact_up - 0.5 * stats.binom.pmf(b, b + c, 0.5), rel=1e-12)


def test_statsmodels_mcnemar_when_installed() -> None:
    sm = pytest.importorskip("statsmodels.stats.contingency_tables")
    b, c = 9, 2
    two_sided = sm.mcnemar(np.array([[50, b], [c, 40]]), exact=True).pvalue
    assert 2 * min(conditional_p(b, c, 101, 0.0, upper=True, mid_p=False), 0.5) == pytest.approx(two_sided)


def test_the_issue_case_is_not_blocked() -> None:
    """4 discordant rows of 200, all against the candidate: exact one-sided p = 0.0625, no block."""
    t = McNemarDrop(4, 0, 200, mid_p=False)
    assert float(conditional_p(4, 0, 200, 0.0, upper=True, mid_p=False)) == pytest.approx(0.0625)
    assert three_zones(t, 0.0, ALPHA) is Outcome.INCONCLUSIVE
    assert three_zones(t, 0.01, ALPHA) is Outcome.INCONCLUSIVE
    assert three_zones(McNemarDrop(4, 0, 200), 0.01, ALPHA) is Outcome.INCONCLUSIVE


@pytest.mark.parametrize(
    ("b", "c", "n", "d"),
    [(13, 5, 100, 0.04), (5, 13, 100, -0.04), (40, 2, 500, 0.05), (0, 3, 80, 0.02), (3, 0, 80, -0.01)],
)
def test_restricted_mle_maximises_the_likelihood(b: int, c: int, n: int, d: float) -> None:
    def nll(x: float) -> float:
        p_b, p_c = (x + d, x) if d >= 0 else (x, x - d)
        return -(b * np.log(p_b) + c * np.log(p_c) + (n - b - c) * np.log(1 - p_b - p_c))

    top = (1 - abs(d)) / 2
    best = optimize.minimize_scalar(
        nll, bounds=(1e-12, top - 1e-12), method="bounded", options={"xatol": 1e-12}
    )
    p_b, p_c = restricted_mle(b, c, n, d)
    assert p_b - p_c == pytest.approx(d, abs=1e-12)
    assert min(p_b, p_c) == pytest.approx(best.x, abs=1e-6)


def test_few_discordant_rows_on_many_rows_pass() -> None:
    """One discordant row in 10,000: a one-point drop is impossible, whatever conditioning says."""
    assert three_zones(McNemarDrop(1, 0, 10_000), 0.01, ALPHA) is Outcome.PASS
    assert three_zones(McNemarDrop(0, 0, 10_000), 0.01, ALPHA) is Outcome.PASS


def _agree(test: McNemarDrop | NormalDrop, margin: float) -> None:
    lo, hi = test.bounds(ALPHA)
    outcome = three_zones(test, margin, ALPHA)
    slack = 1e-9
    if abs(lo - margin) > slack:
        assert (outcome is Outcome.FAIL) == (lo > margin), (lo, margin, outcome)
    if abs(hi - margin) > slack and outcome is not Outcome.FAIL:
        assert (outcome is Outcome.PASS) == (hi < margin), (hi, margin, outcome)
    assert lo <= hi
    if math.isfinite(test.estimate) and not (isinstance(test, McNemarDrop) and test.b + test.c == 0):
        assert lo - slack <= test.estimate <= hi + slack


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(1, 5000),
    share_b=st.floats(0, 0.3),
    share_c=st.floats(0, 0.3),
    margin=st.floats(0, 0.1),
    mid_p=st.booleans(),
)
def test_mcnemar_verdict_p_and_interval_never_disagree(
    n: int, share_b: float, share_c: float, margin: float, mid_p: bool
) -> None:
    b = int(share_b * n)
    c = min(int(share_c * n), n - b)
    _agree(McNemarDrop(b, c, n, mid_p), margin)


@settings(max_examples=100, deadline=None)
@given(
    est=st.floats(-0.2, 0.2),
    se=st.floats(0, 0.05),
    margin=st.floats(0, 0.1),
    df=st.one_of(st.none(), st.integers(2, 500)),
)
def test_normal_verdict_p_and_interval_never_disagree(
    est: float, se: float, margin: float, df: int | None
) -> None:
    _agree(NormalDrop(est, se, df), margin)


def test_p_values_are_monotone_in_the_margin() -> None:
    t = McNemarDrop(37, 21, 900)
    grid = np.linspace(-0.2, 0.2, 81)
    up = [t.p_above(d) for d in grid]
    down = [t.p_below(d) for d in grid]
    assert np.all(np.diff(up) >= -1e-12) and np.all(np.diff(down) <= 1e-12)


def test_mde_and_rows_needed() -> None:
    t = NormalDrop(0.015, 0.01)
    z = stats.norm.ppf(1 - ALPHA) + stats.norm.ppf(0.8)
    assert t.mde(0.01, ALPHA) == pytest.approx(0.01 + z * 0.01)
    need = t.rows_needed(0.01, ALPHA, 200)
    assert need == math.ceil(200 * (z * 0.01 / 0.005) ** 2)
    assert NormalDrop(0.01, 0.01).rows_needed(0.01, ALPHA, 200) is None  # on the margin: no n decides

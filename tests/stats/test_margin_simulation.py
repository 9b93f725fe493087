"""The guarantees of the margin rule, by simulation with fixed seeds (sufficient statistics only).

- false block at the margin: a true drop equal to the allowed drop fails at most alpha of the time
  (within Monte-Carlo error), for McNemar's test on the discordant pairs and for the normal tests;
- power at twice the margin: as the minimum detectable effect on the scorecard predicts;
- family-wise error across six metrics, all at their margin: at most alpha with Holm.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mlgate.stats.margin import NormalDrop
from mlgate.stats.mcnemar import McNemarDrop, p_values
from mlgate.stats.multiple import adjust

ALPHA = 0.025
REPS = 4000
# Three standard errors of a binomial share of REPS at alpha: the Monte-Carlo tolerance.
MC = 3 * math.sqrt(ALPHA * (1 - ALPHA) / REPS)


def discordant(rng: np.random.Generator, n: int, p_disc: float, drop: float) -> tuple[np.ndarray, np.ndarray]:
    """REPS draws of (b, c): rows the candidate alone gets wrong / alone gets right."""
    cnt = rng.multinomial(n, [(p_disc + drop) / 2, (p_disc - drop) / 2, 1 - p_disc], size=REPS)
    return cnt[:, 0], cnt[:, 1]


@pytest.mark.parametrize("mid_p", [True, False])
@pytest.mark.parametrize(
    ("n", "p_disc", "margin"),
    [
        (200, 0.06, 0.01),
        (200, 0.15, 0.02),
        (1000, 0.03, 0.02),
        (1000, 0.15, 0.01),
        (10_000, 0.06, 0.02),
        (10_000, 0.15, 0.005),
    ],
)
def test_mcnemar_false_block_at_the_margin_is_at_most_alpha(
    n: int, p_disc: float, margin: float, mid_p: bool
) -> None:
    rng = np.random.default_rng([n, int(p_disc * 1000), int(margin * 1000)])
    b, c = discordant(rng, n, p_disc, margin)
    p_up, p_down = p_values(b, c, n, margin, mid_p)
    assert (p_up < ALPHA).mean() <= ALPHA + MC
    # The mirror guarantee: a true drop at the margin is shown to be within it at most alpha of the time.
    assert (p_down < ALPHA).mean() <= ALPHA + MC


def test_the_evidence_rule_blocks_half_the_prs_at_the_margin() -> None:
    """Why the default changed: significance against zero plus a point drop past the margin."""
    rng = np.random.default_rng(7)
    n, margin = 10_000, 0.01
    b, c = discordant(rng, n, 0.15, margin)
    p_zero, _ = p_values(b, c, n, 0.0)
    evidence = ((b - c) / n > margin) & (p_zero < ALPHA)
    assert 0.4 < evidence.mean() < 0.6
    margin_rule = p_values(b, c, n, margin)[0] < ALPHA
    assert margin_rule.mean() <= ALPHA + MC


def test_mcnemar_power_at_twice_the_margin_matches_its_mde() -> None:
    rng = np.random.default_rng(11)
    n, p_disc, margin = 10_000, 0.15, 0.01
    b, c = discordant(rng, n, p_disc, 2 * margin)
    power = float((p_values(b, c, n, margin)[0] < ALPHA).mean())
    # The normal approximation behind the scorecard's MDE: power at a true drop D is
    # Phi((D - margin) / se - z_{1-alpha}).
    se = McNemarDrop(int(b.mean()), int(c.mean()), n).se()
    predicted = stats.norm.cdf(margin / se - stats.norm.ppf(1 - ALPHA))
    assert power == pytest.approx(predicted, abs=0.04)
    assert power > 0.6


@pytest.mark.parametrize("df", [None, 199])
def test_normal_false_block_and_power(df: int | None) -> None:
    """The paired t (per-row loss differences) and DeLong / delta-method normal tests."""
    rng = np.random.default_rng(5)
    n, sigma, margin = 200, 0.1, 0.01
    for drop, check in ((margin, "size"), (2 * margin, "power")):
        mean = rng.normal(drop, sigma / math.sqrt(n), REPS)
        # (n - 1) s^2 / sigma^2 is chi-square(n - 1), independent of the mean (normal rows).
        sd = sigma * np.sqrt(rng.chisquare(n - 1, REPS) / (n - 1)) if df else np.full(REPS, sigma)
        p = np.array(
            [NormalDrop(m, s / math.sqrt(n), df).p_above(margin) for m, s in zip(mean, sd, strict=True)]
        )
        rate = float((p < ALPHA).mean())
        if check == "size":
            assert rate <= ALPHA + MC
        else:
            test = NormalDrop(2 * margin, sigma / math.sqrt(n), df)
            # At a true drop equal to the MDE the power is 80%; here the drop is 2 x margin.
            z = (2 * margin - margin) / test.se - stats.norm.ppf(1 - ALPHA)
            assert rate == pytest.approx(stats.norm.cdf(z), abs=0.03)
            assert test.mde(margin, ALPHA) > 2 * margin  # 200 rows cannot reliably see this drop


def test_family_wise_error_across_six_metrics_at_their_margin() -> None:
    rng = np.random.default_rng(13)
    margin, se, metrics = 0.01, 0.004, 6
    # Correlated metrics (the same rows): a shared component and a metric's own noise.
    shared = rng.normal(0, 1, (REPS, 1))
    z = np.sqrt(0.5) * shared + np.sqrt(0.5) * rng.normal(0, 1, (REPS, metrics))
    p = np.array([[NormalDrop(margin + se * v, se).p_above(margin) for v in row] for row in z])
    raw_fwe = float((p < ALPHA).any(axis=1).mean())
    holm = np.array([adjust(row, "holm") for row in p])
    holm_fwe = float((holm < ALPHA).any(axis=1).mean())
    assert holm_fwe <= ALPHA + MC
    assert raw_fwe > 2 * ALPHA  # without the correction six metrics block far more often

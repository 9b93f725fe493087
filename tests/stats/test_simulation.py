"""Simulations of the decision rule (issue: never block on noise, always catch a real regression).

Two equally good models differ only by the seed of their noise: the gate may fail at most at the
nominal rate. A model 2 accuracy points worse on 10,000 rows must fail every time. The cell-count
bootstrap makes hundreds of repetitions cheap.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.metrics_registry import TaskKind
from mlgate.stats.decision import Outcome, decide
from mlgate.stats.paired import compare

CONFIDENCE = 0.95
NOMINAL = 1 - CONFIDENCE
CLASSIFICATION = ["accuracy", "balanced_accuracy", "f1", "roc_auc", "average_precision", "log_loss", "brier"]


def models(rng: np.random.Generator, n: int, noise_c: float, noise_b: float) -> dict[str, np.ndarray]:
    """A shared latent signal; each model sees it through its own noise (its own training seed)."""
    y = rng.integers(0, 2, n)
    latent = (2 * y - 1) + rng.normal(0, 1, n)
    lc = latent + rng.normal(0, noise_c, n)
    lb = latent + rng.normal(0, noise_b, n)
    sc, sb = 1 / (1 + np.exp(-2 * lc)), 1 / (1 + np.exp(-2 * lb))
    return {"y": y, "sc": sc, "sb": sb, "pc": (lc > 0).astype(int), "pb": (lb > 0).astype(int)}


def verdicts(
    d: dict[str, np.ndarray], names: list[str], allowed: float, seed: int
) -> tuple[dict[str, Outcome], dict[str, float]]:
    out = compare(
        names,
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=d["sc"],
        base_pred=d["pb"],
        base_scores=d["sb"],
        confidence=CONFIDENCE,
    )
    return {m: decide(c, allowed, "evidence", CONFIDENCE) for m, c in out.items()}, {
        m: c.p_worse for m, c in out.items()
    }


def test_equally_good_models_fail_at_most_at_the_nominal_rate() -> None:
    rng = np.random.default_rng(2024)
    reps = 400
    fails = dict.fromkeys(CLASSIFICATION, 0)
    p_small = 0
    for r in range(reps):
        d = models(rng, 1000, 0.5, 0.5)
        found, p_values = verdicts(d, CLASSIFICATION, 0.0, r)
        for m, v in found.items():
            fails[m] += v is Outcome.FAIL
        p_small += p_values["accuracy"] < NOMINAL
    for m, f in fails.items():
        assert f / reps <= NOMINAL, f"{m}: failed {f} of {reps} times with equally good models"
    # The p-value is calibrated, not merely conservative: P(p < 0.05) is near 0.05 under the null.
    assert 0.02 <= p_small / reps <= 0.09


def test_equally_good_regressors_fail_at_most_at_the_nominal_rate() -> None:
    rng = np.random.default_rng(7)
    names = ["mae", "rmse", "r2", "mape"]
    fails = dict.fromkeys(names, 0)
    reps = 300
    for _ in range(reps):
        y = rng.normal(20, 5, 800)
        out = compare(
            names,
            TaskKind.REGRESSION,
            y,
            0,
            cand_pred=y + rng.normal(0, 2, 800),
            cand_scores=None,
            base_pred=y + rng.normal(0, 2, 800),
            base_scores=None,
            confidence=CONFIDENCE,
        )
        for m, c in out.items():
            fails[m] += decide(c, 0.0, "evidence", CONFIDENCE) is Outcome.FAIL
    for m, f in fails.items():
        assert f / reps <= NOMINAL, f"{m}: failed {f} of {reps} times"


def test_two_points_worse_on_10000_rows_always_fails() -> None:
    rng = np.random.default_rng(99)
    # Accuracy of sign(latent + noise) is Phi(1 / sqrt(1 + s^2)): noise 0.3 vs 0.537 is 0.831 vs 0.811.
    drops = []
    for r in range(40):
        d = models(rng, 10_000, 0.537, 0.3)
        out, _ = verdicts(d, ["accuracy"], 0.005, r)
        drops.append(np.mean(d["pb"] == d["y"]) - np.mean(d["pc"] == d["y"]))
        assert out["accuracy"] is Outcome.FAIL, f"repetition {r}: {out['accuracy']}"
    assert np.mean(drops) == pytest.approx(0.02, abs=0.004)

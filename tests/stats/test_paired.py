"""Paired comparisons: point values equal scikit-learn's; intervals and p-values agree with
independent computations (scipy's paired t-test, McNemar's normal approximation, a row bootstrap)."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from scipy import stats

from mlgate.errors import InputError
from mlgate.metrics_registry import TaskKind
from mlgate.stats.bootstrap import cell_bootstrap, joint_counts
from mlgate.stats.mcnemar import EPS
from mlgate.stats.paired import compare
from mlgate.stats.rowwise import average_precision_influence


def binary_pair(n: int, seed: int, shift: float = 0.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    signal = y + rng.normal(0, 1.0, n)
    sc = 1 / (1 + np.exp(-(signal + rng.normal(0, 0.6, n) - shift)))
    sb = 1 / (1 + np.exp(-(signal + rng.normal(0, 0.6, n))))
    return {"y": y, "sc": sc, "sb": sb, "pc": (sc >= 0.5).astype(int), "pb": (sb >= 0.5).astype(int)}


SK = {
    "accuracy": lambda y, p, s: skm.accuracy_score(y, p),
    "balanced_accuracy": lambda y, p, s: skm.balanced_accuracy_score(y, p),
    "precision": lambda y, p, s: skm.precision_score(y, p, zero_division=0),
    "recall": lambda y, p, s: skm.recall_score(y, p, zero_division=0),
    "f1": lambda y, p, s: skm.f1_score(y, p, zero_division=0),
    "roc_auc": lambda y, p, s: skm.roc_auc_score(y, s),
    "average_precision": lambda y, p, s: skm.average_precision_score(y, s),
    "log_loss": lambda y, p, s: skm.log_loss(y, s, labels=[0, 1]),
    "brier": lambda y, p, s: skm.brier_score_loss(y, s),
}


def test_binary_point_values_equal_sklearn() -> None:
    d = binary_pair(2000, 1)
    out = compare(
        list(SK),
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=d["sc"],
        base_pred=d["pb"],
        base_scores=d["sb"],
    )
    for name, fn in SK.items():
        c = out[name]
        assert c.candidate == pytest.approx(fn(d["y"], d["pc"], d["sc"]), abs=1e-12), name
        assert c.baseline == pytest.approx(fn(d["y"], d["pb"], d["sb"]), abs=1e-12), name
        assert c.delta == pytest.approx(c.candidate - c.baseline)
        assert c.ci_low <= c.delta <= c.ci_high, name
        assert 0 < c.p_worse <= 1


def test_multiclass_many_classes_bootstrap_points_equal_sklearn() -> None:
    rng = np.random.default_rng(2)
    k, n = 12, 3000
    y = rng.integers(0, k, n)
    pc = np.where(rng.random(n) < 0.7, y, rng.integers(0, k, n))
    pb = np.where(rng.random(n) < 0.6, y, rng.integers(0, k, n))
    names = ["accuracy", "balanced_accuracy", "precision", "recall", "f1"]
    boot = cell_bootstrap(
        names, TaskKind.MULTICLASS, joint_counts(y, pc, pb, k), k, paired=True, n_boot=50, seed=0
    )
    assert boot.candidate["f1"] == pytest.approx(skm.f1_score(y, pc, average="macro"))
    assert boot.baseline is not None
    assert boot.baseline["precision"] == pytest.approx(skm.precision_score(y, pb, average="macro"))
    assert boot.candidate["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pc))
    # Every resample is a table of n rows: replicate accuracies are multiples of 1/n.
    reps = boot.replicates_candidate["accuracy"] * n
    assert np.allclose(reps, np.round(reps))


def test_bootstrap_resample_is_a_row_resample() -> None:
    """Replicates from cell counts equal metrics of explicitly resampled rows (same distribution)."""
    d = binary_pair(500, 3)
    out = compare(
        ["accuracy"],
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=None,
        base_pred=d["pb"],
        base_scores=None,
    )["accuracy"]
    rng = np.random.default_rng(9)
    deltas = []
    for _ in range(4000):
        i = rng.integers(0, 500, 500)
        deltas.append(np.mean(d["pc"][i] == d["y"][i]) - np.mean(d["pb"][i] == d["y"][i]))
    lo, hi = np.quantile(deltas, [0.025, 0.975])
    assert out.ci_low == pytest.approx(lo, abs=0.006)
    assert out.ci_high == pytest.approx(hi, abs=0.006)


def test_accuracy_p_value_is_mcnemar() -> None:
    d = binary_pair(5000, 4, shift=0.15)
    out = compare(
        ["accuracy"],
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=None,
        base_pred=d["pb"],
        base_scores=None,
    )["accuracy"]
    c_ok, b_ok = d["pc"] == d["y"], d["pb"] == d["y"]
    n01, n10 = int((~c_ok & b_ok).sum()), int((c_ok & ~b_ok).sum())
    # McNemar (1947), one-sided normal approximation: candidate worse when n01 > n10.
    # McNemar's mid-p test: the binomial(n01 + n10, 1/2) upper tail at n01, half the point mass.
    m = n01 + n10
    mid_p = stats.binom.sf(n01, m, 0.5) + 0.5 * stats.binom.pmf(n01, m, 0.5)
    assert out.p_worse == pytest.approx(min(1.0, mid_p / (1 - EPS)), rel=1e-9)
    assert out.method == "mcnemar-midp"


@pytest.mark.parametrize("metric", ["log_loss", "brier"])
def test_loss_metrics_are_the_paired_t_test(metric: str) -> None:
    d = binary_pair(3000, 5, shift=0.1)
    out = compare(
        [metric],
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=d["sc"],
        base_pred=d["pb"],
        base_scores=d["sb"],
    )[metric]
    if metric == "brier":
        lc, lb = (d["sc"] - d["y"]) ** 2, (d["sb"] - d["y"]) ** 2
    else:
        lc = -np.log(np.where(d["y"] == 1, d["sc"], 1 - d["sc"]))
        lb = -np.log(np.where(d["y"] == 1, d["sb"], 1 - d["sb"]))
    ref = stats.ttest_rel(lc, lb, alternative="greater")  # lower is better: worse = larger loss
    assert out.p_worse == pytest.approx(ref.pvalue, rel=1e-6)
    ci = stats.ttest_rel(lc, lb).confidence_interval(0.95)
    assert (out.ci_low, out.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-6)


def test_regression_metrics_and_intervals() -> None:
    rng = np.random.default_rng(6)
    n = 2000
    y = rng.normal(10, 3, n)
    pc = y + rng.normal(0, 1.0, n)
    pb = y + rng.normal(0, 1.1, n)
    names = ["mae", "rmse", "r2", "mape"]
    out = compare(
        names, TaskKind.REGRESSION, y, 0, cand_pred=pc, cand_scores=None, base_pred=pb, base_scores=None
    )
    assert out["mae"].candidate == pytest.approx(skm.mean_absolute_error(y, pc))
    assert out["rmse"].baseline == pytest.approx(skm.root_mean_squared_error(y, pb))
    assert out["r2"].candidate == pytest.approx(skm.r2_score(y, pc))
    assert out["mape"].candidate == pytest.approx(skm.mean_absolute_percentage_error(y, pc))
    ref = stats.ttest_rel(np.abs(y - pc), np.abs(y - pb), alternative="greater")
    assert out["mae"].p_worse == pytest.approx(ref.pvalue, rel=1e-6)
    # rmse (delta method) and r2: standard errors agree with a row bootstrap of scikit-learn.
    boot_rmse, boot_r2 = [], []
    for _ in range(400):
        i = rng.integers(0, n, n)
        boot_rmse.append(skm.root_mean_squared_error(y[i], pc[i]) - skm.root_mean_squared_error(y[i], pb[i]))
        boot_r2.append(skm.r2_score(y[i], pc[i]) - skm.r2_score(y[i], pb[i]))
    for name, boot in (("rmse", boot_rmse), ("r2", boot_r2)):
        se = (out[name].ci_high - out[name].ci_low) / (2 * stats.t(n - 1).ppf(0.975))
        assert se == pytest.approx(np.std(boot), rel=0.2), name
    # The candidate is better: lower rmse, higher r2, and the p-values say "not worse".
    assert out["rmse"].worse_by < 0 and out["r2"].worse_by < 0
    assert out["rmse"].p_worse > 0.5 and out["r2"].p_worse > 0.5


def test_average_precision_influence_is_the_derivative() -> None:
    """The closed-form influence equals the finite difference of scikit-learn's weighted AP."""
    d = binary_pair(400, 8)
    s = np.round(d["sc"], 2)  # ties
    lin = average_precision_influence(d["y"] == 1, s)
    base = skm.average_precision_score(d["y"], s)
    assert lin.value == pytest.approx(base, abs=1e-12)
    for r in (0, 7, 100, 399):
        w = np.ones(400)
        w[r] += 1e-6
        fd = (skm.average_precision_score(d["y"], s, sample_weight=w) - base) / 1e-6
        assert lin.z[r] / 400 == pytest.approx(fd, rel=1e-3, abs=1e-9)


def test_f1_delta_method_matches_a_row_bootstrap() -> None:
    """The analytic standard error of the f1 difference is the one a row bootstrap estimates."""
    d = binary_pair(1000, 9)
    out = compare(
        ["f1"],
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=None,
        base_pred=d["pb"],
        base_scores=None,
    )["f1"]
    assert out.method == "delta"
    cells = joint_counts(d["y"], d["pc"], d["pb"], 2)
    boot = cell_bootstrap(["f1"], TaskKind.BINARY, cells, 2, paired=True, n_boot=20000, seed=3)
    assert boot.replicates_baseline is not None
    se_boot = float(np.std(boot.replicates_candidate["f1"] - boot.replicates_baseline["f1"], ddof=1))
    se = (out.ci_high - out.ci_low) / (2 * stats.norm.ppf(0.975))
    assert se == pytest.approx(se_boot, rel=0.05)


def test_identical_models_have_no_difference() -> None:
    d = binary_pair(500, 10)
    out = compare(
        ["accuracy", "roc_auc", "log_loss"],
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=d["sc"],
        base_pred=d["pc"],
        base_scores=d["sc"],
    )
    for c in out.values():
        assert c.delta == 0 and c.p_worse == 1.0
        if c.method.startswith("mcnemar"):
            # No discordant row in 500 bounds the discordance rate, not to 0: |drop| <~ ln(1/a)/n.
            assert -0.02 < c.ci_low < 0 < c.ci_high < 0.02
        else:
            assert c.ci_low == 0 and c.ci_high == 0


def test_unpaired_against_stored_values() -> None:
    d = binary_pair(2000, 11)
    acc = skm.accuracy_score(d["y"], d["pc"])
    auc = skm.roc_auc_score(d["y"], d["sc"])
    out = compare(
        ["accuracy", "roc_auc"],
        TaskKind.BINARY,
        d["y"],
        2,
        cand_pred=d["pc"],
        cand_scores=d["sc"],
        base_values={"accuracy": acc + 0.1, "roc_auc": auc - 0.1},
    )
    assert not out["accuracy"].paired
    assert out["accuracy"].delta == pytest.approx(-0.1)
    assert out["accuracy"].p_worse < 0.01  # 0.1 below a fixed value, on 2000 rows
    assert out["roc_auc"].p_worse > 0.99


def test_missing_scores_is_an_input_error() -> None:
    d = binary_pair(100, 12)
    with pytest.raises(InputError, match=r"roc_auc.*baseline predictions have none"):
        compare(
            ["roc_auc"],
            TaskKind.BINARY,
            d["y"],
            2,
            cand_pred=d["pc"],
            cand_scores=d["sc"],
            base_pred=d["pb"],
            base_scores=None,
        )

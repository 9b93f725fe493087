"""Group rates and aggregates from cell counts equal fairlearn's, on German Credit and synthetic data.

AIF360 is not installable here (it pins old numpy/pandas), so its cross-check is written from its
documented formulas (aif360.metrics.ClassificationMetric / BinaryLabelDatasetMetric): for one
privileged and one unprivileged group, ``statistical_parity_difference = SR_u - SR_p``,
``disparate_impact = SR_u / SR_p``, ``equal_opportunity_difference = TPR_u - TPR_p``,
``false_positive_rate_difference = FPR_u - FPR_p`` and ``error_rate_difference = ERR_u - ERR_p``.
With the privileged group as reference group these coincide with ours up to sign (differences are
absolute) and orientation (ratios are folded to <= 1).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, mean_absolute_error, precision_score

from mlgate.demo import german_csv
from mlgate.stats import fairness as fs

FAIRLEARN_AGGREGATES = {
    "demographic_parity_difference": demographic_parity_difference,
    "demographic_parity_ratio": demographic_parity_ratio,
    "equalized_odds_difference": equalized_odds_difference,
    "equalized_odds_ratio": equalized_odds_ratio,
    "equal_opportunity_difference": equal_opportunity_difference,
    "equal_opportunity_ratio": equal_opportunity_ratio,
}
FAIRLEARN_RATES = {
    "selection_rate": selection_rate,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "tnr": true_negative_rate,
    "fnr": false_negative_rate,
    "accuracy": accuracy_score,
}


def _codes(groups: pd.Series | pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    if isinstance(groups, pd.DataFrame):
        groups = groups.astype(str).agg(" & ".join, axis=1)
    codes, uniques = pd.factorize(groups, sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _ours(
    y: np.ndarray, p: np.ndarray, groups: pd.Series | pd.DataFrame, k: int = 2
) -> dict[str, np.ndarray]:
    codes, labels = _codes(groups)
    return fs.classification_rates(fs.group_confusion(codes, len(labels), y, p, k))


@pytest.fixture(scope="module")
def german() -> pd.DataFrame:
    """German Credit with predictions of a small model (threshold 0.7 so that rates differ by group)."""
    from sklearn.linear_model import LogisticRegression

    frame = pd.read_csv(german_csv(), keep_default_na=False)
    x = frame[["duration_months", "credit_amount", "installment_rate", "age"]].to_numpy(dtype=float)
    y = (frame["credit"] == "good").to_numpy(dtype=np.int64)
    model = LogisticRegression(max_iter=1000).fit((x - x.mean(0)) / x.std(0), y)
    frame["y"] = y
    frame["p"] = (model.predict_proba((x - x.mean(0)) / x.std(0))[:, 1] >= 0.7).astype(np.int64)
    return frame


def _synthetic(n: int = 5000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c", "d"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    h = rng.choice(["x", "y"], size=n)
    base = {"a": 0.5, "b": 0.35, "c": 0.6, "d": 0.25}
    y = (rng.random(n) < np.vectorize(base.get)(g)).astype(np.int64)
    p = np.where(rng.random(n) < 0.75, y, 1 - y)
    p = np.where((g == "d") & (rng.random(n) < 0.3), 0, p)
    return pd.DataFrame({"g": g, "h": h, "y": y, "p": p})


def _cases(german: pd.DataFrame) -> list[tuple[str, pd.DataFrame, pd.Series | pd.DataFrame]]:
    syn = _synthetic()
    return [
        ("german sex", german, german["sex"]),
        ("german age_group", german, german["age_group"]),
        ("german sex x age_group", german, german[["sex", "age_group"]]),
        ("synthetic g", syn, syn["g"]),
        ("synthetic g x h", syn, syn[["g", "h"]]),
    ]


def test_group_rates_equal_metricframe_by_group(german: pd.DataFrame) -> None:
    for what, frame, groups in _cases(german):
        y, p = frame["y"].to_numpy(), frame["p"].to_numpy()
        mf = MetricFrame(metrics=FAIRLEARN_RATES, y_true=y, y_pred=p, sensitive_features=groups)
        ours = _ours(y, p, groups)
        by_group = mf.by_group
        if isinstance(groups, pd.DataFrame):
            by_group.index = [" & ".join(map(str, i)) for i in by_group.index]
        by_group = by_group.sort_index()
        for rate in FAIRLEARN_RATES:
            np.testing.assert_allclose(
                ours[rate][:, 0], by_group[rate].to_numpy(dtype=float), err_msg=f"{what} {rate}"
            )
        prec = MetricFrame(
            metrics=lambda a, b: precision_score(a, b, zero_division=0.0),
            y_true=y,
            y_pred=p,
            sensitive_features=groups,
        ).by_group.to_numpy(dtype=float)
        np.testing.assert_allclose(ours["precision"][:, 0], prec, err_msg=what)
        np.testing.assert_array_equal(ours["size"][:, 0], np.unique(_codes(groups)[0], return_counts=True)[1])


def test_aggregates_equal_fairlearn(german: pd.DataFrame) -> None:
    for what, frame, groups in _cases(german):
        y, p = frame["y"].to_numpy(), frame["p"].to_numpy()
        ours = _ours(y, p, groups)
        every = np.ones(ours["size"].shape[0], dtype=bool)
        for name, fn in FAIRLEARN_AGGREGATES.items():
            expected = fn(y, p, sensitive_features=groups)
            got = float(fs.metric_values(name, ours, every))
            assert got == pytest.approx(expected, abs=1e-12), f"{what}: {name}"
        expected_pp = MetricFrame(
            metrics=lambda a, b: precision_score(a, b, zero_division=0.0),
            y_true=y,
            y_pred=p,
            sensitive_features=groups,
        ).difference()
        assert float(fs.metric_values("predictive_parity_difference", ours, every)) == pytest.approx(
            expected_pp
        )
        expected_acc = MetricFrame(
            metrics=accuracy_score, y_true=y, y_pred=p, sensitive_features=groups
        ).difference()
        assert float(fs.metric_values("accuracy_difference", ours, every)) == pytest.approx(expected_acc)


def test_joint_counts_are_paired_and_their_margins_are_each_models_counts(german: pd.DataFrame) -> None:
    codes, labels = _codes(german["sex"])
    y, a = german["y"].to_numpy(), german["p"].to_numpy()
    b = np.roll(a, 7)
    joint = fs.joint_confusion(codes, len(labels), y, a, b, 2)
    np.testing.assert_array_equal(joint.sum(-1), fs.group_confusion(codes, len(labels), y, a, 2))
    np.testing.assert_array_equal(joint.sum(-2), fs.group_confusion(codes, len(labels), y, b, 2))
    assert joint.sum() == len(y)


def test_undefined_tpr_is_left_out_where_fairlearn_counts_zero() -> None:
    """Group 'c' has no actual positives: fairlearn's TPR is 0 (scikit-learn zero_division), ours NaN."""
    y = np.array([1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0])
    p = np.array([1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0])
    g = pd.Series(["a"] * 4 + ["b"] * 4 + ["c"] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_group = MetricFrame(metrics=true_positive_rate, y_true=y, y_pred=p, sensitive_features=g).by_group
    assert by_group["c"] == 0.0
    ours = _ours(y, p, g)
    assert np.isnan(ours["tpr"][2, 0])
    every = np.ones(3, dtype=bool)
    # Ours compares only a and b: |0.5 - 1.0|; fairlearn's 0 for c would make it 1.0.
    assert float(fs.metric_values("equal_opportunity_difference", ours, every)) == pytest.approx(0.5)
    assert equal_opportunity_difference(y, p, sensitive_features=g) == pytest.approx(1.0)
    ab = g != "c"
    assert float(fs.metric_values("equal_opportunity_difference", ours, every)) == pytest.approx(
        equal_opportunity_difference(y[ab], p[ab], sensitive_features=g[ab])
    )
    d = fs.drivers("equal_opportunity_difference", ours, every)
    assert d is not None and {d.low, d.high} == {0, 1}


def test_excluded_groups_and_too_few_groups() -> None:
    values = np.array([[0.2], [0.9], [0.5]])
    rates = {"selection_rate": values}
    assert float(fs.metric_values("demographic_parity_difference", rates, np.array([True, False, True]))) == (
        pytest.approx(0.3)
    )
    assert np.isnan(fs.metric_values("demographic_parity_difference", rates, np.array([True, False, False])))
    # Every selection rate 0: fairlearn's ratio is 0/0 = NaN, and so is ours.
    assert np.isnan(
        fs.metric_values("demographic_parity_ratio", {"selection_rate": np.zeros((2, 1))}, np.ones(2, bool))
    )


def test_multiclass_one_vs_rest_equals_fairlearn_on_binarised_labels() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    g = pd.Series(rng.choice(["u", "v", "w"], size=n))
    y = rng.integers(0, 3, size=n)
    p = np.where(rng.random(n) < 0.6, y, rng.integers(0, 3, size=n))
    ours = _ours(y, p, g, k=3)
    every = np.ones(3, dtype=bool)
    per_class = []
    for c in range(3):
        yc, pc = (y == c).astype(int), (p == c).astype(int)
        mf = MetricFrame(
            metrics={"tpr": true_positive_rate, "sr": selection_rate},
            y_true=yc,
            y_pred=pc,
            sensitive_features=g,
        ).by_group
        np.testing.assert_allclose(ours["tpr"][:, c], mf["tpr"].to_numpy(dtype=float))
        np.testing.assert_allclose(ours["selection_rate"][:, c], mf["sr"].to_numpy(dtype=float))
        per_class.append(equalized_odds_difference(yc, pc, sensitive_features=g))
    # The reported aggregate is the worst class.
    assert float(fs.metric_values("equalized_odds_difference", ours, every)) == pytest.approx(max(per_class))
    # Accuracy is the group's multiclass accuracy, not a one-vs-rest accuracy.
    acc = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=p, sensitive_features=g).by_group
    np.testing.assert_allclose(ours["accuracy"][:, 1], acc.to_numpy(dtype=float))


def test_regression_error_gap_equals_fairlearn() -> None:
    rng = np.random.default_rng(4)
    n = 2000
    g = pd.Series(rng.choice(["p", "q", "r"], size=n))
    y = rng.normal(size=n)
    pred = y + rng.normal(scale=np.where(g == "r", 2.0, 1.0))
    codes, labels = _codes(g)
    sums = fs.error_sums(codes, len(labels), y, pred, None)
    rates = fs.regression_rates(sums)
    mf = MetricFrame(metrics=mean_absolute_error, y_true=y, y_pred=pred, sensitive_features=g)
    np.testing.assert_allclose(rates["mae"][:, 0], mf.by_group.to_numpy(dtype=float))
    got = float(fs.metric_values("error_gap_mae", rates, np.ones(3, dtype=bool)))
    assert got == pytest.approx(mf.difference())


def test_reference_group_matches_aif360_formulas(german: pd.DataFrame) -> None:
    """AIF360 (privileged: male, age >= 25, as in its GermanDataset) from its documented formulas."""
    y, p = german["y"].to_numpy(), german["p"].to_numpy()
    for col, privileged in (("sex", "male"), ("age_group", ">=25")):
        priv = (german[col] == privileged).to_numpy()
        unp = ~priv

        def sr(m: np.ndarray) -> float:
            return float(p[m].mean())

        def tpr(m: np.ndarray) -> float:
            return float(p[m & (y == 1)].mean())

        def fpr(m: np.ndarray) -> float:
            return float(p[m & (y == 0)].mean())

        def err(m: np.ndarray) -> float:
            return float((p[m] != y[m]).mean())

        spd, di = sr(unp) - sr(priv), sr(unp) / sr(priv)
        eod, fprd, erd = tpr(unp) - tpr(priv), fpr(unp) - fpr(priv), err(unp) - err(priv)
        codes, labels = _codes(german[col])
        ref = labels.index(privileged)
        ours = fs.classification_rates(fs.group_confusion(codes, 2, y, p, 2))

        def m(name: str, ours: dict[str, np.ndarray] = ours, ref: int = ref) -> float:
            return float(fs.metric_values(name, ours, np.ones(2, dtype=bool), ref))

        assert m("demographic_parity_difference") == pytest.approx(abs(spd))
        assert m("demographic_parity_ratio") == pytest.approx(min(di, 1 / di))
        assert m("equal_opportunity_difference") == pytest.approx(abs(eod))
        assert m("equalized_odds_difference") == pytest.approx(max(abs(eod), abs(fprd)))
        assert m("accuracy_difference") == pytest.approx(abs(erd))
        # Two groups: the reference form equals fairlearn's between-groups form.
        assert m("demographic_parity_ratio") == pytest.approx(
            demographic_parity_ratio(y, p, sensitive_features=german[col])
        )


def test_reference_group_with_several_groups() -> None:
    rates = {"selection_rate": np.array([[0.5], [0.8], [0.4], [0.6]])}
    every = np.ones(4, dtype=bool)
    assert float(fs.metric_values("demographic_parity_difference", rates, every, ref=1)) == pytest.approx(0.4)
    assert float(fs.metric_values("demographic_parity_ratio", rates, every, ref=1)) == pytest.approx(0.5)
    # A reference below the others: ratios are folded, min(v/ref, ref/v).
    assert float(fs.metric_values("demographic_parity_ratio", rates, every, ref=2)) == pytest.approx(0.5)
    d = fs.drivers("demographic_parity_ratio", rates, every, ref=1)
    assert d is not None and (d.low, d.high) == (2, 1)

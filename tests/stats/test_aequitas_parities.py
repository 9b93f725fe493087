"""Aequitas's group-metric parities (FPR, FNR, FDR, FOR) as differences and ratios, from cell counts,
equal fairlearn's MetricFrame run with the same functions (between groups, and against a reference
group read from ``by_group``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, false_negative_rate, false_positive_rate
from sklearn.metrics import confusion_matrix

from mlgate.stats import fairness as fs


def _fdr(y: np.ndarray, p: np.ndarray) -> float:
    _tn, fp, _fn, tp = confusion_matrix(y, p, labels=[0, 1]).ravel()
    return fp / (fp + tp)


def _for(y: np.ndarray, p: np.ndarray) -> float:
    tn, _fp, fn, _tp = confusion_matrix(y, p, labels=[0, 1]).ravel()
    return fn / (fn + tn)


FUNCTIONS = {"fpr": false_positive_rate, "fnr": false_negative_rate, "fdr": _fdr, "for": _for}
NAMES = {
    "fpr": "false_positive_rate",
    "fnr": "false_negative_rate",
    "fdr": "false_discovery_rate",
    "for": "false_omission_rate",
}


def _data(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 6000
    g = rng.choice(["a", "b", "c", "d"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    y = (rng.random(n) < np.vectorize({"a": 0.5, "b": 0.35, "c": 0.6, "d": 0.25}.get)(g)).astype(np.int64)
    p = np.where(rng.random(n) < 0.75, y, 1 - y)
    p = np.where((g == "d") & (rng.random(n) < 0.3), 0, p)
    return pd.DataFrame({"g": g, "y": y, "p": p})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_parities_equal_metricframe(seed: int) -> None:
    d = _data(seed)
    codes, labels = pd.factorize(d["g"], sort=True)
    rates = fs.classification_rates(
        fs.group_confusion(codes.astype(np.int64), len(labels), d["y"].to_numpy(), d["p"].to_numpy(), 2)
    )
    mf = MetricFrame(metrics=FUNCTIONS, y_true=d["y"], y_pred=d["p"], sensitive_features=d["g"])
    every = np.ones(len(labels), dtype=bool)
    by_group = mf.by_group.sort_index()
    ref = list(labels).index("a")
    for rate, stem in NAMES.items():
        np.testing.assert_allclose(rates[rate][:, 0], by_group[rate].to_numpy(dtype=float))
        diff = float(fs.metric_values(f"{stem}_difference", rates, every))
        ratio = float(fs.metric_values(f"{stem}_ratio", rates, every))
        assert diff == pytest.approx(mf.difference()[rate], abs=1e-12)
        assert ratio == pytest.approx(mf.ratio()[rate], abs=1e-12)
        # Against the reference group (Aequitas): the largest |v_g - v_ref| and the smallest folded ratio.
        v = by_group[rate].to_numpy(dtype=float)
        others = np.delete(v, ref)
        assert float(fs.metric_values(f"{stem}_difference", rates, every, ref)) == pytest.approx(
            np.max(np.abs(others - v[ref])), abs=1e-12
        )
        assert float(fs.metric_values(f"{stem}_ratio", rates, every, ref)) == pytest.approx(
            np.min(np.minimum(others / v[ref], v[ref] / others)), abs=1e-12
        )

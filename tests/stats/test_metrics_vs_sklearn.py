"""Every registry metric equals scikit-learn's on the same predictions."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.metrics_registry import METRICS, TaskKind
from mlgate.stats.metrics import compute, confusion, from_confusion

BINARY = {
    "accuracy": lambda y, p, s: skm.accuracy_score(y, p),
    "balanced_accuracy": lambda y, p, s: skm.balanced_accuracy_score(y, p),
    "precision": lambda y, p, s: skm.precision_score(y, p, zero_division=0),
    "recall": lambda y, p, s: skm.recall_score(y, p, zero_division=0),
    "f1": lambda y, p, s: skm.f1_score(y, p, zero_division=0),
    "roc_auc": lambda y, p, s: skm.roc_auc_score(y, s),
    "average_precision": lambda y, p, s: skm.average_precision_score(y, s),
    "log_loss": lambda y, p, s: skm.log_loss(y, s, labels=[0, 1]),
    "brier": lambda y, p, s: skm.brier_score_loss(y, s, labels=[0, 1]),
}
MULTI = {
    "accuracy": lambda y, p, s: skm.accuracy_score(y, p),
    "balanced_accuracy": lambda y, p, s: skm.balanced_accuracy_score(y, p),
    "precision": lambda y, p, s: skm.precision_score(y, p, average="macro", zero_division=0),
    "recall": lambda y, p, s: skm.recall_score(y, p, average="macro", zero_division=0),
    "f1": lambda y, p, s: skm.f1_score(y, p, average="macro", zero_division=0),
    "roc_auc": lambda y, p, s: skm.roc_auc_score(y, s, multi_class="ovr", average="macro"),
    "log_loss": lambda y, p, s: skm.log_loss(y, s, labels=[0, 1, 2]),
}
REGRESSION = {
    "mae": lambda y, p: skm.mean_absolute_error(y, p),
    "rmse": lambda y, p: skm.root_mean_squared_error(y, p),
    "r2": lambda y, p: skm.r2_score(y, p),
    "mape": lambda y, p: skm.mean_absolute_percentage_error(y, p),
}


def test_registry_is_fully_covered() -> None:
    covered = set(BINARY) | set(MULTI) | set(REGRESSION)
    assert covered == set(METRICS)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(name: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    y = rng.integers(0, 2, n)
    # Rounded scores create ties, the case where AUC/AP implementations usually differ.
    s = np.clip(np.round(0.3 * y + 0.7 * rng.random(n), 2), 0, 1)
    p = (s >= 0.5).astype(np.int64)
    got = compute(name, TaskKind.BINARY, y, p, s, 2)
    assert got == pytest.approx(BINARY[name](y, p, s), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("name", sorted(MULTI))
def test_multiclass(name: str, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(30, 400))
    y = rng.integers(0, 3, n)
    raw = rng.random((n, 3)) + np.eye(3)[y] * 0.5
    proba = raw / raw.sum(axis=1, keepdims=True)
    p = proba.argmax(axis=1)
    got = compute(name, TaskKind.MULTICLASS, y, p, proba, 3)
    assert got == pytest.approx(MULTI[name](y, p, proba), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("name", sorted(REGRESSION))
def test_regression(name: str, seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    y = rng.normal(10, 3, 300)
    if seed == 0:
        y[:5] = 0.0  # mape's epsilon floor
    p = y + rng.normal(0, 1, 300)
    got = compute(name, TaskKind.REGRESSION, y, p, None, 0)
    assert got == pytest.approx(REGRESSION[name](y, p), rel=1e-10)


def test_r2_constant_target_follows_sklearn() -> None:
    y = np.full(10, 3.0)
    for p in (y.copy(), y + 1):
        assert compute("r2", TaskKind.REGRESSION, y, p, None, 0) == skm.r2_score(y, p)


def test_confusion_metrics_accept_a_batch_axis() -> None:
    rng = np.random.default_rng(7)
    y, p = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
    cm = confusion(y, p, 2)
    batch = np.stack([cm, cm[::-1]])
    for name in ("accuracy", "f1", "balanced_accuracy"):
        out = from_confusion(name, batch, TaskKind.BINARY)
        assert out[0] == pytest.approx(from_confusion(name, cm, TaskKind.BINARY))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1), st.floats(0, 1)), min_size=2, max_size=60))
def test_binary_property(rows: list[tuple[int, int, float]]) -> None:
    y = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    s = np.array([r[2] for r in rows])
    for name in ("accuracy", "precision", "recall", "f1", "brier"):
        assert compute(name, TaskKind.BINARY, y, p, s, 2) == pytest.approx(BINARY[name](y, p, s), abs=1e-12)
    if 0 < y.sum() < y.size:
        assert compute("roc_auc", TaskKind.BINARY, y, p, s, 2) == pytest.approx(skm.roc_auc_score(y, s))
        assert compute("average_precision", TaskKind.BINARY, y, p, s, 2) == pytest.approx(
            skm.average_precision_score(y, s)
        )


@pytest.mark.parametrize("levels", [2, 3, 10])
def test_roc_auc_with_many_tied_scores(levels: int) -> None:
    # Coarse scores make most rows ties: the average-rank rule must match scikit-learn's trapezoids.
    rng = np.random.default_rng(levels)
    for n in (3, 17, 500):
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        s = rng.integers(0, levels, n) / levels
        auc = compute("roc_auc", TaskKind.BINARY, y, y, s, 2)
        assert auc == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
        k = 3
        ym = rng.integers(0, k, n)
        ym[:k] = range(k)
        sm = rng.integers(1, levels + 1, (n, k)).astype("float64")
        sm /= sm.sum(axis=1, keepdims=True)
        assert compute("roc_auc", TaskKind.MULTICLASS, ym, ym, sm, k) == pytest.approx(
            skm.roc_auc_score(ym, sm, multi_class="ovr", average="macro"), abs=1e-12
        )

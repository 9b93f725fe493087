"""The deepchecks gate on the demo data with the real deepchecks 0.19.1 (pinned environment only)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.config import load_config
from mlgate.result import GateResult, Report, Status
from mlgate.runner import run

pytestmark = pytest.mark.skipif(
    os.environ.get("MLGATE_DEEPCHECKS_ENV") != "1",
    reason="deepchecks needs numpy<2, pandas<2.3, scikit-learn<1.6: scripts/test.sh runs these tests in "
    ".venv-deepchecks",
)

Configure = Callable[..., Path]


def deepchecks_result(path: Path) -> tuple[Report, GateResult]:
    report = run(load_config(path))
    (gate,) = [g for g in report.gates if g.name == "deepchecks"]
    return report, gate


def test_data_integrity_folds_every_condition(demo_project: Path, configure: Configure) -> None:
    path = configure(demo_project, {"deepchecks": {"suite": "data_integrity", "n_samples": 1000}})
    _, gate = deepchecks_result(path)
    assert gate.error is None, gate.error
    assert gate.checks, "every condition becomes a check"
    assert {c.status for c in gate.checks} <= {Status.PASS, Status.WARN, Status.FAIL}
    names = [c.name for c in gate.checks]
    assert any(n.startswith("Single Value in Column") for n in names)
    assert all(": " in n and c.group for n, c in zip(names, gate.checks, strict=True))
    assert gate.summary.startswith("data_integrity: ")


def test_train_test_validation_uses_the_reference(demo_project: Path, configure: Configure) -> None:
    path = configure(demo_project, {"deepchecks": {"suite": "train_test_validation"}})
    _, gate = deepchecks_result(path)
    assert gate.error is None, gate.error
    drift = [c for c in gate.checks if c.group and c.group.startswith("Feature Drift")]
    assert drift and all(c.status is not Status.ERROR for c in drift)


def test_listed_checks_with_strict_conditions_fail(demo_project: Path, configure: Configure) -> None:
    strict = {"add_condition_drift_score_less_than": {
        "max_allowed_categorical_score": 0.0001, "max_allowed_numeric_score": 0.0001}}
    gates = {"deepchecks": {
        "suite": ["FeatureDrift", "MixedNulls"],
        "checks": {"FeatureDrift": {"conditions": strict}},
    }}
    report, gate = deepchecks_result(configure(demo_project, gates))
    groups = {c.group for c in gate.checks}
    assert any(g.startswith("Feature Drift") for g in groups)
    assert any(g.startswith("Mixed Nulls") for g in groups)
    assert gate.status is Status.FAIL and report.exit_code == 1
    gates["deepchecks"]["fail_as"] = "warn"
    report, gate = deepchecks_result(configure(demo_project, gates))
    assert gate.status is Status.WARN and report.exit_code == 0


def test_a_check_that_cannot_run_is_an_error(demo_project: Path, configure: Configure) -> None:
    """FeatureDrift without a reference cannot run: an error (exit 2), never a silent pass."""
    path = configure(demo_project, {"deepchecks": {"suite": ["FeatureDrift"]}}, reference=False)
    report, gate = deepchecks_result(path)
    assert gate.status is Status.ERROR
    assert any("could not be evaluated" in c.message for c in gate.checks)
    assert report.exit_code == 2


def test_a_condition_that_raises_is_an_error() -> None:
    import pandas as pd
    from deepchecks.tabular import Dataset, Suite
    from deepchecks.tabular.checks import MixedNulls

    from mlgate.config.gates_data import DeepchecksSection
    from mlgate.gates.deepchecks import fold

    check = MixedNulls().add_condition("explodes", lambda value: 1 / 0)
    frame = pd.DataFrame({"a": ["x", "y", None] * 20, "y": [0, 1, 0] * 20})
    ds = Dataset(frame, label="y", cat_features=["a"])
    result = Suite("s", check).run(train_dataset=ds, with_display=False)
    checks, _ = fold(result, DeepchecksSection(suite=["MixedNulls"]))
    assert [c.status for c in checks] == [Status.ERROR]
    assert "condition could not be evaluated" in checks[0].message
    assert "ZeroDivisionError" in checks[0].message


def test_unknown_check_and_condition_are_input_errors(demo_project: Path, configure: Configure) -> None:
    _, gate = deepchecks_result(configure(demo_project, {"deepchecks": {"suite": ["NoSuchCheck"]}}))
    assert gate.error is not None and "unknown deepchecks check 'NoSuchCheck'" in gate.error
    bad = {"suite": ["MixedNulls"], "checks": {"MixedNulls": {"conditions": {"add_condition_nope": {}}}}}
    _, gate = deepchecks_result(configure(demo_project, {"deepchecks": bad}))
    assert gate.error is not None and "'add_condition_nope' is not a condition of MixedNulls" in gate.error


def test_model_evaluation_with_candidate_predictions(demo_project: Path, configure: Configure) -> None:
    _, gate = deepchecks_result(configure(demo_project, {"deepchecks": {"suite": "model_evaluation"}}))
    assert gate.error is None, gate.error
    assert gate.checks

"""Sensitive columns and config of the fairness gate: missing values, bad columns, clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import Result
from fairlearn.metrics import demographic_parity_difference

from mlgate.config import load_config
from mlgate.errors import ConfigError, InputError
from mlgate.result import ErrorKind, Status
from tests.gates.fairness_project import check, run_all, run_gate, write_project


def _frame(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["female", "male"], size=n),
            "race": rng.choice(["p", "q", "r"], size=n),
            "age": rng.integers(18, 90, size=n),
            "y": (rng.random(n) < 0.5).astype(int),
        }
    )
    pred = np.where(rng.random(n) < 0.8, frame["y"], 1 - frame["y"])
    return frame, pred


def test_missing_sensitive_values_form_their_own_group(tmp_path: Path) -> None:
    frame, pred = _frame()
    frame.loc[[3, 10, 11, *range(100, 140)], "race"] = np.nan
    gate = "sensitive: [race]\nmetrics:\n  demographic_parity_difference: {max: 1.0}"
    result = run_gate(write_project(tmp_path, frame, pred, None, gate))
    rows = {r[0]: r for r in result.tables[0].rows}
    assert set(rows) == {"(missing)", "p", "q", "r"}
    assert rows["(missing)"][1] == 43
    value = check(result, "demographic_parity_difference <= 1", "race")
    groups = frame["race"].fillna("(missing)")
    assert value.value == pytest.approx(  # type: ignore[attr-defined]
        demographic_parity_difference(frame["y"], pred, sensitive_features=groups)
    )


def test_missing_sensitive_values_can_be_an_error(tmp_path: Path) -> None:
    frame, pred = _frame()
    frame.loc[[5, 8], "sex"] = np.nan
    path = write_project(tmp_path, frame, pred, None, "sensitive: [sex]\nmissing: error")
    with pytest.raises(InputError, match=r"eval\.csv: row 6: sensitive column 'sex' is missing in 2 rows"):
        run_gate(path)
    gate = run_all(path)
    assert gate.status is Status.ERROR and gate.error_kind is ErrorKind.INPUT
    assert "missing: group" in (gate.error or "")


def test_literal_missing_label_collides(tmp_path: Path) -> None:
    frame, pred = _frame()
    frame["sex"] = frame["sex"].astype(object)
    frame.loc[0, "sex"] = "(missing)"
    frame.loc[1, "sex"] = np.nan
    with pytest.raises(InputError, match="literal value"):
        run_gate(write_project(tmp_path, frame, pred, None, "sensitive: [sex]"))


def test_unknown_column_names_a_close_match(tmp_path: Path) -> None:
    frame, pred = _frame()
    with pytest.raises(InputError, match=r"no column 'sexx' \(gates.fairness.sensitive\)") as err:
        run_gate(write_project(tmp_path, frame, pred, None, "sensitive: [sexx]"))
    assert err.value.hint == "did you mean 'sex'?"


def test_continuous_column_is_refused_with_a_hint(tmp_path: Path) -> None:
    frame, pred = _frame()
    with pytest.raises(InputError, match=r"'age' has [0-9]+ distinct values") as err:
        run_gate(write_project(tmp_path, frame, pred, None, "sensitive: [age]"))
    assert "bin it" in (err.value.hint or "")


def test_unknown_reference_group(tmp_path: Path) -> None:
    frame, pred = _frame()
    path = write_project(tmp_path, frame, pred, None, "sensitive: [sex]\nreference_group: {sex: other}")
    with pytest.raises(InputError, match=r"gates\.fairness\.reference_group\.sex: no group 'other'") as err:
        run_gate(path)
    assert "female, male" in (err.value.hint or "")


def test_intersection_reference_and_sensitive_not_a_feature(tmp_path: Path) -> None:
    """Sensitive columns need not be model features: they are read from the eval data only."""
    frame, pred = _frame(1200)
    gate = (
        "sensitive: [sex, race]\nintersections: [[sex, race]]\n"
        "reference_group: {sex: male, race: q}\nmin_group_size: 20"
    )
    result = run_gate(write_project(tmp_path, frame, pred, None, gate))
    inter = {t.title: t for t in result.tables}["Groups by sex & race"]
    assert [r[0] for r in inter.rows] == [
        "female & p",
        "female & q",
        "female & r",
        "male & p",
        "male & q (reference)",
        "male & r",
    ]
    assert sum(r[1] for r in inter.rows) == 1200


@pytest.mark.parametrize(
    ("gate", "task", "match"),
    [
        ("sensitive: [sex]\nreference_group: {race: q}", "binary", r"gates\.fairness\.reference_group\.race"),
        ("sensitive: [sex]\nintersections: [[sex]]", "binary", r"gates\.fairness\.intersections\.0"),
        ("sensitive: []", "binary", r"gates\.fairness\.sensitive"),
        (
            "sensitive: [sex]\nmetrics:\n  error_gap_mae: {max: 1}",
            "binary",
            r"gates\.fairness\.metrics\.error_gap_mae",
        ),
        (
            "sensitive: [sex]\nmetrics:\n  demographic_parity_ratio: {min: 0.8}",
            "regression",
            r"not defined for task 'regression'; use one of: error_gap_mae",
        ),
        ("sensitive: [sex]\nmetrics:\n  demographic_parity: {min: 0.8}", "binary", "did you mean"),
        ("sensitive: [sex]\nmissing: drop", "binary", r"gates\.fairness\.missing"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, gate: str, task: str, match: str) -> None:
    frame, pred = _frame()
    path = write_project(tmp_path, frame, pred, None, gate, task=task)
    with pytest.raises(ConfigError, match=match):
        load_config(path)


def test_cli_exit_codes(tmp_path: Path, cli: Callable[..., Result]) -> None:
    """A fairness failure blocks (exit 1); a bad sensitive column cannot be evaluated (exit 2)."""
    rng = np.random.default_rng(9)
    n = 2000
    frame = pd.DataFrame({"sex": np.where(np.arange(n) % 2 == 0, "f", "m"), "y": rng.integers(0, 2, n)})
    pred = np.where(frame["sex"] == "f", (rng.random(n) < 0.2), (rng.random(n) < 0.8)).astype(int)
    path = write_project(
        tmp_path / "fail",
        frame,
        pred,
        None,
        "sensitive: [sex]\nmetrics:\n  demographic_parity_ratio: {min: 0.8}",
    )
    res = cli(["check", "-c", str(path), "-o", str(tmp_path / "out1")])
    assert res.exit_code == 1, res.output
    bad = write_project(tmp_path / "bad", frame, pred, None, "sensitive: [gender]")
    res = cli(["check", "-c", str(bad), "-o", str(tmp_path / "out2")])
    assert res.exit_code == 2, res.output
    assert "gender" in res.output and "Traceback" not in res.output

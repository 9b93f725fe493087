"""Stack detection: runs in both environments; on a new stack the gate errors with the pins."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from mlgate.config import load_config
from mlgate.gates.deepchecks import INSTALL, PINS, installed_versions, stack_problem
from mlgate.result import Status
from mlgate.runner import run

PINNED = os.environ.get("MLGATE_DEEPCHECKS_ENV") == "1"


def test_pins_are_the_documented_ones() -> None:
    assert PINS == ("deepchecks==0.19.1", "numpy<2", "pandas<2.3", "scikit-learn<1.6")
    doc = (Path(__file__).resolve().parents[2] / "docs" / "gates" / "deepchecks.md").read_text()
    assert INSTALL in doc


def test_stack_problem_names_each_offending_package() -> None:
    ok = {"deepchecks": "0.19.1", "numpy": "1.26.4", "pandas": "2.2.3", "scikit-learn": "1.5.2"}
    assert stack_problem(ok) is None
    msg = stack_problem({**ok, "numpy": "2.4.0", "scikit-learn": "1.6.0"})
    assert msg is not None
    assert "numpy 2.4.0 (needs <2.0)" in msg and "scikit-learn 1.6.0 (needs <1.6)" in msg
    assert "pandas" not in msg.split(";")[0] and INSTALL in msg
    assert "pandas 2.3.1 (needs <2.3)" in (stack_problem({**ok, "pandas": "2.3.1"}) or "")
    missing = stack_problem({**ok, "deepchecks": None})
    assert missing is not None and "not installed" in missing and INSTALL in missing


def test_this_environment(demo_project: Path, configure: Callable[..., Path]) -> None:
    """Main env: a clear gate error (exit 2) and the other gates still run; pinned env: no problem."""
    problem = stack_problem(installed_versions())
    if PINNED:
        assert problem is None
        return
    assert problem is not None
    gates = {"drift": {"predictions": False}, "deepchecks": {"suite": "data_integrity"}}
    path = configure(demo_project, gates)
    report = run(load_config(path))
    results = {g.name: g for g in report.gates}
    assert results["deepchecks"].status is Status.ERROR
    assert results["deepchecks"].error is not None and INSTALL in results["deepchecks"].error
    assert results["drift"].status is Status.PASS and results["drift"].checks
    assert report.exit_code == 2

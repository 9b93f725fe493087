"""``decision: strict`` in the slices gate and in the fairness gate's regression vs the baseline, end to
end: data whose answer is known by construction (a clear regression, a clear non-regression, an
improvement on too few rows to show it)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlgate.result import Check, GateResult, Report, Status
from tests.gates import fairness_project as fair
from tests.gates.paired_project import run_gate, write_project

# Per slice: rows, discordant rows only the candidate gets wrong (b), only the baseline gets wrong (c).
CLEAR_REGRESSION = (400, 100, 20)  # a drop of 0.2 against an allowed 0.05
CLEAR_NON_REGRESSION = (4000, 200, 200)  # no drop, interval about +-0.014
IMPROVED_ON_FEW_ROWS = (40, 4, 6)  # 0.05 better, but the interval reaches well past +0.05


def _slices(
    tmp_path: Path, plan: dict[str, tuple[int, int, int]], rule: str = "strict"
) -> tuple[GateResult, Report]:
    """One slice per entry: the baseline right on 80% of its rows; the candidate wrong on ``b`` of the
    baseline's right rows and right on ``c`` of its wrong ones."""
    ys, cands, bases, names = [], [], [], []
    for name, (n, b, c) in plan.items():
        y = np.arange(n) % 2
        right = np.arange(n) < 0.8 * n
        base = np.where(right, y, 1 - y)
        cand = base.copy()
        flip = np.concatenate([np.flatnonzero(right)[:b], np.flatnonzero(~right)[:c]])
        cand[flip] = 1 - cand[flip]
        ys.append(y), cands.append(cand), bases.append(base), names.append(np.full(n, name, dtype=object))
    gates = (
        f"  slices:\n    columns: [shop]\n    metric: accuracy\n    max_drop: 0.05\n    min_size: 30\n"
        f"    decision: {rule}\n"
    )
    cfg = write_project(
        tmp_path, np.concatenate(ys), np.concatenate(cands), np.concatenate(bases), gates,
        extra={"shop": np.concatenate(names)},
    )
    gate, report, _ = run_gate(cfg, "slices")
    return gate, report


def _by_group(gate: GateResult) -> dict[str, Check]:
    return {c.group: c for c in gate.checks if c.group is not None}


def test_slices_strict_fails_a_clear_regression_and_names_the_slice(tmp_path: Path) -> None:
    gate, report = _slices(tmp_path, {"bad": CLEAR_REGRESSION, "fine": CLEAR_NON_REGRESSION})
    checks = _by_group(gate)
    assert checks["bad"].status is Status.FAIL and checks["fine"].status is Status.PASS
    assert gate.status is Status.FAIL and report.exit_code == 1
    msg = checks["bad"].message
    assert "accuracy on shop = bad (400 rows) is worse by 0.2" in msg
    assert "allows a drop of up to" in msg and "decision: strict, non-inferiority not shown" in msg
    summary = gate.summary
    assert "1 of 2 slices worse on accuracy" in summary and "worst: shop = bad" in summary
    assert "n/a" not in summary and "nan" not in summary.lower()
    # No p-value is adjusted (there is none to adjust), and none shown is undefined.
    assert all(c.p_value is not None and math.isfinite(c.p_value) for c in checks.values())
    assert all(c.family is None for c in checks.values())
    assert any("No correction across the 2 judged slices is needed" in n for n in gate.notes)


def test_slices_strict_passes_a_clear_non_regression(tmp_path: Path) -> None:
    gate, report = _slices(tmp_path, {"a": CLEAR_NON_REGRESSION, "b": CLEAR_NON_REGRESSION})
    assert gate.status is Status.PASS, gate.summary
    assert report.exit_code == 0


@pytest.mark.parametrize(("rule", "outcome"), [("strict", "unproven"), ("margin", "inconclusive")])
def test_slices_an_improvement_with_a_wide_interval_warns(tmp_path: Path, rule: str, outcome: str) -> None:
    gate, report = _slices(tmp_path, {"few": IMPROVED_ON_FEW_ROWS, "fine": CLEAR_NON_REGRESSION}, rule)
    few = _by_group(gate)["few"]
    assert few.status is Status.WARN and few.details["outcome"] == outcome
    assert gate.status is Status.WARN and report.exit_code == 0
    if rule == "strict":
        assert "improved by 0.05" in few.message and "not blocking" in few.message
        assert few.ci_low is not None and few.ci_low < -0.05  # the interval allows a drop beyond 0.05
        summary = gate.summary
        assert "1 of 2 slices unproven on accuracy (decision: strict, interval not tight enough)" in summary
        assert "worst: shop = few" in summary and "inconclusive" not in summary


def _fair_groups(
    n: int, base_b: float, cand_b: float, swaps: float
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Two groups of n rows. Group a: both models select half of it. Group b: the baseline selects
    ``base_b``, the candidate ``cand_b``. In both groups the candidate also trades a share ``swaps`` of its
    rows in pairs (one selected row deselected, one deselected row selected): paired noise that leaves
    every selection rate as built."""
    frames, cands, bases = [], [], []
    for name, rb, rc in (("a", 0.5, 0.5), ("b", base_b, cand_b)):
        i = np.arange(n)
        base = (i < rb * n).astype(int)
        cand = (i < rc * n).astype(int)
        k = int(swaps * n / 2)
        on, off = np.flatnonzero(cand == 1)[:k], np.flatnonzero(cand == 0)[-k:] if k else np.array([], int)
        cand[on], cand[off] = 0, 1
        frames.append(pd.DataFrame({"grp": name, "y": i % 2}))
        cands.append(cand), bases.append(base)
    return pd.concat(frames, ignore_index=True), np.concatenate(cands), np.concatenate(bases)


FAIR_GATE = """
sensitive: [grp]
metrics:
  demographic_parity_difference: {max: 0.9}
max_regression: 0.02
min_group_size: 10
decision: strict
"""
NAME = "demographic_parity_difference vs baseline"


def test_fairness_strict_fails_a_clear_regression_and_names_the_group(tmp_path: Path) -> None:
    frame, cand, base = _fair_groups(2000, 0.5, 0.3, 0.1)  # the gap to group a grows by 0.2
    result = fair.run_gate(fair.write_project(tmp_path, frame, cand, base, FAIR_GATE))
    c = fair.check(result, NAME, "grp")
    assert isinstance(c, Check)
    assert c.status is Status.FAIL and c.group == "b vs a" and c.details["outcome"] == "fail"
    assert "allows a worsening of up to" in c.message and "decision: strict" in c.message
    assert c.p_value is not None and math.isfinite(c.p_value) and c.family is None
    assert "demographic_parity_difference (grp: b vs a)" in result.summary
    assert any("decision rule 'strict'; multiplicity: none needed" in n for n in result.notes)


def test_fairness_strict_passes_a_clear_non_regression(tmp_path: Path) -> None:
    frame, cand, base = _fair_groups(4000, 0.4, 0.4, 0.1)  # rates unchanged, models differ on 10%
    result = fair.run_gate(fair.write_project(tmp_path, frame, cand, base, FAIR_GATE))
    c = fair.check(result, NAME, "grp")
    assert isinstance(c, Check)
    assert c.status is Status.PASS, c.message
    assert c.ci_low is not None and c.ci_high is not None and c.ci_low < 0 < c.ci_high  # a real interval


def test_fairness_strict_an_improvement_with_a_wide_interval_warns(tmp_path: Path) -> None:
    frame, cand, base = _fair_groups(40, 0.35, 0.45, 0.4)  # group b closer to parity, on 40 rows
    result = fair.run_gate(fair.write_project(tmp_path, frame, cand, base, FAIR_GATE))
    c = fair.check(result, NAME, "grp")
    assert isinstance(c, Check)
    assert c.status is Status.WARN and c.details["outcome"] == "unproven", c.message
    assert c.delta is not None and c.delta < 0  # the gap shrank
    assert "still allows a worsening of up to" in c.message and "not blocking" in c.message
    assert c.rows_needed is None and "inconclusive" not in c.message
    assert not [x for x in result.checks if x.status is Status.FAIL]

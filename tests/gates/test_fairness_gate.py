"""The fairness gate end to end: values equal fairlearn's, decisions, tables, warnings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, mean_absolute_error

from mlgate.config import load_config
from mlgate.render.markdown import render_markdown
from mlgate.result import Check, Status, report_to_dict
from mlgate.runner import run
from tests.gates.fairness_project import check, run_gate, write_project

RATES = {"sr": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate, "acc": accuracy_score}


def _by_group(y: np.ndarray, p: np.ndarray, g: pd.Series) -> pd.DataFrame:
    return MetricFrame(metrics=RATES, y_true=y, y_pred=p, sensitive_features=g).by_group


def test_demo_values_and_table_equal_fairlearn(demo_project: Path) -> None:
    """German Credit demo: every aggregate and every table cell equals fairlearn, for both models."""
    ev = pd.read_csv(demo_project / "data" / "eval.csv", keep_default_na=False)
    cand = pd.read_csv(demo_project / "out" / "candidate.csv").set_index("id").loc[ev["id"]]
    base = pd.read_csv(demo_project / "baseline" / "predictions.csv").set_index("id").loc[ev["id"]]
    y = (ev["credit"] == "good").to_numpy(int)
    pc = (cand["prediction"] == "good").to_numpy(int)
    pb = (base["prediction"] == "good").to_numpy(int)
    result = run_gate(demo_project / "mlgate.yaml")
    for attr in ("sex", "age_group"):
        c = check(result, "demographic_parity_ratio >= 0.8", attr)
        assert isinstance(c, Check)
        assert c.value == pytest.approx(demographic_parity_ratio(y, pc, sensitive_features=ev[attr]))
        r = check(result, "equalized_odds_difference vs baseline", attr)
        assert isinstance(r, Check)
        assert r.value == pytest.approx(equalized_odds_difference(y, pc, sensitive_features=ev[attr]))
        assert r.baseline == pytest.approx(equalized_odds_difference(y, pb, sensitive_features=ev[attr]))
        assert r.ci_low is not None and r.ci_high is not None and r.ci_low <= r.delta <= r.ci_high  # type: ignore[operator]
        table = {t.title: t for t in result.tables}[f"Groups by {attr}"]
        assert table.headers[:5] == ("group", "n", "selection rate", "selection rate (baseline)", "TPR")
        fc, fb = _by_group(y, pc, ev[attr]), _by_group(y, pb, ev[attr])
        for row in table.rows:
            g = row[0]
            assert row[1] == int((ev[attr] == g).sum())
            assert row[2:10] == pytest.approx(
                [
                    fc.loc[g, "sr"],
                    fb.loc[g, "sr"],
                    fc.loc[g, "tpr"],
                    fb.loc[g, "tpr"],
                    fc.loc[g, "fpr"],
                    fb.loc[g, "fpr"],
                    fc.loc[g, "acc"],
                    fb.loc[g, "acc"],
                ]
            )
    # The intersection has groups below min_group_size 30 in 300 rows: shown, flagged, not judged.
    small = check(result, "groups too small to judge", "sex & age_group")
    assert isinstance(small, Check) and small.status is Status.WARN
    inter = {t.title: t for t in result.tables}["Groups by sex & age_group"]
    flagged = {row[0] for row in inter.rows if row[-1] == "too small to judge"}
    assert flagged and flagged == set(small.group.split(", "))  # type: ignore[union-attr]
    judged = ~(ev["sex"] + " & " + ev["age_group"]).isin(flagged).to_numpy()
    value = check(result, "demographic_parity_ratio >= 0.8", "sex & age_group")
    assert value.value == pytest.approx(  # type: ignore[attr-defined]
        demographic_parity_ratio(y[judged], pc[judged], sensitive_features=ev[["sex", "age_group"]][judged])
    )


def _two_groups(n: int, seed: int, drop_b: float) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A fair baseline (selection rate 1/2 in both groups); the candidate says 'no' to a share
    ``drop_b`` of group b's 'yes' answers."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    g = np.where(i % 2 == 0, "a", "b")
    base = ((i // 2) % 2).astype(int)
    y = np.where(rng.random(n) < 0.8, base, 1 - base)
    chosen = (g == "b") & (base == 1)
    dropped = chosen & (np.cumsum(chosen) % 20 < 20 * drop_b)
    cand = np.where(dropped, 0, base)
    return pd.DataFrame({"grp": g, "y": y}), cand, base


GATE = """
sensitive: [grp]
metrics:
  demographic_parity_difference: {max: 0.5}
max_regression: 0.02
min_group_size: 10
"""


@pytest.mark.parametrize(
    ("n", "drop_b", "expected"),
    [(4000, 0.4, Status.FAIL), (60, 0.25, Status.WARN), (4000, 0.0, Status.PASS)],
)
def test_regression_decision(tmp_path: Path, n: int, drop_b: float, expected: Status) -> None:
    frame, cand, base = _two_groups(n, 0, drop_b)
    result = run_gate(write_project(tmp_path, frame, cand, base, GATE))
    c = check(result, "demographic_parity_difference vs baseline", "grp")
    assert isinstance(c, Check)
    assert c.status is expected, c.message
    g = frame["grp"]
    assert c.value == pytest.approx(demographic_parity_difference(frame["y"], cand, sensitive_features=g))
    assert c.baseline == pytest.approx(demographic_parity_difference(frame["y"], base, sensitive_features=g))
    assert c.delta == pytest.approx(c.value - c.baseline)  # type: ignore[operator]
    assert c.threshold == 0.02
    if expected is Status.FAIL:
        assert c.ci_low is not None and c.ci_low > 0  # the worsening is real
        assert "selection rate" in c.message and " for b vs " in c.message and " for a" in c.message
        assert c.group == "b vs a"
        assert "demographic_parity_difference (grp: b vs a)" in result.summary
    if expected is Status.WARN:
        assert "inconclusive" in c.message
        # The interval of the worsening includes the allowance: neither beyond it nor within it.
        assert c.ci_low is not None and c.ci_high is not None
        assert c.ci_low <= 0.02 <= c.ci_high and c.delta > 0.02  # type: ignore[operator]
        assert c.rows_needed is not None and c.rows_needed > 30
    # Seeded: the same inputs give the same interval.
    again = check(run_gate(tmp_path / "mlgate.yaml"), "demographic_parity_difference vs baseline", "grp")
    assert (again.ci_low, again.ci_high) == (c.ci_low, c.ci_high)  # type: ignore[attr-defined]


def test_absolute_limit_names_the_groups_and_severity_warn(tmp_path: Path) -> None:
    frame, cand, base = _two_groups(2000, 1, 0.6)
    gate = """
sensitive: [grp]
metrics:
  demographic_parity_ratio: {min: 0.8}
  equal_opportunity_difference: {max: 0.05, severity: warn}
"""
    result = run_gate(write_project(tmp_path, frame, cand, base, gate))
    c = check(result, "demographic_parity_ratio >= 0.8", "grp")
    assert isinstance(c, Check)
    assert c.status is Status.FAIL and c.threshold == 0.8
    assert c.value == pytest.approx(
        demographic_parity_ratio(frame["y"], cand, sensitive_features=frame["grp"])
    )
    assert "below the minimum 0.8" in c.message and "b vs" in c.message
    w = check(result, "equal_opportunity_difference <= 0.05", "grp")
    assert isinstance(w, Check) and w.status is Status.WARN
    assert w.value == pytest.approx(
        equal_opportunity_difference(frame["y"], cand, sensitive_features=frame["grp"])
    )
    # No allowance configured: no comparison with the baseline.
    assert not [c for c in result.checks if c.name.endswith("vs baseline")]


def test_undefined_tpr_is_reported_and_left_out(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    n = 600
    g = np.array(["a", "b", "c"])[np.arange(n) % 3]
    y = np.where(g == "c", 0, (rng.random(n) < 0.5).astype(int))  # group c: no actual positives
    p = np.where(rng.random(n) < 0.8, y, 1 - y)
    frame = pd.DataFrame({"grp": g, "y": y})
    gate = "sensitive: [grp]\nmetrics:\n  equal_opportunity_difference: {max: 0.3}\nmin_group_size: 10"
    result = run_gate(write_project(tmp_path, frame, p, None, gate))
    warn = check(result, "undefined rates", "grp")
    assert isinstance(warn, Check)
    assert warn.status is Status.WARN and warn.group == "c"
    assert "TPR of c is undefined (no actual positives)" in warn.message
    assert "equal_opportunity_difference" in warn.message and "fairlearn" in warn.message
    value = check(result, "equal_opportunity_difference <= 0.3", "grp")
    ab = g != "c"
    assert value.value == pytest.approx(  # type: ignore[attr-defined]
        equal_opportunity_difference(y[ab], p[ab], sensitive_features=g[ab])
    )
    row = {r[0]: r for r in result.tables[0].rows}["c"]
    assert row[3] == "undefined" and "TPR undefined" in row[-1]


def test_reference_group(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 3000
    g = rng.choice(["x", "y", "z"], size=n)
    y = (rng.random(n) < 0.5).astype(int)
    p = (rng.random(n) < np.where(g == "x", 0.6, np.where(g == "y", 0.45, 0.3))).astype(int)
    frame = pd.DataFrame({"grp": g, "y": y})
    gate = (
        "sensitive: [grp]\nreference_group: {grp: y}\n"
        "metrics:\n  demographic_parity_ratio: {min: 0.5}\n  demographic_parity_difference: {max: 0.5}"
    )
    result = run_gate(write_project(tmp_path, frame, p, None, gate))
    sr = pd.Series(p).groupby(g).mean()
    ratio = check(result, "demographic_parity_ratio >= 0.5", "grp")
    assert ratio.value == pytest.approx(min(sr["z"] / sr["y"], sr["y"] / sr["x"]))  # type: ignore[attr-defined]
    diff = check(result, "demographic_parity_difference <= 0.5", "grp")
    assert diff.value == pytest.approx(max(abs(sr["x"] - sr["y"]), abs(sr["z"] - sr["y"])))  # type: ignore[attr-defined]
    assert "(reference)" in diff.message  # type: ignore[attr-defined]
    assert [r[0] for r in result.tables[0].rows] == ["x", "y (reference)", "z"]


def test_multiclass_one_vs_rest(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    n = 1500
    g = rng.choice(["u", "v"], size=n)
    y = rng.choice(["cat", "dog", "eel"], size=n)
    p = np.where(rng.random(n) < np.where(g == "u", 0.8, 0.6), y, rng.choice(["cat", "dog", "eel"], size=n))
    frame = pd.DataFrame({"grp": g, "y": y})
    gate = (
        "sensitive: [grp]\nmetrics:\n  equalized_odds_difference: {max: 0.5}\n"
        "  accuracy_difference: {max: 0.5}"
    )
    result = run_gate(write_project(tmp_path, frame, p, None, gate, task="multiclass"))
    worst = max(
        equalized_odds_difference((y == c).astype(int), (p == c).astype(int), sensitive_features=g)
        for c in ("cat", "dog", "eel")
    )
    eo = check(result, "equalized_odds_difference <= 0.5", "grp")
    assert eo.value == pytest.approx(worst)  # type: ignore[attr-defined]
    assert "vs rest" in eo.message  # type: ignore[attr-defined]
    acc = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=p, sensitive_features=g).difference()
    assert check(result, "accuracy_difference <= 0.5", "grp").value == pytest.approx(acc)  # type: ignore[attr-defined]
    table = result.tables[0]
    assert table.headers[:3] == ("group", "class", "n") and len(table.rows) == 6


def test_regression_task_error_gap(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 4000
    g = np.where(np.arange(n) % 2 == 0, "a", "b")
    y = rng.normal(size=n)
    base = y + rng.normal(size=n)
    cand = np.where(g == "b", y + 1.8 * (base - y), base)  # worse errors on group b only
    frame = pd.DataFrame({"grp": g, "target": y})
    gate = "sensitive: [grp]\nmetrics:\n  error_gap_mae: {max: 2.0}\nmax_regression: 0.05"
    result = run_gate(write_project(tmp_path, frame, cand, base, gate, task="regression", label="target"))
    c = check(result, "error_gap_mae vs baseline", "grp")
    expected = MetricFrame(
        metrics=mean_absolute_error, y_true=y, y_pred=cand, sensitive_features=g
    ).difference()
    assert c.value == pytest.approx(expected)  # type: ignore[attr-defined]
    assert c.status is Status.FAIL  # type: ignore[attr-defined]
    assert "MAE 0." in c.message and "for a vs 1." in c.message and "for b" in c.message  # type: ignore[attr-defined]
    assert result.tables[0].headers == (
        "group",
        "n",
        "MAE",
        "MAE (baseline)",
        "RMSE",
        "RMSE (baseline)",
        "mean error",
        "mean error (baseline)",
        "status",
    )


def test_without_baseline_and_default_metrics(tmp_path: Path) -> None:
    frame, cand, _ = _two_groups(400, 6, 0.0)
    result = run_gate(write_project(tmp_path, frame, cand, None, "sensitive: [grp]\nmax_regression: 0.01"))
    names = {c.name for c in result.checks}
    assert names == {"demographic_parity_difference", "equalized_odds_difference"}
    assert all(c.status is Status.PASS for c in result.checks)
    assert any("No baseline predictions" in n for n in result.notes)
    assert result.tables[0].headers == ("group", "n", "selection rate", "TPR", "FPR", "accuracy", "status")


def test_scorecard_json_and_markdown(demo_project: Path) -> None:
    report = run(load_config(demo_project / "mlgate.yaml"))
    data = report_to_dict(report)
    (fair,) = [g for g in data["gates"] if g["name"] == "fairness"]
    assert [t["title"] for t in fair["tables"]] == [
        "Groups by sex",
        "Groups by age_group",
        "Groups by sex & age_group",
    ]
    assert {c["attribute"] for c in fair["checks"]} == {"sex", "age_group", "sex & age_group"}
    md = render_markdown(report)
    assert "**Groups by sex &amp; age\\_group**" in md
    # Group names come from the data: escaped by the renderer, never raw HTML.
    assert "| female &amp; &lt;25 " in md and "| female & <25" not in md


def test_nothing_to_compare_is_a_warning(tmp_path: Path) -> None:
    frame, cand, _ = _two_groups(100, 7, 0.0)
    frame.loc[:89, "grp"] = "a"  # group b keeps 10 rows, below min_group_size
    gate = "sensitive: [grp]\nmetrics:\n  demographic_parity_ratio: {min: 0.8}\nmin_group_size: 20"
    result = run_gate(write_project(tmp_path, frame, cand, None, gate))
    c = check(result, "demographic_parity_ratio", "grp")
    assert isinstance(c, Check) and c.status is Status.WARN and c.value is None
    assert "fewer than two judged groups with a defined selection rate" in c.message
    ref = write_project(tmp_path / "ref", frame, cand, None, gate + "\nreference_group: {grp: b}")
    c = check(run_gate(ref), "demographic_parity_ratio", "grp")
    assert isinstance(c, Check) and "the reference group b is too small to judge" in c.message

"""The slices gate: a model better overall but worse on one segment is caught; small slices are not judged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlgate.errors import ConfigError
from mlgate.result import ErrorKind, Status
from mlgate.stats.multiple import benjamini_hochberg, holm
from tests.gates.paired_project import flip, run_gate, write_project

GATES = (
    "  performance:\n    metrics:\n      accuracy: {{max_drop: 0.01}}\n"
    "  slices:\n    columns: [region, income]\n    metric: accuracy\n    max_drop: 0.05\n    min_size: 30\n"
    "    correction: {correction}\n"
)


def segmented(n: int = 4000, seed: int = 0) -> dict[str, np.ndarray]:
    """Candidate better everywhere except region 'south', where it is 20 points worse."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    region = rng.choice(["north", "east", "west", "south"], n, p=[0.35, 0.3, 0.25, 0.1]).astype(object)
    region[:12] = "islands"  # a tiny slice
    income = rng.lognormal(10, 1, n)
    base = np.where(rng.random(n) < 0.75, y, 1 - y)
    cand = flip(base, y, 0.08, seed=1, to_wrong=False)  # better overall...
    south = np.flatnonzero(region == "south")
    worse = rng.choice(south, int(0.3 * south.size), replace=False)
    cand[worse] = 1 - y[worse]  # ...but wrong on 30% of the south (most of which it got right)
    return {"y": y, "cand": cand, "base": base, "region": region, "income": income}


def test_catches_a_segment_regression_hidden_by_an_overall_gain(tmp_path: Path) -> None:
    d = segmented()
    cfg = write_project(
        tmp_path,
        d["y"],
        d["cand"],
        d["base"],
        GATES.format(correction="holm"),
        extra={"region": d["region"], "income": d["income"]},
    )
    perf, report, _ = run_gate(cfg, "performance")
    assert perf.status is Status.PASS
    gate = next(g for g in report.gates if g.name == "slices")
    assert gate.status is Status.FAIL
    worst = gate.checks[0]
    assert (worst.attribute, worst.group, worst.status) == ("region", "south", Status.FAIL)
    rows = d["region"] == "south"
    assert worst.value == pytest.approx(np.mean(d["cand"][rows] == d["y"][rows]))
    assert worst.baseline == pytest.approx(np.mean(d["base"][rows] == d["y"][rows]))
    assert "accuracy on region = south" in worst.message and "lies beyond the allowed drop" in worst.message
    assert "region = south" in gate.summary
    failed = [c for c in gate.checks if c.status is Status.FAIL]
    assert len(failed) == 1
    assert report.exit_code == 1


def test_small_slices_are_too_small_to_judge_and_numeric_columns_binned(tmp_path: Path) -> None:
    d = segmented()
    cfg = write_project(
        tmp_path,
        d["y"],
        d["cand"],
        d["base"],
        GATES.format(correction="holm"),
        extra={"region": d["region"], "income": d["income"]},
    )
    gate, _, _ = run_gate(cfg, "slices")
    small = next(c for c in gate.checks if c.group == "islands")
    assert small.status is Status.SKIP
    assert small.message == "region = islands: too small to judge (12 rows < min_size 30)."
    income = [c for c in gate.checks if c.attribute == "income"]
    assert len(income) == 4  # quantile bins
    assert all(c.details["rows"] == 1000 for c in income)
    assert income[0].group is not None and income[0].group[0] in "[("


@pytest.mark.parametrize(
    ("correction", "adjust"), [("holm", holm), ("bh", benjamini_hochberg), ("none", None)]
)
def test_p_values_are_adjusted_across_slices(tmp_path: Path, correction: str, adjust: object) -> None:
    d = segmented(seed=2)
    cfg = write_project(
        tmp_path,
        d["y"],
        d["cand"],
        d["base"],
        GATES.format(correction=correction),
        extra={"region": d["region"], "income": d["income"]},
    )
    gate, _, _ = run_gate(cfg, "slices")
    judged = [c for c in gate.checks if c.status is not Status.SKIP]
    raw = np.array([c.details["p_raw"] for c in judged])
    shown = np.array([c.p_value for c in judged])
    expected = raw if adjust is None else adjust(raw)  # type: ignore[operator]
    assert shown == pytest.approx(expected)


def test_missing_slice_column_is_an_input_error(tmp_path: Path) -> None:
    d = segmented(400)
    cfg = write_project(
        tmp_path, d["y"], d["cand"], d["base"], GATES.format(correction="holm"), extra={"region": d["region"]}
    )
    gate, report, _ = run_gate(cfg, "slices")
    assert gate.error_kind is ErrorKind.INPUT
    assert gate.error is not None and "gates.slices.columns: no column 'income' in eval.csv" in gate.error
    assert report.exit_code == 2


def test_slices_need_paired_baseline_predictions(tmp_path: Path) -> None:
    d = segmented(100)
    gates = "  slices:\n    columns: [region]\n"
    cfg = write_project(
        tmp_path,
        d["y"],
        d["cand"],
        None,
        gates,
        extra={"region": d["region"]},
        baseline_yaml="baseline:\n  metrics: m.json\n",
    )
    with pytest.raises(ConfigError, match=r"gates\.slices: compares candidate and baseline"):
        run_gate(cfg, "slices")


def test_missing_values_form_their_own_slice(tmp_path: Path) -> None:
    d = segmented(600)
    region = d["region"].astype(object)
    region[100:160] = None
    cfg = write_project(
        tmp_path, d["y"], d["cand"], d["base"], "  slices:\n    columns: [region]\n", extra={"region": region}
    )
    gate, _, _ = run_gate(cfg, "slices")
    missing = next(c for c in gate.checks if c.group == "(missing)")
    assert missing.details["rows"] == 60


@pytest.mark.parametrize("kind", ["normal", "small_int", "rounded", "float32"])
def test_bins_from_order_statistics_equal_qcut(kind: str) -> None:
    """The Spark path cuts numeric columns from a few order statistics; the edges, labels and codes
    must be pandas.qcut's exactly (numpy's quantile arithmetic, ties, duplicate edges, float32)."""
    import pandas as pd

    from mlgate.engines.slicing import cut_labels, linear_quantiles, qcut_quantiles, slice_codes

    rng = np.random.default_rng(["normal", "small_int", "rounded", "float32"].index(kind))
    checked = 0
    for _ in range(400):
        n = int(rng.integers(2, 400))
        if kind == "normal":
            x = rng.normal(size=n) * 10.0 ** int(rng.integers(-5, 8))
        elif kind == "small_int":
            x = rng.integers(0, int(rng.integers(2, 60)), n).astype(np.int64)
        elif kind == "rounded":
            x = np.round(rng.lognormal(3, 2, n), int(rng.integers(0, 3)))
        else:
            x = rng.integers(-(10**6), 10**6, n).astype(np.float32) / np.float32(7)
        bins = int(rng.integers(2, 12))
        if pd.Series(x).nunique() <= bins:
            continue
        codes, labels = slice_codes(pd.Series(x), bins)
        ordered = np.sort(x)
        edges, labels2 = cut_labels(linear_quantiles(n, qcut_quantiles(bins), ordered.__getitem__))
        np.testing.assert_array_equal(edges, pd.qcut(x, bins, duplicates="drop", retbins=True)[1])
        ids = np.searchsorted(edges, x, side="left")
        ids[x == edges[0]] = 1
        assert labels2 == labels
        np.testing.assert_array_equal(ids - 1, codes)
        checked += 1
    assert checked > 100


def test_one_bad_slice_among_thirty_fails(tmp_path: Path) -> None:
    """With bootstrap p-values (floor 1/1001) and Holm over 30 slices no slice could fail; analytic
    p-values have no floor."""
    rng = np.random.default_rng(4)
    n = 30 * 400
    y = rng.integers(0, 2, n)
    shop = np.repeat([f"s{i:02d}" for i in range(30)], 400).astype(object)
    base = np.where(rng.random(n) < 0.8, y, 1 - y)
    cand = base.copy()
    bad = np.flatnonzero((shop == "s07") & (base == y))
    pick = rng.choice(bad, 48, replace=False)  # 12 points of the slice's 400 rows
    cand[pick] = 1 - y[pick]
    gates = (
        "  slices:\n    columns: [shop]\n    metric: accuracy\n    max_drop: 0.02\n    min_size: 30\n"
        "    max_slices: 50\n"
    )
    cfg = write_project(tmp_path, y, cand, base, gates, extra={"shop": shop})
    gate, _, _ = run_gate(cfg, "slices")
    failed = [c for c in gate.checks if c.status is Status.FAIL]
    assert [c.group for c in failed] == ["s07"]
    assert failed[0].family == "Holm correction across 30 judged slices"
    assert not any("No slice can fail" in n for n in gate.notes)


def test_a_family_too_large_for_any_decision_is_said(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 40 * 30
    y = rng.integers(0, 2, n)
    shop = np.repeat([f"s{i:02d}" for i in range(40)], 30).astype(object)
    base = np.where(rng.random(n) < 0.97, y, 1 - y)
    cand = base.copy()
    gates = (
        "  slices:\n    columns: [shop]\n    metric: accuracy\n    max_drop: 0.02\n    min_size: 30\n"
        "    max_slices: 50\n"
    )
    cfg = write_project(tmp_path, y, cand, base, gates, extra={"shop": shop})
    gate, _, _ = run_gate(cfg, "slices")
    assert any(n.startswith("No slice can fail at this family size") for n in gate.notes)

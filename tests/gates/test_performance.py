"""The performance gate: paired verdicts, unpaired stored metrics, thresholds and the scorecard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, log_loss

from mlgate.errors import ConfigError
from mlgate.render.markdown import render_markdown
from mlgate.result import ErrorKind, Status
from tests.gates.paired_project import flip, run_gate, write_project


def data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = np.clip(0.5 + (2 * y - 1) * rng.uniform(0.05, 0.45, n) + rng.normal(0, 0.2, n), 0.01, 0.99)
    return y, (score >= 0.5).astype(int), np.round(score, 6)


def test_demo_project_passes_with_every_column_filled(demo_project: Path) -> None:
    gate, report, _ = run_gate(demo_project / "mlgate.yaml", "performance")
    assert gate.status is Status.PASS
    vs = [c for c in gate.checks if c.name.endswith("vs baseline")]
    assert [c.metric for c in vs] == ["accuracy", "roc_auc", "f1", "log_loss"]
    for c in vs:
        assert None not in (c.value, c.baseline, c.delta, c.threshold, c.ci_low, c.ci_high, c.p_value)
        assert c.ci_low <= c.delta <= c.ci_high  # type: ignore[operator]
        assert c.details["paired"] is True
    assert any("Paired comparison on the same 300 rows" in n for n in gate.notes)
    md = render_markdown(report)
    header = next(line for line in md.splitlines() if line.startswith("| Check") and "Interval" in line)
    for column in ("Value", "Baseline", "Change", "Interval", "p", "Threshold", "MDE"):
        assert f" {column} " in header
    # The headline table: one row per metric, candidate against baseline.
    headline = next(line for line in md.splitlines() if line.startswith("| Metric"))
    assert headline.split(" | ")[1:4] == ["Candidate", "Baseline", "Change"]


def test_significant_regression_fails_with_one_sentence(tmp_path: Path, cli: Callable[..., object]) -> None:
    y, base, _ = data(3000)
    cand = flip(base, y, 0.06, seed=1)  # 6 points worse
    cfg = write_project(
        tmp_path, y, cand, base, "  performance:\n    metrics:\n      accuracy: {max_drop: 0.02}\n"
    )
    gate, report, _ = run_gate(cfg, "performance")
    (check,) = gate.checks
    assert check.status is Status.FAIL
    assert check.value == pytest.approx(accuracy_score(y, cand))
    assert check.baseline == pytest.approx(accuracy_score(y, base))
    assert check.delta == pytest.approx(-0.06, abs=1e-9)
    assert check.threshold == 0.02 and check.p_value is not None and check.p_value < 0.001
    assert check.message.startswith("accuracy is worse by 0.06 (")
    assert "lies beyond the allowed drop of 0.02" in check.message
    assert check.message.count(". ") == 0  # one sentence
    assert report.exit_code == 1
    result = cli(["check", "-c", str(cfg), "-o", str(tmp_path / "report")])
    assert result.exit_code == 1  # type: ignore[attr-defined]
    md = (tmp_path / "report" / "scorecard.md").read_text(encoding="utf-8")
    assert "**performance** · accuracy vs baseline: accuracy is worse by 0.06" in md


def test_small_eval_set_is_inconclusive_not_failed(tmp_path: Path) -> None:
    y, base, _ = data(60, seed=3)
    cand = flip(base, y, 0.05, seed=2)  # 3 rows: 5 points worse, but on 60 rows
    cfg = write_project(
        tmp_path, y, cand, base, "  performance:\n    metrics:\n      accuracy: {max_drop: 0.01}\n"
    )
    gate, report, _ = run_gate(cfg, "performance")
    (check,) = gate.checks
    assert check.status is Status.WARN
    assert "inconclusive" in check.message and "60 rows" in check.message
    assert report.exit_code == 0


def test_lower_is_better_metric(tmp_path: Path) -> None:
    y, base, score = data(2000, seed=4)
    worse = np.clip(score + np.where(y == 1, -0.15, 0.15), 0.01, 0.99)  # less confident, same labels
    cfg = write_project(
        tmp_path,
        y,
        base,
        base,
        "  performance:\n    metrics:\n      log_loss: {max_drop: 0.02, max: 5}\n",
        cand_score=worse,
        base_score=score,
    )
    gate, _, _ = run_gate(cfg, "performance")
    limit, vs = gate.checks
    assert limit.status is Status.PASS and limit.name == "log_loss <= 5"
    assert vs.status is Status.FAIL
    assert vs.value == pytest.approx(log_loss(y, worse))
    assert vs.delta is not None and vs.delta > 0.02  # the loss went up: worse
    assert "log_loss is worse by" in vs.message


@pytest.mark.parametrize("decision", ["evidence", "strict"])
def test_an_improvement_never_fails(tmp_path: Path, decision: str) -> None:
    y, base, _ = data(40, seed=5)
    cand = flip(base, y, 0.05, seed=3, to_wrong=False)  # better, on a tiny eval set
    gates = f"  performance:\n    decision: {decision}\n    metrics:\n      accuracy: {{max_drop: 0}}\n"
    gate, report, _ = run_gate(write_project(tmp_path, y, cand, base, gates), "performance")
    assert gate.checks[0].status in (Status.PASS, Status.WARN)
    assert report.exit_code == 0


def test_strict_fails_a_small_drop_with_a_wide_interval(tmp_path: Path) -> None:
    y, base, _ = data(200, seed=6)
    cand = flip(base, y, 0.01, seed=4)
    gates = "  performance:\n    decision: strict\n    metrics:\n      accuracy: {max_drop: 0.02}\n"
    gate, _, _ = run_gate(write_project(tmp_path, y, cand, base, gates), "performance")
    assert gate.checks[0].status is Status.FAIL
    assert "non-inferiority not shown" in gate.checks[0].message


def test_relative_drop_and_warn_severity(tmp_path: Path) -> None:
    y, base, _ = data(3000, seed=7)
    cand = flip(base, y, 0.05, seed=5)
    gates = (
        "  performance:\n    metrics:\n"
        "      accuracy: {max_drop_relative: 0.01, severity: warn}\n"
        "      f1: {max_drop_relative: 0.5}\n"
    )
    gate, report, _ = run_gate(write_project(tmp_path, y, cand, base, gates), "performance")
    acc, f1 = gate.checks
    assert acc.threshold == pytest.approx(0.01 * acc.baseline)  # type: ignore[operator]
    assert acc.status is Status.WARN and acc.details["outcome"] == "fail"
    assert f1.status is Status.PASS
    assert report.exit_code == 0


def test_metric_without_scores_is_an_input_error(tmp_path: Path) -> None:
    y, base, _ = data(100)
    cfg = write_project(
        tmp_path, y, base, base, "  performance:\n    metrics:\n      roc_auc: {max_drop: 0.02}\n"
    )
    gate, report, _ = run_gate(cfg, "performance")
    assert gate.status is Status.ERROR and gate.error_kind is ErrorKind.INPUT
    assert gate.error is not None and gate.error.startswith("gates.performance.metrics.roc_auc:")
    assert "needs probability scores" in gate.error
    assert report.exit_code == 2


def test_max_drop_without_baseline_is_a_config_error(tmp_path: Path) -> None:
    y, base, _ = data(50)
    cfg = write_project(
        tmp_path, y, base, None, "  performance:\n    metrics:\n      accuracy: {max_drop: 0.02}\n"
    )
    with pytest.raises(ConfigError, match=r"gates\.performance\.metrics\.accuracy: max_drop compares"):
        run_gate(cfg, "performance")


def test_no_baseline_checks_absolute_limits_only(tmp_path: Path) -> None:
    y, base, _ = data(500)
    cfg = write_project(
        tmp_path, y, base, None, "  performance:\n    metrics:\n      accuracy: {min: 0.99}\n"
    )
    gate, _, _ = run_gate(cfg, "performance")
    (check,) = gate.checks
    assert check.status is Status.FAIL and "below the minimum 0.99" in check.message
    assert any("No baseline configured" in n for n in gate.notes)


def test_unpaired_against_saved_metrics(tmp_path: Path) -> None:
    from mlgate.inputs import build_inputs
    from mlgate.io.baseline import save_baseline

    y, base, score = data(2000, seed=8)
    gates = (
        "  performance:\n    metrics:\n      accuracy: {max_drop: 0.01}\n      roc_auc: {max_drop: 0.01}\n"
    )
    first = write_project(
        tmp_path / "a", y, base, None, "  performance:\n    metrics:\n      accuracy: {}\n", cand_score=score
    )
    _, _, loaded = run_gate(first, "performance")
    save_baseline(loaded, build_inputs(loaded), tmp_path / "a" / "saved", "test")
    cand = flip(base, y, 0.05, seed=9)
    cfg = write_project(
        tmp_path / "a",
        y,
        cand,
        None,
        gates,
        cand_score=score,
        baseline_yaml="baseline:\n  metrics: saved/metrics.json\n",
    )
    gate, _, _ = run_gate(cfg, "performance")
    acc = next(c for c in gate.checks if c.metric == "accuracy")
    assert acc.status is Status.FAIL and "(unpaired, vs stored baseline metrics)" in acc.message
    assert acc.baseline == pytest.approx(accuracy_score(y, base))
    assert acc.details["paired"] is False
    assert any(n.startswith("Unpaired comparison against stored baseline metrics") for n in gate.notes)
    assert not any("different eval data" in n for n in gate.notes)
    # Change the eval data: the note says the comparison mixes data and model changes.
    write_project(
        tmp_path / "a",
        y[:-1],
        cand[:-1],
        None,
        gates,
        cand_score=score[:-1],
        baseline_yaml="baseline:\n  metrics: saved/metrics.json\n",
    )
    gate, _, _ = run_gate(cfg, "performance")
    assert any("different eval data" in n for n in gate.notes)


def test_regression_task(tmp_path: Path) -> None:
    rng = np.random.default_rng(10)
    y = rng.normal(50, 10, 1500)
    cand, base = y + rng.normal(0, 4, 1500), y + rng.normal(0, 3, 1500)
    gates = "  performance:\n    metrics:\n      rmse: {max_drop: 0.2}\n      r2: {max_drop: 0.01}\n"
    gate, _, _ = run_gate(write_project(tmp_path, y, cand, base, gates, task="regression"), "performance")
    rmse, r2 = gate.checks
    assert rmse.status is Status.FAIL and rmse.delta is not None and rmse.delta > 0.5
    assert r2.status is Status.FAIL and r2.delta is not None and r2.delta < 0


SIX = (
    "  performance:\n    multiplicity: {m}\n{primary}    metrics:\n"
    "      accuracy: {{max_drop: 0.01}}\n      balanced_accuracy: {{max_drop: 0.01}}\n"
    "      f1: {{max_drop: 0.01}}\n      roc_auc: {{max_drop: 0.01}}\n      log_loss: {{max_drop: 0.02}}\n"
    "      brier: {{max_drop: 0.01}}\n"
)


def test_holm_across_the_metrics_and_the_family_is_named(tmp_path: Path) -> None:
    y, base, score = data(3000, seed=21)
    cand = flip(base, y, 0.06, seed=4)
    cfg = write_project(
        tmp_path, y, cand, base, SIX.format(m="holm", primary=""), cand_score=score, base_score=score
    )
    gate, _, _ = run_gate(cfg, "performance")
    vs = [c for c in gate.checks if c.name.endswith("vs baseline")]
    assert len(vs) == 6
    for c in vs:
        assert c.family == "Holm across 6 metrics of the performance gate"
        assert c.p_value is not None and c.p_value >= c.details["p_raw"]  # adjusted upwards
        assert c.mde is not None and c.mde >= c.threshold  # type: ignore[operator]
    assert any(n.startswith("Multiplicity: Holm across the 6 metrics") for n in gate.notes)
    acc = next(c for c in vs if c.metric == "accuracy")
    assert acc.status is Status.FAIL and "adjusted p" in acc.message
    assert acc.mde is not None and acc.mde > acc.threshold  # type: ignore[operator]
    # The same family without a correction: the raw p-values decide.
    cfg = write_project(
        tmp_path, y, cand, base, SIX.format(m="none", primary=""), cand_score=score, base_score=score
    )
    gate, _, _ = run_gate(cfg, "performance")
    assert all(c.p_value == c.details["p_raw"] for c in gate.checks if c.name.endswith("vs baseline"))


def test_primary_metric_decides_and_the_rest_are_advisory(tmp_path: Path) -> None:
    y, base, score = data(3000, seed=21)
    cand = flip(base, y, 0.06, seed=4)  # accuracy (and f1...) clearly worse
    cfg = write_project(
        tmp_path,
        y,
        cand,
        base,
        SIX.format(m="primary", primary="    primary: roc_auc\n"),
        cand_score=score,
        base_score=score,
    )
    gate, report, _ = run_gate(cfg, "performance")
    acc = next(c for c in gate.checks if c.metric == "accuracy")
    assert acc.status is Status.WARN and "Advisory: only the primary metric (roc_auc) blocks" in acc.message
    assert acc.details["outcome"] == "fail"
    assert gate.status is not Status.FAIL and report.exit_code == 0


def test_primary_must_be_a_configured_metric(tmp_path: Path) -> None:
    y, base, _ = data(200)
    cfg = write_project(tmp_path, y, base, base, SIX.format(m="primary", primary="    primary: r2\n"))
    with pytest.raises(ConfigError, match="primary"):
        run_gate(cfg, "performance")


def test_small_counts_use_exact_mcnemar_not_a_z_test(tmp_path: Path) -> None:
    """4 discordant rows of 200, all against the candidate: the old rule blocked at p = 0.020; the
    exact one-sided McNemar p is 0.0625, so nothing is shown, and the scorecard says how many rows would."""
    y, base, _ = data(200, seed=5)
    cand = flip(base, y, 0.02, seed=6)
    for rule in ("margin", "evidence"):
        cfg = write_project(
            tmp_path,
            y,
            cand,
            base,
            f"  performance:\n    decision: {rule}\n    mcnemar: exact\n    metrics:\n"
            "      accuracy: {max_drop: 0.01}\n",
        )
        gate, report, _ = run_gate(cfg, "performance")
        (check,) = gate.checks
        assert check.details["method"] == "mcnemar-exact"
        assert check.status is Status.WARN and report.exit_code == 0, check.message
    assert check.details["p_worse"] == pytest.approx(0.0625 / 0.99)
    assert check.rows_needed is not None and check.rows_needed > 200
    assert "eval rows would decide" in check.message


def test_unpaired_adds_the_baseline_noise_when_the_data_changed(tmp_path: Path) -> None:
    from mlgate.inputs import build_inputs
    from mlgate.io.baseline import save_baseline

    y, base, _score = data(2000, seed=8)
    gates = "  performance:\n    metrics:\n      accuracy: {max_drop: 0.01}\n"
    first = write_project(tmp_path / "a", y, base, None, "  performance:\n    metrics:\n      accuracy: {}\n")
    _, _, loaded = run_gate(first, "performance")
    save_baseline(loaded, build_inputs(loaded), tmp_path / "a" / "saved", "test")
    stored = "baseline:\n  metrics: saved/metrics.json\n"
    same = write_project(tmp_path / "a", y, base, None, gates, baseline_yaml=stored)
    gate, _, _ = run_gate(same, "performance")
    narrow = next(c for c in gate.checks if c.metric == "accuracy")
    assert any("computed on these eval rows" in n for n in gate.notes)
    write_project(tmp_path / "a", y[:-1], base[:-1], None, gates, baseline_yaml=stored)
    gate, _, _ = run_gate(same, "performance")
    wide = next(c for c in gate.checks if c.metric == "accuracy")
    assert any("add the baseline's own sampling noise (2000 rows" in n for n in gate.notes)
    width = lambda c: c.ci_high - c.ci_low  # noqa: E731
    # Two samples of about the same size: the standard error grows by about sqrt(2).
    assert width(wide) / width(narrow) == pytest.approx(np.sqrt(2), rel=0.05)

"""``mlgate baseline save`` and ``mlgate baseline show``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from sklearn.metrics import accuracy_score, roc_auc_score

Cli = Callable[..., Result]
SLICES = (
    "  slices:\n    columns: [purpose, age]\n    metric: accuracy\n    max_drop: 0.10\n    min_size: 30\n"
)
HEAD = '{"format": "mlgate-baseline", "version": 1, '


def test_save_then_compare_against_it(demo_project: Path, cli: Cli) -> None:
    cfg = demo_project / "mlgate.yaml"
    out = demo_project / "prod"
    result = cli(["baseline", "save", "-c", str(cfg), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "300 rows" in result.output
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["format"] == "mlgate-baseline" and doc["task"] == "binary" and doc["n_rows"] == 300
    cand = pd.read_csv(demo_project / "out" / "candidate.csv")
    evalset = pd.read_csv(demo_project / "data" / "eval.csv")
    y = (evalset["credit"] == "good").astype(int)
    assert doc["metrics"]["accuracy"] == pytest.approx(accuracy_score(evalset["credit"], cand["prediction"]))
    assert doc["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(y, cand["score"]))
    assert len(doc["data_sha256"]) == 64 and len(doc["config_sha256"]) == 64
    saved = pd.read_csv(out / "predictions.csv")
    assert list(saved.columns) == ["id", "prediction", "score"]
    assert saved["prediction"].tolist() == cand["prediction"].tolist()

    # The saved predictions are a paired baseline: the candidate against itself changes nothing.
    text = cfg.read_text(encoding="utf-8").replace("baseline/predictions.csv", "prod/predictions.csv")
    cfg.write_text(text, encoding="utf-8")
    result = cli(["check", "-c", str(cfg), "-o", str(demo_project / "report")])
    card = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    deltas = [c["delta"] for c in perf["checks"] if c["name"].endswith("vs baseline")]
    assert deltas and all(d == 0 for d in deltas)

    # And the saved metrics are an unpaired baseline.
    cfg.write_text(
        text.replace("  predictions: prod/predictions.csv", "  metrics: prod/metrics.json").replace(
            SLICES,
            "",
        ),
        encoding="utf-8",
    )
    result = cli(["check", "-c", str(cfg), "-o", str(demo_project / "report")])
    card = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    # Unpaired, the candidate's own sampling noise stays: nothing fails, and a margin the eval rows
    # cannot resolve is inconclusive rather than passed.
    assert perf["status"] in ("pass", "warn"), result.output
    assert not [c for c in perf["checks"] if c["status"] == "fail"]
    assert any("Unpaired" in n for n in perf["notes"])


def test_show(demo_project: Path, cli: Cli) -> None:
    cfg = demo_project / "mlgate.yaml"
    out = demo_project / "prod"
    assert cli(["baseline", "save", "-c", str(cfg), "--out", str(out)]).exit_code == 0
    result = cli(["baseline", "show", str(out)])
    assert result.exit_code == 0, result.output
    assert "roc_auc" in result.output and "rows" in result.output
    result = cli(["baseline", "show", str(out / "metrics.json"), "--json"])
    assert json.loads(result.output)["n_rows"] == 300
    # Without PATH: the metrics.json next to the configured baseline predictions.
    text = cfg.read_text(encoding="utf-8").replace("baseline/predictions.csv", "prod/predictions.csv")
    cfg.write_text(text, encoding="utf-8")
    result = cli(["baseline", "show", "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    assert "baseline prod/metrics.json" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "invalid JSON"),
        ("[]", "not an mlgate baseline metrics file"),
        ('{"format": "mlgate-baseline", "version": 9}', "version 9 is not supported"),
        (
            HEAD + '"task": "binary", "metrics": {"accuracy": "x"}, "n_rows": 3}',
            "metrics.accuracy: 'x' is not a finite number",
        ),
        (
            HEAD + '"task": "binary", "metrics": {}, "n_rows": 0}',
            "n_rows must be a positive integer",
        ),
    ],
)
def test_bad_metrics_files_exit_2(tmp_path: Path, cli: Cli, content: str, message: str) -> None:
    bad = tmp_path / "metrics.json"
    bad.write_text(content, encoding="utf-8")
    result = cli(["baseline", "show", str(bad)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_task_mismatch_in_check(demo_project: Path, cli: Cli) -> None:
    (demo_project / "m.json").write_text(
        HEAD + '"task": "regression", "metrics": {"mae": 1}, "n_rows": 5}',
        encoding="utf-8",
    )
    cfg = demo_project / "mlgate.yaml"
    text = cfg.read_text(encoding="utf-8").replace(
        "  predictions: baseline/predictions.csv", "  metrics: m.json"
    )
    text = text.replace(
        SLICES,
        "",
    )
    cfg.write_text(text, encoding="utf-8")
    result = cli(["check", "-c", str(cfg), "-o", str(demo_project / "report")])
    assert result.exit_code == 2
    assert "m.json: task is 'regression' but mlgate.yaml says 'binary'" in result.output


def test_save_without_candidate_file_exits_2(demo_project: Path, cli: Cli) -> None:
    (demo_project / "out" / "candidate.csv").unlink()
    result = cli(
        ["baseline", "save", "-c", str(demo_project / "mlgate.yaml"), "--out", str(demo_project / "p")]
    )
    assert result.exit_code == 2
    assert "candidate.predictions: out/candidate.csv: file not found" in result.output

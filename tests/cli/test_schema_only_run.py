"""A run whose gates read no model output (the schema gate alone) neither reads the prediction files
nor loads a model: a data-validation job does only the work it reports on, and cannot be made to
execute a model a pull request committed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def _configure(root: Path, gates: dict[str, Any], **changes: Any) -> Path:
    cfg = root / "mlgate.yaml"
    data: dict[str, Any] = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    data["gates"] = gates
    data.update(changes)
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return cfg


def _break_predictions(root: Path) -> None:
    # Ids the eval data does not have: any run that joins the predictions must refuse them.
    preds = root / "out" / "candidate.csv"
    lines = preds.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    rows = [f"x{r}" for r in rows]
    preds.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_a_schema_only_run_does_not_read_the_predictions(demo_project: Path, cli: Any) -> None:
    _break_predictions(demo_project)
    cfg = _configure(demo_project, {"schema": {"max_examples": 3}})
    result = cli(["check", "-c", str(cfg), "--out", str(demo_project / "report")])
    assert result.exit_code == 0, result.output
    card = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert [g["name"] for g in card["gates"]] == ["schema"]
    assert "candidate" not in result.output


def test_a_gate_that_reads_predictions_still_refuses_them(demo_project: Path, cli: Any) -> None:
    # The control: the same broken file with the performance gate configured is an input error.
    _break_predictions(demo_project)
    cfg = _configure(demo_project, {"schema": {}, "performance": {"metrics": {"accuracy": {"min": 0.5}}}})
    result = cli(["check", "-c", str(cfg), "--out", str(demo_project / "report")])
    assert result.exit_code == 2, result.output
    assert "out/candidate.csv" in result.output and "not in the eval data" in result.output


def test_a_schema_only_run_loads_no_model(demo_project: Path, cli: Any) -> None:
    # A model file that would fail to load (not a skops file at all) is never opened.
    model = demo_project / "out" / "model.skops"
    model.write_bytes(b"not a model")
    cfg = _configure(demo_project, {"schema": {}}, candidate={"model": "out/model.skops"})
    result = cli(["check", "-c", str(cfg), "--out", str(demo_project / "report")])
    assert result.exit_code == 0, result.output
    cfg = _configure(demo_project, {"schema": {}, "performance": {"metrics": {"accuracy": {"min": 0.5}}}},
                     candidate={"model": "out/model.skops"})
    result = cli(["check", "-c", str(cfg), "--out", str(demo_project / "report")])
    assert result.exit_code == 2 and "out/model.skops" in result.output, result.output

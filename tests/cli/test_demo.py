"""`mlgate demo`: no arguments, a real scorecard with every gate, deterministic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Cli = Callable[..., Result]


def test_demo_prints_a_full_scorecard(cli: Cli, tmp_path: Path) -> None:
    result = cli(["demo", "--workdir", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert "<!-- mlgate:scorecard id=" in result.output
    data = json.loads((tmp_path / "a" / "mlgate-report" / "scorecard.json").read_text(encoding="utf-8"))
    assert [g["name"] for g in data["gates"]] == ["schema", "performance", "slices", "fairness", "drift"]
    assert all(g["status"] != "error" for g in data["gates"]), data
    for gate in data["gates"]:
        assert f"<b>{gate['name']}</b>" in result.output
    perf = next(g for g in data["gates"] if g["name"] == "performance")
    # The demo compares against a real baseline: every metric has a paired interval.
    paired = [c for c in perf["checks"] if c["name"].endswith("vs baseline")]
    assert {c["metric"] for c in paired} == {"accuracy", "roc_auc", "f1", "log_loss"}
    assert all(c["baseline"] is not None and c["ci_low"] is not None for c in paired)
    assert (tmp_path / "a" / "mlgate-report" / "scorecard.html").is_file()


def test_demo_is_deterministic(cli: Cli, tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        assert cli(["demo", "--workdir", str(tmp_path / name)]).exit_code == 0
        data = json.loads((tmp_path / name / "mlgate-report" / "scorecard.json").read_text(encoding="utf-8"))
        data.pop("config_id")
        outs.append(data)
    assert outs[0] == outs[1]


def test_demo_without_arguments_uses_a_temporary_folder(cli: Cli) -> None:
    result = cli(["demo"])
    assert result.exit_code == 0, result.output
    assert "(temporary folder)" in result.output

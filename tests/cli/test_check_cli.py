"""`mlgate check` end to end on the demo project: exit codes, outputs, error messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from mlgate.bundle import GateInputs
from mlgate.config import Config, registry
from mlgate.config._base import Section
from mlgate.gates.interface import Gate
from mlgate.result import GateResult

Cli = Callable[..., Result]


def edit_config(project: Path, change: Callable[[dict[str, Any]], None]) -> None:
    cfg = project / "mlgate.yaml"
    data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    change(data)
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def set_perf(project: Path, metrics: dict[str, dict[str, float]]) -> None:
    def change(data: dict[str, Any]) -> None:
        data["gates"]["performance"]["metrics"] = metrics

    edit_config(project, change)


def only_performance(project: Path) -> None:
    """Keep the demo config to the foundation's gates (other gates are tested in their own suites)."""

    def change(data: dict[str, Any]) -> None:
        data.pop("schema", None)
        data["gates"] = {"performance": data["gates"]["performance"]}

    edit_config(project, change)


def check(cli: Cli, project: Path, *extra: str) -> Result:
    return cli(["check", "-c", str(project / "mlgate.yaml"), "--out", str(project / "report"), *extra])


def test_pass_writes_every_output(cli: Cli, demo_project: Path) -> None:
    only_performance(demo_project)
    result = check(cli, demo_project)
    assert result.exit_code == 0, result.output
    out = demo_project / "report"
    assert {p.name for p in out.iterdir()} >= {"scorecard.md", "scorecard.json", "junit.xml"}
    data = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    assert data["status"] == "pass" and data["exit_code"] == 0
    assert "mlgate:scorecard" in (out / "scorecard.md").read_text(encoding="utf-8")
    assert "PASS" in result.output


def test_failing_gate_exits_1_and_advisory_exits_0(cli: Cli, demo_project: Path) -> None:
    only_performance(demo_project)
    set_perf(demo_project, {"accuracy": {"min": 0.99}})
    result = check(cli, demo_project)
    assert result.exit_code == 1, result.output
    assert "below the minimum 0.99" in result.output
    advisory = check(cli, demo_project, "--advisory")
    assert advisory.exit_code == 0
    data = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert data["status"] == "fail" and data["advisory"] is True


def test_metric_values_match_sklearn_end_to_end(cli: Cli, demo_project: Path) -> None:
    import pandas as pd
    from sklearn.metrics import accuracy_score, roc_auc_score

    only_performance(demo_project)
    set_perf(demo_project, {"accuracy": {"min": 0.5}, "roc_auc": {"min": 0.5}})
    assert check(cli, demo_project).exit_code == 0
    data = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    values = {c["metric"]: c["value"] for c in data["gates"][0]["checks"]}
    ev = pd.read_csv(demo_project / "data" / "eval.csv")
    pr = pd.read_csv(demo_project / "out" / "candidate.csv").set_index("id").loc[ev["id"]]
    y = (ev["credit"] == "good").to_numpy()
    assert values["accuracy"] == pytest.approx(accuracy_score(ev["credit"], pr["prediction"]), abs=1e-12)
    assert values["roc_auc"] == pytest.approx(roc_auc_score(y, pr["score"]), abs=1e-12)


def test_config_error_exits_2_with_one_message(cli: Cli, demo_project: Path) -> None:
    cfg = demo_project / "mlgate.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("accuracy:", "acurracy:"), encoding="utf-8")
    result = check(cli, demo_project)
    assert result.exit_code == 2
    assert "gates.performance.metrics.acurracy: unknown metric; did you mean 'accuracy'?" in result.output
    assert "Traceback" not in result.output
    # The report says so (issue: stale verdicts), it is never a half-written or missing folder.
    data = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert data["status"] == "error" and "acurracy" in data["gates"][0]["error"]


def test_input_error_replaces_previous_report_with_error_report(cli: Cli, demo_project: Path) -> None:
    only_performance(demo_project)
    assert check(cli, demo_project).exit_code == 0
    before = (demo_project / "report" / "scorecard.json").read_bytes()
    preds = demo_project / "out" / "candidate.csv"
    lines = preds.read_text(encoding="utf-8").splitlines()
    preds.write_text("\n".join(lines[:-5]) + "\n", encoding="utf-8")
    result = check(cli, demo_project)
    assert result.exit_code == 2, result.output
    assert "out/candidate.csv" not in result.output or "no prediction for id" in result.output
    assert "no prediction for id" in result.output
    assert "Traceback" not in result.output
    # The previous verdict does not stay: whoever reads the folder reads "error".
    after = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert json.loads(before)["status"] == "pass" and after["status"] == "error"
    assert "no prediction for id" in after["gates"][0]["error"]


def test_missing_config_exits_2(cli: Cli, tmp_path: Path) -> None:
    result = cli(["check", "-c", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "config file not found" in result.output


class _Crashing(Gate):
    name = "crashing"

    def section(self, config: Config) -> Section:
        return config.gates  # any section: the gate runs

    def run(self, inputs: GateInputs, section: Section) -> GateResult:
        raise ZeroDivisionError("boom")


def test_crashing_gate_is_isolated_and_exits_3(
    cli: Cli, demo_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_performance(demo_project)
    crashing = registry.GateSpec("crashing", Section, f"{__name__}:_Crashing")
    monkeypatch.setattr(registry, "GATES", [*registry.GATES, crashing])
    result = check(cli, demo_project)
    assert result.exit_code == 3, result.output
    data = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    by_name = {g["name"]: g for g in data["gates"]}
    assert by_name["performance"]["status"] == "pass"  # the other gate still ran and is reported
    assert by_name["crashing"]["status"] == "error"
    assert "ZeroDivisionError: boom" in by_name["crashing"]["error"]
    assert "Traceback" not in result.output


def test_validate_config_and_version(cli: Cli, demo_project: Path) -> None:
    ok = cli(["validate-config", "-c", str(demo_project / "mlgate.yaml")])
    assert ok.exit_code == 0 and ": ok" in ok.output
    from mlgate import __version__

    assert cli(["--version"]).output.strip() == f"mlgate {__version__}"


def test_init_never_overwrites(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "mlgate.yaml"
    assert cli(["init", "-c", str(target)]).exit_code == 0
    again = cli(["init", "-c", str(target)])
    assert again.exit_code == 2 and "--force" in again.output


def test_config_schema_prints_json(cli: Cli) -> None:
    data = json.loads(cli(["config-schema"]).output)
    assert data["title"] == "mlgate.yaml" and "gates" in data["properties"]


def test_error_in_github_actions_reaches_summary_and_annotations(cli: Cli, demo_project: Path) -> None:
    cfg = demo_project / "mlgate.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("accuracy:", "acurracy:"), encoding="utf-8")
    summary = demo_project / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = cli(["check", "-c", str(cfg), "--out", str(demo_project / "report")], env=env)
    assert result.exit_code == 2
    annotations = [line for line in result.output.splitlines() if line.startswith("::error")]
    assert len(annotations) == 1 and "acurracy" in annotations[0]
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### 💥 mlgate could not evaluate")
    assert "acurracy: unknown metric; did you mean 'accuracy'?" in text.replace("\\", "")

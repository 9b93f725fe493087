"""Adding a gate is its module, its section and one registry line: a toy gate added that way (by a
fixture, no other file edited) is configured, validated, given its columns, run and shown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import Field

from mlgate.bundle import GateInputs
from mlgate.config import GateSpec, register_gate, unregister_gate
from mlgate.config._base import Facts, Section
from mlgate.config.data import DataConfig
from mlgate.gates.interface import Gate
from mlgate.result import Check, GateResult, Status
from mlgate.views import ChartKind


class ToySection(Section):
    column: str = Field(description="A numeric column of the eval data.")
    max_mean: float = Field(description="The gate fails when the column's mean is above this.")

    def requires(self, facts: Facts) -> None:
        if not facts.baseline_rows:
            raise ValueError(
                "@column@the toy gate compares rows with the baseline's: set baseline.predictions"
            )


class ToyGate(Gate[ToySection]):
    name = "toy"
    # Drawn like the performance gate's metrics: no renderer names the toy gate.
    chart = ChartKind.METRICS

    def columns(self, section: ToySection, data: DataConfig) -> set[str] | None:
        return {section.column}

    def run(self, inputs: GateInputs, section: ToySection) -> GateResult:
        mean = float(inputs.eval.frame[section.column].astype(float).mean())
        status = Status.PASS if mean <= section.max_mean else Status.FAIL
        check = Check(name=f"mean of {section.column}", status=status, metric=f"mean_{section.column}",
                      value=mean, threshold=section.max_mean)
        return GateResult(name=self.name, checks=(check,), summary=f"mean {mean:.2f}")


@pytest.fixture
def toy() -> Iterator[None]:
    register_gate(GateSpec("toy", ToySection, f"{__name__}:ToyGate"))
    yield
    unregister_gate("toy")


def _only_toy(root: Path, **section: Any) -> None:
    cfg = root / "mlgate.yaml"
    data: dict[str, Any] = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    data["gates"] = {"toy": section}
    data.pop("schema", None)
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _check(root: Path, cli: Any) -> tuple[Any, dict[str, Any]]:
    result = cli(["check", "-c", str(root / "mlgate.yaml"), "--out", str(root / "report")])
    card = root / "report" / "scorecard.json"
    return result, json.loads(card.read_text(encoding="utf-8")) if card.exists() else {}


@pytest.mark.parametrize(("max_mean", "code", "status"), [(100.0, 0, "pass"), (1.0, 1, "fail")])
def test_a_registered_gate_runs_on_the_scorecard(
    toy: None, demo_project: Path, cli: Any, max_mean: float, code: int, status: str
) -> None:
    # age is read by no other gate here: on a CSV it is parsed only because the toy gate declares it.
    _only_toy(demo_project, column="age", max_mean=max_mean)
    result, card = _check(demo_project, cli)
    assert result.exit_code == code, result.output
    assert [g["name"] for g in card["gates"]] == ["toy"]
    (gate,) = card["gates"]
    assert gate["status"] == status
    assert gate["checks"][0]["name"] == "mean of age"
    assert 18 < gate["checks"][0]["value"] < 80  # the German Credit applicants' ages
    assert "toy" in (demo_project / "report" / "scorecard.md").read_text(encoding="utf-8")


def test_a_registered_gate_gets_the_chart_it_declares(toy: None, demo_project: Path, cli: Any) -> None:
    _only_toy(demo_project, column="age", max_mean=100.0)
    result, card = _check(demo_project, cli)
    assert result.exit_code == 0, result.output
    assert card["gates"][0]["chart"] == "metrics"
    html = (demo_project / "report" / "scorecard.html").read_text(encoding="utf-8")
    markdown = (demo_project / "report" / "scorecard.md").read_text(encoding="utf-8")
    # The metrics chart of the HTML report, and the headline metrics table of the comment.
    svgs = [part.split("</svg>", 1)[0] for part in html.split("<svg")[1:]]
    assert any("mean_age" in svg for svg in svgs)
    assert any(line.startswith("| mean\\_age | 35.") for line in markdown.splitlines()), markdown


def test_its_section_is_validated_with_key_paths(toy: None, demo_project: Path, cli: Any) -> None:
    _only_toy(demo_project, column="age", max_mean="high")
    result, _ = _check(demo_project, cli)
    assert result.exit_code == 2
    assert "gates.toy.max_mean" in result.output


def test_its_requirement_on_other_sections_is_checked(toy: None, demo_project: Path, cli: Any) -> None:
    _only_toy(demo_project, column="age", max_mean=100.0)
    cfg = demo_project / "mlgate.yaml"
    data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    del data["baseline"]
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result, _ = _check(demo_project, cli)
    assert result.exit_code == 2
    assert "gates.toy.column: the toy gate compares rows with the baseline's" in result.output


def test_an_unregistered_gate_is_an_unknown_key(demo_project: Path, cli: Any) -> None:
    _only_toy(demo_project, column="age", max_mean=100.0)
    result, _ = _check(demo_project, cli)
    assert result.exit_code == 2
    assert "gates.toy: unknown key" in result.output



@pytest.mark.parametrize("chart", [ChartKind.SLICES, None])
def test_a_gate_in_error_keeps_its_declared_chart(chart: ChartKind | None) -> None:
    # The chart comes from the gate, not its name, for an error too, and scorecard.json carries it
    # (null for none): a file read back (publish --from-json) has the chart of the run that wrote it,
    # even under a built-in gate's name, which only files older than the key are drawn by.
    from mlgate.errors import InputError
    from mlgate.result import gate_from_dict, gate_to_dict
    from mlgate.runner import run_gate

    class Failing(ToyGate):
        name = "performance"

        def run(self, inputs: GateInputs, section: ToySection) -> GateResult:
            raise InputError("bad input")

    Failing.chart = chart
    result = run_gate(Failing(), None, ToySection(column="age", max_mean=1.0))  # type: ignore[arg-type]
    assert result.error == "bad input" and result.chart is chart
    assert gate_from_dict(gate_to_dict(result), "gates[0]").chart is chart
    old = {k: v for k, v in gate_to_dict(result).items() if k != "chart"}
    assert gate_from_dict(old, "gates[0]").chart is ChartKind.METRICS

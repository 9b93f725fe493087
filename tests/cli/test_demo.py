"""`mlgate demo`: no arguments, a real scorecard with every gate, deterministic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Cli = Callable[..., Result]


def test_demo_writes_a_full_scorecard_and_prints_a_summary_with_the_paths(cli: Cli, tmp_path: Path) -> None:
    result = cli(["demo", "--workdir", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "a" / "mlgate-report" / "scorecard.json").read_text(encoding="utf-8"))
    assert [g["name"] for g in data["gates"]] == ["schema", "performance", "slices", "fairness", "drift"]
    assert all(g["status"] != "error" for g in data["gates"]), data
    perf = next(g for g in data["gates"] if g["name"] == "performance")
    # The demo compares against a real baseline: every metric has a paired interval.
    paired = [c for c in perf["checks"] if c["name"].endswith("vs baseline")]
    assert {c["metric"] for c in paired} == {"accuracy", "roc_auc", "f1", "log_loss"}
    assert all(c["baseline"] is not None and c["ci_low"] is not None for c in paired)
    html = tmp_path / "a" / "mlgate-report" / "scorecard.html"
    assert html.is_file()
    out = result.stdout
    # A summary, not the markdown comment (no HTML comments, folded sections or &gt; escapes).
    assert "<!-- mlgate:scorecard" not in out and "<details>" not in out and "&gt;" not in out
    assert len(out.splitlines()) < 40, out
    for gate in data["gates"]:
        assert any(line.startswith(gate["name"] + " ") for line in out.splitlines()), out
    assert f"HTML scorecard: {html}" in out
    assert f"  open it in a browser: {html.resolve().as_uri()}" in out
    assert f"  or run: python -m webbrowser {html.resolve().as_uri()}" in out
    assert "demo verdict: pass (`mlgate check` would exit 0)" in out


def test_demo_is_deterministic(cli: Cli, tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        assert cli(["demo", "--workdir", str(tmp_path / name)]).exit_code == 0
        data = json.loads((tmp_path / name / "mlgate-report" / "scorecard.json").read_text(encoding="utf-8"))
        data.pop("config_id")
        outs.append(data)
    assert outs[0] == outs[1]


def test_demo_without_arguments_keeps_its_project_in_mlgate_demo(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(["demo"])
    assert result.exit_code == 0, result.output
    project = tmp_path / "mlgate-demo"
    assert (project / "mlgate.yaml").is_file() and (project / ".mlgate-report").is_file()
    assert "HTML scorecard: mlgate-demo/mlgate-report/scorecard.html" in result.stdout
    assert "rerun the gate: cd mlgate-demo && mlgate check" in result.stdout
    # The project is complete: the printed command gates it again.
    monkeypatch.chdir(project)
    assert cli(["check"]).exit_code == 0
    # An earlier demo is rewritten.
    monkeypatch.chdir(tmp_path)
    assert cli(["demo"]).exit_code == 0, result.output


def test_demo_never_overwrites_a_folder_that_is_not_an_earlier_demo(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mlgate-demo"
    mine.mkdir()
    (mine / "mlgate.yaml").write_text("my own project\n", encoding="utf-8")
    result = cli(["demo"])
    assert result.exit_code == 2, result.output
    assert "mlgate: error: mlgate-demo: is a folder with files that mlgate did not write" in result.stderr
    assert "hint: pass --workdir a new or empty folder" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["mlgate.yaml"]
    assert (mine / "mlgate.yaml").read_text(encoding="utf-8") == "my own project\n"


def test_demo_never_writes_through_a_link_named_mlgate_demo(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A repository can commit `mlgate-demo` as a link to any folder, an earlier demo's even.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "mlgate-demo").symlink_to(elsewhere)
    monkeypatch.chdir(work)
    result = cli(["demo"])
    assert result.exit_code == 2, result.output
    assert "mlgate: error: mlgate-demo: is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []

"""``mlgate.check(..., out=DIR)``: the Python API writes the same report directory as the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mlgate
from mlgate.errors import InputError
from mlgate.render.safe_paths import MARKER


def test_api_writes_the_report_directory(demo_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    report = mlgate.check(demo_project / "mlgate.yaml", out=out)
    names = {p.name for p in out.iterdir()}
    assert names == {MARKER, "scorecard.md", "scorecard.json", "junit.xml", "scorecard.html"}
    data = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    assert data["status"] == report.status.value and data["exit_code"] == report.exit_code
    assert "mermaid" in (out / "scorecard.md").read_text(encoding="utf-8")  # charts on, as configured


def test_api_error_replaces_the_previous_report(demo_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    mlgate.check(demo_project / "mlgate.yaml", out=out)
    (demo_project / "data" / "eval.csv").unlink()
    with pytest.raises(InputError) as info:
        mlgate.check(demo_project / "mlgate.yaml", out=out)
    data = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    assert data["status"] == "error" and data["exit_code"] == 2
    assert data["gates"][0]["error"] == str(info.value)
    assert "could not evaluate" in (out / "scorecard.md").read_text(encoding="utf-8")


def test_api_refuses_a_folder_it_did_not_write(demo_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="did not write"):
        mlgate.check(demo_project / "mlgate.yaml", out=out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]

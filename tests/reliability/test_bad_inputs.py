"""Bad input never crashes and never lies: exit 2, one message naming the culprit, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import require
from tests.reliability.corpus import CASES, UNREADABLE, Case


def foundation_only(root: Path) -> None:
    """Run the loaders and the performance gate only, so each case isolates the input layer."""
    cfg = root / "mlgate.yaml"
    data: dict[str, Any] = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    data.pop("schema", None)
    data["gates"] = {"performance": data["gates"]["performance"]}
    data["data"].pop("reference", None)
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def run_check(root: Path, cli: Any) -> Any:
    return cli(["check", "-c", str(root / "mlgate.yaml"), "--out", str(root / "report")])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, demo_project: Path, cli: Any) -> None:
    foundation_only(demo_project)
    case.apply(demo_project)
    result = run_check(demo_project, cli)
    assert "Traceback" not in result.output
    if case.may_succeed and result.exit_code in (0, 1):
        return
    assert result.exit_code == 2, f"{case.id}: exit {result.exit_code}\n{result.output}"
    errors = [line for line in result.output.splitlines() if line.startswith("mlgate: error:")]
    assert len(errors) == 1, result.output
    assert case.culprit in result.output, (
        f"{case.id}: message does not name {case.culprit!r}:\n{result.output}"
    )
    # Nothing half-written: the report is the complete error report, never the previous verdict.
    data = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert data["status"] == "error" and data["exit_code"] == 2 and case.culprit in data["gates"][0]["error"]


def test_unreadable_file(demo_template: Path) -> None:
    """Root reads any file, so the check runs as 'nobody' (setpriv) on a world-readable copy."""
    setpriv = shutil.which("setpriv")
    require(setpriv is not None, "setpriv (util-linux) is needed to drop privileges")
    assert setpriv is not None
    base = Path(tempfile.mkdtemp(prefix="mlgate-perm-"))
    try:
        os.chmod(base, 0o777)
        root = base / "project"
        shutil.copytree(demo_template, root)
        foundation_only(root)
        for p in [root, *root.rglob("*")]:
            os.chmod(p, 0o777 if p.is_dir() else 0o666)
        UNREADABLE.apply(root)
        cmd = [
            setpriv,
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-m",
            "mlgate",
            "check",
            "-c",
            str(root / "mlgate.yaml"),
            "--out",
            str(root / "report"),
        ]
        if os.geteuid() != 0:
            cmd = cmd[4:]
        env = {**os.environ, "HOME": str(base), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 2, out
        assert "Traceback" not in out
        assert UNREADABLE.culprit in out
    finally:
        shutil.rmtree(base, ignore_errors=True)

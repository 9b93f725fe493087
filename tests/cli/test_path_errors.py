"""What the operating system refuses about a path the user gave is exit 2 naming it, never exit 3.

A name longer than the file system allows (``ENAMETOOLONG``), a path through a file (``ENOTDIR``)
or a loop of links (``ELOOP``) used to surface as "internal error: OSError … a bug in mlgate".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LONG = "x" * 300  # NAME_MAX is 255 bytes on Linux file systems


def _mlgate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mlgate", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a-file").write_text("not a folder\n")
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ("check", "-c", f"{LONG}.yaml"),
        ("check", "-c", "a-file/mlgate.yaml"),
        ("check", "-c", "loop-a"),
        ("schema", "infer", f"data/{LONG}.csv"),
        ("publish", LONG, "--from-json"),
    ],
    ids=["check-long-config", "check-config-under-a-file", "check-link-loop", "infer-long", "publish-long"],
)
def test_a_path_the_system_refuses_is_exit_2_naming_it(repo: Path, args: tuple[str, ...]) -> None:
    (repo / "data").mkdir()
    proc = _mlgate(repo, *args)
    assert proc.returncode == 2, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    named = next(a for a in args if "/" in a or a.startswith(("x", "loop")))
    assert named[:40] in proc.stderr  # the path the user gave (cut with a marker when long)
    assert len(proc.stderr.strip().splitlines()) <= 2  # one message and its hint


def test_the_error_report_says_the_same(repo: Path) -> None:
    """`check` replaces the report with an error report: its message is the path's, exit code 2."""
    proc = _mlgate(repo, "check", "-c", f"{LONG}.yaml", "--out", "mlgate-report")
    assert proc.returncode == 2, proc.stderr
    report = json.loads((repo / "mlgate-report" / "scorecard.json").read_text(encoding="utf-8"))
    assert report["status"] == "error"
    text = json.dumps(report)
    assert "File name too long" in text and "internal error" not in text

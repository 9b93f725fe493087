"""A stdout closed early (``mlgate baseline show | head -1``) is not a bug: no "internal error", no
traceback, no "Exception ignored" at exit, and exit 141 (128 + SIGPIPE), not 3.

The pipe is real: its read end is closed before mlgate starts, so the first write fails with EPIPE
every time (a ``head`` that exits early does the same, but only some of the time).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")


def run_into_closed_pipe(args: list[str], cwd: Path, *, stderr_too: bool = False) -> tuple[int, str]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before mlgate writes anything
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLGATE_", "GITHUB_", "GITLAB_"))}
    env.update(PYTHONPATH=str(ROOT), CI="")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "mlgate", *args], cwd=cwd, env=env, stdout=write_end,
            stderr=write_end if stderr_too else subprocess.PIPE, text=True, timeout=300, check=False,
        )
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr or ""


def quiet(code: int, stderr: str) -> None:
    assert code == 141, stderr
    for needle in ("internal error", "Traceback", "BrokenPipeError", "Exception ignored", "bug in mlgate"):
        assert needle not in stderr, stderr


@pytest.fixture
def saved_baseline(demo_project: Path, cli: object) -> Path:
    from tests.conftest import run_cli

    old = Path.cwd()
    os.chdir(demo_project)
    try:
        res = run_cli(["baseline", "save", "--out", "stored"])
    finally:
        os.chdir(old)
    assert res.exit_code == 0, res.output
    return demo_project


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_baseline_show_into_a_closed_pipe(saved_baseline: Path, extra: list[str]) -> None:
    quiet(*run_into_closed_pipe(["baseline", "show", "stored", *extra], saved_baseline))


def test_check_into_a_closed_pipe(demo_project: Path) -> None:
    code, stderr = run_into_closed_pipe(["check", "-o", str(demo_project.parent / "rep")], demo_project)
    quiet(code, stderr)
    # The report was written before the summary was printed: the verdict is still on disk.
    assert (demo_project.parent / "rep" / "scorecard.json").is_file()


def test_stderr_and_stdout_into_the_same_closed_pipe(saved_baseline: Path) -> None:
    # `mlgate ... 2>&1 | head`: the error path itself must not fail on the closed stderr.
    code, _ = run_into_closed_pipe(["baseline", "show", "stored"], saved_baseline, stderr_too=True)
    assert code == 141


def test_help_into_a_closed_pipe(tmp_path: Path) -> None:
    quiet(*run_into_closed_pipe(["check", "--help"], tmp_path))


def test_a_broken_pipe_that_is_not_stdout_is_still_a_bug() -> None:
    """Only a closed stdout/stderr is excused: a BrokenPipeError from another pipe (a child process's)
    while stdout is fine stays an internal error (exit 3) that asks for a report."""
    import click
    from click.testing import CliRunner

    from mlgate._cli._common import handle_errors
    from mlgate._cli._pipe import PipeSafeGroup

    @click.group(cls=PipeSafeGroup)
    def group() -> None:
        pass

    @group.command()
    @handle_errors
    def write() -> None:
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            os.write(write_end, b"x")
        finally:
            os.close(write_end)

    result = CliRunner().invoke(group, ["write"], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert "internal error: BrokenPipeError" in result.output

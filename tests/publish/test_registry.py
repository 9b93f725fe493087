"""One publisher registry (mlgate.forges): the CLI's choices, target resolution, token masking and
the publishers all come from its rows; a toy forge is added with one module and one row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlgate import forges
from mlgate.ci import CIContext
from mlgate.net.tokens import secret_vars
from tests.conftest import run_cli
from tests.publish.test_cli_publish import CLEAR
from tests.publish.test_cli_publish import report_dir as report_dir  # the fixture
from tests.publish.toy_forge import ROW

TOY_TOKEN = "toy_Secr3tT0kenValue_0123456789"


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(forges.FORGES, ROW.target, ROW)  # the one entry (removed after the test)
    yield


def toy_env(tmp_path: Path, **extra: str) -> dict[str, str | None]:
    return {**CLEAR, "TOY_CI": "true", "TOY_TOKEN": TOY_TOKEN, "TOY_OUT": str(tmp_path / "toy.txt"),
            **extra}


def test_builtin_rows_drive_detection_and_masking() -> None:
    assert list(forges.FORGES)[:2] == ["github", "gitlab"]
    gitlab = {"GITLAB_CI": "true", "CI_API_V4_URL": "https://gl.example/api/v4"}
    assert CIContext.detect(gitlab).kind == "gitlab"
    assert {"GITHUB_TOKEN", "MLGATE_GITLAB_TOKEN", "CI_JOB_TOKEN"} <= set(secret_vars())


def test_toy_forge_is_a_choice_detected_and_masked(toy: None, report_dir: Path, tmp_path: Path) -> None:
    assert "TOY_TOKEN" in secret_vars()
    for target in ("toy", "auto"):
        res = run_cli(["publish", str(report_dir), "--publish", target], env=toy_env(tmp_path))
        assert res.exit_code == 0, res.output
        assert "toy note written for toy/repo" in res.output
    lines = (tmp_path / "toy.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and lines[1].startswith("<!-- mlgate:scorecard")
    # Its failure is one masked line, and --require-publish makes it exit 3.
    res = run_cli(["publish", str(report_dir), "--publish", "toy", "--require-publish"],
                  env=toy_env(tmp_path, TOY_FAIL="1"))
    assert res.exit_code == 3 and TOY_TOKEN not in res.output
    assert "publishing failed: toy API refused token ***" in res.output


def test_toy_target_is_not_sent_to_gitlab(toy: None, report_dir: Path, tmp_path: Path) -> None:
    # --publish toy outside the toy CI: the toy context, never GitLab's (no GitLab request, no note).
    env = {**toy_env(tmp_path), "TOY_CI": None, "GITLAB_CI": "true", "MLGATE_GITLAB_TOKEN": "glpat-x" * 3}
    res = run_cli(["publish", str(report_dir), "--publish", "toy"], env=env)
    assert res.exit_code == 0 and "toy note written" in res.output and "merge request" not in res.output


def test_unknown_target_is_a_usage_error(report_dir: Path) -> None:
    res = run_cli(["publish", str(report_dir), "--publish", "toy"], env=CLEAR)
    assert res.exit_code == 2 and "'toy' is not one of" in res.output

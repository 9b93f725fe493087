"""The comment links the HTML report where CI keeps it, and only where the CI environment says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

GITHUB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "octo/repo",
    "GITHUB_RUN_ID": "4242",
}


def scorecard(cli: Callable[..., Result], project: Path, env: dict[str, str]) -> str:
    out = project / "report"
    res = cli(["check", "-c", str(project / "mlgate.yaml"), "-o", str(out), "--publish", "none"], env=env)
    assert res.exit_code in (0, 1), res.output
    return (out / "scorecard.md").read_text(encoding="utf-8")


def test_github_run_page_is_linked_on_the_reason_line(demo_project: Path, cli: Callable[..., Result]) -> None:
    text = scorecard(cli, demo_project, GITHUB)
    line = text.split("\n")[3]
    assert line.endswith('📄 [Full report](https://github.com/octo/repo/actions/runs/4242 '
                         '"scorecard.html in the run\'s artifacts")')


def test_gitlab_job_artifacts_are_linked(demo_project: Path, cli: Callable[..., Result]) -> None:
    env = {"GITLAB_CI": "true", "CI_JOB_URL": "https://gitlab.example/group/proj/-/jobs/77"}
    text = scorecard(cli, demo_project, env)
    assert "(https://gitlab.example/group/proj/-/jobs/77/artifacts/browse " in text.split("\n")[3]


def test_no_link_outside_ci_and_none_from_the_config(demo_project: Path, cli: Callable[..., Result]) -> None:
    """The pull request writes mlgate.yaml: its report.artifact_url does not become the comment's
    report link (it is only the fallback of a cut comment, as before)."""
    config = demo_project / "mlgate.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "report:\n", "report:\n  artifact_url: https://evil.example/phish\n"), encoding="utf-8")
    assert "artifact_url" in config.read_text(encoding="utf-8")
    text = scorecard(cli, demo_project, {})
    assert "Full report" not in text and "evil.example" not in text
    text = scorecard(cli, demo_project, GITHUB)
    assert "evil.example" not in text and "actions/runs/4242" in text


def test_a_hostile_run_url_cannot_leave_the_link(demo_project: Path, cli: Callable[..., Result]) -> None:
    env = {**GITHUB, "GITHUB_REPOSITORY": 'octo/repo) [x](https://evil.example "t'}
    line = scorecard(cli, demo_project, env).split("\n")[3]
    assert line.count("](") == 1 and " [x]" not in line and '"t' not in line.split(" \"scorecard")[0]

"""``mlgate check --publish`` and ``mlgate publish DIR`` end to end against the fake forge."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from mlgate.render.markdown import marker
from tests.conftest import run_cli
from tests.publish.conftest import READONLY_TOKEN, SHA, TOKEN
from tests.publish.forge_server import Fault, Forge, ForgeServer

Cli = Callable[..., Result]
# Variables of a real CI run of the test suite itself must not leak into these runs.
CLEAR = {
    k: None
    for k in (
        "GITHUB_ACTIONS",
        "GITLAB_CI",
        "GITHUB_TOKEN",
        "MLGATE_GITHUB_TOKEN",
        "GITLAB_TOKEN",
        "MLGATE_GITLAB_TOKEN",
        "CI_JOB_TOKEN",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
        "GITHUB_EVENT_PATH",
        "GITHUB_EVENT_NAME",
    )
}


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    """One evaluation of the demo project, published by the tests below without rerunning gates."""
    out = tmp_path_factory.mktemp("report") / "mlgate-report"
    res = run_cli(
        ["check", "-c", str(demo_template / "mlgate.yaml"), "-o", str(out), "--publish", "none"], env=CLEAR
    )
    assert res.exit_code in (0, 1), res.output
    return out


def github_env(
    server: ForgeServer, tmp_path: Path, *, fork: bool = False, token: str | None = None
) -> dict[str, str | None]:
    event = tmp_path / "event.json"
    head_repo = "mallory/repo" if fork else "octo/repo"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "number": 7,
                    "head": {
                        "sha": SHA,
                        "ref": "feature",
                        "repo": {"full_name": head_repo, "owner": {"login": head_repo.split("/")[0]}},
                    },
                }
            }
        )
    )
    env: dict[str, str | None] = {
        **CLEAR,
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": f"{server.url}/api/v3",
        "GITHUB_REPOSITORY": "octo/repo",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SHA": "f" * 40,
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_RUN_ID": "99",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
    }
    if token:
        env["GITHUB_TOKEN"] = token
    return env


def test_publish_dir_posts_comment_and_status(
    report_dir: Path, server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    from mlgate.publish.body import reported_banner

    expected = json.loads((report_dir / "scorecard.json").read_text())
    res = run_cli(["publish", str(report_dir)], env=github_env(server, tmp_path, token=TOKEN))
    assert res.exit_code == 0, res.output
    [comment] = forge.pr_comments(7)
    first, rest = (report_dir / "scorecard.md").read_text().split("\n", 1)
    assert comment["body"] == f"{first}\n{reported_banner(None)}\n\n{rest}"
    assert forge.statuses[0]["sha"] == SHA  # the PR head, not the merge commit GITHUB_SHA
    # A report read from a directory never turns green (test_fork_publish.py).
    assert forge.statuses[0]["state"] == {"pass": "pending", "fail": "failure"}[expected["status"]]
    assert forge.statuses[0]["context"] == "mlgate/reported"
    outputs = (tmp_path / "output.txt").read_text()
    assert f"status={expected['status']}\nexit-code={expected['exit_code']}\n" in outputs
    assert str(report_dir) in outputs
    assert (tmp_path / "summary.md").read_text().startswith(marker(expected["config_id"]))
    # Re-publishing is idempotent; --from-json re-renders from scorecard.json (same text, no charts).
    res = run_cli(["publish", str(report_dir), "--from-json"], env=github_env(server, tmp_path, token=TOKEN))
    assert res.exit_code == 0 and len(forge.pr_comments(7)) == 1
    assert "mlgate demo scorecard" in forge.pr_comments(7)[0]["body"]


def test_fork_pr_check_warns_and_keeps_the_verdict(
    demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    env = github_env(server, tmp_path, fork=True, token=READONLY_TOKEN)
    out = tmp_path / "rep"
    res = run_cli(["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(out)], env=env)
    baseline = json.loads((out / "scorecard.json").read_text())["exit_code"]
    assert res.exit_code == baseline, res.output
    assert "warning: publishing failed" in res.output and "workflow_run" in res.output
    assert (tmp_path / "summary.md").read_text().startswith("<!-- mlgate:scorecard")
    assert not forge.comments and not forge.statuses
    res = run_cli(
        ["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(out), "--require-publish"], env=env
    )
    assert res.exit_code == 3


def test_token_is_never_printed(report_dir: Path, server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    secret = "ghp_PassedOnTheCommandLine0000001"
    forge.users[secret] = forge.users[TOKEN]
    forge.faults.append(Fault("POST", "/comments$", status=400, body={"message": f"echo: Bearer {secret}"}))
    env = github_env(server, tmp_path)
    res = run_cli(["publish", str(report_dir), "--token", secret, "--debug"], env=env)
    assert res.exit_code == 0
    assert "publishing failed" in res.output and secret not in res.output and "***" in res.output
    forge.faults.append(Fault("POST", "/comments$", status=400, body={"message": f"echo: Bearer {secret}"}))
    res = run_cli(["publish", str(report_dir), "--token", secret, "--debug", "--require-publish"], env=env)
    assert res.exit_code == 3 and secret not in res.output


def test_annotations_on_stdout(report_dir: Path, server: ForgeServer, tmp_path: Path) -> None:
    res = run_cli(["publish", str(report_dir)], env=github_env(server, tmp_path, token=TOKEN))
    data = json.loads((report_dir / "scorecard.json").read_text())
    failing = [c for g in data["gates"] for c in g["checks"] if c["status"] == "fail"]
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("::error")]
    assert len(lines) == min(len(failing), 10)


def test_publish_dir_errors(tmp_path: Path, report_dir: Path) -> None:
    res = run_cli(["publish", str(tmp_path / "nope")], env=CLEAR)
    assert res.exit_code == 2 and "not a report directory" in res.output
    broken = tmp_path / "broken"
    shutil.copytree(report_dir, broken)
    (broken / "scorecard.json").write_text("{")
    res = run_cli(["publish", str(broken)], env=CLEAR)
    assert res.exit_code == 2 and "scorecard.json: not valid JSON" in res.output
    # Locally (no CI) publishing is a no-op; --require-publish says why and exits 3.
    assert run_cli(["publish", str(report_dir)], env=CLEAR).exit_code == 0
    res = run_cli(["publish", str(report_dir), "--require-publish"], env=CLEAR)
    assert res.exit_code == 3 and "no CI detected" in res.output


def test_a_cut_comment_links_the_run_not_the_configs_url(
    demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """report.artifact_url comes from mlgate.yaml, which the pull request edits: on CI the cut
    comment's "full report" link is the run's page, never a URL the pull request chose."""
    import mlgate.publish.github as github

    config = demo_project / "mlgate.yaml"
    text = config.read_text(encoding="utf-8")
    assert "report:\n" in text
    config.write_text(text.replace("report:\n", "report:\n  artifact_url: https://evil.example/phish\n"),
                      encoding="utf-8")
    monkeypatch.setattr(github, "GITHUB_COMMENT_LIMIT", 3_000)  # force the cut the limit makes
    env = github_env(server, tmp_path, token=TOKEN)
    res = run_cli(["check", "-c", str(config), "-o", str(tmp_path / "rep"), "--publish", "github"], env=env)
    assert res.exit_code in (0, 1), res.output
    [comment] = forge.pr_comments(7)
    assert len(comment["body"]) <= 3_000
    assert "evil.example" not in comment["body"]
    assert "https://github.example/octo/repo/actions/runs/99" in comment["body"]

"""The fork-safe second half end to end: templates/github/mlgate-publish.yml's job, run through the
composite action (``command: publish``) against the local GitHub API of tests/publish/forge_server.py
(every request and answer checked against GitHub's OpenAPI description).

The job holds a write token and reads a report that a fork's run wrote: it checks out nothing, the
action downloads the ``mlgate-report`` artifact of ``github.event.workflow_run.id`` (the stand-in for
actions/download-artifact copies a fork's report there) and ``mlgate publish`` posts it, never green.
The install step is covered by test_ci_action.py (``version: preinstalled`` here).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from envs import ROOT
from ghrunner import RUNNER_TOKEN, ActionRun, run_action
from ghworkflow import JobRun, run_job

from mlgate.result import Status
from tests.conftest import require
from tests.publish.forge_server import Forge, ForgeServer, Pull, User
from tests.publish.forge_specs import GITHUB_SPEC
from tests.publish.test_fork_publish import MERGE, RUN_ID, SHA, artifact, workflow_run_payload

TEMPLATE = ROOT / "templates/github/mlgate-publish.yml"


@pytest.fixture(scope="module", autouse=True)
def _spec() -> None:
    require(GITHUB_SPEC.is_file(), "node_modules/@octokit/openapi is missing (npm ci)")
    from tests.publish.forge_specs import github_openapi

    github_openapi()  # loaded now, not while mlgate's first request waits


@pytest.fixture
def server() -> Iterator[ForgeServer]:
    with ForgeServer() as srv:
        srv.forge.users = {RUNNER_TOKEN: User("github-actions[bot]", 41898282, app=True)}
        srv.forge.pulls[7] = Pull(7, SHA, merge_commit_sha=MERGE)  # from mallory/repo:feature
        yield srv
        assert srv.forge.violations == [], "\n".join(srv.forge.violations)


@pytest.fixture
def forge(server: ForgeServer) -> Forge:
    return server.forge


def _publish_job(server: ForgeServer, tmp_path: Path, report: Path, payload: dict[str, Any],
                 downloads: list[dict[str, str]]) -> tuple[JobRun, Path]:
    workspace = tmp_path / "workspace"  # no checkout: the job's workspace stays empty
    workspace.mkdir()
    temp = tmp_path / "runner-temp"
    temp.mkdir()

    def download(with_: dict[str, str]) -> None:
        """actions/download-artifact: the fork's report, byte for byte, where the action asks."""
        downloads.append(with_)
        shutil.copytree(report, with_["path"])

    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {"PATH": path, "GITHUB_API_URL": f"{server.url}/api/v3",
           "GITHUB_REPOSITORY": "octo/repo", "GITHUB_SERVER_URL": "https://github.example"}
    job = run_job(TEMPLATE, "publish", action_dir=ROOT, workspace=workspace, tmp=temp, env=env,
                  overrides={"version": "preinstalled"},
                  uses={"actions/download-artifact": download},
                  event_name="workflow_run", event=payload, sha="e" * 40, ref="refs/heads/main")
    return job, workspace


def _only_run(job: JobRun) -> ActionRun:
    assert not job.skipped and job.recorded == []  # no checkout, no other action
    [run] = job.actions
    return run


@pytest.mark.parametrize(("status", "state"), [(Status.PASS, "pending"), (Status.FAIL, "failure")])
def test_publish_template_posts_a_fork_report_never_green(server: ForgeServer, forge: Forge, tmp_path: Path,
                                                          status: Status, state: str) -> None:
    downloads: list[dict[str, str]] = []
    job, workspace = _publish_job(server, tmp_path, artifact(tmp_path, status=status),
                                  workflow_run_payload(), downloads)
    run = _only_run(job)
    step = run.step("publish")
    assert step.returncode == 0 and not run.failed, step.stdout + step.stderr
    # The artifact of the triggering run, with the job's token, outside the workspace.
    [dl] = downloads
    assert (dl["name"], dl["run-id"], dl["github-token"]) == ("mlgate-report", str(RUN_ID), RUNNER_TOKEN)
    assert Path(dl["path"]).is_relative_to(tmp_path / "runner-temp")
    # Nothing of a gate ran, nothing was uploaded, nothing written into the workspace.
    for skipped in ("check", "Verdict", "Upload the report", "baseline"):
        assert run.step(skipped).kind == "skipped", skipped
    assert list(workspace.iterdir()) == []
    # The job's python is set up without the pip cache (nothing checked out to key it on).
    assert run.step("Set up Python").with_["cache"] == ""
    # One status under the workflow's context, never success, and no check run.
    [posted] = forge.statuses
    assert (posted["state"], posted["context"], posted["sha"]) == (state, "mlgate/reported", SHA)
    assert forge.check_runs == []
    [comment] = forge.pr_comments(7)
    assert comment["body"].startswith("<!-- mlgate:scorecard")
    assert f"](https://github.example/octo/repo/actions/runs/{RUN_ID})" in comment["body"]
    assert all(RUNNER_TOKEN not in s.stdout + s.stderr for s in run.steps)


def test_publish_template_refuses_a_report_of_another_commit(server: ForgeServer, forge: Forge,
                                                            tmp_path: Path) -> None:
    """The fork-safe checks of `mlgate publish` apply through the action: the report claims a commit
    that is neither the pull request's head nor its merge commit."""
    job, _ = _publish_job(server, tmp_path, artifact(tmp_path, git_sha="3" * 40),
                          workflow_run_payload(), [])
    run = _only_run(job)
    step = run.step("publish")
    assert step.returncode == 2 and run.failed
    assert "333333333333" in step.stderr and "Traceback" not in step.stderr
    assert not forge.comments and not forge.statuses and not forge.check_runs


@pytest.mark.parametrize("event", ["push", "pull_request_target"])
def test_publish_job_runs_only_for_pull_request_runs(server: ForgeServer, forge: Forge, tmp_path: Path,
                                                     event: str) -> None:
    payload = workflow_run_payload()
    payload["workflow_run"]["event"] = event
    downloads: list[dict[str, str]] = []
    job, _ = _publish_job(server, tmp_path, artifact(tmp_path), payload, downloads)
    assert job.skipped and job.actions == [] and downloads == []
    assert not forge.statuses and not forge.comments


@pytest.mark.parametrize("run_id", ["", "1; touch pwned", "$(touch pwned)", "../../etc", "12 --pr 8"])
def test_publish_run_id_input_is_checked_before_anything_runs(run_id: str, tmp_path: Path) -> None:
    run = run_action(ROOT, {"command": "publish", "run-id": run_id}, workspace=tmp_path, tmp=tmp_path,
                     only=("resolve",), event_name="workflow_run", event={})
    step = run.step("resolve")
    assert step.returncode == 2 and "input 'run-id' must be a workflow run id" in step.stdout
    assert step.outputs == {} and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("lock", ["false", "0", "maybe"])
def test_publish_refuses_unhashed_installs(lock: str, tmp_path: Path) -> None:
    """The publish job holds a write token: `lock: false` (unhashed dependencies) is refused."""
    run = run_action(ROOT, {"command": "publish", "lock": lock}, workspace=tmp_path, tmp=tmp_path,
                     only=("resolve",), event_name="workflow_run",
                     event={"workflow_run": {"id": RUN_ID}})
    step = run.step("resolve")
    assert step.returncode == 2 and "input 'lock' must be true with command publish" in step.stdout
    assert step.outputs == {}


def test_run_id_defaults_to_the_triggering_run(tmp_path: Path) -> None:
    run = run_action(ROOT, {"command": "publish"}, workspace=tmp_path, tmp=tmp_path, only=("resolve",),
                     event_name="workflow_run", event={"workflow_run": {"id": RUN_ID}})
    assert run.step("resolve").returncode == 0, run.step("resolve").stdout

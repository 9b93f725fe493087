"""Fork-safe publishing: a report from another run (``mlgate publish DIR`` in a ``workflow_run``)
never turns a status green, names the run that reported it, and only lands on the pull request
whose head is the commit that run computed, found through the API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mlgate.render.json import render_json
from mlgate.render.markdown import render_markdown
from mlgate.result import Status
from tests.conftest import run_cli
from tests.publish import forge_specs as specs
from tests.publish.conftest import APP_TOKEN, SHA, TOKEN, make_report
from tests.publish.forge_server import Forge, ForgeServer, Pull
from tests.publish.test_cli_publish import CLEAR

RUN_ID = 4242
RUN_URL = f"https://github.example/octo/repo/actions/runs/{RUN_ID}"
MERGE = "9" * 40  # the test merge commit a pull_request run checks out (GITHUB_SHA there)


def workflow_run_payload(
    *,
    head_sha: str = SHA,
    head_repo: str = "mallory/repo",
    branch: str = "feature",
    prs: list[Any] | None = None,
) -> dict[str, Any]:
    """A ``workflow_run`` ``completed`` payload as GitHub documents it (schema sample + overrides)."""
    payload = specs.sample({"$ref": "#/components/schemas/webhook-workflow-run-completed"})
    run = payload["workflow_run"]
    run.update(
        id=RUN_ID,
        event="pull_request",
        conclusion="success",
        head_sha=head_sha,
        head_branch=branch,
        pull_requests=prs or [],  # what GitHub sends when the head is in a fork
        html_url="https://e.vil/phish",  # never used: the link is built from the id
    )
    run["head_repository"] = {
        **run["head_repository"],
        "full_name": head_repo,
        "owner": {**run["head_repository"]["owner"], "login": head_repo.split("/")[0]},
    }
    payload["repository"] = {**payload["repository"], "full_name": "octo/repo"}
    return payload


def env_for(
    server: ForgeServer, tmp_path: Path, payload: dict[str, Any], token: str = APP_TOKEN
) -> dict[str, str | None]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload))
    return {
        **CLEAR,
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": f"{server.url}/api/v3",
        "GITHUB_REPOSITORY": "octo/repo",
        "GITHUB_EVENT_NAME": "workflow_run",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SHA": "e" * 40,  # the default branch: the publish workflow's own commit
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_RUN_ID": "5000",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_TOKEN": token,
    }


def artifact(
    tmp_path: Path,
    *,
    status: Status = Status.PASS,
    config_id: str = "mlgate.yaml",
    git_sha: str | None = SHA,
    edit: Any = None,
) -> Path:
    """The report directory a fork's run uploads (it controls every byte of it)."""
    report = make_report(status=status, config_id=config_id)
    data = json.loads(render_json(report))
    data["provenance"]["git_sha"] = git_sha
    if edit:
        edit(data)
    out = tmp_path / "artifact"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    (out / "scorecard.json").write_text(json.dumps(data))
    (out / "scorecard.md").write_text(render_markdown(report))
    return out


@pytest.fixture
def fork_pr(forge: Forge) -> Pull:
    forge.pulls[7] = Pull(7, SHA, merge_commit_sha=MERGE)
    return forge.pulls[7]


def publish(
    server: ForgeServer,
    tmp_path: Path,
    directory: Path,
    *args: str,
    payload: Any = None,
    token: str = APP_TOKEN,
):
    return run_cli(
        ["publish", str(directory), "--from-json", *args],
        env=env_for(server, tmp_path, payload or workflow_run_payload(), token),
    )


@pytest.mark.parametrize("token", [APP_TOKEN, TOKEN])
def test_passing_fork_report_is_never_green(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path, token: str
) -> None:
    res = publish(server, tmp_path, artifact(tmp_path), token=token)
    assert res.exit_code == 0, res.output
    # No check run (its conclusions include neutral/skipped, which satisfy a required check) and
    # no success status: a pending one, under the workflow's context, not the artifact's.
    assert forge.check_runs == []
    [status] = forge.statuses
    assert status["state"] == "pending" and status["sha"] == SHA
    assert status["context"] == "mlgate/reported" and status["target_url"] == RUN_URL
    assert len(status["description"]) <= 140
    [comment] = forge.pr_comments(7)
    assert "Reported by the pull request's own workflow run" in comment["body"]
    assert f"]({RUN_URL})" in comment["body"] and "e.vil" not in comment["body"]
    assert comment["body"].startswith("<!-- mlgate:scorecard")
    assert "Reported by" in (tmp_path / "summary.md").read_text()


@pytest.mark.parametrize(("status", "state"), [(Status.FAIL, "failure"), (Status.ERROR, "error")])
def test_failing_fork_report_can_only_fail(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path, status: Status, state: str
) -> None:
    directory = artifact(tmp_path, status=status)
    if status is Status.ERROR:
        data = json.loads((directory / "scorecard.json").read_text())
        data["gates"][0] = {**data["gates"][0], "error": "boom", "error_kind": "input", "status": "error"}
        data["status"] = "error"
        (directory / "scorecard.json").write_text(json.dumps(data))
    res = publish(server, tmp_path, directory)
    assert res.exit_code == 0, res.output
    assert [s["state"] for s in forge.statuses] == [state] and not forge.check_runs


def test_artifact_cannot_choose_the_status_context(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path
) -> None:
    directory = artifact(tmp_path, config_id="ci/build")
    assert publish(server, tmp_path, directory).exit_code == 0
    assert [s["context"] for s in forge.statuses] == ["mlgate/reported"]
    assert publish(server, tmp_path, directory, "--status-context", "mlgate/forks").exit_code == 0
    assert forge.statuses[-1]["context"] == "mlgate/forks"
    res = publish(server, tmp_path, directory, "--status-context", "bad\nname")
    assert res.exit_code == 2 and "--status-context" in res.output


def test_fork_pr_is_found_by_head_owner_and_branch(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path
) -> None:
    forge.pulls[3] = Pull(3, "1" * 40, head_ref="other")  # another branch of the same fork
    res = publish(server, tmp_path, artifact(tmp_path))
    assert res.exit_code == 0, res.output
    assert any(
        m == "GET" and "/pulls?" in p and "head=mallory%3Afeature" in p and "state=open" in p
        for m, p, _ in forge.log
    )
    assert len(forge.pr_comments(7)) == 1 and not forge.pr_comments(3)
    assert "pull request #7" in res.output


def test_report_on_the_test_merge_commit_is_accepted(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path
) -> None:
    # What `mlgate check` records on pull_request events: GITHUB_SHA, the test merge commit.
    assert publish(server, tmp_path, artifact(tmp_path, git_sha=MERGE)).exit_code == 0
    older = "8" * 40  # an earlier merge commit of the same head (the base moved since)
    forge.commits[older] = ["b" * 40, SHA]
    assert publish(server, tmp_path, artifact(tmp_path, git_sha=older)).exit_code == 0
    assert len(forge.statuses) == 2


def _refused(res: Any, forge: Forge, tmp_path: Path, *words: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    for word in words:
        assert word in res.stderr, res.stderr
    # Nothing half-written: no comment, no status, no scorecard in the step summary (only the
    # error, which every exit 2 writes there).
    assert not forge.comments and not forge.statuses and not forge.check_runs
    summary = tmp_path / "summary.md"
    assert not summary.exists() or "mlgate:scorecard" not in summary.read_text()


def test_newer_push_is_refused(server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path) -> None:
    fork_pr.head_sha = "2" * 40
    _refused(
        publish(server, tmp_path, artifact(tmp_path)),
        forge,
        tmp_path,
        "refusing to publish",
        "#7",
        "newer commit",
    )


def test_report_of_another_commit_is_refused(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path
) -> None:
    _refused(
        publish(server, tmp_path, artifact(tmp_path, git_sha="3" * 40)),
        forge,
        tmp_path,
        "333333333333",
        "neither",
    )
    _refused(publish(server, tmp_path, artifact(tmp_path, git_sha=None)), forge, tmp_path, "git_sha")


def test_artifact_chosen_pr_number_is_checked(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path
) -> None:
    # docs used to read --pr from a file in the artifact: another PR's number must not work.
    forge.pulls[8] = Pull(8, "4" * 40, head_repo="victim/repo")
    _refused(publish(server, tmp_path, artifact(tmp_path), "--pr", "8"), forge, tmp_path, "#8")
    _refused(publish(server, tmp_path, artifact(tmp_path), "--pr", "99"), forge, tmp_path, "#99")
    assert publish(server, tmp_path, artifact(tmp_path), "--pr", "7").exit_code == 0


def test_pr_from_another_repository_is_refused(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    # Same owner, branch name and head, but not the repository the run came from.
    forge.pulls[7] = Pull(7, SHA, head_repo="mallory/other")
    _refused(publish(server, tmp_path, artifact(tmp_path)), forge, tmp_path, "mallory/other")


def test_no_or_several_open_prs_are_refused(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    _refused(
        publish(server, tmp_path, artifact(tmp_path)),
        forge,
        tmp_path,
        "no open pull request",
        "mallory:feature",
    )
    forge.pulls[7] = Pull(7, SHA, state="closed")
    _refused(publish(server, tmp_path, artifact(tmp_path)), forge, tmp_path, "no open pull request")
    forge.pulls[7] = Pull(7, SHA)
    forge.pulls[9] = Pull(9, SHA)  # the same branch proposed to two base branches
    _refused(publish(server, tmp_path, artifact(tmp_path)), forge, tmp_path, "#7, #9", "--pr")


def test_verbatim_markdown_is_never_posted_from_workflow_run(
    server: ForgeServer, forge: Forge, fork_pr: Pull, tmp_path: Path
) -> None:
    directory = artifact(tmp_path)
    (directory / "scorecard.md").write_text(
        (directory / "scorecard.md").read_text() + "\n<img src=https://e.vil/t.png> @everyone\n"
    )
    res = run_cli(["publish", str(directory)], env=env_for(server, tmp_path, workflow_run_payload()))
    assert res.exit_code == 0, res.output
    [comment] = forge.pr_comments(7)
    assert "<img" not in comment["body"] and "@everyone" not in comment["body"]

"""The CI loop end to end, through the workflow templates and the composite action's steps.

On main, the baseline workflow (templates/github/mlgate-baseline.yml) runs the action with
``command: baseline-save``: ``mlgate baseline save`` writes the folder, the action's upload-artifact
step stores it (here: in a local server speaking GitHub's artifacts API, checked against GitHub's
OpenAPI description). A pull request's workflow (templates/github/mlgate.yml) with
``baseline: {artifact: mlgate-baseline}`` then lists the artifacts, checks the run, downloads the
archive through a 302 to another host (blob storage, fetched without the token) and compares with it.

The install step is not repeated here (test_ci_action.py installs the action's own ref), and the
scorecard is not posted (tests/publish covers the forges): ``version: preinstalled``, ``publish: none``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from envs import PIP_ENV, ROOT
from ghrunner import RUNNER_TOKEN as TOKEN
from ghrunner import ActionRun, UsesHandler, read_env_file, run_action
from ghworkflow import run_job

from tests.conftest import require
from tests.io.artifact_server import Artifact, ArtifactServers, Run
from tests.publish.forge_specs import GITHUB_SPEC

BASE_SHA = "5eed" * 10
OVERRIDES = {"version": "preinstalled", "python-version": "", "publish": "none"}


@pytest.fixture(scope="module", autouse=True)
def _spec() -> None:
    require(GITHUB_SPEC.is_file(), "node_modules/@octokit/openapi is missing (npm ci)")


@pytest.fixture
def servers() -> Iterator[ArtifactServers]:
    with ArtifactServers() as srv:
        srv.state.token = TOKEN  # the runner's github.token, which the action passes to mlgate
        yield srv
        assert srv.state.violations == [], "\n".join(srv.state.violations)


def _checkout(demo_project: Path, dest: Path) -> Path:
    """A checkout of the repository: the demo project at its root, its config in artifact mode."""
    shutil.copytree(demo_project, dest)
    cfg = dest / "mlgate.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "  predictions: baseline/predictions.csv" in text
    cfg.write_text(text.replace("  predictions: baseline/predictions.csv", "  artifact: mlgate-baseline"),
                   encoding="utf-8")
    shutil.rmtree(dest / "baseline", ignore_errors=True)  # nothing committed: the artifact is the baseline
    return dest


def _env(srv: ArtifactServers) -> dict[str, str]:
    # The job's python is the one running the tests (mlgate preinstalled there).
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return {**PIP_ENV, "PATH": path, "GITHUB_API_URL": srv.state.api_url + "/api/v3"}


def _upload_into(srv: ArtifactServers, run_id: int, sha: str, seen: list[dict[str, str]]) -> UsesHandler:
    """actions/upload-artifact's stand-in: zip the folder the way the artifact is served (paths
    relative to the uploaded folder) and list it as the newest artifact of run ``run_id``."""
    def upload(with_: dict[str, str]) -> None:
        seen.append(with_)
        folder = Path(with_["path"])
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(p for p in folder.rglob("*") if p.is_file()):
                zf.write(f, f.relative_to(folder).as_posix())
        srv.state.artifacts.insert(0, Artifact(len(srv.state.artifacts) + 7001, with_["name"],
                                               Run(run_id, sha, event="push"), buf.getvalue()))
    return upload


def _main_push(demo_project: Path, srv: ArtifactServers, tmp_path: Path) -> list[dict[str, str]]:
    """The baseline workflow's job after a merge to main; returns what its upload step received."""
    main = _checkout(demo_project, tmp_path / "main")
    uploads: list[dict[str, str]] = []
    temp = tmp_path / "runner-main"
    temp.mkdir()
    job = run_job(ROOT / "templates/github/mlgate-baseline.yml", "baseline", action_dir=ROOT,
                  workspace=main, tmp=temp, env=_env(srv), overrides=OVERRIDES,
                  uses={"actions/upload-artifact": _upload_into(srv, 5001, BASE_SHA, uploads)},
                  event_name="push", event={"ref": "refs/heads/main", "after": BASE_SHA}, sha=BASE_SHA,
                  ref="refs/heads/main")
    [run] = job.actions
    save = run.step("baseline")
    assert save.returncode == 0, save.stdout + save.stderr
    assert run.step("check").kind == "skipped" and run.step("Verdict").kind == "skipped"
    assert run.outputs["baseline-dir"] == str(main / "mlgate-baseline")
    assert not run.failed
    return uploads


def _pull_request(demo_project: Path, srv: ArtifactServers, tmp_path: Path,
                  workflow: Path = ROOT / "templates/github/mlgate.yml") -> tuple[ActionRun, Path]:
    pr = _checkout(demo_project, tmp_path / "pr")
    temp = tmp_path / "runner-pr"
    temp.mkdir()
    event = {"pull_request": {"number": 7, "base": {"ref": "main", "sha": BASE_SHA},
                              "head": {"ref": "feature", "sha": "f" * 40}}}
    job = run_job(workflow, "gate", action_dir=ROOT, workspace=pr, tmp=temp,
                  env=_env(srv), overrides=OVERRIDES, event_name="pull_request", event=event,
                  sha="e" * 40, ref="refs/pull/7/merge")
    [run] = job.actions
    return run, pr


def test_baseline_workflow_on_main_then_a_compared_pull_request(demo_project: Path, tmp_path: Path,
                                                                servers: ArtifactServers) -> None:
    uploads = _main_push(demo_project, servers, tmp_path)
    # The artifact holds exactly what `mlgate baseline save` wrote, under the name the config reads.
    [upload] = uploads
    assert upload["name"] == "mlgate-baseline" and upload["retention-days"] == "90"
    saved = Path(upload["path"])
    with zipfile.ZipFile(io.BytesIO(servers.state.artifacts[0].blob)) as zf:
        assert sorted(zf.namelist()) == sorted(p.name for p in saved.iterdir() if p.is_file())
        assert json.loads(zf.read("metrics.json"))["format"] == "mlgate-baseline"
        assert "predictions.csv" in zf.namelist()

    run, pr = _pull_request(demo_project, servers, tmp_path)
    check = run.step("check")
    assert run.outputs["exit-code"] == "0", check.stdout + check.stderr
    said = "baseline: artifact mlgate-baseline of run 5001 on main (commit 5eed5eed5eed) via the GitHub API"
    assert said in check.stdout + check.stderr
    card = json.loads((pr / "mlgate-report" / "scorecard.json").read_text(encoding="utf-8"))
    prov = card["provenance"]["baseline"]
    assert (prov["artifact"], prov["run_id"], prov["commit"], prov["source"]) == (
        "mlgate-baseline", "5001", BASE_SHA, "github")
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    paired = [c for c in perf["checks"] if c["name"].endswith("vs baseline")]
    assert paired and all(c["delta"] == 0 for c in paired)  # the same model as main: no change
    md = (pr / "mlgate-report" / "scorecard.md").read_text(encoding="utf-8").replace("\u200b", "")
    assert "baseline artifact mlgate-baseline (run 5001, commit 5eed5eed5eed)" in md
    # The archive came from the other host, without the token.
    assert ("GET", "/api/v3/repos/octo/model/actions/artifacts/7001/zip", 302) in servers.state.log
    assert servers.state.blob_headers
    for headers in servers.state.blob_headers:
        assert "authorization" not in headers and TOKEN not in json.dumps(headers)
    assert all(TOKEN not in s.stdout + s.stderr for s in run.steps)


def test_first_pull_request_before_any_merge_gets_a_scorecard_and_a_warning(
    demo_project: Path, tmp_path: Path, servers: ArtifactServers
) -> None:
    run, pr = _pull_request(demo_project, servers, tmp_path)
    check = run.step("check")
    assert run.outputs["exit-code"] == "0", check.stdout + check.stderr
    assert run.outputs["status"] == "pass"  # warnings never block (Report.status)
    assert run.step("Verdict").returncode == 0 and not run.failed
    card = json.loads((pr / "mlgate-report" / "scorecard.json").read_text(encoding="utf-8"))
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    assert perf["status"] == "warn"
    [warn] = [c for c in perf["checks"] if c["name"] == "baseline"]
    assert (warn["status"], warn["message"]) == (
        "warn", "no baseline on main yet: it appears after the first merge")
    assert "no mlgate-baseline artifact on main of octo/model yet" in check.stdout + check.stderr
    assert any(c["name"] == "accuracy >= 0.7" and c["status"] == "pass" for c in perf["checks"])
    assert any(path.startswith("/api/v3/repos/octo/model/actions/artifacts?")
               for _, path, _ in servers.state.log)


@pytest.mark.parametrize("command", ["baseline", "save; touch pwned", "", "publish --pr 8",
                                     "publish\ntouch pwned", "$(touch pwned)"])
def test_command_input_is_checked_before_anything_runs(command: str, tmp_path: Path) -> None:
    run = run_action(ROOT, {"command": command}, workspace=tmp_path, tmp=tmp_path, only=("resolve",))
    step = run.step("resolve")
    assert step.returncode == 2 and "input 'command' must be check, baseline-save or publish" in step.stdout
    assert step.outputs == {} and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("template", ["mlgate.yml", "mlgate-fork-safe.yml"])
def test_pull_request_templates_grant_what_the_artifact_lookup_needs(
    template: str, demo_project: Path, tmp_path: Path, servers: ArtifactServers
) -> None:
    """The job's token reads the artifacts API only with `actions: read` in the template: without it
    the lookup is refused (exit 2, naming the permission)."""
    source = ROOT / "templates/github" / template
    text = source.read_text(encoding="utf-8")
    assert text.count("  actions: read") == 1
    _main_push(demo_project, servers, tmp_path)
    run, pr = _pull_request(demo_project, servers, tmp_path, source)
    assert run.outputs["exit-code"] == "0", run.step("check").stderr
    shutil.rmtree(pr)
    stripped = tmp_path / template
    stripped.write_text(text.replace("  actions: read", "  # (removed)"), encoding="utf-8")
    run, _ = _pull_request(demo_project, servers, tmp_path / "again", stripped)
    assert run.outputs["exit-code"] == "2"
    assert "actions: read" in run.step("check").stderr


def test_baseline_save_step_outputs_cannot_be_injected(demo_project: Path, tmp_path: Path,
                                                      cli: Callable[..., Result]) -> None:
    """The saved folder's path comes from the config; a newline in it stays inside the `dir` value
    (the multi-line form with a random delimiter) and cannot set another output."""
    cfg = demo_project / "mlgate.yaml"
    evil = "x\nartifact=evil-name\ndir=/etc"
    text = cfg.read_text(encoding="utf-8")
    # A JSON string is a YAML double-quoted scalar: the newlines reach the path.
    cfg.write_text(text.replace("predictions: baseline/predictions.csv",
                                f"predictions: {json.dumps(evil + '/predictions.csv')}"), encoding="utf-8")
    out = tmp_path / "github_output"
    out.write_text("", encoding="utf-8")
    result = cli(["baseline", "save", "-c", str(cfg)],
                 env={"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(out)})
    assert result.exit_code == 0, result.output
    values = read_env_file(out)
    assert values == {"dir": str(demo_project / evil), "artifact": "mlgate-baseline"}

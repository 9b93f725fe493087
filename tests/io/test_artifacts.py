"""``baseline: {artifact: mlgate-baseline}``: found on the base branch, downloaded, unpacked safely.

Against real local servers (tests/io/artifact_server.py): the GitHub artifacts API checked against
GitHub's OpenAPI description, a blob-storage server on another port as the redirect target, and
GitLab's job-artifacts API with the job token.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import require
from tests.io.artifact_server import FORK_ID, Artifact, ArtifactServers, Run
from tests.publish.forge_specs import GITHUB_SPEC

Cli = Callable[..., Result]
TOKEN = "ghs_ArtifactReadT0ken123456789"
JOB_TOKEN = "glcbt-JobT0kenValue987654321"
BASE_SHA = "a" * 40
OTHER_SHA = "b" * 40


@pytest.fixture(scope="module", autouse=True)
def _spec() -> None:
    require(GITHUB_SPEC.is_file(), "node_modules/@octokit/openapi is missing (npm ci)")
    from tests.publish.forge_specs import github_openapi

    github_openapi()


@pytest.fixture
def servers() -> Iterator[ArtifactServers]:
    with ArtifactServers() as srv:
        srv.state.token = TOKEN
        srv.state.job_token = JOB_TOKEN
        yield srv
        assert srv.state.violations == [], "\n".join(srv.state.violations)


@pytest.fixture
def project(demo_project: Path, cli: Cli) -> Path:
    """The demo with baseline.artifact, and the archive its baseline job would upload."""
    cfg = demo_project / "mlgate.yaml"
    text = cfg.read_text(encoding="utf-8").replace(
        "  predictions: baseline/predictions.csv", "  artifact: mlgate-baseline")
    cfg.write_text(text, encoding="utf-8")
    result = cli(["baseline", "save", "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    assert (demo_project / "mlgate-baseline" / "metrics.json").is_file()
    return demo_project


def zipped(folder: Path, prefix: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, prefix + f.name)
    return buf.getvalue()


def github_env(srv: ArtifactServers, tmp_path: Path, **extra: str) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"ref": "main", "sha": BASE_SHA}}}))
    return {"GITHUB_ACTIONS": "true", "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "octo/repo",
            "GITHUB_API_URL": srv.state.api_url + "/api/v3", "GITHUB_BASE_REF": "main",
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event), **extra}


def check(cli: Cli, project: Path, env: dict[str, str], *args: str) -> tuple[Result, dict]:
    out = project / "report"
    result = cli(["check", "-c", str(project / "mlgate.yaml"), "-o", str(out), "--publish", "none", *args],
                 env=env)
    card = project / "report" / "scorecard.json"
    return result, (json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {})


def test_github_prefers_the_base_commit_and_never_sends_the_token_to_blob_storage(
    project: Path, servers: ArtifactServers, cli: Cli, tmp_path: Path
) -> None:
    blob = zipped(project / "mlgate-baseline")
    servers.state.artifacts = [
        Artifact(31, "mlgate-baseline", Run(903, OTHER_SHA), blob),  # newer, another commit
        Artifact(21, "mlgate-baseline", Run(902, BASE_SHA), blob),  # the base commit's
    ]
    result, card = check(cli, project, github_env(servers, tmp_path))
    assert result.exit_code in (0, 1), result.output
    assert "artifact mlgate-baseline of run 902 on main" in result.output
    assert card["provenance"]["baseline"]["run_id"] == "902"
    assert card["provenance"]["baseline"]["commit"] == BASE_SHA
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    assert [c["delta"] for c in perf["checks"] if c["name"].endswith("vs baseline")] == [0, 0, 0, 0]
    md = (project / "report" / "scorecard.md").read_text(encoding="utf-8").replace("\u200b", "")
    assert "baseline artifact mlgate-baseline (run 902, commit aaaaaaaaaaaa)" in md
    assert servers.state.blob_headers, "the archive was not fetched from blob storage"
    for headers in servers.state.blob_headers:
        assert "authorization" not in headers
        assert TOKEN not in json.dumps(headers)


def test_runs_of_forks_failed_runs_and_pull_request_runs_are_not_trusted(
    project: Path, servers: ArtifactServers, cli: Cli, tmp_path: Path
) -> None:
    blob = zipped(project / "mlgate-baseline")
    servers.state.artifacts = [
        # A fork's pull request from its own branch named main: head_branch "main" too.
        Artifact(41, "mlgate-baseline", Run(904, BASE_SHA, head_repository_id=FORK_ID,
                                             event="pull_request"), blob),
        Artifact(40, "mlgate-baseline", Run(905, BASE_SHA, event="pull_request_target"), blob),
        Artifact(39, "mlgate-baseline", Run(906, BASE_SHA, conclusion="failure"), blob),
        Artifact(38, "mlgate-baseline", Run(907, BASE_SHA, head_branch="feature"), blob),
        Artifact(37, "mlgate-baseline", Run(908, BASE_SHA), blob, expired=True),
        Artifact(36, "mlgate-baseline", Run(901, OTHER_SHA), blob),
    ]
    result, card = check(cli, project, github_env(servers, tmp_path))
    assert result.exit_code in (0, 1), result.output
    assert card["provenance"]["baseline"]["run_id"] == "901"


def test_first_pull_request_without_an_artifact_gets_a_scorecard_with_a_warning(
    project: Path, servers: ArtifactServers, cli: Cli, tmp_path: Path
) -> None:
    result, card = check(cli, project, github_env(servers, tmp_path))
    assert result.exit_code in (0, 1), result.output
    assert "no mlgate-baseline artifact on main of octo/repo yet" in result.output
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    warn = [c for c in perf["checks"] if c["name"] == "baseline"]
    assert warn and warn[0]["status"] == "warn"
    assert warn[0]["message"] == "no baseline on main yet: it appears after the first merge"
    assert any(c["name"] == "accuracy >= 0.7" for c in perf["checks"])  # absolute limits still judged
    slices = next(g for g in card["gates"] if g["name"] == "slices")
    assert slices["status"] == "warn"
    assert "none on main yet" in (project / "report" / "scorecard.md").read_text(encoding="utf-8")


def _evil_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


def _symlink(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    info.create_system = 3
    return info


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("../escaped.csv", b"x")], "is not a plain relative path"),
        ([("ABSOLUTE", b"x")], "is not a plain relative path"),
        ([("sub/../../escaped.csv", b"x")], "is not a plain relative path"),
        ([(_symlink("metrics.json", "/etc/passwd"), b"/etc/passwd")], "is a symlink"),
    ],
    ids=["dotdot", "absolute", "nested-dotdot", "symlink"],
)
def test_hostile_archives_are_refused_and_nothing_is_written_outside(
    project: Path, servers: ArtifactServers, cli: Cli, tmp_path: Path,
    entries: list[tuple[zipfile.ZipInfo | str, bytes]], message: str,
) -> None:
    outside = tmp_path / "outside.csv"
    entries = [(str(outside) if e == "ABSOLUTE" else e, d) for e, d in entries]
    base = zipped(project / "mlgate-baseline")
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        good = [(n, zf.read(n)) for n in zf.namelist() if n != "metrics.json" or "symlink" not in message]
    blob = _evil_zip([*entries, *good])
    servers.state.artifacts = [Artifact(51, "mlgate-baseline", Run(950, BASE_SHA), blob)]
    result, _ = check(cli, project, github_env(servers, tmp_path))
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not outside.exists()
    assert not (project.parent / "escaped.csv").exists() and not list(tmp_path.rglob("escaped.csv"))


def test_a_zip_bomb_stops_at_the_size_cap(
    project: Path, servers: ArtifactServers, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlgate.io.artifacts import safe_zip

    monkeypatch.setattr(safe_zip, "LIMITS", safe_zip.Limits(max_total_bytes=4_000_000,
                                                            max_file_bytes=2_000_000))
    blob = _evil_zip([("predictions.csv", b"0" * 50_000_000)])
    assert len(blob) < 200_000
    servers.state.artifacts = [Artifact(61, "mlgate-baseline", Run(960, BASE_SHA), blob)]
    result, _ = check(cli, project, github_env(servers, tmp_path))
    assert result.exit_code == 2, result.output
    assert "unpacks to more than the 2000000 bytes allowed per file" in result.output


def test_github_without_read_access_says_which_permission(
    project: Path, servers: ArtifactServers, cli: Cli, tmp_path: Path
) -> None:
    result, _ = check(cli, project, github_env(servers, tmp_path, GITHUB_TOKEN="ghs_WrongT0ken00000000"))
    assert result.exit_code == 2, result.output
    assert "actions: read" in result.output and "ghs_WrongT0ken" not in result.output


def gitlab_env(srv: ArtifactServers, **extra: str) -> dict[str, str]:
    return {"GITLAB_CI": "true", "CI_JOB_TOKEN": JOB_TOKEN, "CI_PROJECT_ID": "12",
            "CI_API_V4_URL": srv.state.api_url + "/api/v4",
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_DEFAULT_BRANCH": "main", **extra}


@pytest.mark.parametrize("redirect", [False, True], ids=["direct", "object-storage"])
def test_gitlab_job_artifacts_with_the_job_token(
    project: Path, servers: ArtifactServers, cli: Cli, redirect: bool
) -> None:
    # GitLab keeps the artifact's paths: the files sit under mlgate-baseline/.
    servers.state.gitlab_jobs[("main", "mlgate-baseline")] = zipped(project / "mlgate-baseline",
                                                                    "mlgate-baseline/")
    servers.state.gitlab_redirect = redirect
    result, card = check(cli, project, gitlab_env(servers))
    assert result.exit_code in (0, 1), result.output
    assert "artifacts of job mlgate-baseline on main via the GitLab API" in result.output
    assert card["provenance"]["baseline"]["source"] == "gitlab"
    assert any(p.endswith("/jobs/artifacts/main/download?job=mlgate-baseline") for _, p, _ in
               servers.state.log)
    for headers in servers.state.blob_headers:
        assert "job-token" not in headers and JOB_TOKEN not in json.dumps(headers)
    assert bool(servers.state.blob_headers) == redirect


def test_gitlab_first_merge_request_and_a_wrong_job_token(
    project: Path, servers: ArtifactServers, cli: Cli
) -> None:
    result, card = check(cli, project, gitlab_env(servers))
    assert result.exit_code in (0, 1), result.output
    assert "no successful mlgate-baseline job on main yet" in result.output
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    assert any(c["name"] == "baseline" and c["status"] == "warn" for c in perf["checks"])
    result, _ = check(cli, project, gitlab_env(servers, CI_JOB_TOKEN="glcbt-Wrong000000000"))
    assert result.exit_code == 2 and "HTTP 401" in result.output, result.output


def test_local_folder_and_the_one_line_that_says_so(project: Path, cli: Cli) -> None:
    result, card = check(cli, project, {}, "--baseline-dir", str(project / "mlgate-baseline"))
    assert result.exit_code in (0, 1), result.output
    assert "baseline: folder" in result.output and "(--baseline-dir)" in result.output
    assert card["provenance"]["baseline"]["source"] == "folder"
    result, _ = check(cli, project, {})
    assert result.exit_code == 2
    assert "pass --baseline-dir DIR" in result.output


def test_changed_eval_rows_are_a_clear_message_or_an_unpaired_comparison(
    project: Path, cli: Cli
) -> None:
    import pandas as pd

    ev = project / "data" / "eval.csv"
    frame = pd.read_csv(ev)
    frame.loc[0, "age"] = int(frame.loc[0, "age"]) + 1  # the same rows, one value changed
    frame.to_csv(ev, index=False)
    result, _ = check(cli, project, {}, "--baseline-dir", str(project / "mlgate-baseline"))
    assert result.exit_code == 2, result.output
    assert "its predictions are for other eval rows" in result.output
    assert "no model was stored" in result.output
    cfg = project / "mlgate.yaml"
    text = cfg.read_text(encoding="utf-8")
    start = text.index("  slices:")
    end = text.index("  fairness:")
    cfg.write_text(text[:start] + text[end:], encoding="utf-8")
    result, card = check(cli, project, {}, "--baseline-dir", str(project / "mlgate-baseline"))
    assert result.exit_code in (0, 1), result.output
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    assert any("unpaired" in c["message"] for c in perf["checks"])


def test_locally_a_token_and_the_git_remote_find_the_default_branch_artifact(
    project: Path, servers: ArtifactServers, cli: Cli
) -> None:
    import subprocess

    for args in (["init", "-q"], ["remote", "add", "origin", "git@github.com:octo/repo.git"]):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)
    servers.state.default_branch = "trunk"
    blob = zipped(project / "mlgate-baseline")
    servers.state.artifacts = [
        Artifact(71, "mlgate-baseline", Run(971, BASE_SHA, head_branch="main"), blob),
        Artifact(70, "mlgate-baseline", Run(970, OTHER_SHA, head_branch="trunk"), blob),
    ]
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": servers.state.api_url + "/api/v3"}
    result, card = check(cli, project, env)
    assert result.exit_code in (0, 1), result.output
    assert "artifact mlgate-baseline of run 970 on trunk" in result.output
    assert "via the GitHub API" in result.output
    assert card["provenance"]["baseline"]["branch"] == "trunk"

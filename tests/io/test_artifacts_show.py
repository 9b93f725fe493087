"""``mlgate baseline show`` with ``baseline: {artifact: mlgate-baseline}``: the folder given, or the
artifact a token downloads (as ``mlgate check`` finds it), or a message saying what is missing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from tests.io import test_artifacts as base
from tests.io.artifact_server import Artifact, ArtifactServers, Run
from tests.io.test_artifacts import BASE_SHA, TOKEN, Cli, github_env, zipped

# The same fixtures as test_artifacts.py: the demo in artifact mode (and its saved baseline folder),
# the local artifact servers, and GitHub's OpenAPI description loaded once.
project = base.project
servers = base.servers
_spec = base._spec


def show(cli: Cli, project: Path, env: dict[str, str], *args: str) -> Result:
    return cli(["baseline", "show", "-c", str(project / "mlgate.yaml"), *args], env=env)


def test_without_a_folder_or_a_token_it_says_what_to_pass(project: Path, cli: Cli) -> None:
    result = show(cli, project, {})
    assert result.exit_code == 2, result.output
    assert "baseline.artifact: mlgate-baseline" in result.output
    assert "pass --baseline-dir DIR" in result.output and "GITHUB_TOKEN" in result.output
    assert "Traceback" not in result.output


def test_a_downloaded_folder(project: Path, cli: Cli) -> None:
    folder = project / "mlgate-baseline"
    result = show(cli, project, {}, "--baseline-dir", str(folder))
    assert result.exit_code == 0, result.output
    assert f"baseline: folder {folder} (--baseline-dir)" in result.output
    saved = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert f"rows              {saved['n_rows']}" in result.output
    assert "roc_auc" in result.output
    as_json = show(cli, project, {"MLGATE_BASELINE_DIR": str(folder)}, "--json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == saved  # the one-line "which" goes to stderr
    assert "(MLGATE_BASELINE_DIR)" in as_json.stderr


def test_with_a_token_the_artifact_check_would_use(project: Path, servers: ArtifactServers, cli: Cli,
                                                    tmp_path: Path) -> None:
    servers.state.artifacts = [Artifact(21, "mlgate-baseline", Run(902, BASE_SHA),
                                        zipped(project / "mlgate-baseline"))]
    result = show(cli, project, github_env(servers, tmp_path))
    assert result.exit_code == 0, result.output
    assert "baseline: artifact mlgate-baseline of run 902 on main (commit aaaaaaaaaaaa)" in result.output
    assert "run               902" in result.output and "commit            aaaaaaaaaaaa" in result.output
    assert "accuracy" in result.output
    for headers in servers.state.blob_headers:
        assert "authorization" not in headers and TOKEN not in json.dumps(headers)


def test_none_on_the_base_branch_yet(project: Path, servers: ArtifactServers, cli: Cli,
                                     tmp_path: Path) -> None:
    result = show(cli, project, github_env(servers, tmp_path))
    assert result.exit_code == 0, result.output
    assert "no mlgate-baseline artifact on main of octo/repo yet" in result.output
    assert "no baseline on main yet: it appears after the first merge" in result.output
    assert "metric" not in result.output

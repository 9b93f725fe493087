"""``report.mlflow`` from a hostile pull request (mlgate.publish.mlflow_guard), against the real server.

The pull request writes ``mlgate.yaml``: without the guard, a privileged run (``pull_request_target``)
logged into whatever experiment it named with the team's credentials, and a server it chose could make
the client copy the scorecards into any folder of the runner.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.mlflow.conftest import Registry, write_config

Cli = Callable[..., Result]
REPORT = "report:\n  mlflow: {experiment: production-models}\n"


def _runs(url: str, experiment: str) -> list[object]:
    from mlflow import MlflowClient

    client = MlflowClient(url)
    found = client.get_experiment_by_name(experiment)
    return [] if found is None else list(client.search_runs([found.experiment_id]))


def _check(cli: Cli, root: Path, extra: str = REPORT) -> Result:
    cfg = write_config(root, "models:/credit@challenger", "models:/credit@champion", extra)
    return cli(["check", "-c", str(cfg), "-o", str(root / "report"), "--publish", "none"])


def test_a_privileged_run_never_logs_where_the_pull_request_says(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request_target")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "team-token-never-shown")
    monkeypatch.delenv("MLGATE_MLFLOW_EXPERIMENT", raising=False)
    before = len(_runs(mlflow_env.url, "production-models"))
    result = _check(cli, demo_project)
    assert result.exit_code in (0, 1), result.output  # the verdict is untouched
    assert len(_runs(mlflow_env.url, "production-models")) == before
    assert "logging to MLflow failed" in result.output
    assert "the GitHub event is pull_request_target" in result.output
    assert "set MLGATE_MLFLOW_EXPERIMENT in the workflow" in result.output
    assert "team-token-never-shown" not in result.output


def test_a_privileged_run_logs_into_the_workflows_experiment(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request_target")
    monkeypatch.setenv("MLGATE_MLFLOW_EXPERIMENT", "pr-checks-from-the-workflow")
    before = len(_runs(mlflow_env.url, "production-models"))
    result = _check(cli, demo_project)
    assert "results logged to MLflow run" in result.output, result.output
    assert len(_runs(mlflow_env.url, "pr-checks-from-the-workflow")) == 1
    assert len(_runs(mlflow_env.url, "production-models")) == before


def test_a_privileged_run_ignores_the_configs_tracking_server(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Models are read from the config's server only without credentials; results are never logged."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    monkeypatch.setenv("MLGATE_UNTRUSTED", "1")
    monkeypatch.setenv("MLGATE_MLFLOW_EXPERIMENT", "pr-checks-untrusted")
    extra = f"mlflow:\n  tracking_uri: {mlflow_env.url}\n" + REPORT
    result = _check(cli, demo_project, extra)
    assert result.exit_code in (0, 1), result.output
    assert "only the workflow may name the tracking server" in result.output
    assert _runs(mlflow_env.url, "pr-checks-untrusted") == []


def test_artifacts_are_never_copied_to_a_local_path_the_server_names(
    demo_project: Path, mlflow_env: Registry, cli: Cli, tmp_path: Path
) -> None:
    """An experiment whose artifact location is a folder of the runner (what any server can answer)."""
    from mlflow import MlflowClient

    target = tmp_path / "runner-folder"
    MlflowClient(mlflow_env.url).create_experiment("guard-local-artifacts", artifact_location=target.as_uri())
    result = _check(cli, demo_project, "report:\n  mlflow: {experiment: guard-local-artifacts}\n")
    assert result.exit_code in (0, 1), result.output
    assert not target.exists() or not any(target.rglob("scorecard*")), sorted(target.rglob("*"))
    assert "put the run's artifacts at a local path" in result.output
    (run,) = _runs(mlflow_env.url, "guard-local-artifacts")
    assert run.info.status == "FAILED"  # type: ignore[attr-defined]

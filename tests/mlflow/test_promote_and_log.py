"""Promotion after merge (``mlgate baseline save``) and results logged as MLflow runs (``report.mlflow``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.mlflow.conftest import FEATURES, PIP, Registry, _train, free_port, write_config

Cli = Callable[..., Result]


def _log_unregistered(demo_template: Path, url: str) -> str:
    """A new training run whose model is not registered yet (what a merged PR produced)."""
    import mlflow
    import mlflow.sklearn
    import pandas as pd

    mlflow.set_tracking_uri(url)
    mlflow.set_experiment("training")
    example = pd.read_csv(demo_template / "data" / "train.csv", keep_default_na=False)[FEATURES].head(3)
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(
            _train(demo_template, FEATURES, 3.0), name="model", serialization_format="skops",
            pip_requirements=PIP, input_example=example,
        )  # fmt: skip
    return str(run.info.run_id)


def test_baseline_save_promotes_once_per_run(
    demo_project: Path, demo_template: Path, mlflow_env: Registry, cli: Cli
) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(mlflow_env.url)
    # Production: "promo" v1 @champion, registered from the credit champion's run.
    client.create_registered_model("promo")
    src = client.get_model_version("credit", "1")
    model_id = src.source.removeprefix("models:/")
    first = client.create_model_version("promo", src.source, run_id=src.run_id, model_id=model_id)
    client.set_registered_model_alias("promo", "champion", first.version)
    run_id = _log_unregistered(demo_template, mlflow_env.url)
    cfg = write_config(demo_project, f"runs:/{run_id}/model", "models:/promo@champion")

    result = cli(["baseline", "save", "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    versions = client.search_model_versions(f"name='promo' and run_id='{run_id}'")
    assert len(versions) == 1
    champion = client.get_model_version_by_alias("promo", "champion")
    assert champion.version == versions[0].version != first.version and champion.run_id == run_id
    assert f"version {champion.version} (run {run_id}) is now @champion" in result.output

    again = cli(["baseline", "save", "-c", str(cfg), "--out", str(demo_project / "prod")])
    assert again.exit_code == 0, again.output
    assert "already registered: no new version" in again.output
    assert len(client.search_model_versions(f"name='promo' and run_id='{run_id}'")) == 1
    assert len(client.search_model_versions("name='promo'")) == 2
    assert client.get_model_version_by_alias("promo", "champion").version == champion.version
    assert (demo_project / "prod" / "metrics.json").is_file()


def test_promotion_needs_an_alias(demo_project: Path, mlflow_env: Registry, cli: Cli) -> None:
    cfg = write_config(demo_project, "models:/credit@challenger", "models:/credit/1")
    result = cli(["baseline", "save", "-c", str(cfg)])
    assert result.exit_code == 2
    assert "baseline.model: models:/credit/1: promotion moves an alias" in result.output


def test_check_is_logged_as_an_mlflow_run(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlflow import MlflowClient

    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
    extra = "report:\n  mlflow: {experiment: pr-checks}\n"
    cfg = write_config(demo_project, "models:/credit@challenger", "models:/credit@champion", extra)
    result = cli(["check", "-c", str(cfg), "-o", str(demo_project / "report"), "--pr", "42"])
    data = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert result.exit_code == data["exit_code"], result.output

    client = MlflowClient(mlflow_env.url)
    exp = client.get_experiment_by_name("pr-checks")
    assert exp is not None
    (run,) = client.search_runs([exp.experiment_id])
    perf = next(g for g in data["gates"] if g["name"] == "performance")
    acc = next(c for c in perf["checks"] if c["name"] == "accuracy vs baseline")
    metrics = run.data.metrics
    assert metrics["candidate/performance/accuracy vs baseline"] == pytest.approx(acc["value"])
    assert metrics["baseline/performance/accuracy vs baseline"] == pytest.approx(acc["baseline"])
    assert metrics["delta/performance/accuracy vs baseline"] == pytest.approx(acc["delta"])
    tags = run.data.tags
    assert tags["mlgate.verdict"] == data["status"] and tags["mlgate.exit_code"] == str(data["exit_code"])
    assert tags["mlgate.commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert tags["mlgate.pull_request"] == "42"
    names = sorted(a.path for a in client.list_artifacts(run.info.run_id))
    assert names == ["scorecard.html", "scorecard.json", "scorecard.md"]
    assert run.info.status == "FINISHED"


def test_a_logging_failure_keeps_the_verdict(
    demo_project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File models and predictions, an unreachable server for the results only: a warning, same exit."""
    for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)
    cfg = demo_project / "mlgate.yaml"
    plain = cli(["check", "-c", str(cfg), "-o", str(demo_project / "r1")])
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "tok-never-printed-1234")
    cfg.write_text(cfg.read_text(encoding="utf-8") + "  mlflow: {experiment: pr-checks}\n", encoding="utf-8")
    logged = cli(["check", "-c", str(cfg), "-o", str(demo_project / "r2"), "--debug"])
    assert logged.exit_code == plain.exit_code
    assert "mlgate: warning: logging to MLflow failed" in logged.output
    assert "cannot reach the MLflow tracking server" in logged.output
    assert "tok-never-printed-1234" not in logged.output

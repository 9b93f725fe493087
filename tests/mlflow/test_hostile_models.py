"""Models logged by someone else are hostile input: what their MLmodel file and artifacts may not do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from tests.mlflow.conftest import FEATURES, PIP, Registry, _train, write_config

Cli = Callable[..., Result]


def _log_dir(url: str, files: dict[str, str], experiment: str = "hostile") -> str:
    """A run whose ``model`` artifact folder holds exactly ``files`` (an MLmodel written by hand)."""
    import tempfile

    import mlflow

    mlflow.set_tracking_uri(url)
    mlflow.set_experiment(experiment)
    with tempfile.TemporaryDirectory() as tmp, mlflow.start_run() as run:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        mlflow.log_artifacts(tmp, artifact_path="model")
    return str(run.info.run_id)


def _mlmodel(flavor: dict[str, object]) -> str:
    return yaml.safe_dump({"flavors": flavor, "mlflow_version": "3.0.0"})


def test_mlmodel_naming_a_file_outside_its_artifacts_is_refused(
    demo_project: Path, mlflow_env: Registry, cli: Cli
) -> None:
    """The skops flavor's model file is resolved inside the download, never a path on the runner."""
    outside = demo_project / "data" / "eval.csv"
    flavor = {"sklearn": {"serialization_format": "skops", "pickled_model": str(outside)}}
    run_id = _log_dir(mlflow_env.url, {"MLmodel": _mlmodel(flavor)})
    result = cli(["check", "-c", str(write_config(demo_project, f"runs:/{run_id}/model", None)),
                  "-o", str(demo_project / "report")])
    assert result.exit_code == 2
    assert "names a model file that is not in its artifacts" in result.output

    flavor = {"onnx": {"data": "../../../../../../../../etc/hostname"}}
    run_id = _log_dir(mlflow_env.url, {"MLmodel": _mlmodel(flavor)})
    result = cli(["check", "-c", str(write_config(demo_project, f"runs:/{run_id}/model", None)),
                  "-o", str(demo_project / "report")])
    assert result.exit_code == 2
    assert "names a model file that is not in its artifacts" in result.output


def test_a_pickle_flavor_disguised_as_pyfunc_needs_allow_pickle(
    demo_project: Path, mlflow_env: Registry, cli: Cli
) -> None:
    flavor = {"python_function": {"loader_module": "os", "data": "x"}}
    run_id = _log_dir(mlflow_env.url, {"MLmodel": _mlmodel(flavor), "x": "echo owned"})
    result = cli(["check", "-c", str(write_config(demo_project, f"runs:/{run_id}/model", None)),
                  "-o", str(demo_project / "report")])
    assert result.exit_code == 2
    assert "loading a python_function model runs any code it contains" in result.output


def test_skops_flavor_goes_through_the_skops_allowlist(
    demo_project: Path, demo_template: Path, mlflow_env: Registry, cli: Cli
) -> None:
    """MLflow's own skops loading would trust what the logger declared; mlgate audits the file."""
    import mlflow
    import mlflow.sklearn
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    train = pd.read_csv(demo_template / "data" / "train.csv", keep_default_na=False)
    model = make_pipeline(FunctionTransformer(np.log1p), LogisticRegression(max_iter=500))
    model.fit(train[FEATURES], train["credit"])
    mlflow.set_tracking_uri(mlflow_env.url)
    mlflow.set_experiment("hostile")
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(
            model, name="model", serialization_format="skops", pip_requirements=PIP,
            input_example=train[FEATURES].head(3), skops_trusted_types=["numpy.log1p"],
        )  # fmt: skip
    result = cli(["check", "-c", str(write_config(demo_project, f"runs:/{run.info.run_id}/model", None)),
                  "-o", str(demo_project / "report")])
    assert result.exit_code == 2, result.output
    assert "log1p" in result.output and "Traceback" not in result.output


def test_artifacts_at_a_local_path_of_a_remote_server_are_refused(
    demo_project: Path, demo_template: Path, mlflow_env: Registry, cli: Cli, tmp_path: Path
) -> None:
    """Whoever creates an experiment chooses its artifact location: from a remote server, a file:
    location would make the client copy files of the runner itself."""
    import mlflow
    import mlflow.sklearn
    from mlflow import MlflowClient

    client = MlflowClient(mlflow_env.url)
    exp = client.create_experiment("local-artifacts", artifact_location=(tmp_path / "store").as_uri())
    mlflow.set_tracking_uri(mlflow_env.url)
    with mlflow.start_run(experiment_id=exp) as run:
        mlflow.sklearn.log_model(
            _train(demo_template, FEATURES, 1.0), name="model", serialization_format="skops",
            pip_requirements=PIP,
        )  # fmt: skip
    result = cli(["check", "-c", str(write_config(demo_project, f"runs:/{run.info.run_id}/model", None)),
                  "-o", str(demo_project / "report")])
    assert result.exit_code == 2, result.output
    assert "the model's artifacts are at a local path" in result.output

"""A real MLflow tracking server for the session (sqlite backend, proxied local artifact store on a
free loopback port) and a small registry: sklearn models trained on the demo data, logged and
registered through the server, with aliases."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require

# Given, so log_model does not infer them (that imports the model in a subprocess: seconds per model).
PIP = ["scikit-learn"]
FEATURES = ["duration_months", "credit_amount", "installment_rate", "age"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Registry:
    url: str
    # run id of each logged model, by registered version name ("credit/1"...).
    runs: dict[str, str]


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mlflow server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"mlflow server did not become healthy: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = Path(sys.executable).with_name("mlflow")
    require(exe.exists(), "mlflow is not installed (pip install 'mlgate[mlflow]')")
    root = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "server.log"
    cmd = [
        str(exe), "server",
        "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
        "--artifacts-destination", str(root / "artifacts"),
        "--serve-artifacts",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    # No job runner (huey consumers for server-side GenAI jobs): a dozen processes the tests never use.
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def _train(demo_template: Path, features: list[str], c: float) -> object:
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train = pd.read_csv(demo_template / "data" / "train.csv", keep_default_na=False)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=500))
    return model.fit(train[features], train["credit"])


@pytest.fixture(scope="session")
def registry(mlflow_server: str, demo_template: Path) -> Registry:
    """``credit`` v1 (@champion, skops), v2 (@challenger, skops, less regularised), v3 (@pickled,
    cloudpickle); ``narrow`` v1 (@champion: a signature with a column the eval data lacks)."""
    import mlflow
    import mlflow.sklearn
    import pandas as pd
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(mlflow_server)
    mlflow.set_experiment("training")
    client = MlflowClient(mlflow_server)
    train = pd.read_csv(demo_template / "data" / "train.csv", keep_default_na=False)
    runs: dict[str, str] = {}
    specs = [
        ("credit", "champion", FEATURES, 0.01, "skops"),
        ("credit", "challenger", FEATURES, 10.0, "skops"),
        ("credit", "pickled", FEATURES, 1.0, "cloudpickle"),
    ]
    for name, alias, features, c, fmt in specs:
        model = _train(demo_template, features, c)
        with mlflow.start_run() as run:
            info = mlflow.sklearn.log_model(
                model, name="model", serialization_format=fmt, input_example=train[features].head(3),
                registered_model_name=name, pip_requirements=PIP,
            )  # fmt: skip
        version = info.registered_model_version
        client.set_registered_model_alias(name, alias, str(version))
        runs[f"{name}/{version}"] = run.info.run_id
    # A model whose signature names a column the eval data does not have.
    wide = train[FEATURES].assign(income=1.0)
    from sklearn.dummy import DummyClassifier

    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(
            DummyClassifier().fit(wide, train["credit"]), name="model", serialization_format="skops",
            input_example=wide.head(3), registered_model_name="narrow", pip_requirements=PIP,
        )  # fmt: skip
    client.set_registered_model_alias("narrow", "champion", str(info.registered_model_version))
    runs["narrow/1"] = run.info.run_id
    return Registry(url=mlflow_server, runs=runs)


@pytest.fixture
def mlflow_env(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> Registry:
    for name in list(os.environ):
        if name.startswith("MLFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry.url)
    return registry


def write_config(root: Path, candidate: str, baseline: str | None, extra: str = "") -> Path:
    """The demo project's config with model URIs for candidate and baseline."""
    text = (root / "mlgate.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("candidate:")
    lines = [head.rstrip("\n"), "candidate:", f"  model: {candidate}"]
    if baseline is not None:
        lines += ["baseline:", f"  model: {baseline}"]
    lines += [
        "gates:",
        "  performance:",
        "    metrics:",
        "      accuracy: {min: 0.5" + (", max_drop: 0.10}" if baseline else "}"),
        "      roc_auc: {min: 0.5" + (", max_drop: 0.10}" if baseline else "}"),
    ]
    path = root / "mlgate.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path

"""``mlgate check`` against models in a real MLflow registry: aliases, versions, runs, trust, errors."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.mlflow.conftest import FEATURES, Registry, free_port, write_config

Cli = Callable[..., Result]


def card(root: Path) -> dict[str, Any]:
    return json.loads((root / "report" / "scorecard.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def check(cli: Cli, cfg: Path, *flags: str) -> Result:
    return cli(["check", "-c", str(cfg), "-o", str(cfg.parent / "report"), *flags])


def manifest_sha256(root: Path) -> str:
    lines = sorted(
        hashlib.sha256(p.read_bytes()).hexdigest() + "  " + p.relative_to(root).as_posix() + "\n"
        for p in root.rglob("*")
        if p.is_file()
    )
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def accuracy_of(uri: str, demo_project: Path, tmp_path: Path) -> float:
    """The model's accuracy on the eval rows, computed here from the downloaded skops file."""
    import mlflow.artifacts
    import pandas as pd
    import skops.io as sio

    local = Path(mlflow.artifacts.download_artifacts(uri, dst_path=str(tmp_path / "dl")))
    model = sio.load(local / "model.skops", trusted=sio.get_untrusted_types(file=local / "model.skops"))
    ev = pd.read_csv(demo_project / "data" / "eval.csv", keep_default_na=False)
    return float((model.predict(ev[FEATURES]) == ev["credit"]).mean())


def test_alias_models_are_scored_and_named_in_the_provenance(
    demo_project: Path, mlflow_env: Registry, cli: Cli, tmp_path: Path
) -> None:
    import mlflow.artifacts

    cfg = write_config(demo_project, "models:/credit@challenger", "models:/credit@champion")
    result = check(cli, cfg)
    assert result.exit_code in (0, 1), result.output
    data = card(demo_project)
    prov = data["provenance"]
    cand = prov["models"]["models:/credit@challenger"]
    assert cand["registered_model"] == "credit" and cand["alias"] == "challenger"
    assert cand["version"] == "2" and cand["run_id"] == mlflow_env.runs["credit/2"]
    assert cand["flavor"] == "sklearn/skops"
    base = prov["models"]["models:/credit@champion"]
    assert base["version"] == "1" and base["run_id"] == mlflow_env.runs["credit/1"]
    local = Path(mlflow.artifacts.download_artifacts("models:/credit/2", dst_path=str(tmp_path / "v2")))
    assert cand["sha256"] == manifest_sha256(local) == prov["inputs"]["models:/credit@challenger"]
    perf = next(g for g in data["gates"] if g["name"] == "performance")
    acc = next(c for c in perf["checks"] if c["name"] == "accuracy vs baseline")
    assert acc["value"] == pytest.approx(accuracy_of("models:/credit/2", demo_project, tmp_path / "a"))
    assert acc["baseline"] == pytest.approx(accuracy_of("models:/credit/1", demo_project, tmp_path / "b"))
    # The scorecard's provenance line names the model by its URI and artifact hash.
    # The escaping breaks hex runs and references with zero-width spaces (invisible when rendered).
    md = (demo_project / "report" / "scorecard.md").read_text(encoding="utf-8").replace("\u200b", "")
    assert f"challenger {cand['sha256'][:12]}" in md


def test_version_and_run_uris_name_the_same_model(demo_project: Path, mlflow_env: Registry, cli: Cli) -> None:
    run = mlflow_env.runs["credit/1"]
    cfg = write_config(demo_project, f"runs:/{run}/model", "models:/credit/1")
    result = check(cli, cfg)
    assert result.exit_code == 0, result.output
    models = card(demo_project)["provenance"]["models"]
    assert models[f"runs:/{run}/model"]["run_id"] == run and "version" not in models[f"runs:/{run}/model"]
    assert models["models:/credit/1"]["version"] == "1"
    # The same model on both sides: every paired difference is zero.
    perf = next(g for g in card(demo_project)["gates"] if g["name"] == "performance")
    assert all(c["delta"] == 0 for c in perf["checks"] if c["name"].endswith("vs baseline"))


def test_pickled_flavor_needs_allow_pickle(demo_project: Path, mlflow_env: Registry, cli: Cli) -> None:
    cfg = write_config(demo_project, "models:/credit@pickled", None)
    result = check(cli, cfg)
    assert result.exit_code == 2
    assert "candidate.model: models:/credit@pickled" in result.output and "--allow-pickle" in result.output
    assert "Traceback" not in result.output

    result = check(cli, cfg, "--allow-pickle")
    assert result.exit_code == 0, result.output
    models = card(demo_project)["provenance"]["models"]
    assert models["models:/credit@pickled"]["flavor"] == "sklearn/cloudpickle"


def test_pickled_flavor_never_loads_in_a_privileged_event(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = write_config(demo_project, "models:/credit@pickled", None)
    text = cfg.read_text()
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request_target")
    result = check(cli, cfg, "--allow-pickle")
    assert result.exit_code == 2
    assert "never loaded in a privileged run (the GitHub event is pull_request_target)" in result.output
    # A skops model is safe to load there.
    cfg.write_text(text.replace("@pickled", "@champion"), encoding="utf-8")
    assert check(cli, cfg, "--allow-pickle").exit_code == 0


def test_unknown_alias_lists_the_aliases(demo_project: Path, mlflow_env: Registry, cli: Cli) -> None:
    cfg = write_config(demo_project, "models:/credit@prod", None)
    result = check(cli, cfg)
    assert result.exit_code == 2
    assert "candidate.model: models:/credit@prod" in result.output
    assert "@challenger (version 2), @champion (version 1), @pickled (version 3)" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("models:/nosuch@champion", "no registered model 'nosuch'"),
        ("models:/credit/99", "not found"),
        ("runs:/0123456789abcdef0123456789abcdef/model", "not found"),
        ("models:/credit", "not a registered model URI with a version or an alias"),
    ],
)
def test_unknown_models_exit_2_naming_the_uri(
    demo_project: Path, mlflow_env: Registry, cli: Cli, uri: str, says: str
) -> None:
    result = check(cli, write_config(demo_project, uri, None))
    assert result.exit_code == 2, result.output
    assert f"candidate.model: {uri}" in result.output and says in result.output
    assert "Traceback" not in result.output


def test_signature_not_matching_the_eval_columns(demo_project: Path, mlflow_env: Registry, cli: Cli) -> None:
    result = check(cli, write_config(demo_project, "models:/narrow@champion", None))
    assert result.exit_code == 2
    assert "candidate.model: models:/narrow@champion" in result.output
    assert "signature needs columns" in result.output and "income" in result.output


def test_unreachable_server_fails_fast(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://alice:pw-in-url-9876@127.0.0.1:{free_port()}")
    start = time.monotonic()
    result = check(cli, write_config(demo_project, "models:/credit@champion", None))
    assert result.exit_code == 2
    says = "candidate.model: models:/credit@champion: cannot reach the MLflow tracking server"
    assert says in result.output
    assert "pw-in-url-9876" not in result.output and "Traceback" not in result.output
    assert time.monotonic() - start < 60


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []  # noqa: RUF012 - one recorder per test

    def do_GET(self) -> None:
        type(self).seen.append(dict(self.headers))
        body = b'{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "nothing here"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_server_named_by_the_config_never_gets_the_token(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch, recorder: str
) -> None:
    """mlgate.yaml comes from the pull request: it must not send the workflow's MLflow token elsewhere."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "s3cr3t-mlflow-token")
    extra = f"mlflow:\n  tracking_uri: {recorder}\n"
    cfg = write_config(demo_project, "models:/credit@champion", None, extra)
    result = check(cli, cfg)
    assert not [h for h in _Recorder.seen if "s3cr3t-mlflow-token" in str(h)]
    assert _Recorder.seen == []
    assert result.exit_code == 2
    assert "credentials are only sent to the server the workflow names" in result.output
    assert "s3cr3t-mlflow-token" not in result.output


def test_a_config_server_without_credentials_is_used(
    demo_project: Path, mlflow_env: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    extra = f"mlflow:\n  tracking_uri: {mlflow_env.url}\n"
    result = check(cli, write_config(demo_project, "models:/credit@champion", None, extra))
    assert result.exit_code == 0, result.output


def test_a_config_may_not_name_a_local_store(demo_project: Path, cli: Cli) -> None:
    extra = "mlflow:\n  tracking_uri: sqlite:////tmp/mlflow.db\n"
    result = check(cli, write_config(demo_project, "models:/credit@champion", None, extra))
    assert result.exit_code == 2
    assert "mlflow.tracking_uri: must be an http:// or https:// server address" in result.output

"""A baseline artifact with a model: re-scored when the eval data changed, under the model trust rules."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

Cli = Callable[..., Result]
FEATURES = ["duration_months", "credit_amount", "installment_rate", "age"]


def custom_step(x: object) -> object:
    return x


class Payload:
    """Unpickling this runs os.system: what a hostile pickle in an artifact would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


@pytest.fixture
def project(demo_project: Path, cli: Cli) -> Path:
    import skops.io as sio

    train = pd.read_csv(demo_project / "data" / "train.csv", keep_default_na=False)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(
        train[FEATURES], train["credit"])
    sio.dump(model, demo_project / "model.skops")
    cfg = demo_project / "mlgate.yaml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("  predictions: out/candidate.csv", "  model: model.skops")
    text = text.replace("  predictions: baseline/predictions.csv", "  artifact: mlgate-baseline")
    text = text.replace("  id: id\n", f"  id: id\n  features: [{', '.join(FEATURES)}]\n", 1)
    cfg.write_text(text, encoding="utf-8")
    result = cli(["baseline", "save", "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    doc = json.loads((demo_project / "mlgate-baseline" / "metrics.json").read_text(encoding="utf-8"))
    assert doc["model"] == "model.skops"
    assert (demo_project / "mlgate-baseline" / "model.skops").read_bytes() == (
        demo_project / "model.skops").read_bytes()
    # The pull request changes one eval value: the stored predictions no longer match its rows.
    ev = demo_project / "data" / "eval.csv"
    frame = pd.read_csv(ev)
    frame.loc[0, "age"] = int(frame.loc[0, "age"]) + 1
    frame.to_csv(ev, index=False)
    return demo_project


def check(cli: Cli, project: Path, *args: str) -> tuple[Result, dict]:
    out = project / "report"
    result = cli(["check", "-c", str(project / "mlgate.yaml"), "-o", str(out), "--publish", "none",
                  "--baseline-dir", str(project / "mlgate-baseline"), *args])
    card = out / "scorecard.json"
    return result, (json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {})


def test_changed_eval_data_rescores_the_stored_model_paired(project: Path, cli: Cli) -> None:
    result, card = check(cli, project)
    assert result.exit_code in (0, 1), result.output
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    compared = [c for c in perf["checks"] if c["name"].endswith("vs baseline")]
    # The same model on the same new rows: a paired comparison with no difference at all.
    assert compared and all(c["delta"] == 0 for c in compared)
    assert not any("unpaired" in c["message"] for c in compared)
    slices = next(g for g in card["gates"] if g["name"] == "slices")
    assert slices["status"] != "error"


def test_an_untrusted_skops_model_in_the_artifact_is_refused(project: Path, cli: Cli) -> None:
    import skops.io as sio

    train = pd.read_csv(project / "data" / "train.csv", keep_default_na=False)
    hostile = make_pipeline(FunctionTransformer(custom_step), LogisticRegression()).fit(
        train[FEATURES], train["credit"])
    sio.dump(hostile, project / "mlgate-baseline" / "model.skops")
    result, _ = check(cli, project)
    assert result.exit_code == 2, result.output
    assert "untrusted types" in result.output and "custom_step" in result.output


def test_a_pickle_named_by_the_artifact_is_never_loaded(project: Path, cli: Cli, tmp_path: Path) -> None:
    import pickle

    marker = tmp_path / "pwned"
    folder = project / "mlgate-baseline"
    (folder / "model.joblib").write_bytes(pickle.dumps(Payload(marker)))
    doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    doc["model"] = "model.joblib"
    (folder / "metrics.json").write_text(json.dumps(doc), encoding="utf-8")
    # Even with the workflow's --allow-pickle (meant for the repository's own candidate model).
    result, _ = check(cli, project, "--allow-pickle")
    assert result.exit_code == 2, result.output
    assert "only .skops or .onnx models are read from an artifact" in result.output
    assert not marker.exists()


def test_metrics_json_cannot_name_a_file_outside_the_artifact(project: Path, cli: Cli) -> None:
    folder = project / "mlgate-baseline"
    doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    doc["model"] = "../model.skops"
    (folder / "metrics.json").write_text(json.dumps(doc), encoding="utf-8")
    result, _ = check(cli, project)
    assert result.exit_code == 2, result.output
    assert "model must be a plain file name" in result.output

"""Scoring model files: skops with trusted types, ONNX, and pickle only when allowed and safe."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from mlgate.config import load_config
from mlgate.errors import InputError
from mlgate.inputs import build_inputs
from mlgate.trust import Trust

FEATURES = ["duration_months", "credit_amount", "installment_rate", "age"]


def custom_step(x: np.ndarray) -> np.ndarray:
    return x


def project(root: Path, model_line: str) -> Path:
    text = (root / "mlgate.yaml").read_text(encoding="utf-8")
    text = text.replace("  predictions: out/candidate.csv", model_line)
    text = text.replace("  id: id\n", f"  id: id\n  features: [{', '.join(FEATURES)}]\n", 1)
    (root / "mlgate.yaml").write_text(text, encoding="utf-8")
    return root / "mlgate.yaml"


def fit(root: Path, target: str = "labels") -> tuple[object, pd.DataFrame]:
    train = pd.read_csv(root / "data" / "train.csv", keep_default_na=False)
    y = train["credit"] if target == "labels" else (train["credit"] == "good").astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(train[FEATURES], y)
    evalset = pd.read_csv(root / "data" / "eval.csv", keep_default_na=False)
    return model, evalset


def test_skops_model_is_scored_like_scikit_learn(demo_project: Path) -> None:
    import skops.io as sio

    model, evalset = fit(demo_project)
    sio.dump(model, demo_project / "model.skops")
    inputs = build_inputs(load_config(project(demo_project, "  model: model.skops")))
    cand = inputs.candidate
    assert cand is not None and cand.source == "model.skops"
    classes = inputs.eval.classes
    expected = model.predict(evalset[FEATURES])  # type: ignore[attr-defined]
    assert [classes[i] for i in cand.y_pred] == list(expected)
    proba = model.predict_proba(evalset[FEATURES])  # type: ignore[attr-defined]
    good = list(model.classes_).index("good")  # type: ignore[attr-defined]
    assert cand.scores == pytest.approx(proba[:, good])


def test_zero_one_model_maps_one_to_the_positive_class(demo_project: Path) -> None:
    import skops.io as sio

    model, evalset = fit(demo_project, target="01")
    sio.dump(model, demo_project / "model.skops")
    inputs = build_inputs(load_config(project(demo_project, "  model: model.skops")))
    assert inputs.candidate is not None
    expected = model.predict(evalset[FEATURES])  # type: ignore[attr-defined]
    assert list(inputs.candidate.y_pred) == list(expected)  # 1 = 'good' = code 1


def test_skops_refuses_untrusted_types(demo_project: Path) -> None:
    import skops.io as sio

    train = pd.read_csv(demo_project / "data" / "train.csv", keep_default_na=False)
    model = make_pipeline(FunctionTransformer(custom_step), LogisticRegression()).fit(
        train[FEATURES], train["credit"]
    )
    sio.dump(model, demo_project / "model.skops")
    with pytest.raises(
        InputError, match=r"candidate\.model: model\.skops: the model file contains untrusted types: .*custom"
    ):
        build_inputs(load_config(project(demo_project, "  model: model.skops")))


def test_pickle_needs_allow_pickle(demo_project: Path) -> None:
    model, _ = fit(demo_project)
    joblib.dump(model, demo_project / "model.joblib")
    with pytest.raises(InputError, match="runs any code it contains") as err:
        build_inputs(load_config(project(demo_project, "  model: model.joblib")))
    assert err.value.hint is not None and "--allow-pickle" in err.value.hint


def test_pickle_allowed_when_the_workflow_opts_in(demo_project: Path) -> None:
    model, evalset = fit(demo_project)
    joblib.dump(model, demo_project / "model.joblib")
    trust = Trust.from_environ({"GITHUB_EVENT_NAME": "pull_request"}, allow_pickle=True)
    inputs = build_inputs(load_config(project(demo_project, "  model: model.joblib"), trust))
    assert inputs.candidate is not None
    assert len(inputs.candidate.y_pred) == len(evalset)


def test_onnx_model_matches_scikit_learn(demo_project: Path) -> None:
    from skl2onnx import to_onnx

    model, evalset = fit(demo_project)
    x = evalset[FEATURES].to_numpy(dtype="float32")
    (demo_project / "model.onnx").write_bytes(to_onnx(model, x[:1]).SerializeToString())
    inputs = build_inputs(load_config(project(demo_project, "  model: model.onnx")))
    cand = inputs.candidate
    assert cand is not None and cand.scores is not None
    classes = inputs.eval.classes
    expected = model.predict(evalset[FEATURES])  # type: ignore[attr-defined]
    agree = np.mean(np.asarray([classes[i] for i in cand.y_pred]) == expected)
    assert agree > 0.99  # float32 inference may flip a row at exactly 0.5
    proba = model.predict_proba(evalset[FEATURES])[:, 1]  # type: ignore[attr-defined]
    assert cand.scores == pytest.approx(proba, abs=1e-4)


def test_model_that_rejects_the_features_is_an_input_error(demo_project: Path) -> None:
    import skops.io as sio

    train = pd.read_csv(demo_project / "data" / "train.csv", keep_default_na=False)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(train[FEATURES[:2]], train["credit"])
    sio.dump(model, demo_project / "model.skops")
    with pytest.raises(InputError, match="scoring the eval data failed") as err:
        build_inputs(load_config(project(demo_project, "  model: model.skops")))
    assert err.value.hint is not None and "data.features" in err.value.hint


def test_unknown_model_suffix(demo_project: Path) -> None:
    (demo_project / "model.bin").write_bytes(b"\0")
    with pytest.raises(InputError, match=r"candidate\.model: model\.bin: unsupported model file"):
        build_inputs(load_config(project(demo_project, "  model: model.bin")))

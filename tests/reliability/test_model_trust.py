"""``.skops`` models: only an explicit allowlist of classes is loaded, never functions.

The attack of issue 15: a Pipeline of FunctionTransformers whose functions are numpy's own
(``np.full_like -> np.ravel -> np.take -> np.load(allow_pickle=True)``) turns the eval features into a
path and unpickles the file at that path, i.e. runs code from the pull request while scoring. Every
``numpy.*`` name used to be trusted, functions included.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from mlgate.config import load_config
from mlgate.errors import InputError
from mlgate.inputs import build_inputs

sio = pytest.importorskip("skops.io")

FEATURES = ["duration_months", "credit_amount", "installment_rate", "age"]


class _Touch:
    """Unpickling this creates ``path``: the sentinel of code run from a pickle."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


def _project(root: Path, model_line: str) -> Path:
    text = (root / "mlgate.yaml").read_text(encoding="utf-8")
    text = text.replace("  predictions: out/candidate.csv", model_line)
    text = text.replace("  id: id\n", f"  id: id\n  features: [{', '.join(FEATURES)}]\n", 1)
    (root / "mlgate.yaml").write_text(text, encoding="utf-8")
    return root / "mlgate.yaml"


def _train(root: Path) -> tuple[pd.DataFrame, pd.Series]:
    train = pd.read_csv(root / "data" / "train.csv", keep_default_na=False)
    return train[FEATURES], train["credit"]


def test_function_transformer_np_load_chain_is_not_loaded(demo_project: Path) -> None:
    sentinel = demo_project / "pwned"
    payload = demo_project / "payload.pkl"
    payload.write_bytes(pickle.dumps(_Touch(sentinel)))
    x, y = _train(demo_project)
    final = LogisticRegression(max_iter=500).fit(x, y)
    # No fit: fitting would run the chain here. FunctionTransformer is stateless (always "fitted").
    attack = Pipeline([
        ("path", FunctionTransformer(np.full_like, kw_args={"fill_value": str(payload), "dtype": "U512"})),
        ("flat", FunctionTransformer(np.ravel)),
        ("first", FunctionTransformer(np.take, kw_args={"indices": 0})),
        ("load", FunctionTransformer(np.load, kw_args={"allow_pickle": True})),
        ("model", final),
    ])
    sio.dump(attack, demo_project / "model.skops")
    with pytest.raises(InputError) as err:
        build_inputs(load_config(_project(demo_project, "  model: model.skops")))
    assert not sentinel.exists(), "the pickle from the pull request was loaded"
    text = str(err.value)
    assert "candidate.model: model.skops" in text
    for name in ("numpy.load", "numpy.take", "numpy.full_like", "FunctionTransformer"):
        assert name in text
    assert err.value.hint is not None and "ONNX" in err.value.hint


def test_a_numpy_ufunc_is_refused_too(demo_project: Path) -> None:
    """skops itself trusts numpy ufuncs and FunctionTransformer; mlgate trusts no function at all."""
    x, y = _train(demo_project)
    model = make_pipeline(FunctionTransformer(np.log1p), LogisticRegression(max_iter=500)).fit(x, y)
    sio.dump(model, demo_project / "model.skops")
    assert sio.get_untrusted_types(file=demo_project / "model.skops") == []  # skops would load it
    with pytest.raises(InputError, match=r"numpy\.log1p") as err:
        build_inputs(load_config(_project(demo_project, "  model: model.skops")))
    assert "sklearn.preprocessing._function_transformer.FunctionTransformer" in str(err.value)


def test_a_numpy_function_as_a_parameter_is_refused(demo_project: Path) -> None:
    x, y = _train(demo_project)
    model = LogisticRegression(max_iter=500).fit(x, y)
    model.spy = np.load  # type: ignore[attr-defined]
    sio.dump(model, demo_project / "model.skops")
    with pytest.raises(InputError, match=r"untrusted types: numpy\.load"):
        build_inputs(load_config(_project(demo_project, "  model: model.skops")))


@pytest.mark.parametrize(
    "make",
    [
        lambda: LogisticRegression(max_iter=500),
        lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
        lambda: GradientBoostingClassifier(n_estimators=10, random_state=0),
        lambda: RandomForestClassifier(n_estimators=5, random_state=0),
    ],
    ids=["logistic", "pipeline", "gradient-boosting", "random-forest"],
)
def test_plain_scikit_learn_models_load_and_score(demo_project: Path, make: object) -> None:
    x, y = _train(demo_project)
    model = make().fit(x, y)  # type: ignore[operator]
    sio.dump(model, demo_project / "model.skops")
    inputs = build_inputs(load_config(_project(demo_project, "  model: model.skops")))
    cand = inputs.candidate
    assert cand is not None and cand.scores is not None
    evalset = pd.read_csv(demo_project / "data" / "eval.csv", keep_default_na=False)
    expected = model.predict(evalset[FEATURES])
    assert [inputs.eval.classes[i] for i in cand.y_pred] == list(expected)


def _crafted_forest(root: Path, field: str, value: int) -> Path:
    """A fitted forest whose first tree's root node has ``field`` set to ``value``, as a .skops file."""
    x, y = _train(root)
    forest = RandomForestClassifier(n_estimators=2, max_depth=3, random_state=0).fit(x, y)
    tree = forest.estimators_[0].tree_
    state = tree.__getstate__()
    nodes = state["nodes"].copy()
    nodes[field][0] = value
    state["nodes"] = nodes
    tree.__setstate__(state)
    sio.dump(forest, root / "forest.skops")
    return _project(root, "  model: forest.skops")


def _check_in_a_subprocess(config: Path) -> subprocess.CompletedProcess[str]:
    """Scoring a crafted tree without the checks reads memory out of bounds or never returns:
    run it where a crash or a hang cannot take the test session down."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "mlgate", "check", "-c", str(config), "-o", str(config.parent / "rep")]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, cwd=config.parent)


def test_a_tree_with_an_out_of_range_feature_is_refused(demo_project: Path) -> None:
    """scikit-learn does not bounds-check node indices in predict() (skops leaves Tree untrusted for
    that reason): a split on feature 4 of a 4-feature model reads memory next to X."""
    done = _check_in_a_subprocess(_crafted_forest(demo_project, "feature", len(FEATURES)))
    assert done.returncode == 2, done.stderr
    assert "splits on feature 4 but the model has 4 features" in done.stderr


def test_a_tree_with_a_child_loop_is_refused(demo_project: Path) -> None:
    try:
        done = _check_in_a_subprocess(_crafted_forest(demo_project, "left_child", 0))
    except subprocess.TimeoutExpired:
        pytest.fail("predict() looped on a tree whose root is its own child")
    assert done.returncode == 2, done.stderr
    assert "node 0 has child 0" in done.stderr

"""Score an MLflow model (``models:/NAME@ALIAS``, ``models:/NAME/VERSION``, ``runs:/RUN_ID/PATH``) on the
eval features, with the same trust rules as model files.

The model's artifacts are downloaded (downloading runs nothing) and its ``MLmodel`` file is read as
plain YAML; then, by flavor (MLflow docs, "MLflow Models: storage format" and ``mlflow.sklearn``):

- ``onnx``: the graph file, run by onnxruntime like a ``.onnx`` file (an ONNX graph cannot run Python);
- ``sklearn`` saved with ``serialization_format="skops"``: the ``.skops`` file, loaded with the same
  trusted-types list as a ``.skops`` model file;
- ``sklearn`` saved with pickle/cloudpickle, or any other ``python_function`` model: loading runs code
  chosen by whoever logged the model, so only when the workflow passes ``--allow-pickle`` and never in
  a privileged run (:mod:`mlgate.trust`), as for ``.joblib`` files.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError
from mlgate.io.mlflow_registry import connect, failure, mlflow_errors, parse_model_uri, resolve
from mlgate.io.models import (
    _load_skops,
    _onnx_predict,
    _sklearn_predict,
    class_mapping,
    feature_columns,
    scoring_errors,
)
from mlgate.metrics_registry import TaskKind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.bundle import EvalData, PredictionSet
    from mlgate.config import LoadedConfig
    from mlgate.config.data import BaselineSource, ModelSource
    from mlgate.trust import Trust

MAX_MLMODEL_BYTES = 1_000_000
_NUMERIC = {"double", "float", "long", "integer"}


def tree_sha256(root: Path) -> str:
    """One checksum for a model directory: SHA-256 of its ``sha256sum``-style manifest
    (``<file sha256>  <relative path>`` lines sorted by path)."""
    from mlgate.io.fingerprint import file_sha256

    lines = sorted(
        f"{file_sha256(p)}  {p.relative_to(root).as_posix()}\n"
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    )
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def read_mlmodel(root: Path, where: str) -> dict[str, Any]:
    import yaml

    path = root / "MLmodel"
    if not path.is_file():
        raise InputError(f"{where}: no MLmodel file in the model's artifacts", hint="log it with mlflow")
    raw = path.read_bytes()[: MAX_MLMODEL_BYTES + 1]
    try:
        doc = yaml.safe_load(raw.decode("utf-8")) if len(raw) <= MAX_MLMODEL_BYTES else None
    except (UnicodeDecodeError, yaml.YAMLError):
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("flavors"), dict):
        raise InputError(f"{where}: the MLmodel file is not a readable MLflow model description")
    return doc


def _inside(root: Path, name: object, where: str) -> Path:
    """A file named by MLmodel (from whoever logged the model): it must stay inside the download."""
    path = (root / str(name)).resolve()
    if not isinstance(name, str) or root.resolve() not in path.parents or not path.is_file():
        raise InputError(f"{where}: the MLmodel file names a model file that is not in its artifacts")
    return path


def signature_columns(
    mlmodel: Mapping[str, Any], loaded: LoadedConfig, ev: EvalData, where: str
) -> list[str]:
    """The columns to feed: the signature's input columns (checked against the eval data), else the
    configured features."""
    import json

    sig = mlmodel.get("signature") or {}
    try:
        spec = json.loads(sig["inputs"]) if isinstance(sig, dict) and sig.get("inputs") else []
    except (TypeError, ValueError):
        spec = []
    cols = [c for c in spec if isinstance(c, dict) and isinstance(c.get("name"), str)]
    if not cols:
        return feature_columns(loaded, ev)
    names = [c["name"] for c in cols]
    missing = [n for n in names if n not in ev.frame.columns]
    if missing:
        raise InputError(
            f"{where}: the model signature needs columns the eval data ({ev.source}) lacks: "
            f"{', '.join(missing[:10])}",
            hint="evaluate on data with the model's input columns, or log it with a matching signature",
        )
    features = loaded.config.data.features
    if features is not None and set(features) != set(names):
        raise InputError(
            f"{where}: data.features ({', '.join(features[:10])}) differ from the model signature's "
            f"inputs ({', '.join(names[:10])})",
            hint="remove data.features to use the signature's columns, or make them the same",
        )
    head = next(iter(ev.frame.batches(names, rows=256)))
    for col in cols:
        want = col.get("type")
        if want in _NUMERIC and not _numeric(head[str(col["name"])]):
            raise InputError(
                f"{where}: column '{col['name']}' of {ev.source} is not numeric but the model signature "
                f"expects {want}",
                hint="fix the column's values or the model's signature",
            )
    return names


def _numeric(s: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def _require_unpickle_trust(trust: Trust, where: str, what: str) -> None:
    trust.check_pickle(
        where, what=f"a {what} model",
        instead="log it with mlflow.sklearn.log_model(..., serialization_format='skops') or as ONNX",
    )


def _score(
    mlmodel: Mapping[str, Any],
    root: Path,
    trust: Trust,
    where: str,
    xs: Iterable[pd.DataFrame],
    task: TaskKind,
    classes: Sequence[object],
) -> tuple[str, np.ndarray, np.ndarray | None]:
    flavors = mlmodel["flavors"]
    onnx = flavors.get("onnx")
    sk = flavors.get("sklearn")
    if isinstance(onnx, dict):
        return ("onnx", *_onnx_predict(_inside(root, onnx.get("data"), where), xs, task, classes, where))
    if isinstance(sk, dict) and sk.get("serialization_format") == "skops":
        model = _load_skops(_inside(root, sk.get("pickled_model"), where), where)
        return ("sklearn/skops", *_sklearn_predict(model, xs, task, classes, where))
    if isinstance(sk, dict):
        fmt = str(sk.get("serialization_format") or "pickle")
        _require_unpickle_trust(trust, where, f"sklearn ({fmt})")
        import mlflow.sklearn

        model = _load(lambda: mlflow.sklearn.load_model(str(root)), where)
        return (f"sklearn/{fmt}", *_sklearn_predict(model, xs, task, classes, where))
    if isinstance(flavors.get("python_function"), dict):
        _require_unpickle_trust(trust, where, "python_function")
        import mlflow.pyfunc

        model = _load(lambda: mlflow.pyfunc.load_model(str(root)), where)
        return ("python_function", *_pyfunc_predict(model, xs, task, classes, where))
    raise InputError(
        f"{where}: no flavor mlgate can score ({', '.join(sorted(map(str, flavors))[:6])})",
        hint="log the model with the sklearn (skops), onnx or python_function flavor",
    )


def _load(loader: Any, where: str) -> Any:
    try:
        return loader()
    except Exception as exc:  # noqa: BLE001 - any failure to load a logged model is an input error
        raise InputError(f"{where}: cannot load the model: {type(exc).__name__}: {exc}") from None


def _pyfunc_predict(
    model: Any, xs: Iterable[pd.DataFrame], task: TaskKind, classes: Sequence[object], where: str
) -> tuple[np.ndarray, np.ndarray | None]:
    """A python_function model predicts labels (or values) only: no scores."""
    import numpy as np

    parts: list[np.ndarray] = []
    with scoring_errors(where, "the model must accept the eval feature columns (see its signature)"):
        for x in xs:
            out = np.asarray(model.predict(x))
            if out.ndim == 2 and out.shape[1] == 1:
                out = out[:, 0]
            if out.ndim != 1:
                raise InputError(f"{where}: the model returned {out.shape[1]} columns, not one prediction")
            parts.append(out)
    raw = np.concatenate(parts) if parts else np.empty(0)
    if task is TaskKind.REGRESSION:
        return raw.astype("float64"), None
    labels = sorted({str(v) for v in raw})
    mapping = class_mapping(labels, classes, where)
    lookup = {c: j for j, c in enumerate(labels)}
    return mapping[np.asarray([lookup[str(v)] for v in raw], dtype="int64")], None


def predict_with_mlflow(
    loaded: LoadedConfig, source: ModelSource | BaselineSource, name: str, eval_data: EvalData
) -> PredictionSet:
    """Resolve, download and score ``source.model`` (an MLflow URI) into a :class:`PredictionSet`
    whose ``origin`` names registered model, version, alias, run id and the artifacts' checksum."""
    from mlgate.bundle import PredictionSet

    assert source.model is not None
    key = f"{name}.model"
    where = f"{key}: {source.model}"
    ref = parse_model_uri(source.model, where)
    client = connect(loaded, where)
    resolved = resolve(client, ref, where)
    with tempfile.TemporaryDirectory(prefix="mlgate-mlflow-") as tmp:
        import mlflow.artifacts

        try:
            local = Path(
                mlflow.artifacts.download_artifacts(
                    artifact_uri=resolved.download_uri,
                    dst_path=tmp,
                    tracking_uri=client.tracking_uri,
                    registry_uri=client.tracking_uri,
                )
            )
        except mlflow_errors() as exc:
            raise failure(exc, where, client.tracking_uri) from None
        if not local.is_dir():
            raise InputError(f"{where}: the artifact is a single file, not an MLflow model directory")
        mlmodel = read_mlmodel(local, where)
        checksum = tree_sha256(local)
        columns = signature_columns(mlmodel, loaded, eval_data, where)
        xs = eval_data.frame.batches(columns)
        flavor, y_pred, scores = _score(
            mlmodel, local, loaded.trust, where, xs, loaded.config.task, eval_data.classes
        )
    if y_pred.shape[0] != len(eval_data.y_true):
        raise InputError(f"{where}: {y_pred.shape[0]} predictions for {len(eval_data.y_true)} eval rows")
    origin = {
        "uri": source.model,
        "registered_model": ref.name,
        "version": resolved.version,
        "alias": ref.alias,
        "run_id": resolved.run_id or _str(mlmodel.get("run_id")),
        "model_id": _str(mlmodel.get("model_id")),
        "flavor": flavor,
        "sha256": checksum,
    }
    return PredictionSet(
        name=name,
        y_pred=y_pred,
        scores=scores,
        source=source.model,
        origin={k: v for k, v in origin.items() if v is not None},
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None

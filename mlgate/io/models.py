"""Score a model file on the eval features: skops (safe), ONNX, and pickle/joblib only when allowed.

- ``.skops``: ``skops.io.load`` after mlgate's own check of every type in the file against an
  allowlist of classes (scikit-learn estimators, numpy and scipy arrays; never a function), see
  :mod:`mlgate.io.skops_trust`; anything else is refused by name.
- ``.onnx``: onnxruntime on the CPU; an ONNX graph cannot run arbitrary Python.
- ``.joblib``/``.pkl``/``.pickle``: loading a pickle runs code chosen by whoever wrote the file
  (Python docs, ``pickle`` warning). Only when the workflow passes ``--allow-pickle`` (or sets
  ``MLGATE_ALLOW_PICKLE=1``), and never in a privileged run (:mod:`mlgate.trust`: e.g.
  ``pull_request_target``, which holds the base repository's secrets and write token while the model
  file can come from the fork's pull request).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError
from mlgate.io.sources import local_path
from mlgate.metrics_registry import TaskKind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.bundle import EvalData, PredictionSet
    from mlgate.config import LoadedConfig
    from mlgate.config.data import BaselineSource, ModelSource
    from mlgate.trust import Trust

PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")


def feature_columns(loaded: LoadedConfig, ev: EvalData) -> list[str]:
    """``data.features``, or every eval column but the label and the id."""
    cfg = loaded.config
    if cfg.data.features is not None:
        missing = [c for c in cfg.data.features if c not in ev.frame.columns]
        if missing:
            raise InputError(f"data.features: no column '{missing[0]}' in {ev.source}")
        return list(cfg.data.features)
    drop = {c for c in (cfg.data.label, cfg.data.id) if c is not None}
    return [c for c in ev.frame.columns if c not in drop]


def feature_batches(loaded: LoadedConfig, ev: EvalData) -> Iterator[pd.DataFrame]:
    """The features in row batches (Parquet), so scoring a model never holds every feature column of
    a large table at once; an in-memory table is one batch."""
    yield from ev.frame.batches(feature_columns(loaded, ev))


def _load_skops(path: Path, where: str) -> Any:
    try:
        import skops.io as sio
    except ImportError:
        raise InputError(f"{where}: reading .skops needs skops", hint="pip install 'mlgate[skops]'") from None
    from mlgate.io.skops_trees import check_trees
    from mlgate.io.skops_trust import audit

    trusted = audit(path, where)
    try:
        model = sio.load(path, trusted=trusted)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{where}: cannot load the skops model: {exc}") from None
    check_trees(model, where)
    return model


def _load_pickle(path: Path, where: str, trust: Trust) -> Any:
    trust.check_pickle(where)
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{where}: cannot load the model: {exc}") from None


def class_mapping(model_classes: Sequence[Any], classes: Sequence[object], where: str) -> np.ndarray:
    """Index into the eval classes of each model class (str match; a 0/1 model on a binary task)."""
    import numpy as np

    lookup = {str(c): i for i, c in enumerate(classes)}
    mapped = [lookup.get(str(c)) for c in model_classes]
    if all(m is not None for m in mapped):
        return np.asarray(mapped, dtype="int64")
    as_int = {str(c) for c in model_classes}
    if len(classes) == 2 and as_int <= {"0", "1", "False", "True"}:
        # A model trained on a 0/1 target: 1 is the positive class (scikit-learn's pos_label=1).
        return np.asarray([1 if str(c) in ("1", "True") else 0 for c in model_classes], dtype="int64")
    unknown = [str(c) for c, m in zip(model_classes, mapped, strict=True) if m is None]
    raise InputError(
        f"{where}: the model predicts classes {', '.join(unknown[:5])} that are not label values "
        f"({', '.join(map(str, classes))})",
        hint="train the model on the label column's values",
    )


@contextmanager
def scoring_errors(where: str, hint: str) -> Iterator[None]:
    """A model that rejects the eval features is the user's input problem (exit 2), not a bug."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - the model rejected the eval features
        message = f"{where}: scoring the eval data failed: {type(exc).__name__}: {exc}"
        raise InputError(message, hint=hint) from None


def _sklearn_predict(
    model: Any, xs: Iterable[pd.DataFrame], task: TaskKind, classes: Sequence[object], where: str
) -> tuple[np.ndarray, np.ndarray | None]:
    import numpy as np

    if not hasattr(model, "predict"):
        raise InputError(f"{where}: the file holds a {type(model).__name__}, not a model with predict()")
    raws: list[np.ndarray] = []
    probas: list[np.ndarray] = []
    with scoring_errors(where, "the model must accept the eval feature columns (data.features)"):
        mapping = None if task is TaskKind.REGRESSION else class_mapping(list(model.classes_), classes, where)
        with_proba = mapping is not None and hasattr(model, "predict_proba")
        for x in xs:
            raws.append(np.asarray(model.predict(x)))
            if with_proba:
                probas.append(np.asarray(model.predict_proba(x), dtype="float64"))
    raw = np.concatenate(raws) if raws else np.empty(0)
    if mapping is None:
        return raw.astype("float64").ravel(), None
    lookup = {str(c): j for j, c in enumerate(model.classes_)}
    y_pred = mapping[np.asarray([lookup[str(v)] for v in raw], dtype="int64")]
    proba = np.concatenate(probas) if probas else None
    return y_pred, _scores(proba, mapping, len(classes), task)


def _scores(proba: Any, mapping: np.ndarray, k: int, task: TaskKind) -> np.ndarray | None:
    import numpy as np

    if proba is None:
        return None
    proba = np.asarray(proba, dtype="float64")
    full = np.zeros((proba.shape[0], k))
    full[:, mapping] = proba
    return full[:, 1] if task is TaskKind.BINARY else full


def _onnx_predict(
    path: Path, xs: Iterable[pd.DataFrame], task: TaskKind, classes: Sequence[object], where: str
) -> tuple[np.ndarray, np.ndarray | None]:
    import numpy as np

    try:
        import onnxruntime as ort
    except ImportError:
        raise InputError(
            f"{where}: reading .onnx needs onnxruntime", hint="pip install 'mlgate[onnx]'"
        ) from None
    from mlgate.io.onnx_external import confine_external_data

    confine_external_data(path, where)  # before onnxruntime opens any file the model names
    try:
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{where}: not a loadable ONNX model: {exc}") from None
    inputs = sess.get_inputs()
    label_parts: list[np.ndarray] = []
    second_parts: list[Any] = []
    try:
        for x in xs:
            batch = sess.run(None, _onnx_feeds(inputs, x, where))
            label_parts.append(np.asarray(batch[0]).ravel())
            if len(batch) > 1:
                second_parts.append(batch[1])
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise InputError(
            f"{where}: scoring the eval data failed: {exc}",
            hint="the model must accept the eval feature columns (data.features)",
        ) from None
    labels = np.concatenate(label_parts) if label_parts else np.empty(0)
    if task is TaskKind.REGRESSION:
        return labels.astype("float64"), None
    model_classes = sorted({str(v) for v in labels})
    proba = None
    if second_parts:
        lists = isinstance(second_parts[0], list)
        second = [row for part in second_parts for row in part] if lists else np.concatenate(second_parts)
        if isinstance(second, list) and second and isinstance(second[0], dict):
            # skl2onnx's default ZipMap output: one {class: probability} dict per row.
            model_classes = [str(c) for c in second[0]]
            proba = np.asarray([[row[c] for c in second[0]] for row in second], dtype="float64")
        else:
            proba = np.asarray(second, dtype="float64")
            model_classes = _column_classes(labels, proba, where)
    mapping = class_mapping(model_classes, classes, where)
    lookup = {c: j for j, c in enumerate(model_classes)}
    y_pred = mapping[np.asarray([lookup[str(v)] for v in labels], dtype="int64")]
    return y_pred, _scores(proba, mapping, len(classes), task)


def _onnx_feeds(inputs: Any, x: pd.DataFrame, where: str) -> dict[str, np.ndarray]:
    """One batch of features as the ONNX graph's inputs: one tensor, or one column per input."""
    import numpy as np

    feeds: dict[str, np.ndarray] = {}
    if len(inputs) == 1 and inputs[0].name not in x.columns:
        feeds[inputs[0].name] = x.to_numpy(dtype="float32")
        return feeds
    dtypes: dict[str, Any] = {"tensor(string)": object, "tensor(int64)": "int64", "tensor(double)": "float64"}
    for inp in inputs:
        if inp.name not in x.columns:
            raise InputError(f"{where}: the model needs an input column '{inp.name}' the eval data lacks")
        col = x[inp.name].to_numpy()
        arr = col.astype(str) if inp.type == "tensor(string)" else col
        feeds[inp.name] = np.asarray(arr, dtype=dtypes.get(inp.type, "float32")).reshape(-1, 1)
    return feeds


def _column_classes(labels: np.ndarray, proba: np.ndarray, where: str) -> list[str]:
    """Which class each probability column is: the label predicted where that column is the largest."""
    import numpy as np

    top = proba.argmax(axis=1)
    out = []
    for j in range(proba.shape[1]):
        hit = labels[top == j]
        if hit.size == 0:
            raise InputError(
                f"{where}: cannot tell which class probability column {j} is",
                hint="export the classifier with skl2onnx's default ZipMap output (class -> probability)",
            )
        values, counts = np.unique(hit.astype(str), return_counts=True)
        out.append(str(values[counts.argmax()]))
    if len(set(out)) != len(out):
        raise InputError(f"{where}: probability columns do not match the predicted labels")
    return out


def predict_with_model(
    loaded: LoadedConfig, source: ModelSource | BaselineSource, name: str, eval_data: EvalData
) -> PredictionSet:
    """Score ``source.model`` on the eval features into a :class:`PredictionSet`."""
    assert source.model is not None
    path = local_path(loaded, source.model, f"{name}.model")
    return score_file(loaded, path, source.model, name, eval_data)


def score_file(
    loaded: LoadedConfig, path: Path, shown: str, name: str, eval_data: EvalData, *,
    refuse_pickle: bool = False,
) -> PredictionSet:
    """Score the model file ``path`` (named ``shown`` in messages) on the eval features.
    ``refuse_pickle``: a model from a CI artifact, never unpickled whatever the trust switches say."""
    from mlgate.bundle import PredictionSet

    key = f"{name}.model"
    where = f"{key}: {shown}"
    task = loaded.config.task
    x = feature_batches(loaded, eval_data)
    suffix = path.suffix.lower()
    if suffix == ".onnx":
        y_pred, scores = _onnx_predict(path, x, task, eval_data.classes, where)
    elif suffix == ".skops":
        model = _load_skops(path, where)
        y_pred, scores = _sklearn_predict(model, x, task, eval_data.classes, where)
    elif suffix in PICKLE_SUFFIXES:
        if refuse_pickle:
            raise InputError(f"{where}: only .skops or .onnx models are read from a CI artifact "
                             "(loading a pickle runs the code it contains)")
        model = _load_pickle(path, where, loaded.trust)
        y_pred, scores = _sklearn_predict(model, x, task, eval_data.classes, where)
    else:
        raise InputError(
            f"{where}: unsupported model file", hint="use .skops or .onnx (or .joblib with --allow-pickle)"
        )
    if y_pred.shape[0] != len(eval_data.y_true):
        raise InputError(f"{where}: {y_pred.shape[0]} predictions for {len(eval_data.y_true)} eval rows")
    return PredictionSet(name=name, y_pred=y_pred, scores=scores, source=shown)

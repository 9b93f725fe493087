"""Load everything the gates need into one frozen :class:`GateInputs` (config -> loaders -> inputs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.config import LoadedConfig
from mlgate.errors import InputError
from mlgate.gates.interface import EvalData, GateInputs, PredictionSet
from mlgate.io.columns import eval_columns, reference_columns
from mlgate.io.lazy import Table, as_table, open_table
from mlgate.io.predictions import align, encode_predictions
from mlgate.io.sources import local_path
from mlgate.io.tables import read_table
from mlgate.metrics_registry import Task

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import pandas as pd

    from mlgate.config.data import BaselineSource, ModelSource


def _encode_labels(
    frame: Table, loaded: LoadedConfig, where: str, extra: list[pd.Series]
) -> tuple[object, tuple[object, ...]]:
    import numpy as np
    import pandas as pd

    cfg = loaded.config
    label = cfg.data.label
    if label not in frame.columns:
        raise InputError(
            f"{where}: no label column '{label}' (data.label)",
            hint=f"columns found: {', '.join(map(str, frame.columns[:30]))}",
        )
    col = frame[label]
    nan = col.isna().to_numpy()
    if nan.any():
        i = int(nan.argmax())
        raise InputError(f"{where}: row {i + 1}: label '{label}' is missing in {int(nan.sum())} rows")
    if cfg.task is Task.REGRESSION:
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values)
        if bad.any():
            i = int(bad.argmax())
            raise InputError(f"{where}: row {i + 1}: label '{col.iloc[i]}' is not a number")
        return values, ()
    text = col.astype(str)
    if cfg.task is Task.BINARY:
        pos = str(cfg.data.positive)
        others = sorted(set(text.unique()) - {pos})
        if not others:
            # A single-class eval set: the negative class can only be learnt from the predictions;
            # any further unknown value is then reported by the prediction reader with file and line.
            for s in extra:
                others = sorted(set(others) | (set(s.dropna().astype(str).unique()) - {pos}))[:1]
        if pos not in set(text.unique()) and not others:
            raise InputError(f"{where}: label column '{label}' is empty")
        schema_gate = cfg.gates.schema_
        if len(others) > 1 and schema_gate is not None and schema_gate.unknown_labels != "off":
            # The schema gate reports the rows with a third class (and blocks unless set to warn);
            # meanwhile the label is read as positive vs not-positive, one-vs-rest.
            preds_seen = {str(v) for s in extra for v in s.dropna().unique()}
            in_preds = [o for o in others if o in preds_seen]
            counts = text[text != pos].value_counts()
            negative = in_preds[0] if len(in_preds) == 1 else str(counts.index[0])
            return (text == pos).to_numpy(dtype="int64"), (negative, pos)
        if len(others) > 1:
            raise InputError(
                f"{where}: binary task but label/predictions have more than two classes: "
                f"{', '.join([pos, *others][:6])}",
                hint="set task: multiclass, or fix the label values",
            )
        negative = others[0] if others else f"not {pos}"
        classes: tuple[object, ...] = (negative, pos)
    else:
        values_seen = set(text.unique())
        for s in extra:
            values_seen |= set(s.dropna().astype(str).unique())
        classes = tuple(sorted(values_seen))
    lookup = {str(c): i for i, c in enumerate(classes)}
    return text.map(lookup).to_numpy(dtype="int64"), classes


def _reader(loaded: LoadedConfig) -> Callable[..., pd.DataFrame]:
    """The table reader of ``data.engine``: pandas in memory, or Spark for Parquet datasets."""
    if loaded.config.data.engine == "spark":
        from mlgate.engines.spark import read_table as spark_read_table

        return spark_read_table
    return read_table


def _open(
    loaded: LoadedConfig, value: str, key: str, columns: tuple[str, ...] | None, given: object = None
) -> Table:
    """``data.eval`` or ``data.reference`` as a :class:`Table` of the configured engine, or the
    DataFrame a Python caller passed for it (named by the configured value in messages)."""
    if given is not None:
        return as_table(given, value)
    path = local_path(loaded, value, key)
    if loaded.config.data.engine == "spark":
        from mlgate.engines.spark import open_table as spark_table

        return spark_table(path, display=value)
    return open_table(path, columns=columns, null_values=loaded.config.data.null_values, display=value)


def _predictions_frame(
    loaded: LoadedConfig, source: ModelSource | BaselineSource, key: str
) -> tuple[pd.DataFrame, str]:
    assert source.predictions is not None
    path = local_path(loaded, source.predictions, f"{key}.predictions")
    return _reader(loaded)(path, display=source.predictions), source.predictions


def build_inputs(loaded: LoadedConfig, frames: Mapping[str, object] | None = None) -> GateInputs:
    """Read and check every input. Raises :class:`InputError` naming the file, column or row.

    ``frames`` may hold DataFrames (pandas or pyspark) for ``"eval"`` and ``"reference"``, used
    instead of the files ``data.eval`` and ``data.reference`` name.
    """
    cfg = loaded.config
    frames = frames or {}
    frame = _open(loaded, cfg.data.eval, "data.eval", eval_columns(cfg), frames.get("eval"))
    where = cfg.data.eval
    id_col = cfg.data.id
    if id_col is not None and id_col not in frame.columns:
        raise InputError(f"{where}: no id column '{id_col}' (data.id)")
    eval_ids = frame[id_col] if id_col is not None else None

    raw_preds: dict[str, tuple[pd.DataFrame | None, str]] = {}
    for key, source in (("candidate", cfg.candidate), ("baseline", cfg.baseline)):
        if source is None:
            continue
        if source.predictions is not None:
            preds, pwhere = _predictions_frame(loaded, source, key)
            raw_preds[key] = (align(preds, eval_ids, id_col, len(frame), pwhere), pwhere)
        elif source.model is not None:
            raw_preds[key + ".model"] = (None, source.model)

    extra = [p["prediction"] for p, _ in raw_preds.values() if p is not None and "prediction" in p.columns]
    y_true, classes = _encode_labels(frame, loaded, where, extra)
    eval_data = EvalData(
        frame=frame,
        y_true=y_true,  # type: ignore[arg-type]
        classes=classes,
        source=where,
        ids=eval_ids.to_numpy() if eval_ids is not None else None,
    )
    sets: dict[str, PredictionSet] = {}
    for key, (raw, pwhere) in raw_preds.items():
        if raw is None:
            from mlgate.io.mlflow_registry import is_model_uri
            from mlgate.io.models import predict_with_model

            name = key.removesuffix(".model")
            source = cfg.candidate if name == "candidate" else cfg.baseline
            assert source is not None
            if is_model_uri(source.model):
                from mlgate.io.mlflow_models import predict_with_mlflow

                sets[name] = predict_with_mlflow(loaded, source, name, eval_data)
            else:
                sets[name] = predict_with_model(loaded, source, name, eval_data)
        else:
            sets[key] = encode_predictions(raw, name=key, task=cfg.task, classes=classes, where=pwhere)

    baseline_metrics = None
    if cfg.baseline is not None and cfg.baseline.metrics is not None:
        from mlgate.io.baseline import read_baseline_metrics

        baseline_metrics = read_baseline_metrics(loaded, cfg.baseline.metrics)

    reference = None
    if cfg.data.reference is not None:
        reference = _open(
            loaded, cfg.data.reference, "data.reference", reference_columns(cfg), frames.get("reference")
        )
    elif frames.get("reference") is not None:
        raise InputError(
            "a reference DataFrame was given but data.reference is not set",
            hint="set data.reference in mlgate.yaml (it names the reference data in the scorecard)",
        )

    return GateInputs(
        loaded=loaded,
        eval=eval_data,
        candidate=sets.get("candidate"),
        baseline=sets.get("baseline"),
        baseline_metrics=baseline_metrics,
        reference=reference,
    )

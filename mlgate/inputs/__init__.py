"""Load everything the gates need into one frozen :class:`GateInputs` (config -> loaders -> inputs).

Every independent input is read and checked even when an earlier one failed, and all their problems
are raised together (:class:`mlgate.errors.InputErrors`): the eval file's first (its table, id, label,
then the schema's verdict on it), then the prediction files', then the rest. One run tells the user
everything that is wrong with their inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.bundle import EvalData, GateInputs, PredictionSet
from mlgate.config import LoadedConfig
from mlgate.errors import InputError, MlgateError, Problems
from mlgate.inputs.labels import encode_labels, label_column, missing_labels
from mlgate.inputs.read import (
    artifact_plan,
    as_table,
    eval_columns,
    fingerprint,
    load_data_schema,
    open_data,
    predictions_frame,
    reader,
    reads_models,
)
from mlgate.io.predictions import align, duplicate_ids, encode_predictions

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from mlgate.datatable import DataTable
    from mlgate.io.artifacts.stored import Plan

__all__ = ["as_table", "build_inputs", "eval_columns", "load_data_schema"]

# Without data.id nothing shows that a prediction file is in the eval file's row order: a shuffled file
# still gives plausible metrics. The report says so on one line (Report.notes).
POSITION_NOTE = (
    "predictions joined to the eval rows by position, data.id is not set: {} (a reordered file would "
    "go unnoticed; set data.id to join on an id column)"
)

Raw = dict[str, tuple["pd.DataFrame | None", str]]


def _read_predictions(
    loaded: LoadedConfig, frame: DataTable | None, eval_ids: pd.Series | None, baseline_dir: Path | None,
    given_eval: bool, problems: Problems,
) -> tuple[Raw, Plan | None, Mapping[str, str], str | None]:
    """Every prediction file read and aligned with the eval rows (None: a model to score)."""
    cfg = loaded.config
    id_col = cfg.data.id
    n_eval = len(frame) if frame is not None else 0
    raw: Raw = {}
    stored: Plan | None = None
    origin: Mapping[str, str] = {}
    missing = None
    if cfg.baseline is not None and cfg.baseline.artifact is not None:
        with problems:
            stored, origin, missing = artifact_plan(loaded, baseline_dir, given_eval)
            if stored is not None and stored.predictions is not None:
                preds = reader(loaded)(stored.predictions, display=stored.display)
                if frame is not None:
                    raw["baseline"] = (align(preds, eval_ids, id_col, n_eval, stored.display), stored.display)
            elif stored is not None and stored.model is not None:
                raw["baseline.model"] = (None, stored.display)
    for key, source in (("candidate", cfg.candidate), ("baseline", cfg.baseline)):
        if source is None or (key == "baseline" and cfg.baseline is not None and cfg.baseline.artifact):
            continue
        if source.predictions is not None:
            with problems:
                preds, pwhere = predictions_frame(loaded, source, key)
                if frame is not None:
                    raw[key] = (align(preds, eval_ids, id_col, n_eval, pwhere), pwhere)
        elif source.model is not None:
            raw[key + ".model"] = (None, source.model)
    return raw, stored, origin, missing


def build_inputs(
    loaded: LoadedConfig, frames: Mapping[str, object] | None = None, *, baseline_dir: Path | None = None
) -> GateInputs:
    """Read and check every input. Raises :class:`InputError` naming the file, column or row (several
    problems: :class:`mlgate.errors.InputErrors`, one line each).

    ``frames`` may hold DataFrames (pandas or pyspark) for ``"eval"`` and ``"reference"``, used
    instead of the files ``data.eval`` and ``data.reference`` name.
    """
    cfg = loaded.config
    frames = frames or {}
    pruned = eval_columns(cfg)
    where = cfg.data.eval
    id_col = cfg.data.id
    on_eval, on_preds = Problems(), Problems()
    frame: DataTable | None = None
    path: Path | None = None
    with on_eval:
        frame, path = open_data(loaded, cfg.data.eval, "data.eval", pruned, frames.get("eval"))
    eval_ids: pd.Series | None = None
    reported: set[tuple[str | None, str]] = set()
    if frame is not None and id_col is not None:
        if id_col not in frame.columns:
            on_eval.add(InputError(f"{where}: no id column '{id_col}' (data.id)"))
        else:
            eval_ids = frame[id_col]
    # A run whose gates read no model output (the schema gate alone) reads no prediction file and
    # loads no model: nothing it would not use, nothing a pull request could make it execute.
    models = reads_models(cfg)
    raw_preds, stored, origin, missing = _read_predictions(
        loaded, frame, eval_ids, baseline_dir, frames.get("eval") is not None, on_preds
    ) if models else ({}, None, {}, None)
    joined = [w for r, w in raw_preds.values() if r is not None]
    sources = (cfg.candidate, cfg.baseline) if models else ()
    files = [s for s in sources if s is not None and s.predictions is not None]
    if eval_ids is not None and id_col is not None and (files or (stored and stored.predictions)):
        # Predictions are joined on the id: a repeated eval id makes the join ambiguous.
        dup = duplicate_ids(eval_ids.reset_index(drop=True), id_col, where)
        if dup is not None:
            on_eval.add(dup)
            reported.add((id_col, "duplicate_ids"))

    extra = [p["prediction"] for p, _ in raw_preds.values() if p is not None and "prediction" in p.columns]
    notes = (POSITION_NOTE.format(", ".join(joined)),) if joined and id_col is None else ()
    labels: tuple[np.ndarray, tuple[object, ...]] | None = None
    classes: tuple[object, ...] | None = None  # known even when some labels are missing
    if frame is not None:
        with on_eval:
            col = label_column(frame, cfg, where)
            absent = missing_labels(col, cfg.data.label, where)
            if absent is not None:
                on_eval.add(absent)
                reported.add((cfg.data.label, "not_nullable"))
            encoded = encode_labels(col.dropna() if absent else col, cfg, where, extra)
            classes = encoded[1]
            labels = None if absent else encoded
    sets: dict[str, PredictionSet] = {}
    if classes is not None:
        for key, (raw, pwhere) in raw_preds.items():
            if raw is not None:
                with on_preds:
                    sets[key] = encode_predictions(raw, name=key, task=cfg.task, classes=classes,
                                                   where=pwhere)

    baseline_metrics = None
    with on_preds:
        if models and cfg.baseline is not None and cfg.baseline.metrics is not None:
            from mlgate.io.baseline import read_baseline_metrics

            baseline_metrics = read_baseline_metrics(loaded, cfg.baseline.metrics)
        elif stored is not None and stored.metrics is not None:
            baseline_metrics = stored.metrics

    reference = None
    with on_preds:
        if cfg.data.reference is not None:
            reference, _ = open_data(loaded, cfg.data.reference, "data.reference", pruned,
                                     frames.get("reference"))
        elif frames.get("reference") is not None:
            raise InputError(
                "a reference DataFrame was given but data.reference is not set",
                hint="set data.reference in mlgate.yaml (it names the reference data in the scorecard)",
            )

    if on_eval or on_preds:
        if frame is not None:
            from mlgate.inputs.problems import schema_problems

            on_eval.found += schema_problems(loaded, frame, reference, classes, reported)
        Problems.joined(on_eval, on_preds).raise_any()
    assert frame is not None and labels is not None
    y_true, eval_classes = labels
    header, sha256 = fingerprint(frame, path, where, pruned)
    eval_data = EvalData(
        frame=frame,
        y_true=y_true,
        classes=eval_classes,
        source=where,
        ids=eval_ids.to_numpy() if eval_ids is not None else None,
        label=cfg.data.label,
        id_column=id_col,
        features=cfg.data.features,
        header=header,
        sha256=sha256,
    )
    for key, (raw, pwhere) in raw_preds.items():
        if raw is None:
            name = key.removesuffix(".model")
            sets[name] = _score(loaded, name, pwhere, stored, eval_data)

    problems: dict[str, MlgateError] = {}
    schema = None
    try:
        schema = load_data_schema(loaded)
    except MlgateError as exc:  # only the schema gate needs it: it reports the error, the rest run
        problems["schema"] = exc
    return GateInputs(
        task=cfg.task,
        eval=eval_data,
        candidate=sets.get("candidate"),
        baseline=sets.get("baseline"),
        baseline_metrics=baseline_metrics,
        reference=reference,
        schema=schema,
        problems=problems,
        baseline_missing=missing,
        baseline_origin=origin,
        notes=notes,
    )


def _score(
    loaded: LoadedConfig, name: str, pwhere: str, stored: Plan | None, eval_data: EvalData
) -> PredictionSet:
    """The predictions of the model configured (or stored in the baseline artifact) for ``name``."""
    from mlgate.io.mlflow_registry import is_model_uri
    from mlgate.io.models import predict_with_model

    cfg = loaded.config
    source = cfg.candidate if name == "candidate" else cfg.baseline
    assert source is not None
    if stored is not None and stored.model is not None and name == "baseline":
        from mlgate.io.models import score_file

        # Never a pickle from an artifact, whatever --allow-pickle says (stored.plan checks too).
        return score_file(loaded, stored.model, f"{pwhere}: {stored.model.name}", name, eval_data,
                          refuse_pickle=True)
    if is_model_uri(source.model):
        from mlgate.io.mlflow_models import predict_with_mlflow

        return predict_with_mlflow(loaded, source, name, eval_data)
    return predict_with_model(loaded, source, name, eval_data)

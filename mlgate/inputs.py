"""Load everything the gates need into one frozen :class:`GateInputs` (config -> loaders -> inputs)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.bundle import EvalData, GateInputs, PredictionSet
from mlgate.config import Config, LoadedConfig
from mlgate.datatable import DataTable
from mlgate.errors import InputError, MlgateError
from mlgate.io.lazy import FrameTable
from mlgate.io.predictions import align, encode_predictions
from mlgate.io.sources import local_path
from mlgate.io.tables import open_table, read_table
from mlgate.metrics_registry import TaskKind

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    import pandas as pd

    from mlgate.bundle import LoadedSchema
    from mlgate.config.data import BaselineSource, ModelSource
    from mlgate.io.artifacts.stored import Plan

# Without data.id nothing shows that a prediction file is in the eval file's row order: a shuffled file
# still gives plausible metrics. The report says so on one line (Report.notes).
POSITION_NOTE = (
    "predictions joined to the eval rows by position, data.id is not set: {} (a reordered file would "
    "go unnoticed; set data.id to join on an id column)"
)


def _encode_labels(
    frame: DataTable, loaded: LoadedConfig, where: str, extra: list[pd.Series]
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
    if cfg.task is TaskKind.REGRESSION:
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values)
        if bad.any():
            i = int(bad.argmax())
            raise InputError(f"{where}: row {i + 1}: label '{col.iloc[i]}' is not a number")
        return values, ()
    text = col.astype(str)
    if cfg.task is TaskKind.BINARY:
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


def eval_columns(cfg: Config) -> tuple[str, ...] | None:
    """The columns of the eval and reference tables this run reads: the label, the id, the features,
    and the columns each configured gate declares (:meth:`mlgate.gates.interface.Gate.columns`).

    Loading only those (Parquet column pruning, pyarrow CSV ``include_columns``) saves time and memory
    on wide tables. When a gate may read any column (a schema, drift over ``all`` columns, deepchecks)
    or a model is scored on the default feature set, nothing is pruned: None.
    """
    from mlgate.gates import REGISTRY

    models = [s for s in (cfg.candidate, cfg.baseline) if s is not None and getattr(s, "model", None)]
    if models and cfg.data.features is None:
        return None
    names = [cfg.data.label, *([cfg.data.id] if cfg.data.id else []), *(cfg.data.features or ())]
    for cls in REGISTRY.values():
        gate = cls()
        section = gate.section(cfg)
        if section is None:
            continue
        wanted = gate.columns(section, cfg.data)
        if wanted is None:
            return None
        names += sorted(wanted)
    return tuple(dict.fromkeys(names))


def as_table(obj: object, source: str) -> DataTable:
    """A DataFrame handed over by a Python caller as a :class:`DataTable`: pandas (in memory) or a
    pyspark DataFrame (the data stays in Spark)."""
    import pandas as pd

    if isinstance(obj, DataTable):
        return obj
    if isinstance(obj, pd.DataFrame):
        return FrameTable(obj, source)
    if type(obj).__module__.startswith("pyspark.sql"):
        from mlgate.engines.spark import SparkTable

        return SparkTable(obj, source)
    raise InputError(
        f"{source}: expected a pandas or pyspark DataFrame, got {type(obj).__name__}",
        hint="pass a DataFrame, or leave it out to read the file named in mlgate.yaml",
    )


def _reader(loaded: LoadedConfig) -> Callable[..., pd.DataFrame]:
    """The table reader of ``data.engine``: pandas in memory, or Spark for Parquet datasets."""
    if loaded.config.data.engine == "spark":
        from mlgate.engines.spark import read_table as spark_read_table

        return spark_read_table
    return read_table


def _open(
    loaded: LoadedConfig, value: str, key: str, columns: tuple[str, ...] | None, given: object = None
) -> tuple[DataTable, Path | None]:
    """``data.eval`` or ``data.reference`` as a :class:`DataTable` of the configured engine and the file
    it was read from, or the DataFrame a Python caller passed for it (named by the configured value
    in messages) and None."""
    if given is not None:
        return as_table(given, value), None
    path = local_path(loaded, value, key)
    if loaded.config.data.engine == "spark":
        from mlgate.engines.spark import open_table as spark_table

        return spark_table(path, display=value), path
    table = open_table(path, columns=columns, null_values=loaded.config.data.null_values, display=value)
    return table, path


def _predictions_frame(
    loaded: LoadedConfig, source: ModelSource | BaselineSource, key: str
) -> tuple[pd.DataFrame, str]:
    assert source.predictions is not None
    path = local_path(loaded, source.predictions, f"{key}.predictions")
    return _reader(loaded)(path, display=source.predictions), source.predictions


def _artifact_plan(loaded: LoadedConfig, baseline_dir: Path | None, given_eval: bool) -> tuple[
    Plan | None, Mapping[str, str], str | None
]:
    """(what to read, provenance origin, why there is none) for ``baseline.artifact``."""
    from mlgate.io.artifacts.resolve import NO_BASELINE_YET, fetch
    from mlgate.io.artifacts.stored import plan
    from mlgate.io.baseline import eval_sha256

    cfg = loaded.config
    assert cfg.baseline is not None and cfg.baseline.artifact is not None
    fetched = fetch(cfg.baseline.artifact, loaded.base_dir, baseline_dir)
    origin = {**fetched.origin, "how": fetched.how}
    if fetched.folder is None:
        return None, origin, NO_BASELINE_YET
    run = fetched.origin.get("run_id")
    display = f"artifact {cfg.baseline.artifact}" + (f" (run {run})" if run else "")
    eval_sha = None if given_eval else eval_sha256(loaded)
    found = plan(loaded, fetched.folder, display, eval_sha)
    # The forge's word on run and commit wins; metrics.json fills in what the API does not give.
    return found, {**found.saved_by, **origin}, None


def build_inputs(
    loaded: LoadedConfig, frames: Mapping[str, object] | None = None, *, baseline_dir: Path | None = None
) -> GateInputs:
    """Read and check every input. Raises :class:`InputError` naming the file, column or row.

    ``frames`` may hold DataFrames (pandas or pyspark) for ``"eval"`` and ``"reference"``, used
    instead of the files ``data.eval`` and ``data.reference`` name.
    """
    cfg = loaded.config
    frames = frames or {}
    pruned = eval_columns(cfg)
    frame, path = _open(loaded, cfg.data.eval, "data.eval", pruned, frames.get("eval"))
    where = cfg.data.eval
    id_col = cfg.data.id
    if id_col is not None and id_col not in frame.columns:
        raise InputError(f"{where}: no id column '{id_col}' (data.id)")
    eval_ids = frame[id_col] if id_col is not None else None

    raw_preds: dict[str, tuple[pd.DataFrame | None, str]] = {}
    stored: Plan | None = None
    origin: Mapping[str, str] = {}
    missing = None
    if cfg.baseline is not None and cfg.baseline.artifact is not None:
        stored, origin, missing = _artifact_plan(loaded, baseline_dir, frames.get("eval") is not None)
        if stored is not None and stored.predictions is not None:
            preds = _reader(loaded)(stored.predictions, display=stored.display)
            raw_preds["baseline"] = (align(preds, eval_ids, id_col, len(frame), stored.display),
                                     stored.display)
        elif stored is not None and stored.model is not None:
            raw_preds["baseline.model"] = (None, stored.display)
    for key, source in (("candidate", cfg.candidate), ("baseline", cfg.baseline)):
        if source is None or (key == "baseline" and cfg.baseline is not None and cfg.baseline.artifact):
            continue
        if source.predictions is not None:
            preds, pwhere = _predictions_frame(loaded, source, key)
            raw_preds[key] = (align(preds, eval_ids, id_col, len(frame), pwhere), pwhere)
        elif source.model is not None:
            raw_preds[key + ".model"] = (None, source.model)

    extra = [p["prediction"] for p, _ in raw_preds.values() if p is not None and "prediction" in p.columns]
    by_position = [pwhere for raw, pwhere in raw_preds.values() if raw is not None and id_col is None]
    notes = (POSITION_NOTE.format(", ".join(by_position)),) if by_position else ()
    y_true, classes = _encode_labels(frame, loaded, where, extra)
    header, sha256 = _fingerprint(frame, path, where, pruned)
    eval_data = EvalData(
        frame=frame,
        y_true=y_true,  # type: ignore[arg-type]
        classes=classes,
        source=where,
        ids=eval_ids.to_numpy() if eval_ids is not None else None,
        label=cfg.data.label,
        id_column=id_col,
        features=cfg.data.features,
        header=header,
        sha256=sha256,
    )
    sets: dict[str, PredictionSet] = {}
    for key, (raw, pwhere) in raw_preds.items():
        if raw is None:
            from mlgate.io.mlflow_registry import is_model_uri
            from mlgate.io.models import predict_with_model

            name = key.removesuffix(".model")
            source = cfg.candidate if name == "candidate" else cfg.baseline
            assert source is not None
            if stored is not None and stored.model is not None and name == "baseline":
                from mlgate.io.models import score_file

                # Never a pickle from an artifact, whatever --allow-pickle says (stored.plan checks too).
                sets[name] = score_file(loaded, stored.model, f"{pwhere}: {stored.model.name}", name,
                                        eval_data, refuse_pickle=True)
            elif is_model_uri(source.model):
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
    elif stored is not None and stored.metrics is not None:
        baseline_metrics = stored.metrics

    reference = None
    if cfg.data.reference is not None:
        reference, _ = _open(
            loaded, cfg.data.reference, "data.reference", pruned, frames.get("reference")
        )
    elif frames.get("reference") is not None:
        raise InputError(
            "a reference DataFrame was given but data.reference is not set",
            hint="set data.reference in mlgate.yaml (it names the reference data in the scorecard)",
        )

    problems: dict[str, MlgateError] = {}
    schema = None
    try:
        schema = _schema(loaded)
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


def _schema(loaded: LoadedConfig) -> LoadedSchema | None:
    """The data schema of the schema gate (``schema:``), when that gate runs."""
    ref = loaded.config.schema_ref
    if ref is None or loaded.config.schema_gate is None:
        return None
    from mlgate.schema.load import load_schema

    return load_schema(ref.path, ref.kind, loaded.base_dir, loaded.trust)


def _fingerprint(
    frame: DataTable, path: Path | None, where: str, pruned: tuple[str, ...] | None
) -> tuple[tuple[str, ...], str | None]:
    """The eval file's every column and its sha256, computed once for the gates and the scorecard.

    A CSV or JSON Lines file parsed for some columns only lists the others in its header, read here
    so that a message about an absent column can name them; a DataFrame given by a caller was not
    read from ``data.eval``: no hash.
    """
    columns = tuple(str(c) for c in frame.columns)
    if path is None:
        return columns, None
    from mlgate.io.fingerprint import file_sha256

    sha256 = file_sha256(path) if path.is_file() else None
    if pruned is not None and isinstance(frame, FrameTable):
        from mlgate.io.tables import table_columns

        with contextlib.suppress(InputError):  # the gates' own messages then list the parsed columns
            columns = tuple(table_columns(path, where))
    return columns, sha256

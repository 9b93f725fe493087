"""Open the eval, reference and prediction files of a run, and the eval file's fingerprint."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.config import Config, LoadedConfig
from mlgate.datatable import DataTable
from mlgate.errors import InputError
from mlgate.io.lazy import FrameTable
from mlgate.io.sources import local_path
from mlgate.io.tables import open_table, read_table

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import pandas as pd

    from mlgate.bundle import LoadedSchema
    from mlgate.config.data import BaselineSource, ModelSource
    from mlgate.io.artifacts.stored import Plan


def eval_columns(cfg: Config) -> tuple[str, ...] | None:
    """The columns of the eval and reference tables this run reads: the label, the id, the features,
    and the columns each configured gate declares (:meth:`mlgate.gates.interface.Gate.columns`).

    Loading only those (Parquet column pruning, pyarrow CSV ``include_columns``) saves time and memory
    on wide tables. When a gate may read any column (a schema, drift over ``all`` columns, deepchecks)
    or a model is scored on the default feature set, nothing is pruned: None.
    """
    from mlgate.gates import configured

    models = [s for s in (cfg.candidate, cfg.baseline) if s is not None and getattr(s, "model", None)]
    if models and cfg.data.features is None and reads_models(cfg):
        return None
    names = [cfg.data.label, *([cfg.data.id] if cfg.data.id else []), *(cfg.data.features or ())]
    for gate, section in configured(cfg):
        wanted = gate.columns(section, cfg.data)
        if wanted is None:
            return None
        names += sorted(wanted)
    return tuple(dict.fromkeys(names))


def reads_models(cfg: Config) -> bool:
    """Whether some configured gate reads the models' predictions (:meth:`Gate.reads_models`)."""
    from mlgate.gates import configured

    return any(gate.reads_models(section) for gate, section in configured(cfg))


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


def reader(loaded: LoadedConfig) -> Callable[..., pd.DataFrame]:
    """The table reader of ``data.engine``: pandas in memory, or Spark for Parquet datasets."""
    if loaded.config.data.engine == "spark":
        from mlgate.engines.spark import read_table as spark_read_table

        return spark_read_table
    return read_table


def open_data(
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


def predictions_frame(
    loaded: LoadedConfig, source: ModelSource | BaselineSource, key: str
) -> tuple[pd.DataFrame, str]:
    assert source.predictions is not None
    path = local_path(loaded, source.predictions, f"{key}.predictions")
    return reader(loaded)(path, display=source.predictions), source.predictions


def artifact_plan(loaded: LoadedConfig, baseline_dir: Path | None, given_eval: bool) -> tuple[
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




def fingerprint(
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


def load_data_schema(loaded: LoadedConfig) -> LoadedSchema | None:
    """The data schema of the schema gate (``schema:``), when that gate runs."""
    ref = loaded.config.schema_ref
    if ref is None or loaded.config.schema_gate is None:
        return None
    from mlgate.schema.load import load_schema

    return load_schema(ref.path, ref.kind, loaded.base_dir, loaded.trust)

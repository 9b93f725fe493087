"""Read prediction files and align them with the eval rows (by ``data.id`` or by row order)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.metrics_registry import TaskKind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.bundle import PredictionSet


def _row_name(frame_index: int, source: str) -> str:
    # Data row i of a CSV with a header is on line i + 2.
    if source.lower().endswith((".csv", ".csv.gz")):
        return f"line {frame_index + 2}"
    return f"row {frame_index + 1}"


def _isin(values: pd.Series, pool: pd.Series) -> pd.Series:
    """``values.isin(pool)`` as one Arrow hash lookup: ``Series.isin(set)`` on pandas 3's Arrow-backed
    strings builds a scalar per element (~5 s per million ids; pyarrow.compute.is_in takes ~0.2 s)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pc.is_in(pa.array(values, from_pandas=True), value_set=pa.array(pool, from_pandas=True))
    return pd.Series(mask.to_numpy(zero_copy_only=False), index=values.index)


def align(
    preds: pd.DataFrame, eval_ids: pd.Series | None, id_col: str | None, n_eval: int, where: str
) -> pd.DataFrame:
    """Reorder prediction rows to the eval rows; any mismatch is an error, never a guess."""
    import pandas as pd

    if id_col is None or eval_ids is None:
        if len(preds) != n_eval:
            raise InputError(
                f"{where}: {len(preds)} prediction rows but the eval data has {n_eval}",
                hint="predict every eval row, or set data.id to join on an id column",
            )
        return preds.reset_index(drop=True)
    if id_col not in preds.columns:
        raise InputError(
            f"{where}: no column '{id_col}' (data.id)",
            hint=f"add the id column to the predictions; columns found: {', '.join(map(str, preds.columns))}",
        )
    pid = preds[id_col].astype(str)
    dup = pid.duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().argmax())
        raise InputError(f"{where}: {_row_name(i, where)}: duplicate id '{pid.iloc[i]}' in '{id_col}'")
    eid = eval_ids.astype(str)
    unknown = ~_isin(pid, eid)
    if unknown.any():
        i = int(unknown.to_numpy().argmax())
        raise InputError(
            f"{where}: {_row_name(i, where)}: id '{pid.iloc[i]}' is not in the eval data "
            f"({int(unknown.sum())} unknown ids)",
            hint="the predictions must be made on the same rows as data.eval",
        )
    indexed = preds.set_index(pid)
    missing = ~_isin(eid, pid)
    if missing.any():
        i = int(missing.to_numpy().argmax())
        raise InputError(
            f"{where}: no prediction for id '{eid.iloc[i]}' ({int(missing.sum())} eval rows missing)",
            hint="predict every eval row",
        )
    return indexed.reindex(pd.Index(eid)).reset_index(drop=True)


def _first_bad(mask: np.ndarray) -> int:
    return int(mask.argmax())


def encode_predictions(
    preds: pd.DataFrame,
    *,
    name: str,
    task: TaskKind,
    classes: Sequence[object],
    where: str,
) -> PredictionSet:
    """Turn an aligned prediction frame into a :class:`PredictionSet` in the eval label encoding."""
    import numpy as np
    import pandas as pd

    from mlgate.bundle import PredictionSet

    if "prediction" not in preds.columns:
        raise InputError(
            f"{where}: no 'prediction' column",
            hint=f"columns found: {', '.join(map(str, preds.columns))}",
        )
    raw = preds["prediction"]
    nan = raw.isna().to_numpy()
    if nan.any():
        raise InputError(
            f"{where}: {_row_name(_first_bad(nan), where)}: 'prediction' is missing (NaN) "
            f"in {int(nan.sum())} rows",
            hint="every eval row needs a prediction",
        )
    scores: np.ndarray | None = None
    if task is TaskKind.REGRESSION:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values)
        if bad.any():
            i = _first_bad(bad)
            raise InputError(
                f"{where}: {_row_name(i, where)}: prediction '{raw.iloc[i]}' is not a finite number"
            )
        return PredictionSet(name=name, y_pred=values, scores=None, source=where)

    lookup = {str(c): i for i, c in enumerate(classes)}
    codes = raw.astype(str).map(lookup)
    unknown = codes.isna().to_numpy()
    if unknown.any():
        i = _first_bad(unknown)
        raise InputError(
            f"{where}: {_row_name(i, where)}: prediction '{raw.iloc[i]}' is not a known class "
            f"(expected one of {', '.join(map(str, classes))})",
            hint="predictions must use the label column's values",
        )
    y_pred = codes.to_numpy(dtype="int64")

    if task is TaskKind.BINARY and "score" in preds.columns:
        scores = _probabilities(preds["score"], "score", where)
    elif task is TaskKind.MULTICLASS:
        cols = [f"proba_{c}" for c in classes]
        present = [c for c in cols if c in preds.columns]
        if present:
            missing = [c for c in cols if c not in preds.columns]
            if missing:
                raise InputError(f"{where}: probability columns missing: {', '.join(missing)}")
            scores = np.column_stack([_probabilities(preds[c], c, where) for c in cols])
            sums = scores.sum(axis=1)
            off = np.abs(sums - 1.0) > 1e-3
            if off.any():
                i = _first_bad(off)
                raise InputError(
                    f"{where}: {_row_name(i, where)}: class probabilities sum to {sums[i]:.4f}, not 1"
                )
    return PredictionSet(name=name, y_pred=y_pred, scores=scores, source=where)


def _probabilities(col: pd.Series, name: str, where: str) -> np.ndarray:
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (values < 0) | (values > 1)
    if bad.any():
        i = _first_bad(bad)
        raise InputError(
            f"{where}: {_row_name(i, where)}: '{name}' is {col.iloc[i]!r}, not a probability in [0, 1] "
            f"({int(bad.sum())} rows)",
            hint="scores must be probabilities of the positive class",
        )
    return values

"""Read prediction files and align them with the eval rows (by ``data.id`` or by row order)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlgate.errors import MAX_LISTED, InputError, Problems, listing, rows_of
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


def _not_in(ids: pd.Series, pool: pd.Series) -> tuple[np.ndarray, int, str]:
    """Where ``ids`` are not in ``pool``: the mask, how many, and the first few of them quoted."""
    mask = ~_isin(ids, pool).to_numpy()
    n = int(mask.sum())
    return mask, n, listing([f"'{v}'" for v in ids[mask].iloc[:MAX_LISTED]], n) if n else ""


def _rows(mask: np.ndarray, where: str) -> str:
    """The rows of ``mask`` as a capped list: ``lines 3, 9 and 12 more``."""
    import numpy as np

    return rows_named(np.flatnonzero(mask), where)


def rows_named(positions: Sequence[int] | np.ndarray, where: str, limit: int = MAX_LISTED) -> str:
    """0-based row positions of ``where`` named as its reader counts them: ``lines 2, 302``."""
    if len(positions) == 0:
        return ""
    names = [_row_name(int(i), where).split(" ") for i in positions[:limit]]
    kind = names[0][0] + ("s" if len(positions) > 1 else "")
    return f"{kind} {listing([n[1] for n in names], len(positions), limit)}"


def duplicate_ids(ids: pd.Series, id_col: str, where: str) -> InputError | None:
    """Repeated ids of a file joined on ``id_col``: which ids, and on which rows."""
    import numpy as np

    # On the ids as read (no text conversion of a million cells); only the repeats are shown as text.
    dup = ids.duplicated(keep=False).to_numpy()
    if not dup.any():
        return None
    repeated = ids[dup].astype(str)
    values = list(dict.fromkeys(repeated))
    cells = repeated.to_numpy()
    positions = np.flatnonzero(dup)
    shown = [f"'{v}' on {rows_named(positions[cells == v], where, 3)}" for v in values[:MAX_LISTED]]
    n = len(values)
    more = f"; and {n - MAX_LISTED} more" if n > MAX_LISTED else ""
    return InputError(
        f"{where}: {n} duplicate id{'s' if n > 1 else ''} in '{id_col}' (data.id): {'; '.join(shown)}{more}",
        hint="every row needs its own id: predictions are joined to the eval rows on it",
    )


def align(
    preds: pd.DataFrame, eval_ids: pd.Series | None, id_col: str | None, n_eval: int, where: str
) -> pd.DataFrame:
    """Reorder prediction rows to the eval rows; any mismatch is an error, never a guess. Every
    mismatch of the file is reported at once (:class:`Problems`)."""
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
    problems = Problems()
    pid = preds[id_col].astype(str).reset_index(drop=True)
    dup = duplicate_ids(pid, id_col, where)
    if dup is not None:
        problems.add(dup)
    eid = eval_ids.astype(str).reset_index(drop=True)
    # Both directions of the join: prediction ids the eval data lacks, eval rows with no prediction.
    for ids, pool, say, hint in (
        (pid, eid, "id{s} {values} {are} not in the eval data ({rows}; {k} unknown)",
         "the predictions must be made on the same rows as data.eval"),
        (eid, pid, "no prediction for id{s} {values} ({k} eval row{s} missing)", "predict every eval row"),
    ):
        mask, k, values = _not_in(ids, pool)
        if k:
            text = say.format(s="s" if k > 1 else "", are="are" if k > 1 else "is", values=values, k=k,
                              rows=_rows(mask, where) if "{rows}" in say else "")
            problems.add(InputError(f"{where}: {text}", hint=hint))
    problems.raise_any()
    # In eval order; the index keeps each row's place in the file, so that later messages name its line.
    pos = pd.Series(range(len(pid)), index=pd.Index(pid)).reindex(pd.Index(eid)).to_numpy()
    return preds.reset_index(drop=True).iloc[pos]


def _are(n: int, noun: str) -> str:
    return f"{rows_of(n, noun)} {'is' if n == 1 else 'are'}"


def _where_rows(preds: pd.DataFrame, mask: np.ndarray, where: str) -> str:
    """The file rows of the (aligned) rows in ``mask``: the index holds each row's place in the file."""
    import numpy as np

    index = np.asarray(preds.index)
    if index.dtype.kind not in "iu" or len(index) == 0:
        return _rows(mask, where)
    lines = np.zeros(int(index.max()) + 1, dtype=bool)
    lines[index[mask]] = True
    return _rows(lines, where)


def encode_predictions(
    preds: pd.DataFrame,
    *,
    name: str,
    task: TaskKind,
    classes: Sequence[object],
    where: str,
) -> PredictionSet:
    """Turn an aligned prediction frame into a :class:`PredictionSet` in the eval label encoding;
    every problem of the file is reported at once."""
    import numpy as np
    import pandas as pd

    from mlgate.bundle import PredictionSet

    if "prediction" not in preds.columns:
        raise InputError(
            f"{where}: no 'prediction' column",
            hint=f"columns found: {', '.join(map(str, preds.columns))}",
        )
    problems = Problems()
    raw = preds["prediction"]
    nan = raw.isna().to_numpy()
    if nan.any():
        problems.add(InputError(
            f"{where}: 'prediction' is missing in {rows_of(int(nan.sum()))} "
            f"({_where_rows(preds, nan, where)})",
            hint="every eval row needs a prediction",
        ))
    scores: np.ndarray | None = None
    if task is TaskKind.REGRESSION:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values) & ~nan
        if bad.any():
            shown = listing([f"'{v}'" for v in raw[bad].iloc[:MAX_LISTED]], int(bad.sum()))
            problems.add(InputError(
                f"{where}: {_are(int(bad.sum()), 'prediction')} not a finite number: {shown} "
                f"({_where_rows(preds, bad, where)})"
            ))
        problems.raise_any()
        return PredictionSet(name=name, y_pred=values, scores=None, source=where)

    lookup = {str(c): i for i, c in enumerate(classes)}
    codes = raw.astype(str).map(lookup)
    unknown = codes.isna().to_numpy() & ~nan
    if unknown.any():
        seen = listing([f"'{v}'" for v in dict.fromkeys(raw[unknown].astype(str))][:MAX_LISTED])
        problems.add(InputError(
            f"{where}: {_are(int(unknown.sum()), 'prediction')} not a known class: {seen} "
            f"({_where_rows(preds, unknown, where)}; expected one of {', '.join(map(str, classes))})",
            hint="predictions must use the label column's values",
        ))
    if task is TaskKind.BINARY and "score" in preds.columns:
        with problems:
            scores = _probabilities(preds, "score", where)
    elif task is TaskKind.MULTICLASS:
        cols = [f"proba_{c}" for c in classes]
        present = [c for c in cols if c in preds.columns]
        missing = [c for c in cols if c not in preds.columns]
        if present and missing:
            problems.add(InputError(f"{where}: probability columns missing: {', '.join(missing)}"))
        elif present:
            with problems:
                scores = np.column_stack([_probabilities(preds, c, where) for c in cols])
                sums = scores.sum(axis=1)
                off = np.abs(sums - 1.0) > 1e-3
                if off.any():
                    i = int(off.argmax())
                    raise InputError(
                        f"{where}: class probabilities sum to {sums[i]:.4f}, not 1, in "
                        f"{rows_of(int(off.sum()))} ({_where_rows(preds, off, where)})"
                    )
    problems.raise_any()
    return PredictionSet(name=name, y_pred=codes.to_numpy(dtype="int64"), scores=scores, source=where)


def _probabilities(preds: pd.DataFrame, name: str, where: str) -> np.ndarray:
    import numpy as np
    import pandas as pd

    col = preds[name]
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (values < 0) | (values > 1)
    if bad.any():
        i = int(bad.argmax())
        raise InputError(
            f"{where}: '{name}' is not a probability in [0, 1] in {rows_of(int(bad.sum()))}, e.g. "
            f"{str(col.iloc[i])!r} ({_where_rows(preds, bad, where)})",
            hint="scores must be probabilities of the positive class",
        )
    return values

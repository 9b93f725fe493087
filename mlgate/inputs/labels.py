"""Encode the eval label for the task; every label problem names the file, the column and its rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.config.gates_data import SchemaSection
from mlgate.errors import InputError, listing, rows_of
from mlgate.metrics_registry import TaskKind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.config import Config
    from mlgate.datatable import DataTable


def rows(mask: np.ndarray) -> str:
    """``rows 3, 9 and 12 more`` (1-based data rows, as the schema gate numbers them)."""
    import numpy as np

    pos = np.flatnonzero(mask)
    return f"row{'s' if pos.size > 1 else ''} {listing([int(i) + 1 for i in pos[:5]], int(pos.size))}"


def label_column(frame: DataTable, cfg: Config, where: str) -> pd.Series:
    label = cfg.data.label
    if label not in frame.columns:
        raise InputError(
            f"{where}: no label column '{label}' (data.label)",
            hint=f"columns found: {', '.join(map(str, frame.columns[:30]))}",
        )
    return frame[label]


def missing_labels(col: pd.Series, label: str, where: str) -> InputError | None:
    nan = col.isna().to_numpy()
    if not nan.any():
        return None
    return InputError(
        f"{where}: label '{label}' is missing in {rows_of(int(nan.sum()))} ({rows(nan)})",
        hint="every eval row needs its label (data.label)",
    )


def _positive_absent(text: pd.Series, cfg: Config, where: str, others: list[str]) -> InputError | None:
    """``data.positive`` that is not a label value: a config mistake (often the case), not a class."""
    pos = str(cfg.data.positive)
    values = sorted(set(text.unique()))
    if pos in values:
        return None
    folded = [v for v in values if v.casefold() == pos.casefold()]
    if not folded and len(others) < 2:
        return None  # an eval set without positive rows: the schema gate's single_class check says so
    return InputError(
        f"{where}: data.positive '{pos}' is not among the values of the label '{cfg.data.label}': "
        f"{listing([repr(v) for v in values], limit=8)}",
        hint=f"values are case-sensitive: did you mean positive: {folded[0]}?" if folded
        else "set data.positive to the label value of the positive class",
    )


def encode_labels(
    col: pd.Series, cfg: Config, where: str, extra: list[pd.Series]
) -> tuple[np.ndarray, tuple[object, ...]]:
    """(codes, classes) of the label ``col`` (without missing values); ``extra`` are the prediction
    columns, for the classes the eval set lacks."""
    import numpy as np
    import pandas as pd

    label = cfg.data.label
    if cfg.task is TaskKind.REGRESSION:
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values)
        if bad.any():
            shown = listing([repr(str(v)) for v in col[bad].iloc[:5]], int(bad.sum()))
            n = rows_of(int(bad.sum()))
            raise InputError(f"{where}: label '{label}' is not a number in {n}: {shown} ({rows(bad)})")
        return values, ()
    text = col.astype(str)
    if cfg.task is TaskKind.BINARY:
        pos = str(cfg.data.positive)
        others = sorted(set(text.unique()) - {pos})
        absent = _positive_absent(text, cfg, where, others)
        if absent is not None:
            raise absent
        if not others:
            # A single-class eval set: the negative class can only be learnt from the predictions;
            # any further unknown value is then reported by the prediction reader with file and line.
            for s in extra:
                others = sorted(set(others) | (set(s.dropna().astype(str).unique()) - {pos}))[:1]
        if pos not in set(text.unique()) and not others:
            raise InputError(f"{where}: label column '{label}' is empty")
        schema_gate = cfg.gates.get(SchemaSection)
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

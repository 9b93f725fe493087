"""Dataset checks that need no schema: duplicate ids, unknown labels, a single class, empty columns.

Each is configured in ``gates.schema`` as ``error`` (blocks), ``warn`` or ``off``. They span rows, so
they read only what they need of the table: the id and label columns whole (one column each), and
for empty columns, row batches of the columns that have shown no value yet (usually one batch).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mlgate.schema.findings import Finding, Validation, examples_from

if TYPE_CHECKING:
    from mlgate.datatable import DataTable

Level = Literal["error", "warn", "off"]


def _is_null(value: object) -> bool:
    import pandas as pd

    if isinstance(value, list | tuple | dict):
        return False
    return value is None or bool(pd.isna(value))  # type: ignore[call-overload]


@dataclass(frozen=True)
class DatasetChecks:
    duplicate_ids: Level = "error"
    unknown_labels: Level = "error"
    single_class: Level = "error"
    empty_columns: Level = "warn"


def dataset_outcome(
    table: DataTable,
    *,
    levels: DatasetChecks,
    label: str | None,
    id_col: str | None,
    known_labels: Collection[str] | None,
    classification: bool,
    max_examples: int,
    rows: int,
) -> Validation:
    """Run the enabled checks on ``table`` (batches of ``rows`` rows); findings carry their configured
    severity."""
    import numpy as np

    findings: list[Finding] = []
    n_checks = 0
    if levels.duplicate_ids != "off" and id_col is not None and id_col in table.columns:
        n_checks += 1
        ids = table[id_col]
        dup = ids.duplicated(keep="first").to_numpy()
        if dup.any():
            pos = np.flatnonzero(dup)
            findings.append(
                Finding(id_col, "duplicate_ids", f"'{id_col}' is unique", int(pos.size),
                        examples_from(pos[:max_examples], ids.to_numpy()[pos[:max_examples]], max_examples),
                        levels.duplicate_ids)
            )
    has_label = label is not None and label in table.columns
    labels = table[label] if classification and has_label and label is not None else None
    if labels is not None and levels.unknown_labels != "off" and known_labels is not None:
        assert label is not None
        n_checks += 1
        col = labels
        # Compare the few distinct values as text, not a million cells (astype(str) is slow).
        known = set(known_labels)
        unknown = [v for v in col.dropna().unique() if str(v) not in known]
        bad = col.isin(unknown).to_numpy() if unknown else None
        if bad is not None and bad.any():
            pos = np.flatnonzero(bad)
            findings.append(
                Finding(label, "unknown_labels", f"'{label}' in {sorted(known_labels)}", int(pos.size),
                        examples_from(pos[:max_examples], col.to_numpy()[pos[:max_examples]], max_examples),
                        levels.unknown_labels)
            )
    if labels is not None and levels.single_class != "off":
        assert label is not None
        n_checks += 1
        seen = labels.dropna().unique()
        if len(seen) < 2:
            findings.append(
                Finding(label, "single_class", f"'{label}' has at least two classes", None,
                        ((None, str(seen[0])),) if len(seen) else (),
                        levels.single_class)
            )
    if levels.empty_columns != "off":
        n_checks += len(table.columns)
        findings += [
            Finding(name, "empty_columns", f"'{name}' has values", None, (), levels.empty_columns)
            for name in empty_columns(table, rows)
        ]
    return Validation(len(table), n_checks, tuple(findings))


def empty_columns(table: DataTable, rows: int) -> list[str]:
    """Columns without a single value, in table order. Batches read only the columns still empty."""
    empty = list(table.columns)
    # Most columns have a value in the first row: no need to scan a million cells.
    first = next(table.batches(empty, rows=1))
    empty = [c for c in empty if len(first) == 0 or _is_null(first[c].iloc[0])]
    if not empty:
        return []
    left = set(empty)
    for batch in table.batches(empty, rows=rows):
        left -= {c for c in left if batch[c].notna().any()}
        if not left:
            break
    return [c for c in empty if c in left]

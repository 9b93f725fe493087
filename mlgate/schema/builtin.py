"""Dataset checks that need no schema: duplicate ids, unknown labels, a single class, empty columns.

Each is configured in ``gates.schema`` as ``error`` (blocks), ``warn`` or ``off``. Each is defined
once here (:data:`CHECKS`: its name, the column it looks at, what a passing table satisfies) and
:func:`plan` decides which run on which columns; each engine only translates the check into its own
computation (:func:`dataset_outcome` here for local tables, :mod:`mlgate.engines.spark_dataset` in
Spark), so both report the same findings with the same texts.

Locally they span rows, so they read only what they need of the table: the id and label columns whole
(one column each), and for empty columns, row batches of the columns that have shown no value yet
(usually one batch).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mlgate.schema.findings import Finding, Validation, examples_from

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.datatable import DataTable

Level = Literal["error", "warn", "off"]


def _is_null(value: object) -> bool:
    import pandas as pd

    if isinstance(value, list | tuple | dict):
        return False
    return value is None or bool(pd.isna(value))  # type: ignore[call-overload]


@dataclass(frozen=True)
class DatasetChecks:
    """The configured level of each check (fields named as :data:`CHECKS`)."""

    duplicate_ids: Level = "error"
    unknown_labels: Level = "error"
    single_class: Level = "error"
    empty_columns: Level = "warn"


@dataclass(frozen=True)
class BuiltinCheck:
    """One built-in dataset check: its name (the ``gates.schema`` key and the finding's check), the
    column it looks at (the id, the label of a classification, or each column) and what a passing
    table satisfies (``{column}`` and the sorted ``{known}`` labels filled in)."""

    name: str
    looks_at: Literal["id", "label", "each column"]
    expects: str
    needs_known: bool = False  # runs only when the known labels are given


DUPLICATE_IDS = BuiltinCheck("duplicate_ids", "id", "'{column}' is unique")
UNKNOWN_LABELS = BuiltinCheck("unknown_labels", "label", "'{column}' in {known}", needs_known=True)
SINGLE_CLASS = BuiltinCheck("single_class", "label", "'{column}' has at least two classes")
EMPTY_COLUMNS = BuiltinCheck("empty_columns", "each column", "'{column}' has values")
CHECKS = (DUPLICATE_IDS, UNKNOWN_LABELS, SINGLE_CLASS, EMPTY_COLUMNS)


@dataclass(frozen=True)
class Planned:
    """One check to run on one column, at its configured level (never ``off``)."""

    check: BuiltinCheck
    column: str
    level: Literal["error", "warn"]
    known: tuple[str, ...] = ()

    def finding(self, failing: int | None, examples: tuple[tuple[int | None, object], ...] = ()) -> Finding:
        text = self.check.expects.format(column=self.column, known=sorted(self.known))
        return Finding(self.column, self.check.name, text, failing, examples, self.level)


def plan(
    levels: DatasetChecks,
    *,
    label: str | None,
    id_col: str | None,
    known_labels: Collection[str] | None,
    classification: bool,
    columns: Sequence[str],
) -> list[Planned]:
    """The checks to run, in the order of their findings; each one counts as one check."""
    present = set(columns)
    looked_at: dict[str, list[str]] = {
        "id": [id_col] if id_col is not None and id_col in present else [],
        "label": [label] if classification and label is not None and label in present else [],
        "each column": list(columns),
    }
    known = tuple(known_labels) if known_labels is not None else ()
    planned: list[Planned] = []
    for check in CHECKS:
        level: Level = getattr(levels, check.name)
        if level == "off" or (check.needs_known and known_labels is None):
            continue
        planned += [Planned(check, column, level, known) for column in looked_at[check.looks_at]]
    return planned


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
    planned = plan(levels, label=label, id_col=id_col, known_labels=known_labels,
                   classification=classification, columns=table.columns)
    read: dict[str, pd.Series[Any]] = {}  # the label column serves two checks: read it once
    empty: set[str] | None = None
    findings: list[Finding] = []
    for p in planned:
        if p.check is EMPTY_COLUMNS:
            if empty is None:
                empty = set(empty_columns(table, rows))
            found = p.finding(None) if p.column in empty else None
        else:
            if p.column not in read:
                read[p.column] = table[p.column]
            found = _LOCAL[p.check.name](read[p.column], p, max_examples)
        if found is not None:
            findings.append(found)
    return Validation(len(table), len(planned), tuple(findings))


def _rows(col: pd.Series[Any], bad: Any, p: Planned, max_examples: int) -> Finding | None:
    """The finding for the rows where ``bad`` is true, if any."""
    import numpy as np

    if bad is None or not bad.any():
        return None
    pos = np.flatnonzero(bad)
    top = pos[:max_examples]
    return p.finding(int(pos.size), examples_from(top, col.to_numpy()[top], max_examples))


def _duplicate_ids(col: pd.Series[Any], p: Planned, max_examples: int) -> Finding | None:
    return _rows(col, col.duplicated(keep="first").to_numpy(), p, max_examples)


def _unknown_labels(col: pd.Series[Any], p: Planned, max_examples: int) -> Finding | None:
    # Compare the few distinct values as text, not a million cells (astype(str) is slow).
    known = set(p.known)
    unknown = [v for v in col.dropna().unique() if str(v) not in known]
    return _rows(col, col.isin(unknown).to_numpy() if unknown else None, p, max_examples)


def _single_class(col: pd.Series[Any], p: Planned, max_examples: int) -> Finding | None:
    seen = col.dropna().unique()
    return None if len(seen) >= 2 else p.finding(None, ((None, str(seen[0])),) if len(seen) else ())


_LOCAL: dict[str, Callable[[pd.Series[Any], Planned, int], Finding | None]] = {
    DUPLICATE_IDS.name: _duplicate_ids,
    UNKNOWN_LABELS.name: _unknown_labels,
    SINGLE_CLASS.name: _single_class,
}


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

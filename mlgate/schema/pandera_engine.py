"""Validate a frame with a pandera schema, lazily, and group pandera's failure cases into findings.

``validate(lazy=True)`` collects every failure into ``SchemaErrors.failure_cases``: one row per
failing value with ``column``, ``check``, ``failure_case`` and ``index`` (pandera docs, "Lazy
Validation"). Grouping that frame by (column, check) is vectorised, so the cost over pandera's own
validation stays small even when a million rows fail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mlgate.schema.findings import Finding, Validation, examples_from, plain

if TYPE_CHECKING:
    import pandas as pd

_NAME = re.compile(r"[A-Za-z_]\w*")
# Failures about the set of columns: pandera puts the column name in ``failure_case``.
_COLUMN_SET = {"column_in_dataframe", "column_in_schema"}


def check_name(text: str) -> str:
    """``isin(['a', 'b'])`` -> ``isin``; ``dtype('int64')`` -> ``dtype``."""
    m = _NAME.match(text)
    return m.group(0) if m else text


def count_checks(schema: Any) -> int:
    """How many checks the schema runs (presence, dtype, nullability, uniqueness, value checks)."""
    n = len(schema.checks) + (1 if schema.strict else 0)
    for col in schema.columns.values():
        n += 1 + (col.dtype is not None) + (not col.nullable) + bool(col.unique) + len(col.checks)
    return n


def validate_pandera(schema: Any, frame: pd.DataFrame, max_examples: int) -> Validation:
    import pandera.errors as pe

    n_checks = count_checks(schema)
    try:
        schema.validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        return Validation(len(frame), n_checks, findings_from_failure_cases(exc.failure_cases, max_examples))
    return Validation(len(frame), n_checks)


def findings_from_failure_cases(cases: pd.DataFrame, max_examples: int) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    cases = cases.reset_index(drop=True)
    column = cases["column"].astype(object)
    check = cases["check"].astype(str)
    keys = column.where(column.notna(), "").astype(str) + "\x1f" + check
    for _, group in cases.groupby(keys, sort=False):
        first = group.iloc[0]
        col = first["column"] if isinstance(first["column"], str) else None
        text = str(first["check"])
        name = check_name(text)
        if name in _COLUMN_SET:
            # One finding per missing/unexpected column, named after that column.
            for value in group["failure_case"]:
                findings.append(Finding(str(value), name, text, None, ((None, plain(value)),)))
            continue
        index = group["index"]
        has_rows = index.notna()
        if has_rows.any():
            rows = index[has_rows]
            values = group["failure_case"][has_rows]
            shown = examples_from(rows.iloc[:max_examples], values.iloc[:max_examples], max_examples)
            findings.append(Finding(col, name, text, int(rows.nunique()), shown))
        else:
            findings.append(
                Finding(col, name, text, None, examples_from([None], group["failure_case"].iloc[:1], 1))
            )
    return tuple(findings)

"""Validate a table with a pandera schema in row batches, with the result of one whole-table validation.

A Parquet table is validated ``rows`` rows at a time (``DataTable.batches``: each batch's index holds the
absolute row numbers, so pandera's failure cases name the right rows). The per-batch failure cases are
merged so the outcome equals ``validate_pandera(schema, table.to_pandas())``:

- row-wise checks: the failing rows of the batches add up (batches are disjoint), and the examples are
  the first ``max_examples`` in row order (batches come in row order);
- ``unique`` columns span rows: each is validated on that one column read whole;
- frame-level checks (column presence, strict column set, a dtype that is wrong for the whole column)
  come from one validation of a small frame: the example rows of every failing check, each column cast
  to the dtype the whole table would have. A Parquet integer column reads as float64 in the batches
  that hold a null and as int64 in the others, so a per-batch dtype verdict is not the table's.
  pandera's order of failures depends only on the schema, so that small validation also gives the
  whole-table order of the findings;
- checks whose result is not row-wise (custom or aggregate checks such as ``unique_values_eq``,
  dataframe-level checks, parsers, index checks, multi-column uniqueness) need every row at once: a
  schema with any of them is validated on the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlgate.schema.findings import Finding, Validation, examples_from
from mlgate.schema.pandera_engine import (
    check_name,
    count_checks,
    findings_from_failure_cases,
    validate_pandera,
)

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.datatable import DataTable

# pandera's built-in checks that decide each value on its own (pandera.api.checks.Check).
ROW_WISE = frozenset({
    "equal_to", "not_equal_to", "greater_than", "greater_than_or_equal_to", "less_than",
    "less_than_or_equal_to", "in_range", "isin", "notin", "str_matches", "str_contains",
    "str_startswith", "str_endswith", "str_length",
})


def batchable(schema: Any) -> bool:
    """True when every check of ``schema`` judges one row at a time (uniqueness is handled apart)."""
    if schema.checks or schema.parsers or schema.index is not None or schema.unique:
        return False
    for col in schema.columns.values():
        if col.parsers:
            return False
        if any(not (c.element_wise or c.name in ROW_WISE) for c in col.checks):
            return False
    return True


def failure_cases(schema: Any, frame: pd.DataFrame) -> pd.DataFrame | None:
    import pandera.errors as pe

    try:
        schema.validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        cases: pd.DataFrame = exc.failure_cases.reset_index(drop=True)
        return cases
    return None


def case_keys(cases: pd.DataFrame) -> pd.Series:
    column = cases["column"].astype(object)
    return column.where(column.notna(), "").astype(str) + "\x1f" + cases["check"].astype(str)


@dataclass
class _Rows:
    """The failing rows of one (column, check) so far."""

    column: str | None
    text: str
    failing: int = 0
    examples: list[tuple[int | None, object]] = field(default_factory=list)


class RowMerge:
    """Row-level failure cases of consecutive batches, merged as if from one validation."""

    def __init__(self, max_examples: int) -> None:
        self.max_examples = max_examples
        self.rows: dict[str, _Rows] = {}

    def add(self, cases: pd.DataFrame) -> set[int]:
        """Merge one batch's failure cases (batches in row order). Returns the rows (0-based) worth
        keeping for the small frame: the examples, and at least the first failing row of each check."""
        cases = cases[cases["index"].notna()]
        keep: set[int] = set()
        for key, group in cases.groupby(case_keys(cases), sort=False):
            first = group.iloc[0]
            column = first["column"] if isinstance(first["column"], str) else None
            entry = self.rows.get(str(key))
            if entry is None:
                entry = self.rows[str(key)] = _Rows(column, str(first["check"]))
                keep.add(int(first["index"]))
            entry.failing += int(group["index"].nunique())
            room = self.max_examples - len(entry.examples)
            if room > 0:
                index, values = group["index"].iloc[:room], group["failure_case"].iloc[:room]
                entry.examples += examples_from(index, values, room)
                keep.update(int(i) for i in index)
        return keep

    def finding(self, key: str) -> Finding:
        e = self.rows[key]
        return Finding(e.column, check_name(e.text), e.text, e.failing, tuple(e.examples))


def unified_dtype(dtypes: list[Any]) -> Any:
    """The dtype a column read whole would have, from its dtypes in the batches (int64 + float64 ->
    float64, as Arrow converts an integer column with nulls; anything else mixed -> object)."""
    import numpy as np

    if all(d == dtypes[0] for d in dtypes):
        return dtypes[0]
    if all(isinstance(d, np.dtype) for d in dtypes):
        return np.result_type(*dtypes)
    return np.dtype(object)


def validate_pandera_table(schema: Any, table: DataTable, max_examples: int, rows: int) -> Validation:
    """:func:`validate_pandera` of the whole table, computed in batches of ``rows`` rows."""
    n = len(table)
    if n <= rows or not batchable(schema):
        return validate_pandera(schema, table.to_pandas(), max_examples)
    merge = RowMerge(max_examples)
    unique = [name for name, col in schema.columns.items() if col.unique and name in table.columns]
    wanted: set[int] = set()
    for name in unique:  # before the batches: its example rows are then picked from them
        wanted |= _duplicates(schema.columns[name], table, merge)
    per_row = schema.update_columns({name: {"unique": False} for name in unique}) if unique else schema
    samples: list[pd.DataFrame] = []
    dtypes: dict[str, list[Any]] = {}
    for batch in table.batches(rows=rows):
        if not samples:
            samples.append(batch.iloc[:0])  # the column set, when no row fails
        for name, dtype in batch.dtypes.items():
            seen = dtypes.setdefault(str(name), [])
            if not any(d == dtype for d in seen):
                seen.append(dtype)
        cases = failure_cases(per_row, batch)
        keep = wanted.intersection(batch.index) | (merge.add(cases) if cases is not None else set())
        if keep:
            samples.append(batch.loc[sorted(keep)])
    return Validation(n, count_checks(schema), _ordered(schema, merge, samples, dtypes))


def _duplicates(column: Any, table: DataTable, merge: RowMerge) -> set[int]:
    """pandera's ``unique`` check of one column read whole; the rows to keep include a second row of
    the first duplicated value, so the small frame fails the check too."""
    import pandera.pandas as pa

    name = str(column.name)
    only = pa.DataFrameSchema(
        {name: pa.Column(None, nullable=True, unique=True, report_duplicates=column.report_duplicates)}
    )
    cases = failure_cases(only, table.read([name]))
    if cases is None:
        return set()
    keep = merge.add(cases)
    first = cases["failure_case"].iloc[0]
    same = cases["index"][cases["failure_case"] == first]
    return keep | {int(i) for i in same.iloc[:2]}


def _ordered(
    schema: Any, merge: RowMerge, samples: list[pd.DataFrame], dtypes: dict[str, list[Any]]
) -> tuple[Finding, ...]:
    """Row findings from ``merge`` and frame findings from a small frame, in pandera's order."""
    import pandas as pd

    small = pd.concat(samples[1:]) if len(samples) > 1 else samples[0]
    for name, seen in dtypes.items():
        want = unified_dtype(seen)
        if small[name].dtype != want:
            small[name] = small[name].astype(want)
    cases = failure_cases(schema, small)
    findings: list[Finding] = []
    done: set[str] = set()
    if cases is not None:
        for key, group in cases.groupby(case_keys(cases), sort=False):
            if str(key) in merge.rows:
                findings.append(merge.finding(str(key)))
                done.add(str(key))
            elif group["index"].isna().all():
                findings += findings_from_failure_cases(group, merge.max_examples)
    findings += [merge.finding(k) for k in merge.rows if k not in done]
    return tuple(findings)

"""The schema gate on a Spark DataFrame: the same findings as pandera on the pandas table, computed in
Spark without collecting a column.

- Row checks: each pandera check (``not_nullable``, ``unique``, the built-in row-wise checks) becomes a
  Spark boolean column that is true where the check FAILS; one aggregate counts the failing rows of
  every check (and each column's missing values, and its first failing row). A failing check then costs
  one small query for its first ``max_examples`` rows in row order.
- Frame checks and the order of the findings: pandera itself validates a small pandas frame made of
  those example rows (plus the first missing value of each column), each column cast to the dtype the
  whole column has in pandas (an integer column with missing values is float64 there). That gives the
  column presence, the strict column set and the dtype verdicts exactly as on the pandas table.
- pandera ``unique`` as group counts. The built-in dataset checks reuse :class:`Scan`
  (:mod:`mlgate.engines.spark_dataset`).

Missing means null, or NaN in a floating column (pandas' ``isna``), which pandera's checks skip.

pandera's own pyspark backend cross-checks the column checks where it imports
(:mod:`mlgate.engines.spark_pandera`); the counts above decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from mlgate.engines.spark_pandera import disagreement
from mlgate.engines.spark_stats import ORDER, POS, missing
from mlgate.errors import InputError
from mlgate.schema.findings import Finding, Validation, examples_from

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.engines.spark import SparkTable

_FIRST = "__mlgate_first__"


def check_expr(col: Any, check: Any, where: str) -> Any:
    """True where a pandera built-in row check FAILS (missing values pass: ``ignore_na``)."""
    from pyspark.sql import functions as F

    s = check.statistics
    ops = {
        "equal_to": lambda: col != F.lit(s["value"]),
        "not_equal_to": lambda: col == F.lit(s["value"]),
        "greater_than": lambda: col <= F.lit(s["min_value"]),
        "greater_than_or_equal_to": lambda: col < F.lit(s["min_value"]),
        "less_than": lambda: col >= F.lit(s["max_value"]),
        "less_than_or_equal_to": lambda: col > F.lit(s["max_value"]),
        "in_range": lambda: (
            (col < F.lit(s["min_value"]) if s.get("include_min", True) else col <= F.lit(s["min_value"]))
            | (col > F.lit(s["max_value"]) if s.get("include_max", True) else col >= F.lit(s["max_value"]))
        ),
        "isin": lambda: ~col.isin(list(s["allowed_values"])),
        "notin": lambda: col.isin(list(s["forbidden_values"])),
        # pandas' str.match anchors at the start, str.contains searches (both Python regex).
        "str_matches": lambda: ~col.rlike(f"^(?:{s['pattern']})"),
        "str_contains": lambda: ~col.rlike(str(s["pattern"])),
        "str_startswith": lambda: ~col.startswith(str(s["string"])),
        "str_endswith": lambda: ~col.endswith(str(s["string"])),
        "str_length": lambda: _length_fails(F.length(col), s),
    }
    if check.name not in ops or check.element_wise:
        raise InputError(
            f"{where}: schema check '{check.error or check.name}' is not supported with data.engine: spark",
            hint=f"built-in checks only ({', '.join(ops)}); or set data.engine: pandas",
        )
    return ops[check.name]()


def _length_fails(n: Any, s: dict[str, Any]) -> Any:
    from pyspark.sql import functions as F

    if s.get("exact_value") is not None:
        return n != F.lit(s["exact_value"])
    fails = F.lit(False)
    if s.get("min_value") is not None:
        fails = fails | (n < F.lit(s["min_value"]))
    if s.get("max_value") is not None:
        fails = fails | (n > F.lit(s["max_value"]))
    return fails


@dataclass
class RowCheck:
    """One row check: its pandera key (column, check text) and the failing rows as a Spark filter."""

    column: str | None
    check: str  # bare name (severity keys)
    text: str  # as pandera prints it, e.g. "in_range(0, 120)"
    rows: Any  # Spark DataFrame of the failing rows
    failing: int = 0
    first: Any = None  # ORDER of the first failing row (from the aggregate)
    orders: tuple[Any, ...] = ()  # ORDER of the example rows
    also: tuple[Any, ...] = ()  # ORDER of more rows the small frame needs to fail the check too

    @property
    def key(self) -> str:
        return f"{self.column or ''}\x1f{self.text}"


class Scan:
    """Collects row checks on one Spark table and resolves them with few Spark jobs."""

    def __init__(self, table: SparkTable, max_examples: int) -> None:
        self.table = table
        self.frame = table.spark
        self.order = ORDER
        self.types = {name: t for name, t in self.frame.dtypes}
        self.max_examples = max_examples
        self.checks: list[RowCheck] = []
        self.counted: list[tuple[RowCheck, Any]] = []  # (check, boolean column) for the aggregate
        self.nulls: dict[str, int] = {}
        self.first_null: dict[str, Any] = {}
        self.position: dict[str, int] = {}  # repr(ORDER value) -> 0-based row, for the small frame

    def add(self, check: RowCheck, fails: Any | None = None) -> RowCheck:
        """A check whose failing rows are ``fails`` (counted in the aggregate) or ``check.rows``
        (counted with ``failing`` already set)."""
        self.checks.append(check)
        if fails is not None:
            self.counted.append((check, fails))
        return check

    def filter(self, fails: Any) -> Any:
        return self.frame.where(fails)

    def run(self) -> None:
        """One aggregate (counts, first failing rows, missing values), then one query per failing check."""
        from pyspark.sql import functions as F

        order = F.col(self.order)
        columns = self.table.columns
        exprs = []
        for i, (_, fails) in enumerate(self.counted):
            exprs += [F.sum(fails.cast("long")).alias(f"n{i}"), F.min(F.when(fails, order)).alias(f"f{i}")]
        for i, name in enumerate(columns):
            miss = missing(F.col(name), self.types[name])
            exprs += [F.sum(miss.cast("long")).alias(f"m{i}"), F.min(F.when(miss, order)).alias(f"g{i}")]
        row = self.frame.agg(*exprs).first()
        for i, (check, _) in enumerate(self.counted):
            check.failing, check.first = int(row[f"n{i}"] or 0), row[f"f{i}"]
        for i, name in enumerate(columns):
            self.nulls[name], self.first_null[name] = int(row[f"m{i}"] or 0), row[f"g{i}"]
        for check in self.checks:
            if not check.failing:
                continue
            if self.max_examples <= 1 and check.first is not None:
                check.orders = (check.first,)
            else:
                top = check.rows.orderBy(self.order).select(self.order).limit(max(1, self.max_examples))
                check.orders = tuple(r[0] for r in top.collect())

    def small_frame(self, extra: Sequence[Any] = ()) -> pd.DataFrame:
        """The example rows (and ``extra`` rows) as pandas, indexed by their 0-based position, each
        column cast to its dtype in the whole table."""
        import numpy as np
        from pyspark.sql import functions as F

        order = F.col(self.order)
        wanted = {repr(o): o for c in self.checks for o in (*c.orders, *c.also)}
        wanted.update({repr(o): o for o in extra if o is not None})
        lits = [self._lit(o) for o in wanted.values()]
        self.position = {}
        if lits:
            counts = self.frame.agg(*[F.sum((order < v).cast("long")) for v in lits]).first()
            self.position = {k: int(counts[i] or 0) for i, k in enumerate(wanted)}
            pos = reduce(lambda acc, i: F.when(order == lits[i], F.lit(self.position[list(wanted)[i]]))
                         .otherwise(acc), range(len(lits)), F.lit(None))
            rows = self.frame.where(reduce(lambda a, b: a | b, [order == v for v in lits]))
            local: pd.DataFrame = rows.withColumn(POS, pos).drop(self.order).toPandas()
            local = local.set_index(POS).rename_axis(None).sort_index()
        else:
            local = self.frame.limit(0).drop(self.order).toPandas()
        for name in local.columns:
            # pyarrow/pandas: an integer column holding a missing value is float64, a boolean one object.
            kind = local[name].dtype.kind
            if self.nulls.get(name) and kind in "iu":
                local[name] = local[name].astype(np.float64)
            elif self.nulls.get(name) and kind == "b":
                local[name] = local[name].astype(object)
        return local

    def _lit(self, value: Any) -> Any:
        from pyspark.sql import functions as F

        kind = self.frame.schema[self.order].dataType
        if hasattr(value, "__fields__"):
            return F.struct(*[F.lit(value[n]).alias(n) for n in value.__fields__]).cast(kind)
        return F.lit(value).cast(kind)

    def examples(self, check: RowCheck, small: pd.DataFrame) -> tuple[tuple[int | None, object], ...]:
        rows = [self.position[repr(o)] for o in check.orders][: self.max_examples]
        values = [small.at[r, check.column] if check.column in small.columns else None for r in rows]
        return examples_from(rows, values, self.max_examples)


def pandera_outcome(schema: Any, table: SparkTable, max_examples: int, where: str) -> Validation:
    """pandera's findings for ``schema`` on the Spark table (see the module docstring)."""
    from pyspark.sql import functions as F

    from mlgate.schema.batched import batchable, case_keys, failure_cases
    from mlgate.schema.pandera_engine import check_name, count_checks, findings_from_failure_cases

    if not batchable(schema):
        raise InputError(
            f"{where}: the schema has checks that are not row checks (dataframe-level or custom checks, "
            "parsers, index or multi-column uniqueness): not supported with data.engine: spark",
            hint="use built-in column checks, or set data.engine: pandas",
        )
    scan = Scan(table, max_examples)
    present = set(table.columns)
    for name, col in schema.columns.items():
        if name not in present:
            continue
        c = F.col(name)
        miss = missing(c, scan.types[name])
        if not col.nullable:
            fails = miss
            scan.add(RowCheck(name, "not_nullable", "not_nullable", scan.filter(fails)), fails)
        if col.unique:
            scan.add(_unique(scan, name, col.report_duplicates))
        for check in col.checks:
            fails = ~miss & check_expr(c, check, where)
            text = str(check.error)
            scan.add(RowCheck(name, check_name(text), text, scan.filter(fails)), fails)
    scan.run()
    extra = list(scan.first_null.values())
    small = scan.small_frame(extra)
    cases = failure_cases(schema, small)
    if cases is not None:
        for key, group in cases.groupby(case_keys(cases), sort=False):
            name, text = str(key).split("\x1f", 1)
            if check_name(text) == "dtype" and group["index"].notna().any():
                # pandera fails an integer dtype on the missing values of a float64 column.
                scan.checks.append(_nulls(scan, name, text))
        if any(c.check == "dtype" for c in scan.checks):
            small = scan.small_frame(extra)
    by_key = {c.key: c for c in scan.checks if c.failing}
    findings: list[Finding] = []
    done: set[str] = set()
    if cases is not None:
        for key, group in cases.groupby(case_keys(cases), sort=False):
            if str(key) in by_key:
                findings.append(_finding(scan, by_key[str(key)], small))
                done.add(str(key))
            elif group["index"].isna().all():
                findings += findings_from_failure_cases(group, max_examples)
    findings += [_finding(scan, c, small) for k, c in by_key.items() if k not in done]
    notes = disagreement(schema, table, set(by_key))
    return Validation(len(table), count_checks(schema), tuple(findings), notes)


def _unique(scan: Scan, name: str, report: str) -> RowCheck:
    """pandera ``unique``: the rows whose (non-missing) value occurs more than once; with
    ``report_duplicates`` "exclude_first"/"exclude_last", all but the first/last of each value."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    c = F.col(name)
    keep = scan.frame.where(~missing(c, scan.types[name]))
    group = Window.partitionBy(c)
    marked = keep.withColumn("__n", F.count(F.lit(1)).over(group))
    if report == "exclude_first":
        marked = marked.withColumn(_FIRST, F.min(scan.order).over(group))
        marked = marked.where(F.col(scan.order) > F.col(_FIRST)).drop(_FIRST)
    elif report == "exclude_last":
        marked = marked.withColumn(_FIRST, F.max(scan.order).over(group))
        marked = marked.where(F.col(scan.order) < F.col(_FIRST)).drop(_FIRST)
    rows = marked.where(F.col("__n") > 1).drop("__n")
    check = RowCheck(name, "field_uniqueness", "field_uniqueness", rows, failing=rows.count())
    if check.failing:
        # Two rows of the first duplicated value (in the whole column), so pandera fails the small frame.
        first = scan.frame.join(rows.select(c).limit(1), on=name, how="left_semi")
        check.also = tuple(r[0] for r in first.orderBy(scan.order).select(scan.order).limit(2).collect())
    return check


def _nulls(scan: Scan, name: str, text: str) -> RowCheck:
    from pyspark.sql import functions as F

    check = RowCheck(name, "dtype", text, scan.filter(missing(F.col(name), scan.types[name])),
                     failing=scan.nulls[name])
    top = check.rows.orderBy(scan.order).select(scan.order).limit(max(1, scan.max_examples))
    check.orders = tuple(r[0] for r in top.collect())
    return check


def _finding(scan: Scan, check: RowCheck, small: pd.DataFrame) -> Finding:
    return Finding(check.column, check.check, check.text, check.failing, scan.examples(check, small))

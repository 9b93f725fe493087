"""Schema checks of a pandera YAML schema on a Spark DataFrame: failing-row counts per check.

The checks are translated into one Spark aggregate that counts the failing rows of every check.
pandera's own pyspark backend (``pandera.pyspark``) cannot be imported next to pandas 3: it imports
``pyspark.pandas``, which needs ``pandas.tseries.frequencies.DateOffset`` (removed in pandas 3); it
also reports pass/fail per check, not failing-row counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import InputError


@dataclass(frozen=True)
class CheckCount:
    """Rows failing one schema check (``column`` None: a frame-level check such as the column set)."""

    column: str | None
    check: str
    failing: int


_SPARK_TYPES = {
    "int64": ("bigint", "int", "smallint", "tinyint"),
    "int32": ("int", "smallint", "tinyint"),
    "float64": ("double", "float"),
    "float32": ("float",),
    "str": ("string",),
    "string[pyarrow]": ("string",),
    "string[python]": ("string",),
    "string": ("string",),
    "object": ("string",),
    "bool": ("boolean",),
    "boolean": ("boolean",),
}


_COLUMN_OPTIONS = {"dtype", "nullable", "unique", "required", "coerce", "regex", "title", "description",
                   "metadata", "checks", "drop_invalid_rows", "report_duplicates", "name"}


def _check_expr(col: Any, name: str, arg: Any) -> Any:
    """A Spark boolean column that is true where a pandera builtin check FAILS (nulls pass, as in pandera)."""
    from pyspark.sql import functions as F

    ops = {
        "equal_to": lambda v: col != F.lit(v),
        "not_equal_to": lambda v: col == F.lit(v),
        "greater_than": lambda v: col <= F.lit(v),
        "greater_than_or_equal_to": lambda v: col < F.lit(v),
        "less_than": lambda v: col >= F.lit(v),
        "less_than_or_equal_to": lambda v: col > F.lit(v),
        "isin": lambda v: ~col.isin(list(v)),
        "notin": lambda v: col.isin(list(v)),
    }
    if name == "in_range":
        lo, hi = arg["min_value"], arg["max_value"]
        below = col < F.lit(lo) if arg.get("include_min", True) else col <= F.lit(lo)
        above = col > F.lit(hi) if arg.get("include_max", True) else col >= F.lit(hi)
        return col.isNotNull() & (below | above)
    if name not in ops:
        raise InputError(
            f"schema check '{name}' is not supported with data.engine: spark",
            hint=f"supported: in_range, {', '.join(ops)}; or set data.engine: pandas",
        )
    return col.isNotNull() & ops[name](arg)


def schema_counts(frame: Any, schema: dict[str, Any], where: str) -> list[CheckCount]:
    """Failing-row counts of every check of a pandera YAML schema (as a dict), in one Spark job."""
    from pyspark.sql import functions as F

    from mlgate.engines.spark import ORDER

    present = [c for c in frame.columns if c != ORDER]
    dtypes = dict(frame.dtypes)
    out: list[CheckCount] = []
    exprs: list[tuple[str | None, str, Any]] = []
    columns = schema.get("columns") or {}
    for name, spec in columns.items():
        spec = spec or {}
        if name not in present:
            if spec.get("required", True):
                out.append(CheckCount(name, "column_in_dataframe", 1))
            continue
        want = spec.get("dtype")
        if want is not None and dtypes[name] not in _SPARK_TYPES.get(str(want), (str(want),)):
            out.append(CheckCount(name, "dtype", 1))
        col = F.col(name)
        if not spec.get("nullable", False):
            exprs.append((name, "not_nullable", col.isNull()))
        # pandera's compact YAML inlines the checks next to the column options; older files nest them.
        checks = {k: v for k, v in spec.items() if k not in _COLUMN_OPTIONS}
        checks.update(spec.get("checks") or {})
        for check, arg in checks.items():
            exprs.append((name, check, _check_expr(col, check, arg)))
        if spec.get("unique", False):
            dup = frame.where(col.isNotNull()).groupBy(col).count().where(F.col("count") > 1)
            extra = dup.agg(F.sum(F.col("count") - 1)).first()[0]
            out.append(CheckCount(name, "field_uniqueness", int(extra or 0)))
    if schema.get("strict"):
        out += [CheckCount(c, "column_in_schema", 1) for c in present if c not in columns]
    if exprs:
        row = frame.agg(*[F.sum(e.cast("long")).alias(f"c{i}") for i, (_, _, e) in enumerate(exprs)]).first()
        out += [CheckCount(col, check, int(row[f"c{i}"] or 0)) for i, (col, check, _) in enumerate(exprs)]
    return [c for c in out if c.failing]


def load_schema_yaml(path: str | Path, where: str) -> dict[str, Any]:
    import yaml

    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{where}: cannot read the schema: {exc}") from None
    if not isinstance(doc, dict) or "columns" not in doc:
        raise InputError(f"{where}: not a pandera YAML schema (no 'columns' key)")
    return doc


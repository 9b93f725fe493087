"""Infer a starting schema from data: types, nullability, ranges with a margin, categories, unique ids.

Both output formats (pandera YAML, Great Expectations 1.x suite JSON) are written from the same
:class:`ColumnSpec` list, so the two schemas accept and reject the same data. Round trip: the data a
schema is inferred from always passes it (ranges are widened, never narrowed; categories are exactly
the observed ones). The result is a starting point to edit, e.g. to widen a category list.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MARGIN = 0.1  # ranges are widened by 10% of the observed span on each side
MAX_CATEGORIES = 20  # text columns with at most this many distinct values get an allowed-values list
# GX compares pandas dtypes with np.dtype(name) (expect_column_values_to_be_in_type_list._validate_pandas),
# which cannot express pandas' "str" extension dtype: text columns get no type expectation in GX (their
# allowed values, when inferred, still pin them down).
GE_TYPES = {"int": ["int64"], "float": ["float64"], "bool": ["bool"]}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # int | float | bool | str | datetime | other
    dtype: str | None  # pandera dtype, None = not checked
    nullable: bool
    lo: float | None = None
    hi: float | None = None
    categories: tuple[Any, ...] | None = None
    unique: bool = False


def _kind(series: pd.Series) -> tuple[str, str | None]:
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int", str(dtype)
    if pd.api.types.is_float_dtype(dtype):
        return "float", str(dtype)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime", str(dtype)
    # An object column holding only text is text too (pandas < 3 reads strings as object).
    if isinstance(dtype, pd.StringDtype) or (
        pd.api.types.is_string_dtype(dtype) and pd.api.types.infer_dtype(series, skipna=True) == "string"
    ):
        return "str", "str"
    return "other", None


def _widen(lo: float, hi: float, integer: bool) -> tuple[float, float]:
    span = hi - lo
    margin = MARGIN * span if span > 0 else MARGIN * max(abs(hi), 1.0)
    new_lo, new_hi = lo - margin, hi + margin
    if lo >= 0:
        new_lo = max(0.0, new_lo)  # a non-negative quantity (age, amount) stays non-negative
    if integer:
        return float(math.floor(new_lo)), float(math.ceil(new_hi))
    return new_lo, new_hi


def _is_id(name: str) -> bool:
    low = name.lower()
    return low in ("id", "uuid", "key") or low.endswith(("_id", "_uuid"))


def infer_specs(frame: pd.DataFrame, id_column: str | None = None) -> list[ColumnSpec]:
    specs = []
    n = len(frame)
    for name in frame.columns:
        col = frame[name]
        kind, dtype = _kind(col)
        nullable = bool(col.isna().any())
        values = col.dropna()
        lo = hi = None
        categories = None
        if kind in ("int", "float") and len(values):
            lo, hi = _widen(float(values.min()), float(values.max()), kind == "int")
        if kind == "str" and len(values):
            distinct = values.unique()
            if len(distinct) <= MAX_CATEGORIES and n >= 2 * len(distinct):
                categories = tuple(sorted(str(v) for v in distinct))
        unique = (
            (name == id_column or (id_column is None and _is_id(str(name))))
            and not nullable
            and kind in ("int", "str")
            and bool(col.is_unique)
        )
        specs.append(ColumnSpec(str(name), kind, dtype, nullable, lo, hi, categories, unique))
    return specs


def _num(value: float, kind: str) -> int | float:
    return int(value) if kind == "int" else value


def infer_pandera_yaml(frame: pd.DataFrame, id_column: str | None = None) -> str:
    """The pandera YAML schema (``DataFrameSchema.to_yaml()``) of ``frame``; ``frame`` passes it."""
    import pandera.pandas as pa
    import yaml

    columns = {}
    specs = infer_specs(frame, id_column)
    for s in specs:
        checks = []
        if s.lo is not None and s.hi is not None:
            checks.append(pa.Check.in_range(_num(s.lo, s.kind), _num(s.hi, s.kind)))
        if s.categories is not None:
            checks.append(pa.Check.isin(list(s.categories)))
        columns[s.name] = pa.Column(s.dtype, checks=checks, nullable=s.nullable, unique=s.unique)
    doc = yaml.safe_load(str(pa.DataFrameSchema(columns, strict=True).to_yaml()))
    for s in specs:
        if s.kind == "str":
            # pandera writes the storage it saw (string[pyarrow], string[python]); the schema means text,
            # in any storage (mlgate.schema.strings): write the logical name.
            doc["columns"][s.name]["dtype"] = "str"
    return str(yaml.safe_dump(doc, sort_keys=False))


def infer_ge_suite(frame: pd.DataFrame, name: str = "mlgate", id_column: str | None = None) -> str:
    """The equivalent Great Expectations 1.x ExpectationSuite, as JSON."""
    specs = infer_specs(frame, id_column)
    exps: list[dict[str, Any]] = [
        {"type": "expect_table_columns_to_match_set",
         "kwargs": {"column_set": [s.name for s in specs], "exact_match": True}}
    ]
    for s in specs:
        def add(kind: str, _col: str = s.name, **kwargs: Any) -> None:
            exps.append({"type": kind, "kwargs": {"column": _col, **kwargs}})

        add("expect_column_to_exist")
        if s.kind in GE_TYPES:
            add("expect_column_values_to_be_in_type_list", type_list=GE_TYPES[s.kind])
        if not s.nullable:
            add("expect_column_values_to_not_be_null")
        if s.lo is not None and s.hi is not None:
            add("expect_column_values_to_be_between",
                min_value=_num(s.lo, s.kind), max_value=_num(s.hi, s.kind))
        if s.categories is not None:
            add("expect_column_values_to_be_in_set", value_set=list(s.categories))
        if s.unique:
            add("expect_column_values_to_be_unique")
    suite = {"name": name, "expectations": exps, "meta": {"generated_by": "mlgate schema infer"}}
    return json.dumps(suite, indent=2, sort_keys=False) + "\n"

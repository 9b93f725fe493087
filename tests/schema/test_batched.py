"""Row-batch validation equals whole-table validation: pandera (checked against pandera's own failure
cases), the built-in dataset checks and Great Expectations suites, on a Parquet table read 7 rows at a
time with failures in several batches, duplicates across batch borders, a missing column and an extra
column of a strict schema."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.errors as pe
import pandera.pandas as pa
import pytest

from mlgate.io.lazy import FrameTable, ParquetTable
from mlgate.schema.batched import batchable, validate_pandera_table
from mlgate.schema.builtin import DatasetChecks, dataset_outcome
from mlgate.schema.findings import Validation
from mlgate.schema.pandera_engine import validate_pandera

ROWS = 7  # batch size: 45 rows -> 7 batches


def frame() -> pd.DataFrame:
    n = 45
    rng = np.random.default_rng(3)
    ids = np.arange(n)
    ids[7] = ids[6]  # duplicate across the border of batches 1 and 2
    ids[40] = ids[2]  # duplicate across distant batches
    age = rng.integers(20, 60, n).astype(float)
    age[[3, 15, 30, 44]] = [200, -1, 130, 500]  # out of range in four batches
    age[[22, 24]] = np.nan  # an integer column with nulls in one batch only (rows 21-27)
    sex = np.array(["female", "male"] * 23, dtype=object)[:n]
    sex[[9, 28]] = ["x", None]
    label = np.array(["good", "bad", "good"] * 15, dtype=object)
    label[33] = "maybe"
    return pd.DataFrame({
        "id": ids, "age": pd.array(age, dtype="Float64").astype("Int64"), "sex": sex,
        "credit": label, "empty": pd.Series([None] * n, dtype="float64"), "extra": np.arange(n),
    })


def schema(age_dtype: str = "int64") -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "id": pa.Column("int64", pa.Check.ge(0), unique=True),
            "age": pa.Column(age_dtype, pa.Check.in_range(0, 120), nullable=True),
            "sex": pa.Column("str", pa.Check.isin(["female", "male"])),
            "credit": pa.Column("str", pa.Check.str_length(3, 4)),
            "missing": pa.Column("int64"),
        },
        strict=True,
    )


def write(path: Path) -> ParquetTable:
    """Without pandas' metadata (as Spark and most writers): the nullable integer column then reads
    as float64 where a batch holds a null and int64 elsewhere."""
    import pyarrow as pyarrow
    import pyarrow.parquet as pq

    arrow = pyarrow.Table.from_pandas(frame(), preserve_index=False).replace_schema_metadata(None)
    pq.write_table(arrow, path, row_group_size=ROWS)
    return ParquetTable(path, path.name)


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ParquetTable:
    t = write(tmp_path / "eval.parquet")

    def whole() -> pd.DataFrame:
        raise AssertionError("the table was loaded whole")

    monkeypatch.setattr(t, "to_pandas", whole)
    return t


def whole(t: ParquetTable) -> pd.DataFrame:
    return ParquetTable(t.path, t.source).to_pandas()


def reference(schema: pa.DataFrameSchema, data: pd.DataFrame, k: int) -> dict[tuple[Any, str], Any]:
    """pandera's own lazy failure cases: (column, check) -> (distinct failing rows, first k rows)."""
    with pytest.raises(pe.SchemaErrors) as err:
        schema.validate(data, lazy=True)
    out: dict[tuple[Any, str], Any] = {}
    for (col, check), g in err.value.failure_cases.groupby(["column", "check"], dropna=False, sort=False):
        rows = g["index"].dropna()
        out[(col if isinstance(col, str) else None, str(check))] = (
            rows.nunique() if len(rows) else None,
            [int(r) + 1 for r in rows.iloc[:k]],
            list(g["failure_case"]) if not len(rows) else None,
        )
    return out


@pytest.mark.parametrize("k", [0, 1, 3])
def test_pandera_batches_equal_whole_table(table: ParquetTable, k: int) -> None:
    data = whole(table)
    assert data["age"].dtype == np.float64  # nulls: float64 whole, int64 in the batches without one
    s = schema()
    assert batchable(s)
    got = validate_pandera_table(s, table, k, rows=ROWS)
    assert got == validate_pandera(s, data, k)
    ref = reference(s, data, k)
    findings = {(f.column, f.description): f for f in got.findings if f.failing is not None}
    for (col, check), (n, rows, _) in ref.items():
        if n is None:
            continue
        f = findings[(col, check)]
        assert (f.failing, [r for r, _ in f.examples]) == (n, rows)
    assert findings[("id", "field_uniqueness")].failing == 4  # both rows of each duplicated id
    assert findings[("age", "in_range(0, 120)")].failing == 4
    assert findings[("age", "dtype('int64')")].failing == 2  # the missing values of a float64 column
    names = {(f.column, f.check) for f in got.findings}
    assert {("missing", "column_in_dataframe"), ("extra", "column_in_schema"),
            ("empty", "column_in_schema")} <= names
    assert got.n_rows == 45 and got.n_checks == validate_pandera(s, data, k).n_checks


def test_dtype_is_the_whole_columns(table: ParquetTable) -> None:
    # float64 is right for the whole column, though 6 of 7 batches read it as int64.
    s = schema("float64")
    got = validate_pandera_table(s, table, 3, rows=ROWS)
    assert got == validate_pandera(s, whole(table), 3)
    assert not [f for f in got.findings if f.check == "dtype"]


def test_examples_name_absolute_rows(table: ParquetTable) -> None:
    got = validate_pandera_table(schema(), table, 5, rows=ROWS)
    age = next(f for f in got.findings if f.check == "in_range")
    assert age.examples == ((4, 200.0), (16, -1.0), (31, 130.0), (45, 500.0))


def test_aggregate_checks_use_the_whole_table(tmp_path: Path) -> None:
    t = write(tmp_path / "t.parquet")
    s = pa.DataFrameSchema({"credit": pa.Column("str", pa.Check.unique_values_eq(["good", "bad"]))})
    assert not batchable(s)
    assert validate_pandera_table(s, t, 3, rows=ROWS) == validate_pandera(s, whole(t), 3)


def test_dataset_checks_batches_equal_one_frame(table: ParquetTable) -> None:
    kwargs: dict[str, Any] = {
        "levels": DatasetChecks(), "label": "credit", "id_col": "id", "known_labels": ("bad", "good"),
        "classification": True, "max_examples": 2,
    }
    batched = dataset_outcome(table, rows=ROWS, **kwargs)
    data = whole(table)
    one = dataset_outcome(FrameTable(data, "eval"), rows=10**6, **kwargs)
    assert batched == one
    by = {f.check: f for f in batched.findings}
    assert by["duplicate_ids"].failing == 2 and by["duplicate_ids"].examples == ((8, 6), (41, 2))
    assert by["unknown_labels"].examples == ((34, "maybe"),)
    assert by["empty_columns"].column == "empty"
    assert batched.n_checks == 3 + data.shape[1]


def ge_suite(*extra: dict[str, Any]) -> dict[str, Any]:
    return {"name": "t", "expectations": [
        {"type": "expect_table_columns_to_match_set",
         "kwargs": {"column_set": ["id", "age", "sex", "credit", "empty"], "exact_match": True}},
        {"type": "expect_column_to_exist", "kwargs": {"column": "missing"}},
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "age", "min_value": 0, "max_value": 120}},
        {"type": "expect_column_values_to_be_in_set",
         "kwargs": {"column": "sex", "value_set": ["female", "male"]}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "sex"}},
        *extra,
    ]}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("aggregate", [False, True])
def test_ge_batches_equal_whole_table(tmp_path: Path, aggregate: bool) -> None:
    if importlib.util.find_spec("great_expectations") is None:
        pytest.skip("great_expectations is absent from the pinned pandas 2.2 environment")
    # Imported through mlgate's guard: with pyspark installed, a bare GX import can exit a test worker.
    from mlgate.schema.ge_engine import row_wise, validate_ge, validate_ge_table

    t = write(tmp_path / "t.parquet")
    extra = [{"type": "expect_column_mean_to_be_between", "kwargs": {"column": "age", "max_value": 30}},
             {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}}] if aggregate else []
    suite = ge_suite(*extra)
    assert row_wise(suite) is not aggregate
    calls: list[int] = []
    real = t.batches

    def batches(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    t.batches = batches  # type: ignore[method-assign]
    got = validate_ge_table(suite, t, 3, "t", rows=ROWS)
    want: Validation = validate_ge(suite, whole(t), 3, "t")
    assert got == want
    assert bool(calls) is not aggregate  # row-wise suites in batches, others whole
    by = {f.check: f for f in got.findings}
    between = by["expect_column_values_to_be_between"]
    assert between.failing == 4 and [r for r, _ in between.examples] == [4, 16, 31]
    assert by["expect_column_values_to_not_be_null"].examples == ((29, None),)

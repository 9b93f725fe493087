"""`mlgate schema infer`: round trip, and a pandera YAML schema and the equivalent GX suite agree.

The cross-check builds a corpus of defective files from the demo's eval data, reads each with the
same loader, and validates it with pandera and with Great Expectations: both must pass or fail the
same files, on the same columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mlgate.config.data import DEFAULT_NULL_VALUES
from mlgate.demo import german_csv
from mlgate.io.tables import read_table
from mlgate.schema.ge_engine import validate_ge
from mlgate.schema.infer import infer_ge_suite, infer_pandera_yaml, infer_specs
from mlgate.schema.load import load_schema
from mlgate.schema.pandera_engine import validate_pandera


@pytest.mark.parametrize("fmt,suffix", [("pandera", "yaml"), ("ge", "json")])
def test_round_trip_cli(fmt: str, suffix: str, tmp_path: Path, cli: Any) -> None:
    data = tmp_path / "german.csv.gz"
    import gzip

    data.write_bytes(gzip.compress(german_csv().read_bytes()))
    out = tmp_path / f"schema.{suffix}"
    result = cli(["schema", "infer", str(data), "-o", str(out), "--format", fmt])
    assert result.exit_code == 0, result.output
    result = cli(["schema", "validate", str(data), "-s", str(out)])
    assert result.exit_code == 0, result.output
    assert "checks pass on 1000 rows" in result.output


def test_infer_to_stdout_and_bad_input(tmp_path: Path, cli: Any) -> None:
    result = cli(["schema", "infer", str(german_csv())])
    assert result.exit_code == 0
    assert result.output.startswith("schema_type: dataframe")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,a\n1,2\n", encoding="utf-8")
    result = cli(["schema", "infer", str(bad)])
    assert result.exit_code == 2
    assert "bad.csv: line 1: duplicated column name 'a'" in result.output


def test_inferred_specs_on_german_credit() -> None:
    frame = read_table(german_csv(), null_values=DEFAULT_NULL_VALUES)
    specs = {s.name: s for s in infer_specs(frame)}
    assert specs["id"].unique and specs["id"].kind == "int"
    assert specs["credit"].categories == ("bad", "good")
    assert "none" in (specs["other_debtors"].categories or ())  # a value, not a null
    age = specs["age"]
    assert age.lo is not None and age.hi is not None
    assert age.lo < frame["age"].min() and age.hi > frame["age"].max()  # a margin on both sides
    assert not age.nullable and not age.unique


def _frame() -> pd.DataFrame:
    return read_table(german_csv(), null_values=DEFAULT_NULL_VALUES)


def _with(fn: Callable[[pd.DataFrame], pd.DataFrame | None]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def apply(f: pd.DataFrame) -> pd.DataFrame:
        out = fn(f)
        return f if out is None else out

    return apply


def _setv(row: int, col: str, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def fn(f: pd.DataFrame) -> None:
        f.loc[row, col] = value

    return _with(fn)


DEFECTS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], set[str]]] = {
    "clean": (_with(lambda f: None), set()),
    "age-out-of-range": (_setv(5, "age", 130), {"age"}),
    "negative-amount": (_setv(9, "credit_amount", -1), {"credit_amount"}),
    "unknown-category": (_setv(3, "purpose", "crypto"), {"purpose"}),
    "third-class": (_setv(3, "credit", "maybe"), {"credit"}),
    "missing-value": (_setv(2, "savings", ""), {"savings"}),
    "duplicate-id": (_setv(7, "id", 1), {"id"}),
    "missing-column": (_with(lambda f: f.drop(columns=["job"])), {"job"}),
    "text-in-number": (_setv(4, "duration_months", "twelve"), {"duration_months"}),
    "float-in-int": (_setv(4, "duration_months", 12.5), {"duration_months"}),
}


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    root = tmp_path_factory.mktemp("schemas")
    frame = _frame()
    (root / "s.yaml").write_text(infer_pandera_yaml(frame), encoding="utf-8")
    (root / "s.json").write_text(infer_ge_suite(frame), encoding="utf-8")
    return load_schema("s.yaml", "auto", root), load_schema("s.json", "auto", root)


@pytest.mark.parametrize("defect", sorted(DEFECTS), ids=sorted(DEFECTS))
def test_pandera_and_ge_agree(defect: str, schemas: tuple[Any, Any], tmp_path: Path) -> None:
    pandera_schema, ge_suite = schemas
    apply, columns = DEFECTS[defect]
    path = tmp_path / "data.csv"
    frame = apply(_frame().astype(object))
    frame.to_csv(path, index=False)
    data = read_table(path, null_values=DEFAULT_NULL_VALUES)
    by_pandera = validate_pandera(pandera_schema.schema, data, 3)
    by_ge = validate_ge(ge_suite.schema, data, 3, "s.json")
    assert {f.column for f in by_pandera.findings} == columns
    assert {f.column for f in by_ge.findings} - {None} == columns
    # Value-level failures report the same rows in both engines (a dtype failure is per column in GX).
    for p in by_pandera.findings:
        if p.failing is None or p.check == "dtype":
            continue
        same = [g for g in by_ge.findings if g.column == p.column and g.failing is not None]
        assert same, (defect, p)
        assert {r for r, _ in p.examples} == {r for r, _ in same[0].examples}


def test_ge_suite_json_is_gx_format() -> None:
    suite = json.loads(infer_ge_suite(_frame()))
    assert suite["expectations"][0]["type"] == "expect_table_columns_to_match_set"
    from mlgate.schema.ge_engine import import_gx

    gx = import_gx()
    built = gx.ExpectationSuite(name=suite["name"], expectations=suite["expectations"])
    assert len(built.expectations) == len(suite["expectations"])

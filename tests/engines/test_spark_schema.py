"""The schema gate with ``data.engine: spark``: the same findings as the pandas engine (examples
included), computed in Spark without collecting a column of the table.

pandera's own failure cases on the pandas table are the independent reference. Skipped without
pyspark or Java, except in CI.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from tests.engines.conftest import comparable
from tests.schema.test_batched import frame, reference, schema, write

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def collect(self: Any, columns: list[str]) -> pd.DataFrame:
    raise AssertionError(f"columns collected whole: {columns}")


@pytest.fixture
def no_collect(spark: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fails a test that collects a column of a Spark table; records the rows of every toPandas."""
    from mlgate.engines.spark import SparkTable

    DataFrame = type(spark.range(1))  # pyspark 4: the classic DataFrame implements toPandas
    monkeypatch.setattr(SparkTable, "_load", collect)
    sizes: list[int] = []
    real = DataFrame.toPandas

    def to_pandas(self: Any) -> pd.DataFrame:
        out = real(self)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(DataFrame, "toPandas", to_pandas)
    return sizes


@pytest.mark.parametrize("k", [0, 1, 3])
def test_pandera_findings_equal_pandas(spark: Any, tmp_path: Path, no_collect: list[int], k: int) -> None:
    from mlgate.bundle import LoadedSchema
    from mlgate.engines.spark import open_table
    from mlgate.gates.schema import validate
    from mlgate.io.lazy import ParquetTable

    path = tmp_path / "eval.parquet"
    write(path)
    loaded = LoadedSchema("pandera-python", "schema.py:s", schema())
    local = validate(loaded, ParquetTable(path, "eval.parquet"), k)
    got = validate(loaded, open_table(path, display="eval.parquet"), k)
    assert got == local
    # pandera on the whole pandas table: the failing rows and first examples of each row check.
    ref = reference(schema(), ParquetTable(path, "eval.parquet").to_pandas(), k)
    rows = {(f.column, f.description): (f.failing, [r for r, _ in f.examples]) for f in got.findings}
    for key, (n, first, _) in ref.items():
        if n is not None:
            assert rows[key] == (n, first)
    assert max(no_collect) <= 5 * max(k, 1) + len(frame().columns)  # example rows, never the table


def test_dataset_checks_equal_pandas(spark: Any, tmp_path: Path, no_collect: list[int]) -> None:
    from mlgate.engines.spark import open_table
    from mlgate.gates.schema import dataset_checks
    from mlgate.io.lazy import ParquetTable
    from mlgate.schema.builtin import DatasetChecks

    path = tmp_path / "eval.parquet"
    write(path)
    kwargs: dict[str, Any] = {
        "label": "credit", "id_col": "id", "known_labels": ("bad", "good"), "classification": True,
        "max_examples": 2,
    }
    local = dataset_checks(ParquetTable(path, "e"), DatasetChecks(), rows=7, **kwargs)
    got = dataset_checks(open_table(path, display="e"), DatasetChecks(), **kwargs)
    assert got == local
    assert {f.check for f in got.findings} == {"duplicate_ids", "unknown_labels", "empty_columns"}
    single = pd.DataFrame({"id": [1, 2, 3], "credit": ["good", None, "good"]})
    single.to_parquet(tmp_path / "one.parquet", index=False)
    got = dataset_checks(open_table(tmp_path / "one.parquet"), DatasetChecks(), **kwargs)
    assert [(f.check, f.examples) for f in got.findings] == [("single_class", ((None, "good"),))]


def test_unsupported_checks_are_input_errors(spark: Any, tmp_path: Path) -> None:
    import pandera.pandas as pa

    from mlgate.bundle import LoadedSchema
    from mlgate.engines.spark import open_table
    from mlgate.errors import InputError
    from mlgate.gates.schema import validate

    path = tmp_path / "eval.parquet"
    write(path)
    table = open_table(path, display="eval.parquet")
    custom = pa.DataFrameSchema({"age": pa.Column(checks=pa.Check(lambda s: s > 0, element_wise=False))})
    with pytest.raises(InputError, match=r"not supported with data\.engine: spark"):
        validate(LoadedSchema("pandera-python", "s.py:s", custom), table, 3)
    suite = {"expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "age"}}]}
    with pytest.raises(InputError, match=r"need data\.engine: pandas"):
        validate(LoadedSchema("great-expectations", "s.json", suite), table, 3)


def test_schema_gate_same_as_pandas(
    spark_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole schema gate on the demo with defects: eval and reference, built-in checks included.
    The inputs (label, id) are collected before the gates run; the schema gate collects nothing."""
    from mlgate.config import load_config
    from mlgate.engines.spark import SparkTable
    from mlgate.gates.schema import SchemaGate
    from mlgate.result import report_to_dict
    from mlgate.runner import run

    real_run = SchemaGate.run

    def guarded(self: Any, inputs: Any, section: Any) -> Any:
        with monkeypatch.context() as m:
            if isinstance(inputs.eval.frame, SparkTable):
                m.setattr(SparkTable, "_load", collect)
            return real_run(self, inputs, section)

    monkeypatch.setattr(SchemaGate, "run", guarded)

    root = tmp_path / "demo"
    shutil.copytree(spark_project, root)
    ev = pd.read_parquet(root / "data" / "eval.parquet")
    ev.loc[[4, 9, 250], "age"] = 500
    ev.loc[[1, 2], "purpose"] = "crypto"
    ev.loc[[7], "telephone"] = None
    ev.to_parquet(root / "data" / "eval.parquet", index=False)
    train = pd.read_parquet(root / "data" / "train.parquet")
    pd.concat([train, train.iloc[[3, 10]]], ignore_index=True).to_parquet(
        root / "data" / "train.parquet", index=False
    )
    for name in ("mlgate.yaml", "mlgate-spark.yaml"):
        cfg = root / name
        data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
        data["gates"] = {"schema": {"max_examples": 3, "apply_to": ["eval", "reference"]}}
        cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def schema_gate(config: str) -> Any:
        card = report_to_dict(run(load_config(root / config)))
        return comparable(next(g for g in card["gates"] if g["name"] == "schema"))

    spark_gate = schema_gate("mlgate-spark.yaml")
    assert spark_gate == schema_gate("mlgate.yaml")
    names = {c["name"]: c for c in spark_gate["checks"] if c["status"] == "fail"}
    assert names["eval: age: in_range"]["details"]["examples"] == [
        {"row": 5, "value": 500}, {"row": 10, "value": 500}, {"row": 251, "value": 500}
    ]
    assert names["reference: id: duplicate_ids"]["details"]["rows"] == 2
    assert names["reference: id: field_uniqueness"]["details"]["rows"] == 4
    assert "eval: telephone: not_nullable" in names and "eval: purpose: isin" in names


def test_pandera_pyspark_backend_agrees(spark: Any, tmp_path: Path) -> None:
    """Where pandera's pyspark backend imports (pandas 2.x), it fails exactly the column checks that
    the Spark counts find failing rows for."""
    from mlgate.engines.spark import open_table
    from mlgate.engines.spark_pandera import import_pandera_pyspark, pyspark_verdicts

    if int(pd.__version__.split(".")[0]) >= 3:
        # scripts/test.sh runs this module again in its pandas 2.2 environment, where it must import.
        pytest.skip("pandera.pyspark does not import with pandas 3 (pyspark.pandas needs pandas < 3)")
    assert import_pandera_pyspark() is not None
    path = tmp_path / "eval.parquet"
    write(path)
    got = pyspark_verdicts(schema(), open_table(path).spark)
    assert got == {"age\x1fin_range(0, 120)", "credit\x1fstr_length(3, 4)",
                   "sex\x1fisin(['female', 'male'])", "sex\x1fnot_nullable"}

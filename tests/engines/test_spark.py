"""``data.engine: spark``: the same scorecard as pandas, and Spark's group counts equal numpy's.

One local Spark session (``local[2]``) serves the whole module; the data is the packaged demo
(German Credit, 300 eval rows) written as Parquet. Skipped without pyspark or Java, except in CI.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.engines.conftest import comparable

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def test_same_scorecard_as_pandas(spark_project: Path) -> None:
    from mlgate.config import load_config
    from mlgate.result import report_to_dict
    from mlgate.runner import run

    pandas_card = report_to_dict(run(load_config(spark_project / "mlgate.yaml")))
    spark_loaded = load_config(spark_project / "mlgate-spark.yaml")
    assert spark_loaded.config.data.engine == "spark"
    spark_card = report_to_dict(run(spark_loaded))
    gates = [g["name"] for g in spark_card["gates"]]
    assert {"performance", "fairness", "drift"} <= set(gates)
    assert not [g for g in spark_card["gates"] if g["status"] == "error"], spark_card["gates"]
    assert comparable(spark_card) == comparable(pandas_card)


def test_dataset_directory_keeps_file_order(spark_project: Path, tmp_path: Path) -> None:
    from mlgate.engines.spark import read_table

    frame = pd.read_parquet(spark_project / "data" / "eval.parquet")
    # Spark-style dataset: part files of different sizes, so Spark's largest-first packing would
    # scramble a naive partition order.
    ds = tmp_path / "eval"
    ds.mkdir()
    frame.iloc[:40].to_parquet(ds / "part-00000.parquet", index=False)
    frame.iloc[40:].to_parquet(ds / "part-00001.parquet", index=False)
    back = read_table(ds, columns=["id", "credit", "sex"])
    assert back["id"].tolist() == frame["id"].tolist()
    assert back["credit"].tolist() == frame["credit"].tolist()


def test_csv_with_spark_engine_is_an_input_error(tmp_path: Path) -> None:
    from mlgate.engines.spark import read_table
    from mlgate.errors import InputError

    csv = tmp_path / "eval.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"eval.csv: data.engine: spark reads Parquet"):
        read_table(csv, display="eval.csv")

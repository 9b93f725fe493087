"""``data.engine: spark``: the same scorecard as pandas, the dataset row order, and row positions.

One local Spark session (``local[2]``) serves the whole module; the data is the packaged demo
(German Credit, 300 eval rows) written as Parquet. Skipped without pyspark or Java, except in CI.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
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


def test_row_positions_without_a_global_window(spark: Any, spark_project: Path, tmp_path: Path) -> None:
    """Positions from per-(file, partition) offsets equal the row order, with files split over
    several partitions and partitions holding several files."""
    from mlgate.engines.spark import POS, SparkTable, open_table

    frame = pd.read_parquet(spark_project / "data" / "eval.parquet")
    ds = tmp_path / "eval"
    ds.mkdir()
    cuts = [0, 17, 150, 161, len(frame)]
    for i, (a, b) in enumerate(itertools.pairwise(cuts)):
        frame.iloc[a:b].to_parquet(ds / f"part-{i:05d}.parquet", index=False, row_group_size=8)
    old = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")  # split the larger files
    try:
        table = open_table(ds, display="eval")
        assert table.spark.rdd.getNumPartitions() > len(cuts) - 1
        got = table.positions().select("id", POS).toPandas().sort_values(POS)
        assert got[POS].tolist() == list(range(len(frame)))
        assert got["id"].tolist() == frame["id"].tolist()
        coded = table.with_codes({"__v": np.arange(len(frame)) * 10}).select("id", "__v").toPandas()
        assert dict(zip(coded["id"], coded["__v"], strict=True)) == {
            i: 10 * n for n, i in enumerate(frame["id"])
        }
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", old)

    # A caller's DataFrame: its partition order is the row order.
    given = SparkTable(spark.createDataFrame(frame[["id", "credit"]]).repartition(3), "given")
    order = given["id"].tolist()
    assert sorted(order) == sorted(frame["id"].tolist())
    pos = given.positions().select("id", POS).toPandas().sort_values(POS)
    assert pos["id"].tolist() == order

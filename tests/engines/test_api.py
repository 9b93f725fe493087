"""``mlgate.check``: the gates on DataFrames a Python caller holds (pandas or pyspark), with the same
scorecard as reading the files the config names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import mlgate
from mlgate.errors import InputError
from mlgate.result import report_to_dict
from tests.engines.conftest import comparable

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def _files_card(project: Path) -> dict[str, Any]:
    return report_to_dict(mlgate.check(project / "mlgate.yaml"))


def test_pandas_frames_give_the_files_scorecard(spark_project: Path) -> None:
    ev = pd.read_parquet(spark_project / "data" / "eval.parquet")
    ref = pd.read_parquet(spark_project / "data" / "train.parquet")
    report = mlgate.check(spark_project / "mlgate.yaml", eval_data=ev, reference_data=ref)
    card = report_to_dict(report)
    assert comparable(card) == comparable(_files_card(spark_project))
    # The frames were not read from files: no file hash claims otherwise.
    assert "data/eval.parquet" not in card["provenance"]["inputs"]
    assert "out/candidate.parquet" in card["provenance"]["inputs"]


def test_spark_dataframes_give_the_files_scorecard(spark: Any, spark_project: Path) -> None:
    ev = spark.read.parquet(str(spark_project / "data" / "eval.parquet"))
    ref = spark.read.parquet(str(spark_project / "data" / "train.parquet"))
    report = mlgate.check(spark_project / "mlgate.yaml", eval_data=ev, reference_data=ref)
    card = report_to_dict(report)
    assert not [g["name"] for g in card["gates"] if g["status"] == "error"], card["gates"]
    assert comparable(card) == comparable(_files_card(spark_project))


def test_not_a_dataframe(spark_project: Path) -> None:
    with pytest.raises(InputError, match=r"eval.parquet: expected a pandas or pyspark DataFrame, got list"):
        mlgate.check(spark_project / "mlgate.yaml", eval_data=[1, 2, 3])


def test_reference_frame_needs_data_reference(spark_project: Path, tmp_path: Path) -> None:
    text = (spark_project / "mlgate.yaml").read_text(encoding="utf-8")
    text = text.replace("  reference: data/train.parquet\n", "")
    text = text.split("  drift:")[0] + "report:" + text.split("report:")[1]
    config = spark_project / "no-reference.yaml"
    config.write_text(text, encoding="utf-8")
    ref = pd.read_parquet(spark_project / "data" / "train.parquet")
    with pytest.raises(InputError, match=r"a reference DataFrame was given but data.reference is not set"):
        mlgate.check(config, reference_data=ref)

"""The drift gate with ``data.engine: spark``: distributions from Spark value-count tables, decided locally.

The result must equal the pandas engine's on the same Parquet data, to the bit: the demo (German
Credit) with missing values, ties, booleans and a nullable integer column added, and the same errors.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.engines.conftest import comparable

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")

DRIFT = {
    "columns": "all",
    "method": "psi",
    "max": 0.2,
    "share_max": 0.3,
    "per_column": {"installment_rate": {"kind": "categorical"}, "age": {"method": "ks"}},
}


def _with_gaps(frame: pd.DataFrame, seed: int, share: float) -> pd.DataFrame:
    """Missing values in a numeric and a categorical column, and columns with ties, booleans, nulls."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    n = len(out)
    out["credit_amount"] = out["credit_amount"].astype("float64").mask(rng.uniform(size=n) < share)
    out["savings"] = out["savings"].mask(rng.uniform(size=n) < share / 2)
    rate = np.round(out["duration_months"] / 7.0, 1)  # a float column with many ties
    out["rate"] = rate.mask(rng.uniform(size=n) < share)
    out["flag"] = rng.uniform(size=n) < 0.3
    out["n_nullable"] = pd.array(rng.integers(0, 4, n), dtype="Int64")
    out.loc[rng.uniform(size=n) < share, "n_nullable"] = pd.NA
    out["logged_score"] = rng.beta(2, 3, n)
    return out


def _configs(root: Path, drift: dict[str, Any]) -> tuple[Path, Path]:
    """The project's config with only the drift gate, for each engine."""
    doc = yaml.safe_load((root / "mlgate.yaml").read_text(encoding="utf-8"))
    doc.pop("schema", None)
    doc["gates"] = {"drift": drift}
    pandas_cfg, spark_cfg = root / "drift-pandas.yaml", root / "drift-spark.yaml"
    pandas_cfg.write_text(yaml.safe_dump(doc), encoding="utf-8")
    doc["data"]["engine"] = "spark"
    spark_cfg.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return pandas_cfg, spark_cfg


@pytest.fixture(scope="module")
def drift_project(spark_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark-drift") / "project"
    shutil.copytree(spark_project, root)
    for name, seed, share in (("train", 1, 0.03), ("eval", 2, 0.1)):
        path = root / "data" / f"{name}.parquet"
        frame = _with_gaps(pd.read_parquet(path), seed, share)
        if name == "eval":
            frame = frame.drop(columns="logged_score")
        frame.to_parquet(path, index=False)
    return root


def _drift(config: Path) -> dict[str, Any]:
    from mlgate.config import load_config
    from mlgate.result import report_to_dict
    from mlgate.runner import run

    (gate,) = report_to_dict(run(load_config(config)))["gates"]
    assert gate["name"] == "drift"
    return dict(comparable(gate))


@pytest.mark.parametrize("predictions", ["baseline", "reference column"])
def test_same_drift_result_as_pandas(drift_project: Path, predictions: str) -> None:
    drift = dict(DRIFT)
    if predictions == "reference column":
        drift["reference_predictions"] = "logged_score"
    pandas_cfg, spark_cfg = _configs(drift_project, drift)
    ours, theirs = _drift(spark_cfg), _drift(pandas_cfg)
    assert theirs.get("error") is None, theirs.get("error")
    checks = {c["attribute"]: c for c in theirs["checks"] if c.get("details", {}).get("role")}
    # The columns this test is about are there, with what they are meant to exercise.
    assert checks["credit_amount"]["details"]["missing_cur"] > 0.05
    assert checks["savings"]["details"]["missing_ref"] > 0
    assert checks["rate"]["details"]["kind"] == "numeric" and checks["rate"]["details"]["missing_cur"] > 0
    assert checks["flag"]["details"]["kind"] == "categorical"
    assert {b["bin"] for b in checks["flag"]["details"]["bins"]} == {"True", "False"}
    assert checks["installment_rate"]["details"]["kind"] == "categorical"
    assert checks["age"]["p_value"] is not None
    assert checks["n_nullable"]["details"]["kind"] == "numeric"
    prediction = next(c for c in theirs["checks"] if c.get("details", {}).get("role") == "prediction")
    assert ("logged_score" in prediction["message"]) == (predictions == "reference column")
    assert ours == theirs


def test_no_feature_column_leaves_spark(drift_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate asks Spark for value-count tables only: no column is collected row by row."""
    from mlgate.config import load_config
    from mlgate.engines import spark_drift
    from mlgate.engines.spark import SparkTable
    from mlgate.gates.drift import DriftGate
    from mlgate.inputs import build_inputs

    _, spark_cfg = _configs(drift_project, DRIFT)
    loaded = load_config(spark_cfg)
    assert loaded.config.gates.drift is not None
    inputs = build_inputs(loaded)  # reads the id and the label (not the gate's doing)
    collected: list[list[str]] = []
    counted: list[tuple[str, bool]] = []
    load, counts = SparkTable._load, spark_drift.value_counts

    def spy_load(self: SparkTable, columns: list[str]) -> pd.DataFrame:
        collected.append(list(columns))
        return load(self, columns)

    def spy_counts(frame: Any, column: str, *, first_seen: bool) -> tuple[pd.Series, np.ndarray]:
        counted.append((column, first_seen))
        return counts(frame, column, first_seen=first_seen)

    monkeypatch.setattr(SparkTable, "_load", spy_load)
    monkeypatch.setattr(spark_drift, "value_counts", spy_counts)
    result = DriftGate().run(inputs, loaded.config.gates.drift)
    assert result.error is None
    assert collected == []
    features = [c.attribute for c in result.checks if c.details.get("role") == "feature"]
    assert len(features) == 25
    for col in [*features, "credit"]:  # every feature and the label: one table per side
        assert sum(1 for c, _ in counted if c == col) == 2, col
    assert ("rate", False) in counted and ("savings", True) in counted


def test_value_count_table_is_the_sorted_column(spark: Any, tmp_path: Path) -> None:
    from mlgate.engines.spark import read_dataset
    from mlgate.engines.spark_drift import value_counts
    from mlgate.engines.values import floats
    from mlgate.stats.drift import sample_from_counts, sorted_values

    rng = np.random.default_rng(3)
    n = 5000
    x = np.round(rng.normal(0, 3, n), 1)  # many ties
    x[rng.uniform(size=n) < 0.05] = np.nan
    x[:3] = [1e300, -1e-300, 2.0**60 + 1]
    ints = rng.integers(-(2**62), 2**62, n)
    frame = pd.DataFrame({"x": x, "i": ints, "i_null": pd.array(rng.integers(0, 9, n), dtype="Int64")})
    frame.loc[::7, "i_null"] = pd.NA
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    sdf = read_dataset(tmp_path / "t.parquet")
    for col in frame.columns:
        values, counts = value_counts(sdf, col, first_seen=False)
        assert int(counts.sum()) == n
        as_float, bad = floats(values)
        assert bad is None
        sample, missing = sample_from_counts(as_float, counts)
        expected = sorted_values(frame[col].to_numpy(dtype=np.float64, na_value=np.nan))
        assert sample.tobytes() == expected.tobytes(), col  # the same bits
        assert missing == n - len(expected)


def test_first_seen_order_is_factorize_order(spark: Any, tmp_path: Path) -> None:
    """Across the files of a dataset: labels come in the order pandas.factorize gives the whole column."""
    from mlgate.engines.spark import read_dataset
    from mlgate.engines.spark_drift import first_row, value_counts

    rng = np.random.default_rng(4)
    words = np.array(["zeta", "alpha", "mid", "beta", "omega", "x.y"], dtype=object)
    col = pd.Series(words[rng.integers(0, len(words), 900)], dtype="str")
    col[rng.uniform(size=900) < 0.1] = None
    ds = tmp_path / "ds"
    ds.mkdir()
    for i, part in enumerate((col[:100], col[100:700], col[700:])):  # uneven files: Spark reorders them
        pd.DataFrame({"w": part}).to_parquet(ds / f"part-{i:05d}.parquet", index=False)
    sdf = read_dataset(ds)
    values, counts = value_counts(sdf, "w", first_seen=True)
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    assert [None if pd.isna(v) else v for v in values] == [None if pd.isna(v) else v for v in uniques]
    assert counts.tolist() == np.bincount(codes).tolist()
    target = col[700:].dropna().iloc[0]
    first = int(np.flatnonzero(col.to_numpy() == target)[0])
    assert first_row(sdf, "w", [target]) == (first + 1, target)
    # A DataFrame handed over in memory: the row-order key is a plain id, not (file, position).
    from mlgate.engines.spark import SparkTable

    table = SparkTable(spark.createDataFrame(pd.DataFrame({"w": col.astype(object)})), "frame")
    assert first_row(table.spark, "w", [target]) == (first + 1, target)
    assert value_counts(table.spark, "w", first_seen=True)[1].tolist() == counts.tolist()


def _error_project(
    root: Path, ref: pd.DataFrame, cur: pd.DataFrame, drift: dict[str, Any]
) -> tuple[Path, Path]:
    root.mkdir()
    ref.to_parquet(root / "reference.parquet", index=False)
    cur.to_parquet(root / "eval.parquet", index=False)
    pd.DataFrame({"id": cur["id"], "prediction": cur["y"], "score": np.linspace(0, 1, len(cur))}).to_parquet(
        root / "candidate.parquet", index=False
    )
    config = {
        "version": 1,
        "task": "binary",
        "data": {
            "eval": "eval.parquet",
            "reference": "reference.parquet",
            "label": "y",
            "positive": "yes",
            "id": "id",
        },
        "candidate": {"predictions": "candidate.parquet"},
        "gates": {"drift": drift},
    }
    (root / "mlgate.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return _configs(root, drift)


def _table(n: int, **columns: Any) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    return pd.DataFrame({"id": np.arange(n), "y": rng.choice(["yes", "no"], n), **columns})


@pytest.mark.parametrize(
    "case,message",
    [
        (
            "text vs numbers",
            "drift: column 'b' holds numbers in reference.parquet but text in the other table",
        ),
        ("not a number", "eval.parquet: row 5: column 'b' has 'abc', not a number"),
        ("infinite", "reference.parquet: row 3: column 'b' is infinite (2 rows)"),
    ],
)
def test_errors_read_the_same(spark: Any, tmp_path: Path, case: str, message: str) -> None:
    n = 40
    nums = np.linspace(0, 1, n)
    text = np.array([f"{v:.3f}" for v in nums], dtype=object)
    drift: dict[str, Any] = {"label": False, "predictions": False}
    if case == "text vs numbers":
        ref, cur = _table(n, b=nums), _table(n, b=np.array(["u", "v"] * (n // 2), dtype=object))
    elif case == "not a number":
        text[[4, 9]] = ["abc", "zz"]
        ref, cur = _table(n, b=nums), _table(n, b=text)
        drift["per_column"] = {"b": {"kind": "numeric"}}
    else:
        inf = nums.copy()
        inf[[2, 30]] = [np.inf, -np.inf]
        ref, cur = _table(n, b=inf), _table(n, b=nums)
    pandas_cfg, spark_cfg = _error_project(tmp_path / "p", ref, cur, drift)
    ours, theirs = _drift(spark_cfg), _drift(pandas_cfg)
    assert theirs.get("error") is not None and theirs.get("error").startswith(message), theirs.get("error")
    assert ours == theirs

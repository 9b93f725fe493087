"""Fairness, performance and slices with ``data.engine: spark``: counts come from Spark.

The sensitive and slice columns stay in Spark (a spy on the columns collected to the driver proves
it), Spark's per-group and per-slice counts equal an independent pandas ``groupby``, and the gates'
results are the same as with pandas on the same Parquet files: intersections, a reference group,
missing sensitive values, a numeric (binned) and categorical slice columns, a multiclass task.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlgate.bundle import GateInputs
from mlgate.config import load_config
from mlgate.gates.fairness import FairnessGate
from mlgate.gates.interface import Gate
from mlgate.gates.performance import PerformanceGate
from mlgate.gates.slices import SlicesGate
from mlgate.result import GateResult, Provenance, Report, report_to_dict
from tests.engines.conftest import comparable

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")

SENSITIVE = ("sex", "age_group", "housing")
SLICED = ("purpose", "age", "housing")
GATES = """\
gates:
  performance:
    metrics:
      accuracy: {min: 0.70, max_drop: 0.02}
      f1: {max_drop: 0.03}
      balanced_accuracy: {max_drop: 0.05}
      roc_auc: {max_drop: 0.02}
  slices:
    columns: [purpose, age, housing]
    metric: accuracy
    max_drop: 0.10
    min_size: 20
    bins: 5
  fairness:
    sensitive: [sex, age_group, housing]
    intersections: [[sex, age_group], [sex, housing]]
    reference_group: {sex: male, age_group: ">=25"}
    metrics:
      demographic_parity_ratio: {min: 0.8}
      equalized_odds_difference: {max: 0.2}
      accuracy_difference: {}
    max_regression: 0.05
    min_group_size: 15
"""
GATE_CLASSES: tuple[type[Gate], ...] = (PerformanceGate, SlicesGate, FairnessGate)


def _configs(root: Path, config: str, gates: str, stem: str = "mlgate") -> tuple[Path, Path]:
    """<stem>.yaml (pandas) and <stem>-spark.yaml with ``gates`` instead of the demo's, no schema."""
    head = config.split("gates:\n")[0].replace("schema: schemas/eval.yaml\n", "")
    text = head + gates
    (root / f"{stem}.yaml").write_text(text, encoding="utf-8")
    spark = text.replace("  id: id\n", "  id: id\n  engine: spark\n")
    (root / f"{stem}-spark.yaml").write_text(spark, encoding="utf-8")
    return root / f"{stem}.yaml", root / f"{stem}-spark.yaml"


@pytest.fixture(scope="module")
def project(spark_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Parquet demo with missing values in a sensitive column (sex) and a numeric slice column
    (age, which becomes float64 with nulls), two slices of equal size, and a config for the gates."""
    root = tmp_path_factory.mktemp("spark-groups")
    for sub in ("data", "out", "baseline"):
        shutil.copytree(spark_project / sub, root / sub)
    ev = pd.read_parquet(root / "data" / "eval.parquet")
    ev["sex"] = ev["sex"].astype(object)
    ev.loc[ev.index[5:25], "sex"] = None
    # Two slices of one size, met in the data in the reverse of their text order: ties keep the
    # order of first appearance, which decides the slices' seeds.
    ev.loc[ev.index[60:85], "purpose"] = "zeta"
    ev.loc[ev.index[85:110], "purpose"] = "alpha"
    # A continuous column with missing values (for the errors of a "sensitive" column like it).
    ev["income"] = np.random.default_rng(1).lognormal(8, 1, len(ev))
    ev.loc[ev.index[7:10], "income"] = np.nan
    ev["age"] = ev["age"].astype("float64")
    ev.loc[ev.index[40:52], "age"] = np.nan
    ev.to_parquet(root / "data" / "eval.parquet", index=False)
    _configs(root, (spark_project / "mlgate.yaml").read_text(encoding="utf-8"), GATES)
    return root


def _write_predictions(folder: Path, ids: pd.Series, pred: Any) -> None:
    folder.mkdir()
    pd.DataFrame({"id": ids, "prediction": pred}).to_parquet(folder / "p.parquet", index=False)


def _inputs(path: Path) -> GateInputs:
    from mlgate.inputs import build_inputs

    return build_inputs(load_config(path))


def _run(gate: Gate[Any], path: Path, inputs: GateInputs | None = None) -> GateResult:
    section = gate.section(load_config(path).config)
    assert section is not None
    return gate.run(inputs or _inputs(path), section)


def _as_dict(result: GateResult) -> Any:
    gate = replace(result, duration_s=0.0)
    report = Report(gates=(gate,), provenance=Provenance("", {}), mlgate_version="")
    return comparable(report_to_dict(report)["gates"][0])


def _results(path: Path) -> dict[str, Any]:
    inputs = _inputs(path)
    return {cls.name: _as_dict(_run(cls(), path, inputs)) for cls in GATE_CLASSES}


@pytest.fixture
def collected(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every column a SparkTable collects to the driver, in request order."""
    from mlgate.engines.spark import SparkTable

    seen: list[str] = []
    load = SparkTable._load

    def spy(self: SparkTable, columns: list[str]) -> pd.DataFrame:
        seen.extend(columns)
        return load(self, columns)

    monkeypatch.setattr(SparkTable, "_load", spy)
    yield seen


def test_same_results_as_pandas(project: Path, collected: list[str]) -> None:
    local = _results(project / "mlgate.yaml")
    spark = _results(project / "mlgate-spark.yaml")
    # The counts came from Spark: neither a sensitive nor a slice column reached the driver.
    assert collected, "the spy saw no collection at all (label and id are collected)"
    assert not set(collected) & {*SENSITIVE, *SLICED}, collected
    for name in ("performance", "slices", "fairness"):
        assert spark[name].get("error") is None, spark[name]
        assert spark[name] == local[name], name
    fairness = spark["fairness"]
    groups = {t["title"]: [r[0] for r in t["rows"]] for t in fairness["tables"]}
    assert "(missing)" in groups["Groups by sex"]
    assert "male (reference)" in groups["Groups by sex"]
    assert ">=25 & (missing)" not in groups["Groups by sex & age_group"]
    assert any(g.startswith("(missing) & ") for g in groups["Groups by sex & age_group"])
    slices = {c["attribute"] for c in spark["slices"]["checks"]}
    assert slices == set(SLICED)
    assert any(c["group"] == "(missing)" for c in spark["slices"]["checks"] if c["attribute"] == "age")


def test_spark_counts_equal_a_pandas_groupby(project: Path) -> None:
    from mlgate.gates._fairness_groups import attributes, group_rows
    from mlgate.gates._slice_groups import cell_slices

    inputs = _inputs(project / "mlgate-spark.yaml")
    ev = pd.read_parquet(project / "data" / "eval.parquet")
    assert inputs.candidate is not None and inputs.baseline is not None
    ev["y"], ev["c"], ev["b"] = inputs.eval.y_true, inputs.candidate.y_pred, inputs.baseline.y_pred
    k = 2

    cfg = load_config(project / "mlgate-spark.yaml").config
    gate = cfg.gates.fairness
    assert gate is not None
    rows = group_rows(inputs, gate, regression=False)
    assert rows.count is not None and rows.y is not None and rows.cand is not None and rows.base is not None
    for attr in attributes(rows, gate, inputs.eval.source):
        keys = [ev[c].fillna("(missing)") for c in attr.columns]
        expected = ev.groupby([*keys, "y", "c", "b"]).size()
        got = np.bincount(
            ((attr.codes * k + rows.y) * k + rows.cand) * k + rows.base,
            weights=rows.count,
            minlength=len(attr.labels) * k**3,
        ).reshape(len(attr.labels), k, k, k)
        for (*names, y, c, b), n in expected.items():
            g = attr.labels.index(" & ".join(str(x) for x in names))
            assert got[g, y, c, b] == n, (attr.name, names, y, c, b)
        assert got.sum() == len(ev)

    sl = cfg.gates.slices
    assert sl is not None
    slices = cell_slices(inputs.eval, inputs.candidate.y_pred, inputs.baseline.y_pred, sl.columns, sl.bins)
    by = {(s.column, s.label): s for s in slices}
    assert sum(s.size for s in slices) == len(ev) * len(SLICED)
    purpose = ev.groupby("purpose").size()
    assert {lab: by["purpose", lab].size for lab in purpose.index} == purpose.to_dict()
    binned = pd.qcut(ev["age"], 5, duplicates="drop")
    for interval, part in ev.groupby(binned, observed=True):
        label = next(s.label for s in slices if s.column == "age" and s.size == len(part)
                     and s.label.endswith(f", {interval.right:.4g}]"))
        cells = part.groupby(["y", "c", "b"]).size()
        flat = by["age", label].cells
        assert flat is not None
        for (y, c, b), n in cells.items():
            assert flat[(y * k + c) * k + b] == n
    assert by["age", "(missing)"].size == int(ev["age"].isna().sum()) == 12


def test_row_level_slice_metric_reads_only_the_slice_column(project: Path, collected: list[str]) -> None:
    gates = GATES.replace("metric: accuracy", "metric: roc_auc")
    local_cfg, spark_cfg = _configs(project, (project / "mlgate.yaml").read_text("utf-8"), gates, "auc")
    local = _as_dict(_run(SlicesGate(), local_cfg))
    spark = _as_dict(_run(SlicesGate(), spark_cfg))
    assert spark == local
    assert set(collected) & {*SENSITIVE, *SLICED} == set(SLICED)


@pytest.mark.parametrize(
    ("fairness", "match"),
    [
        ("sensitive: [sexx]", r"no column 'sexx'"),
        ("sensitive: [sex]\n    missing: error", r"row 6: sensitive column 'sex' is missing in 20 rows"),
        ("sensitive: [credit_amount]", r"'credit_amount' has \d+ distinct values"),
        ("sensitive: [income]", r"'income' has 298 distinct values"),
        ("sensitive: [income]\n    missing: error", r"row 8: sensitive column 'income' is missing in 3"),
        ("sensitive: [age_group, sex]\n    reference_group: {sex: other}", r"no group 'other'"),
    ],
)
def test_fairness_input_errors_as_pandas(project: Path, fairness: str, match: str) -> None:
    """The same input errors (message and hint) on both engines, including those Spark raises before
    grouping by a column with too many values."""
    from mlgate.errors import InputError

    gates = f"gates:\n  fairness:\n    {fairness}\n"
    local_cfg, spark_cfg = _configs(project, (project / "mlgate.yaml").read_text("utf-8"), gates, "errors")
    errors = []
    for cfg in (local_cfg, spark_cfg):
        with pytest.raises(InputError, match=match) as err:
            _run(FairnessGate(), cfg)
        errors.append((err.value.message, err.value.hint))
    assert errors[0] == errors[1]


def test_multiclass_same_results_as_pandas(spark_project: Path, tmp_path: Path, collected: list[str]) -> None:
    """Three classes (the demo's housing as the label), predictions with seeded noise."""
    ev = pd.read_parquet(spark_project / "data" / "eval.parquet")
    rng = np.random.default_rng(3)
    classes = np.array(sorted(ev["housing"].unique()))
    for name, noise in (("candidate", 0.25), ("baseline", 0.3)):
        pred = np.where(rng.random(len(ev)) < noise, rng.choice(classes, len(ev)), ev["housing"])
        _write_predictions(tmp_path / name, ev["id"], pred)
    (tmp_path / "data").mkdir()
    ev.to_parquet(tmp_path / "data" / "eval.parquet", index=False)
    config = (
        "version: 1\ntask: multiclass\ndata:\n  eval: data/eval.parquet\n  label: housing\n  id: id\n"
        "candidate:\n  predictions: candidate/p.parquet\nbaseline:\n  predictions: baseline/p.parquet\n"
    )
    gates = (
        "gates:\n  performance:\n    metrics:\n      accuracy: {max_drop: 0.02}\n      f1: {max_drop: 0.02}\n"
        "  slices:\n    columns: [purpose, credit_amount]\n    min_size: 20\n"
        "  fairness:\n    sensitive: [sex, age_group]\n    intersections: [[sex, age_group]]\n"
        "    max_regression: 0.05\n    min_group_size: 20\n"
    )
    local_cfg, spark_cfg = _configs(tmp_path, config, gates)
    local, spark = _results(local_cfg), _results(spark_cfg)
    assert not set(collected) & {"sex", "age_group", "purpose", "credit_amount"}
    for name in ("performance", "slices", "fairness"):
        assert spark[name].get("error") is None, spark[name]
        assert spark[name] == local[name], name
    assert any(t["headers"][1] == "class" for t in spark["fairness"]["tables"])


def test_regression_fairness_sums_from_spark(
    spark_project: Path, tmp_path: Path, collected: list[str]
) -> None:
    """Group error sums are a Spark aggregate; summed in another order, so equal up to rounding."""
    ev = pd.read_parquet(spark_project / "data" / "eval.parquet")
    rng = np.random.default_rng(5)
    (tmp_path / "data").mkdir()
    ev.to_parquet(tmp_path / "data" / "eval.parquet", index=False)
    for name, scale in (("candidate", 0.2), ("baseline", 0.3)):
        pred = ev["credit_amount"] * (1 + scale * rng.standard_normal(len(ev)))
        _write_predictions(tmp_path / name, ev["id"], pred)
    config = (
        "version: 1\ntask: regression\ndata:\n  eval: data/eval.parquet\n  label: credit_amount\n  id: id\n"
        "candidate:\n  predictions: candidate/p.parquet\nbaseline:\n  predictions: baseline/p.parquet\n"
    )
    gates = (
        "gates:\n  fairness:\n    sensitive: [sex, age_group]\n    max_regression: 100\n"
        "    min_group_size: 20\n"
    )
    local_cfg, spark_cfg = _configs(tmp_path, config, gates)
    local = _as_dict(_run(FairnessGate(), local_cfg))
    spark = _as_dict(_run(FairnessGate(), spark_cfg))
    assert not set(collected) & {"sex", "age_group"}
    assert [c["status"] for c in spark["checks"]] == [c["status"] for c in local["checks"]]
    for a, b in zip(spark["checks"], local["checks"], strict=True):
        for key in ("value", "baseline", "ci_low", "ci_high"):
            assert a[key] == pytest.approx(b[key], rel=1e-9), key
    for ta, tb in zip(spark["tables"], local["tables"], strict=True):
        assert [r[0] for r in ta["rows"]] == [r[0] for r in tb["rows"]]
        np.testing.assert_allclose(
            [[v for v in r if isinstance(v, float)] for r in ta["rows"]],
            [[v for v in r if isinstance(v, float)] for r in tb["rows"]],
            rtol=1e-9,
        )

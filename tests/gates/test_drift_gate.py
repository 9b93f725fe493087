"""The drift gate end to end: real CSV files, the config loader, the runner and the renderers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from mlgate.config import load_config
from mlgate.errors import ConfigError
from mlgate.render.markdown import render_markdown
from mlgate.result import GateResult, Status, report_to_dict
from mlgate.runner import run


def write_project(
    root: Path,
    ref: pd.DataFrame,
    cur: pd.DataFrame,
    drift: dict[str, Any],
    *,
    baseline_scores: np.ndarray | None = None,
) -> Path:
    rng = np.random.default_rng(0)
    ref.to_csv(root / "reference.csv", index=False)
    cur.to_csv(root / "eval.csv", index=False)
    score = rng.uniform(size=len(cur))
    pd.DataFrame({"id": cur["id"], "prediction": np.where(score > 0.5, "yes", "no"), "score": score}).to_csv(
        root / "candidate.csv", index=False
    )
    config: dict[str, Any] = {
        "version": 1,
        "task": "binary",
        "data": {
            "eval": "eval.csv", "reference": "reference.csv", "label": "y", "positive": "yes", "id": "id"
        },
        "candidate": {"predictions": "candidate.csv"},
        "gates": {"drift": drift},
    }
    if baseline_scores is not None:
        pd.DataFrame(
            {
                "id": cur["id"],
                "prediction": np.where(baseline_scores > 0.5, "yes", "no"),
                "score": baseline_scores,
            }
        ).to_csv(root / "baseline.csv", index=False)
        config["baseline"] = {"predictions": "baseline.csv"}
    path = root / "mlgate.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def frame(
    rng: np.random.Generator, n: int, shift: float = 0.0, extra: dict[str, Any] | None = None
) -> pd.DataFrame:
    cols = {
        "id": np.arange(n),
        "y": rng.choice(["yes", "no"], size=n),
        "a": rng.normal(shift, 1, n),
        "b": rng.normal(0, 1, n),
        "c": rng.choice(["red", "green", "none"], size=n, p=[0.5, 0.3, 0.2]),
        "d": rng.integers(0, 5, n),
    }
    cols.update(extra or {})
    return pd.DataFrame(cols)


def drift_result(path: Path) -> GateResult:
    report = run(load_config(path))
    (gate,) = [g for g in report.gates if g.name == "drift"]
    json.dumps(report_to_dict(report))  # the scorecard contract stays serialisable
    return gate


def by_attribute(gate: GateResult) -> dict[str, Any]:
    return {c.attribute: c for c in gate.checks if c.metric in ("psi", "ks", "wasserstein", "js", "chi2")}


def test_one_shifted_column_fails_and_is_shown_first(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    path = write_project(tmp_path, frame(rng, 3000), frame(rng, 2000, shift=1.0), {"columns": "all"})
    gate = drift_result(path)
    assert gate.status is Status.FAIL
    checks = by_attribute(gate)
    assert set(checks) == {"a", "b", "c", "d", "y"}  # id skipped; y is the label check
    assert checks["a"].status is Status.FAIL and checks["a"].value > 0.2 and checks["a"].threshold == 0.2
    assert all(checks[c].status is Status.PASS for c in "bcd")
    assert gate.checks[0].name.startswith("drifted share")
    assert gate.checks[0].status is Status.PASS  # 1 of 4 = 25% <= 30%
    assert gate.checks[1].attribute == "a"  # drifted columns first
    assert "▁" in checks["a"].message or "█" in checks["a"].message
    assert gate.tables[0].rows[0][0] == "a" and gate.tables[0].rows[0][5] == "yes"
    assert gate.tables[1].title == "Bins of a" and len(gate.tables[1].rows) == 10
    assert checks["a"].details["bins"][0]["bin"].startswith("<= ")


def test_share_rule_with_warn_columns(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    ref = frame(rng, 3000)
    cur = frame(rng, 2000, shift=1.0, extra={"b": rng.normal(1.5, 1, 2000)})
    gate = drift_result(write_project(tmp_path, ref, cur, {"column_severity": "warn", "share_max": 0.3}))
    checks = by_attribute(gate)
    assert checks["a"].status is Status.WARN and checks["b"].status is Status.WARN
    assert gate.checks[0].status is Status.FAIL and gate.checks[0].value == pytest.approx(0.5)
    gate = drift_result(write_project(tmp_path, ref, cur, {"column_severity": "warn", "share_max": 0.5}))
    assert gate.status is Status.WARN


def test_p_values_are_opt_in(tmp_path: Path) -> None:
    """A tiny shift on 100k rows: KS calls it significant, PSI (the default) calls it negligible."""
    rng = np.random.default_rng(3)
    n = 100_000
    ref = pd.DataFrame({"id": np.arange(n), "y": rng.choice(["yes", "no"], n), "a": rng.normal(0, 1, n)})
    cur = pd.DataFrame({"id": np.arange(n), "y": rng.choice(["yes", "no"], n), "a": rng.normal(0.03, 1, n)})
    default = by_attribute(drift_result(write_project(tmp_path, ref, cur, {"label": False})))
    assert default["a"].status is Status.PASS and default["a"].value < 0.01
    ks = by_attribute(drift_result(write_project(tmp_path, ref, cur, {"method": "ks", "label": False})))
    assert ks["a"].status is Status.FAIL and ks["a"].p_value < 0.05 and ks["a"].threshold == 0.05


def test_unseen_categories_and_missing_share(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    ref = frame(rng, 2000)
    cur = frame(rng, 2000)
    cur.loc[:99, "c"] = "purple"
    cur.loc[200:599, "b"] = np.nan
    gate = drift_result(write_project(tmp_path, ref, cur, {"predictions": False}))
    names = {c.name: c for c in gate.checks}
    unseen = names["c unseen categories"]
    assert unseen.status is Status.WARN and unseen.value == pytest.approx(0.05)
    assert "'purple' (100)" in unseen.message
    missing = names["b missing share"]
    assert missing.status is Status.WARN
    assert missing.value == pytest.approx(0.2) and missing.baseline == 0.0
    assert by_attribute(gate)["c"].details["bins"][0]["bin"] == "purple"  # largest PSI term first


def test_per_column_overrides_and_lists(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    ref, cur = frame(rng, 2000), frame(rng, 2000, shift=0.4)
    drift = {
        "columns": ["a", "d"],
        "method": "wasserstein",
        "per_column": {"a": {"method": "js", "max": 0.5}, "d": {"kind": "categorical", "method": "chi2"}},
        "label": False,
    }
    checks = by_attribute(drift_result(write_project(tmp_path, ref, cur, drift)))
    assert set(checks) == {"a", "d"}
    assert checks["a"].metric == "js" and checks["a"].threshold == 0.5 and checks["a"].status is Status.PASS
    assert checks["d"].metric == "chi2" and checks["d"].details["kind"] == "categorical"


def test_prediction_drift_against_baseline_warns(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    ref, cur = frame(rng, 1000), frame(rng, 1000)
    path = write_project(tmp_path, ref, cur, {}, baseline_scores=rng.beta(8, 2, 1000))
    gate = drift_result(path)
    pred = next(c for c in gate.checks if c.details.get("role") == "prediction")
    assert pred.attribute == "score" and pred.status is Status.WARN
    assert "candidate vs the baseline's predictions" in pred.message
    assert gate.status is Status.WARN


def test_prediction_drift_against_reference_column(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    ref = frame(rng, 1000, extra={"logged_score": rng.uniform(size=1000)})
    cur = frame(rng, 1000)
    gate = drift_result(write_project(tmp_path, ref, cur, {"reference_predictions": "logged_score"}))
    pred = next(c for c in gate.checks if c.details.get("role") == "prediction")
    assert pred.status is Status.PASS and "column 'logged_score'" in pred.message
    assert "logged_score" not in by_attribute(gate)


def test_markdown_escapes_column_names(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    ref = frame(rng, 500, extra={"<img src=x>|bad": rng.normal(size=500)})
    cur = frame(rng, 500, extra={"<img src=x>|bad": rng.normal(3, 1, size=500)})
    path = write_project(tmp_path, ref, cur, {})
    report = run(load_config(path))
    text = render_markdown(report)
    assert "<img" not in text
    assert "&lt;img src=x&gt;\\|bad" in text


@pytest.mark.parametrize(
    "change,message",
    [
        ({"columns": ["a", "zzz"]}, "reference.csv: no column 'zzz' (gates.drift.columns)"),
        ({"reference_predictions": "nope"}, "no column 'nope' (gates.drift.reference_predictions)"),
    ],
)
def test_input_errors_name_file_and_column(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    rng = np.random.default_rng(9)
    gate = drift_result(write_project(tmp_path, frame(rng, 100), frame(rng, 100), change))
    assert gate.status is Status.ERROR and gate.error is not None and message in gate.error


def test_type_mismatch_and_missing_reference(tmp_path: Path) -> None:
    rng = np.random.default_rng(10)
    cur = frame(rng, 100)
    cur["b"] = "text"
    gate = drift_result(write_project(tmp_path, frame(rng, 100), cur, {}))
    assert gate.error is not None and "column 'b' holds numbers in reference.csv" in gate.error
    path = write_project(tmp_path, frame(rng, 100), frame(rng, 100), {})
    config = yaml.safe_load(path.read_text())
    del config["data"]["reference"]
    path.write_text(yaml.safe_dump(config))
    gate = drift_result(path)
    assert gate.error is not None and "no reference data" in gate.error


@pytest.mark.parametrize(
    "drift,key",
    [
        ({"method": "ks", "max": 0.2}, "gates.drift.max"),
        ({"columns": ["a"], "per_column": {"b": {"max": 0.1}}}, "gates.drift.per_column.b"),
        ({"per_column": {"c": {"kind": "categorical", "method": "ks"}}}, "gates.drift.per_column.c"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, drift: dict[str, Any], key: str) -> None:
    rng = np.random.default_rng(11)
    path = write_project(tmp_path, frame(rng, 50), frame(rng, 50), drift)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(path)


def test_demo_project_is_stable(demo_project: Path) -> None:
    gate = drift_result(demo_project / "mlgate.yaml")
    checks = by_attribute(gate)
    assert "id" not in checks and "credit" in checks  # the id is skipped, the label is compared
    features = [c for c in gate.checks if c.details.get("role") == "feature"]
    assert len(features) == 22 and all(c.status is Status.PASS for c in features)
    assert gate.status is not Status.FAIL


def test_datetime_columns_are_left_out(tmp_path: Path) -> None:
    rng = np.random.default_rng(12)
    ref = frame(rng, 200, extra={"when": pd.date_range("2024-01-01", periods=200, freq="h")})
    cur = frame(rng, 200, extra={"when": pd.date_range("2025-01-01", periods=200, freq="h")})
    path = write_project(tmp_path, ref, cur, {})
    ref.to_parquet(tmp_path / "reference.parquet")
    cur.to_parquet(tmp_path / "eval.parquet")
    config = yaml.safe_load(path.read_text())
    config["data"].update(eval="eval.parquet", reference="reference.parquet")
    path.write_text(yaml.safe_dump(config))
    gate = drift_result(path)
    assert "when" not in by_attribute(gate)
    assert any("date/time columns not compared" in n and "when" in n for n in gate.notes)


def test_parquet_columns_are_read_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With Parquet inputs the gate asks the tables for one column per request, and its result is the
    same as from the whole tables in memory."""
    import dataclasses

    from mlgate.gates.drift import DriftGate
    from mlgate.inputs import build_inputs
    from mlgate.io.lazy import FrameTable, ParquetTable

    rng = np.random.default_rng(13)
    wide = {f"x{i}": rng.normal(i % 3, 1, 3000) for i in range(8)}
    ref = frame(rng, 3000, extra=wide)
    cur = frame(rng, 2000, shift=0.5, extra={k: v[:2000] for k, v in wide.items()})
    cur.loc[:199, "c"] = None
    path = write_project(tmp_path, ref, cur, {"per_column": {"d": {"kind": "categorical"}}})
    ref.to_parquet(tmp_path / "reference.parquet", index=False)
    cur.to_parquet(tmp_path / "eval.parquet", index=False)
    config = yaml.safe_load(path.read_text())
    config["data"].update(eval="eval.parquet", reference="reference.parquet")
    path.write_text(yaml.safe_dump(config))
    loaded = load_config(path)
    inputs = build_inputs(loaded)
    section = loaded.config.gates.drift
    assert section is not None
    assert isinstance(inputs.eval.frame, ParquetTable) and isinstance(inputs.reference, ParquetTable)

    requests: list[list[str]] = []
    load = ParquetTable._load

    def spy(self: ParquetTable, columns: list[str]) -> pd.DataFrame:
        requests.append(list(columns))
        return load(self, columns)

    monkeypatch.setattr(ParquetTable, "_load", spy)
    lazy = DriftGate().run(inputs, section)
    assert requests and max(len(r) for r in requests) == 1
    features = ["a", "b", "c", "d", *wide]
    for col in features:  # once from each table
        assert sum(r == [col] for r in requests) == 2, col

    in_memory = dataclasses.replace(
        inputs,
        eval=dataclasses.replace(inputs.eval, frame=FrameTable(cur, "eval.parquet")),
        reference=FrameTable(ref, "reference.parquet"),
    )
    # The gate let the columns go: reading one again goes back to the file.
    before = len(requests)
    assert inputs.reference is not None and inputs.reference["x3"].equals(ref["x3"])
    assert requests[before:] == [["x3"]]
    assert DriftGate().run(in_memory, section) == lazy


def _old_categorical(ref: pd.Series, cur: pd.Series) -> Any:
    """The gate's categorical statistics as computed before value counts: factorize both whole columns."""
    from mlgate.stats.drift import categorical_drift

    if ref.dtype != cur.dtype:
        ref, cur = ref.astype("string"), cur.astype("string")
    codes, uniques = pd.factorize(pd.concat([ref, cur], ignore_index=True), use_na_sentinel=True)
    return categorical_drift(codes[: len(ref)], codes[len(ref) :], [str(u) for u in uniques])


@pytest.mark.parametrize(
    "ref,cur",
    [
        (pd.Series(["b", None, "a", "b", "c"]), pd.Series(["a", "d", None, "d"])),
        (pd.Series([3, 1, 3, 2]), pd.Series(["1", "3", None, "x"])),
        (pd.Series([1.0, np.nan, 2.5, 1.0]), pd.Series([2, 1, 7])),
        (pd.Series([True, False, True]), pd.Series([True, None, False], dtype=object)),
        (pd.Series(["x", "y", "x"], dtype="category"), pd.Series(["y", "z"], dtype="category")),
        (pd.Series([1, "1", None, 2.0], dtype=object), pd.Series([1, 2, 2])),
    ],
)
def test_categorical_labels_from_distinct_values(ref: pd.Series, cur: pd.Series) -> None:
    """Distinct values with counts give the labels (and their order) of the whole columns."""
    from mlgate.engines.local import LocalColumn
    from mlgate.gates._drift_columns import column_stats

    new = column_stats(LocalColumn(ref, "r"), LocalColumn(cur, "c"), "categorical", 10, "x")
    old = _old_categorical(ref, cur)
    assert new.bins.labels == old.bins.labels
    assert new.bins.ref.tolist() == old.bins.ref.tolist() and new.bins.cur.tolist() == old.bins.cur.tolist()
    assert (new.missing_ref, new.missing_cur, new.psi, new.unseen) == (
        old.missing_ref, old.missing_cur, old.psi, old.unseen
    )

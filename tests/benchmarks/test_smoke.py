"""The benchmark driver keeps working: a tiny run (2,000 rows, one gate alone, no external peers)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from benchmarks.data import CATEGORICAL, NUMERIC, SENSITIVE, parse_size, size_label, workload
from benchmarks.measure import measure
from benchmarks.run import Row, targets

ROOT = Path(__file__).resolve().parents[2]


def test_parse_size() -> None:
    assert [parse_size(s) for s in ("2000", "100k", "1m", "10M", "1_000")] == [
        2000,
        100_000,
        10**6,
        10**7,
        1000,
    ]
    assert size_label(10**7) == "10m" and size_label(2500) == "2500"
    with pytest.raises(ValueError, match="bad size"):
        parse_size("lots")


def test_workload_shape(tmp_path: Path) -> None:
    root = workload(2000, tmp_path)
    ev = pq.read_table(root / "eval.parquet")
    assert ev.num_rows == 2000
    assert len(NUMERIC) == 15 and len(CATEGORICAL) == 5 and len(SENSITIVE) == 2
    assert set(ev.column_names) == {"id", "label", *NUMERIC, *CATEGORICAL, *SENSITIVE}
    for model in ("candidate", "baseline"):
        preds = pq.read_table(root / f"{model}.parquet")
        assert preds.column_names == ["id", "prediction", "score"]
        assert preds["id"].equals(ev["id"])
    # Cached: a second call reuses the files.
    mtime = (root / "eval.parquet").stat().st_mtime_ns
    assert workload(2000, tmp_path) == root and (root / "eval.parquet").stat().st_mtime_ns == mtime


def test_measure_sees_the_child_peak_memory() -> None:
    # A child that touches 200 MiB must report at least that much, and the next one must not
    # inherit that peak (each measurement is its own child).
    big = measure([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"])
    small = measure([sys.executable, "-c", "pass"])
    assert big.returncode == 0 and big.peak_mib >= 200
    assert small.peak_mib < 100


def test_measure_times_out() -> None:
    m = measure([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert m.timed_out and m.wall_s < 10


def test_targets_are_judged_from_the_same_run() -> None:
    def row(task: str, wall: float, peak: float = 500.0, **data: object) -> Row:
        family = "all"
        return Row(task, family, wall, peak, True, data=dict(data))

    small = [row("floor (all families)", 1.0, bytes=300 * 2**20), row("mlgate check (all gates)", 3.0, 800.0)]
    big = [
        row("floor (all families)", 10.0, bytes=3000 * 2**20),
        row("mlgate check (all gates)", 45.0, 9500.0),
        Row("Evidently DataDriftPreset", "drift", 100.0, 1.0, False, "timed out after 100 s (a lower bound)"),
    ]
    judged = {t: (v, ok) for t, v, ok in targets({10**6: small, 10**7: big})}
    assert judged["1m: check within 4x the floor"] == ("3.0x", True)
    assert judged["10m: check within 4x the floor"] == ("4.5x", False)
    assert judged["1m: peak memory at most 3x the columns used (300 MiB)"] == ("2.7x", True)
    assert judged["10m: peak memory at most 3x the columns used (3000 MiB)"][1] is False
    assert judged["10m vs 1m: time grows at most 11x"] == ("15.0x", False)
    assert judged["10m: Evidently at least 3x slower than check"] == ("2.2x (peer timed out)", False)


def test_driver_smoke(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--sizes",
            "2000",
            "--gates",
            "performance",
            "--only",
            "floor,check,peers-local",
            "--data-dir",
            str(tmp_path / "data"),
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "| mlgate check (all gates) |" in proc.stdout and "| floor (performance) |" in proc.stdout
    raw = json.loads(out.read_text())
    rows = {r["task"]: r for r in raw["results"]["2000"]}
    assert {
        "floor (all families)",
        "floor (performance)",
        "mlgate check (performance only)",
        "scikit-learn point metrics",
        "pandera validate (lazy)",
        "fairlearn MetricFrame",
    } <= set(rows)
    for task in (
        "floor (all families)",
        "floor (performance)",
        "scikit-learn point metrics",
        "mlgate check (performance only)",
    ):
        assert rows[task]["ok"], rows[task]
        assert rows[task]["wall_s"] > 0 and rows[task]["peak_mib"] > 10
    # The floor and scikit-learn compute the same numbers on the same rows.
    floor_perf = rows["floor (performance)"]["data"]["performance"]
    sk = rows["scikit-learn point metrics"]["data"]
    for key in ("candidate_roc_auc", "baseline_log_loss", "candidate_f1", "baseline_accuracy"):
        assert math.isclose(floor_perf[key], sk[key], rel_tol=1e-9), key
    assert raw["machine"]["cores"]


@pytest.mark.parametrize("gate", ["drift", "fairness", "performance", "schema"])
def test_gate_benchmarks_run(gate: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each gate's own benchmark still drives the gate's current interface (on 2,000 rows)."""
    import importlib

    import benchmarks.data

    monkeypatch.setattr(benchmarks.data, "ROOT", tmp_path)
    result = importlib.import_module(f"benchmarks.bench_{gate}").run(2000)
    assert result.get("n_rows") == 2000, result


def test_decisions_table_runs_and_keeps_the_margin_guarantee() -> None:
    """`python -m benchmarks.decisions` (the table in docs/statistics.md), on few runs per cell."""
    from benchmarks.decisions import block_rates, table

    text = table(reps=400)
    assert text.count("| margin |") == 4 and text.count("| evidence |") == 4
    margin_at, evidence_at, _, _ = block_rates(10_000, 0.15, 0.02, 0.02, reps=2000, seed=1)
    assert margin_at < 0.04 < 0.35 < evidence_at

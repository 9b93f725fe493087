"""Synthetic benchmark workload: a binary-classification evaluation set, written as Parquet.

15 numeric + 5 categorical features, a binary label, two sensitive columns (``sex``, ``age_group``),
candidate and baseline predictions (id, prediction, score) and a reference table (the drift gate's
"training data", with two numeric columns shifted so that drift exists). Rows are generated in chunks
of one million with a seed per chunk, so a 10M-row workload never holds more than one chunk in memory
and the first 1M rows of the 10M workload equal the 1M workload.

Usage: ``python -m benchmarks.data 100k`` (cached under ``benchmarks/.data/<size>/``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent / ".data"
CHUNK = 1_000_000
NUMERIC = [f"num_{i:02d}" for i in range(15)]
CATEGORICAL = {f"cat_{i}": k for i, k in enumerate((3, 5, 8, 12, 20))}
SENSITIVE = {"sex": ("female", "male"), "age_group": ("<25", "25-60", ">60")}
FORMAT_VERSION = "2"  # bump when the generator changes, so cached workloads are rebuilt

CONFIG = """\
# mlgate benchmark workload ({n_rows} rows): every gate but deepchecks (a peer, benchmarked apart).
version: 1
task: binary
data:
  eval: eval.parquet
  reference: reference.parquet
  label: label
  positive: 1
  id: id
{schema}candidate:
  predictions: candidate.parquet
baseline:
  predictions: baseline.parquet
gates:
{gates}"""

GATES = {
    "schema": "  schema:\n    max_examples: 3\n",
    "performance": (
        "  performance:\n    metrics:\n"
        "      accuracy: {min: 0.6, max_drop: 0.02}\n"
        "      roc_auc: {min: 0.6, max_drop: 0.02}\n"
        "      f1: {min: 0.5, max_drop: 0.03}\n"
        "      log_loss: {max: 0.9, max_drop: 0.05}\n"
    ),
    "slices": "  slices:\n    columns: [cat_1, num_00]\n    metric: accuracy\n    max_drop: 0.05\n",
    "fairness": (
        "  fairness:\n    sensitive: [sex, age_group]\n    intersections: [[sex, age_group]]\n"
        "    metrics:\n      demographic_parity_ratio: {min: 0.8}\n"
        "      equalized_odds_difference: {max: 0.2}\n    max_regression: 0.05\n"
    ),
    "drift": "  drift:\n    columns: all\n    method: psi\n    max: 0.2\n    share_max: 0.3\n",
}


def parse_size(text: str) -> int:
    """'100k' -> 100_000, '1m' -> 1_000_000, '2000' -> 2000."""
    t = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    number = t[:-1] if mult > 1 else t
    try:
        value = int(float(number) * mult)
    except ValueError:
        raise ValueError(f"bad size '{text}': use e.g. 2000, 100k, 1m, 10m") from None
    if value < 100:
        raise ValueError(f"size '{text}' is too small: at least 100 rows")
    return value


def size_label(n_rows: int) -> str:
    for unit, div in (("m", 1_000_000), ("k", 1_000)):
        if n_rows % div == 0:
            return f"{n_rows // div}{unit}"
    return str(n_rows)


def _chunk(start: int, n: int, *, reference: bool) -> tuple[pa.Table, pa.Table | None, pa.Table | None]:
    """Rows [start, start+n): the eval (or reference) table and, for eval, the two prediction tables."""
    seed = (start // CHUNK) * 2 + (1 if reference else 0)
    rng = np.random.default_rng([20240601, seed, n])
    cols: dict[str, pa.Array] = {"id": pa.array(np.arange(start, start + n, dtype=np.int64))}
    x = rng.standard_normal((n, len(NUMERIC)))
    scale = np.linspace(1.0, 50.0, len(NUMERIC))
    shift = np.zeros(len(NUMERIC))
    if reference:
        shift[:2] = 0.35  # drift the gate should see (PSI ~0.1-0.2) on two columns
    for j, name in enumerate(NUMERIC):
        cols[name] = pa.array((x[:, j] + shift[j]) * scale[j] + 10.0 * j)
    codes = {}
    for name, k in CATEGORICAL.items():
        # Zipf-like category frequencies, as real categoricals have.
        p = 1.0 / np.arange(1, k + 1)
        codes[name] = rng.choice(k, size=n, p=p / p.sum())
        # Plain strings, as most writers (Spark, pandas object columns) store them.
        cols[name] = pa.array(np.array([f"{name}_v{i}" for i in range(k)], dtype=object)[codes[name]])
    sens = {}
    for name, values in SENSITIVE.items():
        probs = (0.4, 0.6) if len(values) == 2 else (0.2, 0.65, 0.15)
        sens[name] = rng.choice(len(values), size=n, p=probs)
        cols[name] = pa.array(np.array(values, dtype=object)[sens[name]])
    logit = 1.2 * x[:, 0] - 0.8 * x[:, 1] + 0.6 * x[:, 2] + 0.3 * (codes["cat_1"] == 0) - 0.2 * sens["sex"]
    label = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    cols["label"] = pa.array(label)
    eval_table = pa.table(cols)
    if reference:
        return eval_table, None, None
    preds = []
    for noise, weight in ((0.6, 1.0), (0.9, 0.8)):  # candidate is better than the baseline
        s = 1.0 / (1.0 + np.exp(-(weight * logit + noise * rng.standard_normal(n))))
        s = np.round(s, 6)
        preds.append(
            pa.table(
                {
                    "id": cols["id"],
                    "prediction": pa.array((s >= 0.5).astype(np.int64)),
                    "score": pa.array(s),
                }
            )
        )
    return eval_table, preds[0], preds[1]


def _schema_yaml() -> str:
    """The eval schema as pandera YAML: dtypes, no nulls, value ranges and category sets.

    Written from the generator's known domain rather than inferred from a sample, so that every row
    of every size passes (an inferred min/max would reject the tails of a larger sample).
    """
    import pandera.pandas as pdx

    columns = {"id": pdx.Column("int64", pdx.Check.ge(0), unique=True)}
    for name in NUMERIC:
        columns[name] = pdx.Column("float64", pdx.Check.in_range(-1e4, 1e4))
    for name, k in CATEGORICAL.items():
        columns[name] = pdx.Column("str", pdx.Check.isin([f"{name}_v{i}" for i in range(k)]))
    for name, values in SENSITIVE.items():
        columns[name] = pdx.Column("str", pdx.Check.isin(list(values)))
    columns["label"] = pdx.Column("int64", pdx.Check.isin([0, 1]))
    return str(pdx.DataFrameSchema(columns, strict=True).to_yaml())


def write_config(
    root: Path, n_rows: int, gates: tuple[str, ...] | None = None, name: str = "mlgate.yaml"
) -> Path:
    chosen = gates if gates is not None else tuple(GATES)
    # The top-level schema: key turns the schema gate on, so only configs measuring it name the schema.
    schema = "schema: schema.yaml\n" if "schema" in chosen else ""
    text = CONFIG.format(n_rows=n_rows, schema=schema, gates="".join(GATES[g] for g in chosen))
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def workload(n_rows: int, root: Path | None = None) -> Path:
    """Directory holding the workload of ``n_rows`` rows (built once, then cached)."""
    base = root if root is not None else ROOT
    out = base / size_label(n_rows)
    stamp = out / ".complete"
    if stamp.exists() and stamp.read_text() == FORMAT_VERSION:
        _write_configs(out, n_rows)  # cheap, and follows changes of the configs without new data
        return out
    out.mkdir(parents=True, exist_ok=True)
    names = ("eval", "candidate", "baseline", "reference")
    writers: dict[str, pq.ParquetWriter] = {}
    try:
        for start in range(0, n_rows, CHUNK):
            n = min(CHUNK, n_rows - start)
            ev, cand, base_preds = _chunk(start, n, reference=False)
            ref = _chunk(start, n, reference=True)[0]
            if start == 0:
                (out / "schema.yaml").write_text(_schema_yaml(), encoding="utf-8")
            for name, table in zip(names, (ev, cand, base_preds, ref), strict=True):
                assert table is not None
                if name not in writers:
                    writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
                # Row groups of 128k rows, a common writer default, let readers stream in batches.
                writers[name].write_table(table, row_group_size=128 * 1024)
    finally:
        for w in writers.values():
            w.close()
    _write_configs(out, n_rows)
    stamp.write_text(FORMAT_VERSION)
    return out


def _write_configs(out: Path, n_rows: int) -> None:
    write_config(out, n_rows)
    for gate in GATES:
        write_config(out, n_rows, (gate,), name=f"mlgate.{gate}.yaml")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", help="e.g. 100k 1m 10m")
    args = parser.parse_args(argv)
    for size in args.sizes:
        print(workload(parse_size(size)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

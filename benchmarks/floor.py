"""The floor: read the columns a gate family needs, then one vectorised numpy pass per metric family.

No tool checking the same things can be much faster than this, so the driver reports every other
measurement as a ratio to it. Usage: ``python -m benchmarks.floor DIR {all,schema,performance,...}``;
prints one JSON object (the in-memory bytes of the columns read, and a few values as a sanity check).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.data import CATEGORICAL, NUMERIC, SENSITIVE

FEATURES = [*NUMERIC, *CATEGORICAL, *SENSITIVE]
# Columns each family reads, per file: what the matching mlgate gate needs at least.
COLUMNS: dict[str, dict[str, list[str]]] = {
    "schema": {"eval": ["id", *FEATURES, "label"]},
    "performance": {
        "eval": ["id", "label"],
        "candidate": ["id", "prediction", "score"],
        "baseline": ["id", "prediction", "score"],
    },
    "slices": {
        "eval": ["id", "label", "cat_1", "num_00"],
        "candidate": ["id", "prediction"],
        "baseline": ["id", "prediction"],
    },
    "fairness": {
        "eval": ["id", "label", *SENSITIVE],
        "candidate": ["id", "prediction"],
        "baseline": ["id", "prediction"],
    },
    "drift": {
        "eval": ["id", *FEATURES, "label"],
        "reference": [*FEATURES, "label"],
        "candidate": ["id", "score"],
        "baseline": ["id", "score"],
    },
}


def columns_for(family: str) -> dict[str, list[str]]:
    if family != "all":
        return COLUMNS[family]
    merged: dict[str, list[str]] = {}
    for spec in COLUMNS.values():
        for file, cols in spec.items():
            merged[file] = list(dict.fromkeys([*merged.get(file, []), *cols]))
    return merged


def read(root: Path, family: str) -> dict[str, pa.Table]:
    return {f: pq.read_table(root / f"{f}.parquet", columns=c) for f, c in columns_for(family).items()}


def codes(col: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    enc = pc.dictionary_encode(col).combine_chunks()
    return enc.indices.to_numpy(zero_copy_only=False), len(enc.dictionary)


def auc(y: np.ndarray, s: np.ndarray) -> float:
    """Mann-Whitney AUC with one sort (ties get average ranks, as scikit-learn's roc_auc_score)."""
    order = np.argsort(s, kind="stable")
    ss = s[order]
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    # Average ranks over tied scores.
    starts = np.flatnonzero(np.r_[True, ss[1:] != ss[:-1]])
    ends = np.r_[starts[1:], len(s)]
    avg = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(avg, ends - starts)
    n1 = int(y.sum())
    n0 = len(y) - n1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n0 * n1))


def schema_pass(t: dict[str, pa.Table]) -> dict[str, float]:
    ev = t["eval"]
    bad = 0
    for name in NUMERIC:
        x = ev[name].to_numpy()
        bad += int(np.count_nonzero(np.isnan(x) | (x < -1e4) | (x > 1e4)))
    for name, k in CATEGORICAL.items():
        allowed = pa.array([f"{name}_v{i}" for i in range(k)])
        bad += len(ev) - int(pc.sum(pc.is_in(ev[name], value_set=allowed)).as_py() or 0)
    for name, values in SENSITIVE.items():
        bad += len(ev) - int(pc.sum(pc.is_in(ev[name], value_set=pa.array(values))).as_py() or 0)
    bad += int(np.count_nonzero(~np.isin(ev["label"].to_numpy(), (0, 1))))
    dup = len(ev) - len(pc.unique(ev["id"]))
    return {"schema_bad": bad, "duplicate_ids": dup}


def performance_pass(t: dict[str, pa.Table]) -> dict[str, float]:
    y = t["eval"]["label"].to_numpy()
    out: dict[str, float] = {}
    preds = []
    for model in ("candidate", "baseline"):
        p = t[model]["prediction"].to_numpy()
        s = t[model]["score"].to_numpy()
        preds.append(p)
        cm = np.bincount(2 * y + p, minlength=4)
        tn, fp, fn, tp = cm
        out[f"{model}_accuracy"] = (tp + tn) / len(y)
        out[f"{model}_f1"] = 2 * tp / (2 * tp + fp + fn)
        sc = np.clip(s, 1e-15, 1 - 1e-15)
        out[f"{model}_log_loss"] = float(-np.mean(y * np.log(sc) + (1 - y) * np.log(1 - sc)))
        out[f"{model}_roc_auc"] = auc(y, s)
    # The paired table (label x candidate x baseline): what McNemar and a paired bootstrap need.
    out["paired_cells"] = int(np.count_nonzero(np.bincount(4 * y + 2 * preds[0] + preds[1], minlength=8)))
    return out


def slices_pass(t: dict[str, pa.Table]) -> dict[str, float]:
    y = t["eval"]["label"].to_numpy()
    c, k = codes(t["eval"]["cat_1"])
    x = t["eval"]["num_00"].to_numpy()
    b = np.searchsorted(np.quantile(x, [0.25, 0.5, 0.75]), x, side="right")
    out = {}
    for model in ("candidate", "baseline"):
        hit = (t[model]["prediction"].to_numpy() == y).astype(np.int64)
        for name, g, m in (("cat_1", c, k), ("num_00", b, 4)):
            out[f"{model}_{name}_worst"] = float(np.min(np.bincount(g, hit, m) / np.bincount(g, None, m)))
    return out


def fairness_pass(t: dict[str, pa.Table]) -> dict[str, float]:
    y = t["eval"]["label"].to_numpy()
    groups = [codes(t["eval"][name]) for name in SENSITIVE]
    inter = groups[0][0] * groups[1][1] + groups[1][0]
    out = {}
    for model in ("candidate", "baseline"):
        p = t[model]["prediction"].to_numpy()
        for name, (g, k) in (
            *zip(SENSITIVE, groups, strict=True),
            ("intersection", (inter, groups[0][1] * groups[1][1])),
        ):
            cm = np.bincount(4 * g + 2 * y + p, minlength=4 * k).reshape(k, 2, 2)
            sel = cm[:, :, 1].sum(axis=1) / cm.sum(axis=(1, 2))
            tpr = cm[:, 1, 1] / cm[:, 1].sum(axis=1)
            fpr = cm[:, 0, 1] / cm[:, 0].sum(axis=1)
            out[f"{model}_{name}_dp_ratio"] = float(sel.min() / sel.max())
            out[f"{model}_{name}_eo_diff"] = float(max(np.ptp(tpr), np.ptp(fpr)))
    return out


def psi(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    r = np.clip(ref_counts / ref_counts.sum(), 1e-4, None)
    c = np.clip(cur_counts / cur_counts.sum(), 1e-4, None)
    return float(np.sum((c - r) * np.log(c / r)))


def drift_pass(t: dict[str, pa.Table]) -> dict[str, float]:
    out = {}
    ev, ref = t["eval"], t["reference"]
    for name in [*NUMERIC, "label"]:
        r, c = ref[name].to_numpy(), ev[name].to_numpy()
        edges = np.unique(np.quantile(r, np.linspace(0, 1, 11)[1:-1]))
        k = len(edges) + 1
        out[name] = psi(
            np.bincount(np.searchsorted(edges, r), minlength=k),
            np.bincount(np.searchsorted(edges, c), minlength=k),
        )
    for name in [*CATEGORICAL, *SENSITIVE]:
        both = pa.chunked_array(ref[name].chunks + ev[name].chunks)
        g, k = codes(both)
        out[name] = psi(np.bincount(g[: len(ref)], minlength=k), np.bincount(g[len(ref) :], minlength=k))
    s = [t[m]["score"].to_numpy() for m in ("baseline", "candidate")]
    edges = np.quantile(s[0], np.linspace(0, 1, 11)[1:-1])
    out["score"] = psi(
        np.bincount(np.searchsorted(edges, s[0]), minlength=10),
        np.bincount(np.searchsorted(edges, s[1]), minlength=10),
    )
    return {"drifted": sum(v > 0.2 for v in out.values()), "max_psi": max(out.values())}


PASSES = {
    "schema": schema_pass,
    "performance": performance_pass,
    "slices": slices_pass,
    "fairness": fairness_pass,
    "drift": drift_pass,
}


def main(argv: list[str]) -> int:
    root, family = Path(argv[0]), argv[1]
    tables = read(root, family)
    # Predictions are joined to the eval rows by id, as mlgate does (here the order already matches,
    # which the check below confirms in one vectorised pass instead of a hash join).
    if "candidate" in tables and "id" in tables["eval"].column_names:
        ids = tables["eval"]["id"].to_numpy()
        for model in ("candidate", "baseline"):
            if "id" in tables[model].column_names:
                assert np.array_equal(ids, tables[model]["id"].to_numpy()), "ids out of order"
    result: dict[str, object] = {"bytes": sum(t.nbytes for t in tables.values())}
    for name in PASSES if family == "all" else [family]:
        result[name] = PASSES[name](tables)
    print(json.dumps(result, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

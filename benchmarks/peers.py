"""Peer tools doing one gate family's work on the benchmark workload, each as its users would.

Usage: ``python -m benchmarks.peers {pandera,sklearn,fairlearn} DIR`` (mlgate's environment) and
``ENV/bin/python benchmarks/peers_external.py {evidently,deepchecks} DIR`` (their own environments).
Prints one JSON object with a few of the values computed, so a run that silently did nothing shows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from benchmarks.data import SENSITIVE


def pandera_peer(root: Path) -> dict[str, object]:
    # pandera alone: read the eval table, validate it lazily (every failure collected), as the
    # schema gate must. https://pandera.readthedocs.io/en/stable/lazy_validation.html
    import pandera.pandas as pdx

    schema = pdx.DataFrameSchema.from_yaml(root / "schema.yaml")
    frame = pd.read_parquet(root / "eval.parquet")
    schema.validate(frame, lazy=True)
    return {"rows": len(frame)}


def _labelled(root: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    frame = pd.read_parquet(root / "eval.parquet", columns=["id", "label", *SENSITIVE])
    preds = {m: pd.read_parquet(root / f"{m}.parquet") for m in ("candidate", "baseline")}
    # Join by id, as a user with an id column would (mlgate aligns predictions by data.id).
    return frame, {m: frame[["id"]].merge(p, on="id", how="left", validate="1:1") for m, p in preds.items()}


def sklearn_peer(root: Path) -> dict[str, object]:
    from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

    frame, preds = _labelled(root)
    y = frame["label"].to_numpy()
    out: dict[str, object] = {}
    for model, p in preds.items():
        out[f"{model}_accuracy"] = accuracy_score(y, p["prediction"])
        out[f"{model}_roc_auc"] = roc_auc_score(y, p["score"])
        out[f"{model}_f1"] = f1_score(y, p["prediction"])
        out[f"{model}_log_loss"] = log_loss(y, p["score"])
    return out


def fairlearn_peer(root: Path) -> dict[str, object]:
    # MetricFrame per sensitive attribute and for their intersection, for both models: the numbers
    # the fairness gate reports. https://fairlearn.org/main/user_guide/assessment/
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )

    frame, preds = _labelled(root)
    metrics = {"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate}
    out: dict[str, object] = {}
    for model, p in preds.items():
        for features in (["sex"], ["age_group"], list(SENSITIVE)):
            mf = MetricFrame(
                metrics=metrics,
                y_true=frame["label"],
                y_pred=p["prediction"],
                sensitive_features=frame[features],
            )
            key = f"{model}_{'x'.join(features)}"
            out[f"{key}_dp_ratio"] = float(mf.ratio()["selection_rate"])
            diff = mf.difference()
            out[f"{key}_eo_diff"] = float(max(diff["tpr"], diff["fpr"]))
    return out


PEERS = {"pandera": pandera_peer, "sklearn": sklearn_peer, "fairlearn": fairlearn_peer}


def main(argv: list[str]) -> int:
    name, root = argv[0], Path(argv[1])
    print(json.dumps(PEERS[name](root), default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

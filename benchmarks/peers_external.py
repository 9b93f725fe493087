"""Peers that need their own environment (their pins conflict with mlgate's): Evidently, deepchecks.

Run with the peer's interpreter, never imported by mlgate's: ``benchmarks/.envs/evidently/bin/python
benchmarks/peers_external.py evidently DIR``. Uses only pandas and the peer, so it needs nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

NUMERIC = [f"num_{i:02d}" for i in range(15)]
CATEGORICAL = [f"cat_{i}" for i in range(5)] + ["sex", "age_group"]


def evidently_peer(root: Path) -> dict[str, object]:
    # Evidently >= 0.7: Report([DataDriftPreset()]).run(current, reference) computes one drift test
    # per column (and the share of drifted columns), the drift gate's job.
    # https://docs.evidentlyai.com/metrics/preset_data_drift
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    cols = [*NUMERIC, *CATEGORICAL, "label"]
    definition = DataDefinition(numerical_columns=NUMERIC, categorical_columns=[*CATEGORICAL, "label"])
    cur = Dataset.from_pandas(
        pd.read_parquet(root / "eval.parquet", columns=cols), data_definition=definition
    )
    ref = Dataset.from_pandas(
        pd.read_parquet(root / "reference.parquet", columns=cols), data_definition=definition
    )
    snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
    result = snapshot.dict()
    return {"metrics": len(result.get("metrics", []))}


def deepchecks_peer(root: Path) -> dict[str, object]:
    # deepchecks' data_integrity suite on the eval set and train_test_validation (drift) against the
    # reference, with the candidate's scores as the model output. https://docs.deepchecks.com/stable/
    import numpy as np
    from deepchecks.tabular import Dataset
    from deepchecks.tabular.suites import data_integrity, train_test_validation

    ev = pd.read_parquet(root / "eval.parquet").drop(columns=["id"])
    ref = pd.read_parquet(root / "reference.parquet").drop(columns=["id"])
    kwargs = {"label": "label", "cat_features": CATEGORICAL}
    test_ds, train_ds = Dataset(ev, **kwargs), Dataset(ref, **kwargs)
    integrity = data_integrity().run(test_ds)
    drift = train_test_validation().run(train_dataset=train_ds, test_dataset=test_ds)
    return {"checks": len(integrity.results) + len(drift.results), "rows": int(np.int64(len(ev)))}


PEERS = {"evidently": evidently_peer, "deepchecks": deepchecks_peer}


def main(argv: list[str]) -> int:
    name, root = argv[0], Path(argv[1])
    print(json.dumps(PEERS[name](root), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The packaged example: UCI German Credit, a baseline and a candidate model trained on the fly.

The data (``data/german.csv``) is the UCI Statlog German Credit data set (Hofmann, 1994), CC BY 4.0;
see ``data/README.md`` for its provenance.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEMO_CONFIG = """\
# mlgate demo: German Credit, candidate vs production baseline on the same 300 rows.
version: 1
task: binary
data:
  eval: data/eval.csv
  reference: data/train.csv
  label: credit
  positive: good
  id: id
schema: schemas/eval.yaml
candidate:
  predictions: out/candidate.csv
baseline:
  predictions: baseline/predictions.csv
gates:
  schema:
    max_examples: 3
  performance:
    metrics:
      accuracy: {min: 0.70, max_drop: 0.02}
      roc_auc: {min: 0.70, max_drop: 0.02}
      f1: {min: 0.75, max_drop: 0.03}
      log_loss: {max: 0.65, max_drop: 0.05}
  slices:
    columns: [purpose, age]
    metric: accuracy
    max_drop: 0.10
    min_size: 30
  fairness:
    sensitive: [sex, age_group]
    intersections: [[sex, age_group]]
    metrics:
      demographic_parity_ratio: {min: 0.8}
      equalized_odds_difference: {max: 0.2}
    max_regression: 0.05
    min_group_size: 30
  drift:
    columns: all
    method: psi
    max: 0.2
    share_max: 0.3
report:
  title: mlgate demo scorecard
"""

NUMERIC = [
    "duration_months",
    "credit_amount",
    "installment_rate",
    "residence_since",
    "age",
    "existing_credits",
    "num_dependents",
]
CATEGORICAL = [
    "checking_status",
    "credit_history",
    "purpose",
    "savings",
    "employment_since",
    "other_debtors",
    "property",
    "installment_plans",
    "housing",
    "job",
    "telephone",
    "foreign_worker",
]


def german_csv() -> Path:
    return Path(str(resources.files("mlgate.demo") / "data" / "german.csv"))


def build_demo(workdir: Path) -> Path:
    """Write the demo project (data, predictions, schema, mlgate.yaml) into ``workdir``."""
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = pd.read_csv(german_csv(), keep_default_na=False)
    # A fixed, seeded split: 700 rows to train on (also the drift reference), 300 to evaluate.
    order = np.random.default_rng(20240601).permutation(len(frame))
    train, evalset = frame.iloc[np.sort(order[:700])], frame.iloc[np.sort(order[700:])]
    y_train = (train["credit"] == "good").astype(int)

    baseline = make_pipeline(
        ColumnTransformer([("num", StandardScaler(), NUMERIC[:3])]),
        LogisticRegression(max_iter=1000),
    )
    candidate = make_pipeline(
        ColumnTransformer(
            [
                ("num", StandardScaler(), NUMERIC),
                ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            ]
        ),
        LogisticRegression(max_iter=2000, C=0.5),
    )
    for dirname in ("data", "out", "baseline", "schemas"):
        (workdir / dirname).mkdir(parents=True, exist_ok=True)
    train.to_csv(workdir / "data" / "train.csv", index=False)
    evalset.to_csv(workdir / "data" / "eval.csv", index=False)
    for model, path in ((baseline, "baseline/predictions.csv"), (candidate, "out/candidate.csv")):
        model.fit(train, y_train)
        score = model.predict_proba(evalset)[:, 1]
        pd.DataFrame(
            {
                "id": evalset["id"].to_numpy(),
                "prediction": np.where(score >= 0.5, "good", "bad"),
                "score": np.round(score, 6),
            }
        ).to_csv(workdir / path, index=False)
    (workdir / "schemas" / "eval.yaml").write_text(_schema_yaml(frame), encoding="utf-8")
    config = workdir / "mlgate.yaml"
    config.write_text(DEMO_CONFIG, encoding="utf-8")
    return config


def _schema_yaml(frame: object) -> str:
    """The demo's pandera schema, inferred from the full data set by the same code as `schema infer`."""
    try:
        from mlgate.schema.infer import infer_pandera_yaml
    except ImportError:  # the data gate is not installed in this build
        return ""
    text: str = infer_pandera_yaml(frame)  # type: ignore[arg-type]
    return text

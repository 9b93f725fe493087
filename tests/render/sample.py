"""A hand-built report used by the renderer tests (hostile strings included on purpose)."""

from __future__ import annotations

from mlgate.result import Check, ErrorKind, GateResult, Limit, LimitKind, Provenance, Report, Status, Table
from mlgate.views import ChartKind

HOSTILE = "<img src=x onerror=alert(1)> | @octocat #12 `x` **b** ::error::pwn\n[l](http://e.vil)"


def sample_report(*, advisory: bool = False) -> Report:
    perf = GateResult(chart=ChartKind.METRICS,
        name="performance",
        summary="1 of 3 metric checks failed",
        checks=(
            Check(
                name="accuracy >= 0.7",
                status=Status.PASS,
                metric="accuracy",
                value=0.8125,
                baseline=0.8,
                delta=0.0125,
                threshold=0.7,
                limit=Limit(LimitKind.MIN, 0.7),
                ci_low=-0.01,
                ci_high=0.035,
                p_value=0.86,
                message="accuracy is 0.8125 (>= 0.7)",
            ),
            Check(
                name="roc_auc max_drop 0.01",
                status=Status.FAIL,
                metric="roc_auc",
                value=0.71,
                baseline=0.78,
                delta=-0.07,
                threshold=0.01,
                limit=Limit(LimitKind.MAX_DROP, 0.01, 0.78, "the baseline 0.78 − the allowed drop 0.01"),
                ci_low=-0.1,
                ci_high=-0.04,
                p_value=0.0004,
                mde=0.031,
                family="Holm across 2 metrics of the performance gate",
                message="roc_auc dropped by 0.07 (allowed 0.01), significant (p=0.0004)",
            ),
            Check(
                name="log_loss <= 0.6",
                status=Status.WARN,
                metric="log_loss",
                value=0.61,
                threshold=0.6,
                limit=Limit(LimitKind.MAX, 0.6),
                message="log_loss is 0.61, above 0.6 (warn only)",
            ),
        ),
    )
    schema = GateResult(
        name="schema",
        summary="1 column check failed",
        checks=(
            Check(
                name=f"column {HOSTILE}: isin",
                status=Status.FAIL,
                attribute=HOSTILE,
                message=f"2 rows (0.5%) not in allowed values, e.g. row 3: {HOSTILE}",
                details={"examples": [{"row": 3, "value": HOSTILE}]},
            ),
        ),
        tables=(Table(title="Failing values", headers=("row", "value"), rows=((3, HOSTILE), (9, "ok"))),),
        notes=("pandera schema schemas/eval.yaml",),
    )
    drift = GateResult(chart=ChartKind.COLUMNS,
        name="drift",
        error="data.reference: ref.csv: file not found",
        error_kind=ErrorKind.INPUT,
        summary="could not be evaluated",
    )
    fairness = GateResult(chart=ChartKind.GROUPS, name="fairness",
                          skipped_reason="no sensitive columns configured")
    return Report(
        gates=(schema, perf, fairness, drift),
        provenance=Provenance(
            config_sha256="a" * 64,
            inputs={"data/eval.csv": "b" * 64},
            git_sha="c" * 40,
            config_path="mlgate.yaml",
        ),
        mlgate_version="0.0.0-test",
        advisory=advisory,
        config_id="models/churn/mlgate.yaml",
    )

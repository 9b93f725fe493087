"""A report with every chartable gate (performance, fairness, drift, slices), hostile labels included."""

from __future__ import annotations

from mlgate.result import Check, GateResult, Limit, LimitKind, Provenance, Report, Status, Table
from mlgate.views import ChartKind
from tests.render.sample import HOSTILE

MERMAID_HOSTILE = 'x"] \n```\n%%{init: {"theme":"dark"}}%%\n<script>alert(1)</script>#quot;;'


def at_least(value: float) -> Limit:
    return Limit(LimitKind.MIN, value)


def at_most(value: float) -> Limit:
    return Limit(LimitKind.MAX, value)


def chart_report() -> Report:
    perf = GateResult(chart=ChartKind.METRICS,
        name="performance",
        summary="1 of 4 metric checks failed",
        checks=(
            Check(name="accuracy >= 0.7", status=Status.PASS, metric="accuracy", value=0.77, threshold=0.7,
                  limit=at_least(0.7)),
            Check(name="accuracy max_drop 0.02", status=Status.PASS, metric="accuracy", value=0.77,
                  baseline=0.76, delta=0.01, threshold=0.02, ci_low=-0.02, ci_high=0.04, p_value=0.5,
                  limit=Limit(LimitKind.MAX_DROP, 0.02, 0.76, "the baseline 0.76 − the allowed drop 0.02")),
            Check(name="roc_auc max_drop 0.02", status=Status.FAIL, metric="roc_auc", value=0.74,
                  baseline=0.80, delta=-0.06, threshold=0.02, ci_low=-0.09, ci_high=-0.03, p_value=0.001,
                  limit=Limit(LimitKind.MAX_DROP, 0.02, 0.80, "the baseline 0.8 − the allowed drop 0.02")),
            Check(name="log_loss <= 0.65", status=Status.WARN, metric="log_loss", value=0.66,
                  baseline=0.55, delta=0.11, threshold=0.65, ci_low=0.05, ci_high=0.17, limit=at_most(0.65)),
        ),
    )
    # As mlgate/gates/fairness.py reports it: one check per metric and attribute (group = the groups
    # driving the value), regression checks "vs baseline", and a "Groups by <attribute>" table.
    fairness = GateResult(chart=ChartKind.GROUPS,
        name="fairness",
        summary="1 fairness check failed",
        checks=(
            Check(name="demographic_parity_ratio >= 0.8", status=Status.PASS,
                  metric="demographic_parity_ratio", attribute="sex", group="female vs male", value=0.86,
                  threshold=0.8, limit=at_least(0.8)),
            Check(name="demographic_parity_ratio >= 0.8", status=Status.FAIL,
                  metric="demographic_parity_ratio", attribute="age_group", group="young vs old", value=0.71,
                  threshold=0.8, limit=at_least(0.8)),
            Check(name="demographic_parity_ratio vs baseline", status=Status.PASS,
                  metric="demographic_parity_ratio", attribute="age_group", value=0.71, baseline=0.73,
                  delta=-0.02, threshold=0.05, ci_low=-0.06, ci_high=0.02,
                  limit=Limit(LimitKind.MAX_DROP, 0.05, 0.73, "the baseline 0.73 − the allowed drop 0.05")),
            Check(name="equalized_odds_difference <= 0.2", status=Status.PASS,
                  metric="equalized_odds_difference", attribute="age_group", group="young vs old",
                  value=0.12, threshold=0.2, limit=at_most(0.2)),
            Check(name="groups too small to judge", status=Status.WARN, attribute="age_group",
                  group=HOSTILE, message="1 group below min_group_size 30"),
        ),
        tables=(Table(title="Groups by age_group",
                      headers=("group", "n", "selection rate", "selection rate (baseline)", "TPR", "status"),
                      rows=(("young", 52, 0.58, 0.6, 0.7, "judged"), ("old", 248, 0.82, 0.8, 0.9, "judged"),
                            (HOSTILE + MERMAID_HOSTILE, 4, 0.25, 0.25, "undefined", "too small to judge"))),),
    )
    drift = GateResult(chart=ChartKind.COLUMNS,
        name="drift",
        summary="1 of 3 columns drifted",
        checks=(
            Check(name="psi duration_months", status=Status.PASS, metric="psi", attribute="duration_months",
                  value=0.04, threshold=0.2, limit=at_most(0.2)),
            Check(name="psi purpose", status=Status.FAIL, metric="psi", attribute="purpose", value=0.31,
                  threshold=0.2, limit=at_most(0.2)),
            Check(name="ks age", status=Status.PASS, metric="ks", attribute=HOSTILE, value=0.08,
                  threshold=0.15, limit=Limit(LimitKind.MIN_P_VALUE, 0.15)),
        ),
    )
    slices = GateResult(chart=ChartKind.SLICES,
        name="slices",
        summary="1 slice regressed",
        checks=(
            Check(name="accuracy purpose=car", status=Status.FAIL, metric="accuracy", attribute="purpose",
                  group="car", value=0.62, baseline=0.75, delta=-0.13, threshold=0.10, details={"n": 80},
                  limit=Limit(LimitKind.MAX_DROP, 0.10, 0.75)),
            Check(name="accuracy purpose=tv", status=Status.PASS, metric="accuracy", attribute="purpose",
                  group="tv", value=0.81, baseline=0.79, delta=0.02, threshold=0.10, details={"n": 90},
                  limit=Limit(LimitKind.MAX_DROP, 0.10, 0.79)),
            Check(name="accuracy age=[19, 27)", status=Status.PASS, metric="accuracy", attribute="age",
                  group="[19, 27)", value=0.70, baseline=0.73, delta=-0.03, threshold=0.10,
                  limit=Limit(LimitKind.MAX_DROP, 0.10, 0.73)),
        ),
    )
    return Report(
        gates=(perf, GateResult(name="schema", summary="ok", checks=(Check(name="c", status=Status.PASS),)),
               fairness, drift, slices),
        provenance=Provenance(config_sha256="a" * 64, inputs={"data/eval.csv": "b" * 64}, git_sha="c" * 40,
                              config_path="mlgate.yaml"),
        mlgate_version="0.0.0-test",
        config_id="mlgate.yaml",
    )

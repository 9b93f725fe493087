"""Reports for the pull-request comment tests: the demo as it runs, the demo made to fail, and a
typical four-gate pass with one warning. Built from real gate runs where the demo allows."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from mlgate.render.markdown import render_markdown
from mlgate.render.mermaid import mermaid_charts
from mlgate.result import Check, GateResult, Provenance, Report, Status, Table
from mlgate.views import ChartKind

FIXED = Provenance(config_sha256="0" * 64, inputs={"data/eval.csv": "1" * 64}, config_path="mlgate.yaml")
# Stricter than the demo's own config, so that two gates fail on the demo's data and models.
FAILING_EDITS = (
    ("accuracy: {min: 0.70, max_drop: 0.02}", "accuracy: {min: 0.80, max_drop: 0.02}"),
    ("demographic_parity_ratio: {min: 0.8}", "demographic_parity_ratio: {min: 0.9}"),
)


def run_project(config: Path) -> Report:
    from mlgate.config import load_config
    from mlgate.runner import run

    return run(load_config(config))


def make_failing(project: Path) -> Path:
    config = project / "mlgate.yaml"
    text = config.read_text(encoding="utf-8")
    for old, new in FAILING_EDITS:
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    return config


def comment(report: Report) -> str:
    """scorecard.md as ``mlgate check`` writes it (charts on, the demo's default)."""
    return render_markdown(report, charts=mermaid_charts(report) or None,
                           artifact_url="https://github.com/octo/repo/actions/runs/42")


def stable(report: Report) -> Report:
    """Without what changes from run to run or release to release (version, hashes, timings)."""
    gates = tuple(dataclasses.replace(g, duration_s=0.0) for g in report.gates)
    return dataclasses.replace(report, gates=gates, provenance=FIXED, mlgate_version="0.0.0-test")


def outside_folds(markdown: str) -> str:
    """What a reader sees before unfolding anything: the text minus every ``<details>`` block."""
    return re.sub(r"<details>.*?</details>\n?", "", markdown, flags=re.S)


def warned_report(name: str = "slices", check: str = "purpose = business", column: str = "age") -> Report:
    """Four gates, everything passing but one inconclusive slice: a PASS with one warning."""
    perf = GateResult(chart=ChartKind.METRICS,
        name="performance",
        summary="4 checks passed on 2,000 rows",
        checks=(
            Check(name="accuracy >= 0.7", status=Status.PASS, metric="accuracy", value=0.757, threshold=0.7,
                  message="accuracy is 0.757 (>= 0.7)."),
            Check(name="accuracy vs baseline", status=Status.PASS, metric="accuracy", value=0.757,
                  baseline=0.733, delta=0.024, threshold=0.02, ci_low=0.004, ci_high=0.044, p_value=1.0,
                  mde=0.031, message="accuracy improved by 0.024 (0.733 -> 0.757)."),
            Check(name="roc_auc vs baseline", status=Status.PASS, metric="roc_auc", value=0.81,
                  baseline=0.80, delta=0.01, threshold=0.02, ci_low=-0.008, ci_high=0.028, p_value=1.0,
                  mde=0.03, message="roc_auc improved by 0.01 (0.8 -> 0.81)."),
        ),
    )
    slices = GateResult(
        name=name,
        chart=ChartKind.SLICES,
        summary="1 of 4 slices inconclusive on accuracy",
        checks=(
            Check(name=check, status=Status.WARN, attribute="purpose", group="business", metric="accuracy",
                  value=0.70, baseline=0.70, delta=0.0, threshold=0.1, ci_low=-0.2, ci_high=0.2, mde=0.31,
                  rows_needed=170, message="accuracy on purpose = business (37 rows) is unchanged: "
                  "inconclusive on 37 rows (about 170 rows would decide)."),
            *(Check(name=f"purpose = {g}", status=Status.PASS, attribute="purpose", group=g,
                    metric="accuracy", value=0.8, baseline=0.78, delta=0.02, threshold=0.1)
              for g in ("car", "radio", "furniture")),
        ),
    )
    schema = GateResult(name="schema", summary="data valid (eval)",
                        checks=(Check(name="eval: schema", status=Status.PASS, value=2000),))
    drift = GateResult(chart=ChartKind.COLUMNS,
        name="drift",
        summary="0 of 2 columns drifted",
        checks=(
            Check(name=f"{column} (psi)", status=Status.PASS, attribute=column, metric="psi", value=0.03,
                  threshold=0.2),
            Check(name="credit_amount (psi)", status=Status.PASS, attribute="credit_amount", metric="psi",
                  value=0.01, threshold=0.2),
        ),
        tables=(Table(title="Drift by column (drifted first)", headers=("Column", "PSI", "Drifted"),
                      rows=((column, 0.03, "no"), ("credit_amount", 0.01, "no"))),),
    )
    return Report(gates=(schema, perf, slices, drift), provenance=FIXED, mlgate_version="0.0.0-test",
                  config_id="mlgate.yaml", title="mlgate scorecard")


def failing_four_gate_report() -> Report:
    """The same four gates with the candidate worse than the baseline beyond the allowed drop."""
    report = warned_report()
    perf = report.gates[1]
    worse = dataclasses.replace(
        perf.checks[1], status=Status.FAIL, value=0.701, delta=-0.032, ci_low=-0.052, ci_high=-0.012,
        message="accuracy is worse by 0.032 (0.733 -> 0.701); the 95% interval of the change "
        "[-0.052, -0.012] lies beyond the allowed drop of 0.02.",
    )
    perf = dataclasses.replace(perf, checks=(perf.checks[0], worse, perf.checks[2]),
                               summary="1 of 3 checks failed: accuracy vs baseline")
    return dataclasses.replace(report, gates=(report.gates[0], perf, *report.gates[2:]))

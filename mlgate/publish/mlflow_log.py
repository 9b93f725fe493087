"""Log a finished ``mlgate check`` as one MLflow run (``report.mlflow: {experiment: NAME}``).

The run holds the candidate and baseline value of every check that has one and their change
(``candidate/<gate>/<check>``, ``baseline/...``, ``delta/...``), the verdict, exit code, commit and
pull request as tags, and the scorecards as artifacts. MlflowClient calls (MLflow docs,
"mlflow.client"): get_experiment_by_name / create_experiment, create_run, log_batch, log_artifact,
set_terminated. A failure here never changes the verdict: the CLI reports it as a warning.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import MlgateError, PublishError
from mlgate.io.mlflow_registry import connect, failure, mlflow_errors

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig
    from mlgate.result import Report

ARTIFACTS = ("scorecard.md", "scorecard.json", "scorecard.html")
# MLflow metric keys: alphanumerics, underscores, dashes, periods, spaces, colons and slashes, at most
# 250 characters (mlflow.utils.validation).
_KEY_BAD = re.compile(r"[^A-Za-z0-9_\-. :/]+")
MAX_KEY = 250
MAX_TAG = 5000


def metric_key(kind: str, gate: str, check: str) -> str:
    key = f"{kind}/{_KEY_BAD.sub('_', gate)}/{_KEY_BAD.sub('_', check)}"
    return key[:MAX_KEY]


def metrics_of(report: Report) -> dict[str, float]:
    """Every finite value of every check, keyed for MLflow (the first of equal keys wins)."""
    import math

    out: dict[str, float] = {}
    for gate in report.gates:
        for check in gate.checks:
            values = (("candidate", check.value), ("baseline", check.baseline), ("delta", check.delta))
            for kind, value in values:
                if value is None or not math.isfinite(value):
                    continue
                out.setdefault(metric_key(kind, gate.name, check.name), float(value))
    return out


def tags_of(report: Report, pr: int | None, commit: str | None) -> dict[str, str]:
    tags = {
        "mlgate.verdict": report.status.value,
        "mlgate.exit_code": str(report.exit_code),
        "mlgate.config_id": report.config_id,
        "mlgate.version": report.mlgate_version,
    }
    for gate in report.gates:
        tags[f"mlgate.gate.{_KEY_BAD.sub('_', gate.name)}"] = gate.status.value
    if commit:
        tags["mlgate.commit"] = commit
        # The tag MLflow's UI shows as the run's source commit (mlflow.utils.mlflow_tags).
        tags["mlflow.source.git.commit"] = commit
    if pr is not None:
        tags["mlgate.pull_request"] = str(pr)
    for uri, origin in report.provenance.models.items():
        tags[f"mlgate.model.{origin.get('registered_model') or 'run'}"] = uri
    return {k[:MAX_KEY]: v[:MAX_TAG] for k, v in tags.items()}


def log_report(loaded: LoadedConfig, report: Report, out: Path, pr: int | None) -> str:
    """Log the run; returns its id. Raises :class:`PublishError` (never anything else on purpose)."""
    from mlgate.publish.mlflow_guard import experiment_for

    experiment = experiment_for(loaded)  # the workflow's choice in a privileged run
    where = f"report.mlflow: experiment '{experiment}'"
    try:
        client = connect(loaded, where)
    except MlgateError as exc:
        raise PublishError(str(exc)) from None
    try:
        return _log(client, experiment, report, out, pr)
    except mlflow_errors() as exc:
        raise PublishError(str(failure(exc, where, client.tracking_uri))) from None


def _log(client: Any, experiment: str, report: Report, out: Path, pr: int | None) -> str:
    from mlflow.entities import Metric, RunStatus, RunTag

    found = client.get_experiment_by_name(experiment)
    exp_id = found.experiment_id if found is not None else client.create_experiment(experiment)
    commit = report.provenance.git_sha
    run = client.create_run(
        exp_id, tags={"mlflow.runName": f"mlgate {report.config_id}"[:MAX_KEY]}
    )
    run_id: str = run.info.run_id
    now = int(time.time() * 1000)
    metrics = [Metric(k, v, now, 0) for k, v in sorted(metrics_of(report).items())]
    tags = [RunTag(k, v) for k, v in sorted(tags_of(report, pr, commit).items())]
    # log_batch takes at most 1000 metrics and 100 tags per call (MLflow REST API, "Log Batch").
    for i in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[i : i + 1000])
    for i in range(0, len(tags), 100):
        client.log_batch(run_id, tags=tags[i : i + 100])
    from mlgate.publish.mlflow_guard import check_artifact_uri

    try:
        check_artifact_uri(run.info.artifact_uri, client.tracking_uri, f"report.mlflow: run {run_id}")
    except PublishError:
        client.set_terminated(run_id, RunStatus.to_string(RunStatus.FAILED))
        raise
    for name in ARTIFACTS:
        path = out / name
        if path.is_file() and not path.is_symlink():
            client.log_artifact(run_id, str(path))
    client.set_terminated(run_id, RunStatus.to_string(RunStatus.FINISHED))
    return run_id

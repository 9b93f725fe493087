"""``report.mlflow``: log the finished check to MLflow; a failure is a warning, never a verdict."""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate._cli._common import echo

if TYPE_CHECKING:
    from mlgate.result import Report


def log_results(config_path: Path, report: Report, out: Path, pr: int | None, *, debug: bool) -> None:
    """Log ``report`` as an MLflow run when the config asks for it; only ever prints to stderr."""
    try:
        from mlgate.config import load_config

        loaded = load_config(config_path)
        if loaded.config.report.mlflow is None:
            return
        from mlgate.ci import CIContext
        from mlgate.publish.mlflow_log import log_report

        number = pr if pr is not None else CIContext.detect(os.environ).pr_number
        run_id = log_report(loaded, report, out, number)
        echo(f"mlgate: results logged to MLflow run {run_id}", err=True)
    except Exception as exc:  # noqa: BLE001 - logging results must never change the verdict
        from mlgate.errors import MlgateError

        if debug:
            echo(traceback.format_exc(), err=True)
        kind = "" if isinstance(exc, MlgateError) else f"internal error: {type(exc).__name__}: "
        echo(f"mlgate: warning: logging to MLflow failed: {kind}{exc}", err=True)

"""Where ``report.mlflow`` may log: decided by the workflow whenever the pull request is not trusted.

``mlgate.yaml`` comes from the pull request. Its ``report.mlflow.experiment`` names where a run is
written with the team's MLflow credentials, and ``mlflow.tracking_uri`` which server receives it. The
credentials themselves only ever go to ``MLFLOW_TRACKING_URI``
(:func:`mlgate.io.mlflow_registry.tracking_uri`).
In a privileged run (``pull_request_target``, ``workflow_run``, ... or ``MLGATE_UNTRUSTED=1``:
:mod:`mlgate.trust`) both the server and the experiment must come from the workflow's environment
(``MLFLOW_TRACKING_URI``, ``MLGATE_MLFLOW_EXPERIMENT``), so a pull request cannot log into the team's
production experiment. And whoever runs the server chooses each run's artifact location: a ``file:``
or bare path from a remote server would make the client copy the scorecards into any folder of the
runner, so artifacts are logged only to the server's own store.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mlgate.errors import PublishError
from mlgate.io.mlflow_registry import shown

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig

EXPERIMENT_VAR = "MLGATE_MLFLOW_EXPERIMENT"


def experiment_for(loaded: LoadedConfig) -> str:
    """The experiment to log into: the workflow's ``MLGATE_MLFLOW_EXPERIMENT`` first, else the config's,
    which a privileged run refuses (with the config's tracking server)."""
    settings = loaded.config.report.mlflow
    assert settings is not None
    from_env = os.environ.get(EXPERIMENT_VAR, "").strip()
    reason = loaded.trust.privileged
    if reason is not None:
        if not os.environ.get("MLFLOW_TRACKING_URI"):
            raise PublishError(
                f"report.mlflow: not logged: {reason}, and only the workflow may name the tracking server "
                "(set MLFLOW_TRACKING_URI in the workflow; mlflow.tracking_uri in mlgate.yaml is not used)"
            )
        if not from_env:
            raise PublishError(
                f"report.mlflow: not logged: {reason}, and the experiment comes from the pull request's "
                f"mlgate.yaml (set {EXPERIMENT_VAR} in the workflow to log)"
            )
    if from_env:
        if len(from_env) > 500:
            raise PublishError(f"{EXPERIMENT_VAR}: longer than 500 characters")
        return from_env
    return settings.experiment


def check_artifact_uri(artifact_uri: str | None, server: str, where: str) -> None:
    """Refuse a run whose artifacts a remote server placed at a local path of this machine."""
    from urllib.parse import urlsplit

    if not artifact_uri or not server.lower().startswith(("http://", "https://")):
        return
    if urlsplit(artifact_uri).scheme.lower() in ("", "file"):
        raise PublishError(
            f"{where}: {shown(server)} put the run's artifacts at a local path ({artifact_uri[:200]}); "
            "the scorecards were not copied there",
            hint="log to a server started with --serve-artifacts (mlflow-artifacts:/ locations)",
        )

"""MLflow model URIs and the tracking server: parse, connect, resolve aliases, turn failures into
input errors that name the URI.

URI forms (MLflow docs, "Model Registry" and "Artifact stores / runs:/ URIs"):
``models:/NAME@ALIAS``, ``models:/NAME/VERSION`` and ``runs:/RUN_ID/PATH``.

The server comes from ``MLFLOW_TRACKING_URI`` (set by the workflow), else ``mlflow.tracking_uri`` in
mlgate.yaml. mlflow sends ``MLFLOW_TRACKING_TOKEN`` (or username/password) to whatever server it talks
to, and mlgate.yaml comes from the pull request: a server named only by the config never gets them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from mlgate.errors import InputError

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig

URI_PREFIXES = ("models:/", "runs:/")
CREDENTIAL_VARS = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")
# The secret ones are masked through the one list, mlgate.net.tokens.SECRET_VARS.
# mlflow retries a failed request 7 times with exponential backoff (about two minutes) and waits 120 s
# per request by default (mlflow.environment_variables): a CI gate should say "unreachable" sooner.
# The user's own settings win.
_FAST_FAIL = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}
_NAME = re.compile(r"^[^/@'\"\\\x00-\x1f]{1,256}$")
_VERSION = re.compile(r"^[0-9]{1,9}$")
_ALIAS = re.compile(r"^[A-Za-z0-9_\-]{1,255}$")
_RUN_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


_MISSING = ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")


def is_model_uri(value: str | None) -> bool:
    return value is not None and value.startswith(URI_PREFIXES)


@dataclass(frozen=True)
class ModelRef:
    """A parsed model URI: a registered model with a version or an alias, or a run's artifact path."""

    uri: str
    name: str | None = None
    version: str | None = None
    alias: str | None = None
    run_id: str | None = None
    path: str | None = None


def parse_model_uri(uri: str, where: str) -> ModelRef:
    forms = "models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH"
    if uri.startswith("runs:/"):
        run_id, _, path = uri[len("runs:/") :].partition("/")
        parts = path.split("/")
        if not _RUN_ID.match(run_id) or not path or any(p in ("", ".", "..") for p in parts):
            raise InputError(f"{where}: not a run model URI", hint=f"use {forms}")
        return ModelRef(uri=uri, run_id=run_id, path=path)
    rest = uri[len("models:/") :]
    if "@" in rest:
        name, _, alias = rest.rpartition("@")
        if _NAME.match(name) and _ALIAS.match(alias):
            return ModelRef(uri=uri, name=name, alias=alias)
    else:
        name, _, version = rest.partition("/")
        if _NAME.match(name) and _VERSION.match(version):
            return ModelRef(uri=uri, name=name, version=version)
    raise InputError(f"{where}: not a registered model URI with a version or an alias", hint=f"use {forms}")


def shown(url: str) -> str:
    """A server address fit for messages: no user, password or query (they can hold credentials)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparsable address)"
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def tracking_uri(loaded: LoadedConfig, where: str) -> str:
    env = os.environ.get("MLFLOW_TRACKING_URI")
    if env:
        return env
    settings = loaded.config.mlflow
    configured = settings.tracking_uri if settings is not None else None
    if configured is None:
        raise InputError(
            f"{where}: no MLflow tracking server",
            hint="set MLFLOW_TRACKING_URI in the workflow (or mlflow.tracking_uri in mlgate.yaml)",
        )
    given = [n for n in CREDENTIAL_VARS if os.environ.get(n)]
    if given:
        raise InputError(
            f"{where}: mlflow.tracking_uri ({shown(configured)}) comes from mlgate.yaml, and "
            f"{given[0]} is set: credentials are only sent to the server the workflow names",
            hint="set MLFLOW_TRACKING_URI in the workflow's environment instead of mlflow.tracking_uri",
        )
    return configured


def fast_fail_defaults() -> None:
    for name, value in _FAST_FAIL.items():
        os.environ.setdefault(name, value)


def connect(loaded: LoadedConfig, where: str) -> Any:
    """An ``MlflowClient`` for the tracking server (mlflow is imported only here: it is heavy)."""
    fast_fail_defaults()
    uri = tracking_uri(loaded, where)
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise InputError(f"{where}: MLflow URIs need mlflow", hint="pip install 'mlgate[mlflow]'") from None
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def failure(exc: BaseException, where: str, server: str) -> InputError:
    """An mlflow or network failure as one input error naming the URI and the server (no secrets)."""
    code = getattr(exc, "error_code", None)
    # mlflow's messages quote the request URL: without the server's user, password and query.
    text = str(exc).replace(server.rstrip("/"), shown(server).rstrip("/"))
    text = text.splitlines()[0][:300] if text else type(exc).__name__
    if code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"):
        return InputError(f"{where}: not found on {shown(server)}: {text}")
    if code in ("PERMISSION_DENIED", "UNAUTHENTICATED"):
        return InputError(
            f"{where}: the MLflow server {shown(server)} refused access ({code})",
            hint="set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME/PASSWORD) in the workflow",
        )
    lowered = text.lower()
    if any(s in lowered for s in ("connection", "max retries", "timed out", "timeout", "name or service")):
        return InputError(
            f"{where}: cannot reach the MLflow tracking server {shown(server)}",
            hint="check MLFLOW_TRACKING_URI and that the server is up "
            "(MLFLOW_HTTP_REQUEST_TIMEOUT / MLFLOW_HTTP_REQUEST_MAX_RETRIES tune the wait)",
        )
    return InputError(f"{where}: MLflow request to {shown(server)} failed: {text}")


def mlflow_errors() -> tuple[type[BaseException], ...]:
    """The exception types a request to the server can end in (mlflow's and the HTTP stack's)."""
    from mlflow.exceptions import MlflowException
    from requests.exceptions import RequestException

    return (MlflowException, RequestException, OSError)


@dataclass(frozen=True)
class ResolvedModel:
    """A model URI pinned to what it names now: the artifacts to download and who made them."""

    ref: ModelRef
    download_uri: str
    version: str | None
    run_id: str | None
    source: str | None


def resolve(client: Any, ref: ModelRef, where: str) -> ResolvedModel:
    """Pin an alias to its version (downloaded as ``models:/NAME/VERSION``, so a concurrent alias
    move cannot mix two versions); unknown names and aliases list what exists."""
    errors = mlflow_errors()
    server = client.tracking_uri
    try:
        if ref.run_id is not None:
            run = client.get_run(ref.run_id)
            _check_location(run.info.artifact_uri, server, where)
            return ResolvedModel(ref, ref.uri, None, run.info.run_id, ref.uri)
        assert ref.name is not None
        if ref.alias is not None:
            try:
                mv = client.get_model_version_by_alias(ref.name, ref.alias)
            except errors as exc:
                # Servers answer an unknown alias with INVALID_PARAMETER_VALUE, an unknown model with
                # RESOURCE_DOES_NOT_EXIST: look at the registered model to say which.
                if getattr(exc, "error_code", None) not in _MISSING:
                    raise
                raise (_unknown(client, ref, where) or failure(exc, where, server)) from None
        else:
            mv = client.get_model_version(ref.name, ref.version)
        _check_location(client.get_model_version_download_uri(mv.name, mv.version), server, where)
    except InputError:
        raise
    except errors as exc:
        raise failure(exc, where, server) from None
    return ResolvedModel(ref, f"models:/{mv.name}/{mv.version}", str(mv.version), mv.run_id, mv.source)


def _check_location(location: str | None, server: str, where: str) -> None:
    """Whoever logs a model chooses where its artifacts are. From a remote server, a ``file:`` or bare
    path location would make the client copy (and then load) files from the runner itself."""
    if not server.lower().startswith(("http://", "https://")) or not location:
        return
    if urlsplit(location).scheme.lower() in ("", "file"):
        raise InputError(
            f"{where}: the model's artifacts are at a local path ({location[:200]}), not on the server",
            hint="log models to a server started with --serve-artifacts (mlflow-artifacts:/ locations)",
        )


def _unknown(client: Any, ref: ModelRef, where: str) -> InputError | None:
    """Why an alias lookup failed (no such model, or no such alias), or None when both exist."""
    errors = mlflow_errors()
    try:
        model = client.get_registered_model(ref.name)
    except errors as exc:
        if getattr(exc, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
            return InputError(
                f"{where}: no registered model '{ref.name}' on {shown(client.tracking_uri)}",
                hint="register the model first (mlflow.register_model) or fix the name",
            )
        return failure(exc, where, client.tracking_uri)
    aliases = dict(getattr(model, "aliases", None) or {})
    if ref.alias in aliases:
        return None
    listed = ", ".join(f"@{a} (version {v})" for a, v in sorted(aliases.items())[:20]) or "none"
    return InputError(
        f"{where}: registered model '{ref.name}' has no alias '{ref.alias}'; its aliases: {listed}",
        hint="set it with MlflowClient().set_registered_model_alias(name, alias, version)",
    )
